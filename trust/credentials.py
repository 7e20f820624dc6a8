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
    def host(self) -> str:
        """The host a node's identity was issued to ("" for others)."""
        return pki.host_of(pki.load_cert(self.certificate))


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
    return _read_identity(
        (paths.server_cert, paths.server_key, paths.ca_cert),
        f"no certificate in {data_dir}",
        "run `quantixctl pki init` first",
    )


def node_identity(data_dir: Path) -> Identity:
    """A node's identity from its data directory (its certificate, key and the CA)."""
    paths = NodePaths.of(data_dir)
    return _read_identity(
        (paths.cert, paths.key, paths.ca),
        f"this node has no certificate in {data_dir}",
        "start it once with --join JOIN_STRING (from `quantixctl hosts join-token`)",
    )


def _read_identity(files: tuple[Path, Path, Path], missing: str, remedy: str) -> Identity:
    """Certificate, key and CA from three files; a missing one is ``missing (FILE is
    missing): remedy``."""
    try:
        certificate, key, ca = (path.read_bytes() for path in files)
    except FileNotFoundError as error:
        raise PkiError(f"{missing} ({error.filename} is missing): {remedy}") from None
    return Identity(certificate, key, ca)


def _chain(identity: Identity) -> list[tuple[bytes, bytes]]:
    # The chain ends with the CA: a client can read the CA from the handshake (enrolment will
    # check it against the fingerprint a join string pins).
    return [(identity.key, identity.certificate + identity.ca)]


def server_credentials(identity: Identity) -> grpc.ServerCredentials:
    """Mutual TLS: a client without a certificate from this CA is refused in the handshake."""
    return grpc.ssl_server_credentials(
        _chain(identity), root_certificates=identity.ca, require_client_auth=True
    )


def _certificate_configuration(identity: Identity) -> object:
    return grpc.ssl_server_certificate_configuration(
        _chain(identity), root_certificates=identity.ca
    )


def reloading_server_credentials(
    load: Callable[[], Identity], watched: Path, require_client_auth: bool = True
) -> grpc.ServerCredentials:
    """Like ``server_credentials``, re-reading the identity for new connections once
    ``watched`` changes: `quantixctl pki rotate` takes effect without a restart, and
    connections already open keep the certificate they started with.

    ``require_client_auth`` False serves the enrolment port: the server still proves who it
    is, and asks the client for nothing (a new host has no certificate yet)."""
    seen = _stamp(watched)

    def fetch() -> object | None:
        # Called by gRPC for each new handshake: a stat, nothing more, unless the file
        # changed.
        nonlocal seen
        stamp = _stamp(watched)
        if stamp == seen:
            return None
        try:
            configuration = _certificate_configuration(load())
        except (PkiError, OSError) as error:
            log.warning(
                "keeping the current certificate: the renewed one cannot be read: %s", error
            )
            return None
        seen = stamp
        log.info("serving the renewed certificate from %s", watched)
        return configuration

    return grpc.dynamic_ssl_server_credentials(
        _certificate_configuration(load()),
        fetch,
        require_client_authentication=require_client_auth,
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
