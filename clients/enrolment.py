"""Enrolling a new host: the client half of ``coordinator.enrolment``, used by
``quantix-node --join``.

Steps, each named in its error: read the fleet's CA from the coordinator's handshake and check
it against the join string's pin; make a key (it never leaves this host) and a signing request;
send it with the token over TLS verified against that CA; check the certificate that comes back
(signed by that CA, for this host, for this key).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import grpc

from clients.channels import UNARY_DEADLINE_S, open_enrolment_channel
from clients.errors import describe_rpc_error
from domain.join import JoinString
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from trust import pki
from trust.pinning import PinMismatch, fetch_pinned_ca


class EnrolmentFailed(Exception):
    """Enrolment did not complete; the message names the step and the cause."""


@dataclass(frozen=True)
class Enrolled:
    certificate: bytes  # PEM
    key: bytes  # PEM, this host's own
    ca: bytes  # PEM, the pinned CA


async def enrol(join: JoinString, host: str, timeout_s: float = UNARY_DEADLINE_S) -> Enrolled:
    address = join.enrolment_address
    try:
        ca = await asyncio.to_thread(fetch_pinned_ca, address, join.ca_fingerprint, timeout_s)
    except PinMismatch as error:
        raise EnrolmentFailed(f"checking the coordinator's CA: {error}") from None
    key = pki.new_key()
    request = pb.EnrolRequest(token=str(join.token), hostname=host, csr=pki.make_csr(key, host))
    channel = open_enrolment_channel(address, ca)
    try:
        reply = await pb_grpc.CoordinatorStub(channel).Enrol(request, timeout=timeout_s)
    except grpc.aio.AioRpcError as error:
        target = f"coordinator {address}"
        raise EnrolmentFailed(f"enrolling: {describe_rpc_error(error, target)}") from None
    finally:
        await channel.close()
    try:
        certificate = pki.load_cert(reply.certificate)
        pki.verify_issued_by(certificate, pki.load_cert(ca))
    except ValueError as error:
        raise EnrolmentFailed(f"checking the certificate received: {error}") from None
    if pki.host_of(certificate) != host or not pki.same_public_key(certificate, key):
        raise EnrolmentFailed(
            f"checking the certificate received: it is not for {host} and this host's key"
        )
    return Enrolled(reply.certificate, pki.key_pem(key), ca)
