"""gRPC credentials from the PKI files: a server that requires a client certificate signed by
its CA, and a client that presents an identity and trusts only that CA (no system roots: a
Quantix fleet trusts its own CA, never a public one)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography import x509

from trust import pki
from trust.files import PkiError, PkiPaths


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


def server_credentials(identity: Identity) -> grpc.ServerCredentials:
    """Mutual TLS: a client without a certificate from this CA is refused in the handshake."""
    return grpc.ssl_server_credentials(
        [(identity.key, identity.certificate)],
        root_certificates=identity.ca,
        require_client_auth=True,
    )


def channel_credentials(identity: Identity) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(
        root_certificates=identity.ca,
        private_key=identity.key,
        certificate_chain=identity.certificate,
    )
