"""The fleet's CA, read from a coordinator's TLS handshake and accepted only if it matches the
fingerprint a join string pins (how a new host trusts a coordinator it has never met, as
kubeadm's CA hash and Proxmox's join information do).

The coordinator serves its certificate chain with the CA at the end (``trust.credentials``).
This handshake verifies nothing by itself and sends nothing but a TLS ClientHello: the CA it
returns is trusted only because its SHA-256 equals the pinned one, and the enrolment call that
follows (which carries the join token) verifies the coordinator against that CA as usual.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

from cryptography import x509

from domain.validation import parse_address
from trust import pki


class PinMismatch(Exception):
    """The peer did not present the pinned CA, or could not be reached; the message says
    which and where."""


def _unverified_chain(sock: ssl.SSLSocket) -> list[bytes]:
    """The chain the server sent, as DER. Python 3.13 has the public
    ``SSLSocket.get_unverified_chain()``; 3.10-3.12 have the same method on the private
    ``_sslobj`` (returning certificate objects)."""
    public = getattr(sock, "get_unverified_chain", None)
    chain: list[Any] = public() if public else sock._sslobj.get_unverified_chain()  # type: ignore[union-attr]
    return [
        item if isinstance(item, bytes) else item.public_bytes(ssl._ssl.ENCODING_DER)  # type: ignore[attr-defined]
        for item in chain or []
    ]


def fetch_pinned_ca(address: str, fingerprint: str, timeout_s: float) -> bytes:
    """The PEM CA certificate ``address`` presents whose fingerprint is ``fingerprint``.

    Blocking (run it in a thread)."""
    target = parse_address(address)
    context = ssl.create_default_context()
    # Nothing is trusted yet: the pin decides below.
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])  # what a gRPC server expects a client to offer
    try:
        with (
            socket.create_connection((target.host, target.port), timeout=timeout_s) as raw,
            context.wrap_socket(raw, server_hostname=target.host) as tls,
        ):
            chain = _unverified_chain(tls)
    except (OSError, ssl.SSLError) as error:
        raise PinMismatch(f"cannot read the certificate of {address}: {error}") from None
    for der in chain:
        if pki.der_fingerprint(der) == fingerprint:
            return pki.cert_pem(x509.load_der_x509_certificate(der))
    raise PinMismatch(
        f"{address} did not present the CA the join string pins ({fingerprint[:19]}…): it is "
        "not this fleet's coordinator, or the join string is for another fleet"
    )
