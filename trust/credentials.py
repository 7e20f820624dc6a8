"""gRPC credentials from the PKI files: a server that requires a client certificate signed by
its CA, and a client that presents an identity and trusts only that CA (no system roots: a
Quantix fleet trusts its own CA, never a public one)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography import x509

from trust import pki
from trust.files import NodePaths, PkiError, PkiPaths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Identity:
    """Who a process is: its certificate and key, and the CA it trusts (PEM bytes)."""

    certificate: bytes
    key: bytes
    ca: bytes

    @property
    def name(self) -> str:
        return pki.common_name(pki.load_cert(self.certificate))

    @property
    def role(self) -> str:
        return pki.role_of(pki.load_cert(self.certificate))

    @property
    def fingerprint(self) -> str:
        return pki.fingerprint(pki.load_cert(self.certificate))


def _pem_blocks(data: bytes, kind: bytes) -> list[bytes]:
    begin, end = b"-----BEGIN " + kind + b"-----", b"-----END " + kind + b"-----"
    blocks = []
    start = data.find(begin)
    while start >= 0:
        stop = data.find(end, start)
        if stop < 0:
            break
        blocks.append(data[start : stop + len(end)] + b"\n")
        start = data.find(begin, stop)
    return blocks


def load_identity(path: Path) -> Identity:
    """An identity file as ``quantixctl pki issue-admin`` writes it: certificate, key, CA."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PkiError(f"cannot read the identity {path}: {error.strerror}") from None
    return parse_identity(data, str(path))


def identity_text(identity: Identity) -> str:
    """The identity as one PEM text, in the order of an identity file."""
    return (identity.certificate + identity.key + identity.ca).decode()


# An identity file is three PEM blocks (~2 KiB); anything much larger is not one.
MAX_IDENTITY_BYTES = 64 * 1024


def parse_identity(data: bytes, path: str) -> Identity:
    """An identity from the text of an identity file; ``path`` names it in errors."""
    if len(data) > MAX_IDENTITY_BYTES:
        raise PkiError(f"{path} is not a Quantix identity ({len(data)} bytes is too large)")
    certificates = _pem_blocks(data, b"CERTIFICATE")
    keys = _pem_blocks(data, b"PRIVATE KEY")
    if len(certificates) != 2 or len(keys) != 1:
        raise PkiError(
            f"{path} is not a Quantix identity (its certificate, its key and the CA, as "
            "`quantixctl pki issue-admin` writes them)"
        )
    try:
        pki.load_key(keys[0])
        for block in certificates:
            x509.load_pem_x509_certificate(block)
    except ValueError as error:
        raise PkiError(f"{path} cannot be read: {error}") from None
    return Identity(certificates[0], keys[0], certificates[1])


def coordinator_identity(data_dir: Path) -> Identity:
    """The coordinator's own identity from its data directory."""
    paths = PkiPaths.of(data_dir)
    try:
        return Identity(
            paths.server_cert.read_bytes(),
            paths.server_key.read_bytes(),
            paths.ca_cert.read_bytes(),
        )
    except FileNotFoundError as error:
        raise PkiError(
            f"no certificate in {data_dir} ({error.filename} is missing): run "
            "`quantixctl pki init` first"
        ) from None


def node_identity(data_dir: Path) -> Identity:
    """A node's identity from its data directory (written when it enrolled)."""
    paths = NodePaths.of(data_dir)
    try:
        return Identity(paths.cert.read_bytes(), paths.key.read_bytes(), paths.ca.read_bytes())
    except FileNotFoundError as error:
        raise PkiError(
            f"this node is not enrolled ({error.filename} is missing): start it once with "
            "--join JOIN_STRING (from `quantixctl hosts join-token`)"
        ) from None


def _certificate_configuration(identity: Identity) -> object:
    # The chain ends with the CA so that a node enrolling can read the CA from the handshake
    # and check it against the fingerprint its join string pins (trust.enrolment).
    return grpc.ssl_server_certificate_configuration(
        [(identity.key, identity.certificate + identity.ca)], root_certificates=identity.ca
    )


def server_credentials(
    identity: Identity, require_client_auth: bool = True
) -> grpc.ServerCredentials:
    """Mutual TLS: a client without a certificate from this CA is refused in the handshake.
    ``require_client_auth=False`` (the enrolment port only) asks for no client certificate."""
    return grpc.dynamic_ssl_server_credentials(
        _certificate_configuration(identity),
        lambda: None,
        require_client_authentication=require_client_auth,
    )


def reloading_server_credentials(
    load: Callable[[], Identity], watched: Path, require_client_auth: bool = True
) -> grpc.ServerCredentials:
    """Like ``server_credentials``, re-reading the identity for new connections once
    ``watched`` changes: `quantixctl pki rotate` takes effect without a restart, and
    connections already open keep the certificate they started with."""
    seen = [_stamp(watched)]

    def fetch() -> object | None:
        # Called by gRPC for each new handshake, on its own thread: a stat, nothing more,
        # unless the file changed.
        stamp = _stamp(watched)
        if stamp == seen[0]:
            return None
        try:
            configuration = _certificate_configuration(load())
        except (PkiError, OSError) as error:
            log.warning(
                "keeping the current certificate: the renewed one cannot be read: %s", error
            )
            return None
        seen[0] = stamp
        log.info("serving the renewed certificate from %s", watched)
        return configuration

    return grpc.dynamic_ssl_server_credentials(
        _certificate_configuration(load()), fetch, require_client_authentication=require_client_auth
    )


def _stamp(path: Path) -> tuple[int, int]:
    try:
        status = os.stat(path)
    except OSError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_ino)


def channel_credentials(identity: Identity) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(
        root_certificates=identity.ca,
        private_key=identity.key,
        certificate_chain=identity.certificate,
    )
