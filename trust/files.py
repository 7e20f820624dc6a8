"""The PKI on disk: the coordinator's data directory and admin identity files.

Private keys are written 0600 from the first byte (created with that mode, then renamed into
place, so no reader ever sees a key with wider permissions or half written) and never leave the
machine that made them. Certificates are 0644.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from trust import pki
from trust.config import (
    CA_CERT_FILE,
    CA_KEY_FILE,
    NODE_CA_FILE,
    NODE_CERT_FILE,
    NODE_COORDINATOR_FILE,
    NODE_KEY_FILE,
    PRIVATE_MODE,
    PUBLIC_MODE,
    SERVER_CERT_FILE,
    SERVER_KEY_FILE,
)


class PkiError(Exception):
    """The PKI files are not as the command needs them (exist already, missing, unreadable)."""


def write_file(path: Path, data: bytes, mode: int) -> None:
    """Atomically replace ``path`` with ``data``, created with ``mode`` (never wider)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class PkiPaths:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path

    @classmethod
    def of(cls, data_dir: Path) -> PkiPaths:
        return cls(
            data_dir / CA_CERT_FILE,
            data_dir / CA_KEY_FILE,
            data_dir / SERVER_CERT_FILE,
            data_dir / SERVER_KEY_FILE,
        )


@dataclass(frozen=True)
class NodePaths:
    cert: Path
    key: Path
    ca: Path
    coordinator: Path

    @classmethod
    def of(cls, data_dir: Path) -> NodePaths:
        return cls(
            data_dir / NODE_CERT_FILE,
            data_dir / NODE_KEY_FILE,
            data_dir / NODE_CA_FILE,
            data_dir / NODE_COORDINATOR_FILE,
        )


def write_node_identity(
    data_dir: Path, certificate: bytes, key: bytes, ca: bytes, coordinator: str
) -> None:
    """What a node keeps of its certificate: key, CA, the coordinator's address and the
    certificate, written last, so a node that finds its certificate finds everything else."""
    paths = NodePaths.of(data_dir)
    write_file(paths.key, key, PRIVATE_MODE)
    write_file(paths.ca, ca, PUBLIC_MODE)
    write_file(paths.coordinator, coordinator.encode() + b"\n", PUBLIC_MODE)
    write_file(paths.cert, certificate, PUBLIC_MODE)


def stored_coordinator(data_dir: Path) -> str:
    """The coordinator address stored with a node's certificate."""
    path = NodePaths.of(data_dir).coordinator
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        raise PkiError(
            f"no coordinator address was stored with this node's certificate ({path} is "
            "missing): pass --coordinator"
        ) from None


def init_pki(data_dir: Path, names: list[str], addresses: list[str]) -> pki.Issued:
    """A new CA and the coordinator's certificate in ``data_dir``; refused when a CA is there
    already (replacing it would orphan every enrolled node). Returns the CA."""
    paths = PkiPaths.of(data_dir)
    if paths.ca_cert.exists() or paths.ca_key.exists():
        raise PkiError(
            f"{data_dir} already holds a CA ({paths.ca_cert.name}): replacing it would cut off "
            "every node enrolled with it; use `quantixctl pki rotate` to renew the "
            "coordinator's certificate"
        )
    ca = pki.make_ca()
    server = pki.issue_server(ca, names, addresses)
    write_file(paths.ca_key, pki.key_pem(ca.key), PRIVATE_MODE)
    write_file(paths.ca_cert, pki.cert_pem(ca.certificate), PUBLIC_MODE)
    write_file(paths.server_key, pki.key_pem(server.key), PRIVATE_MODE)
    write_file(paths.server_cert, pki.cert_pem(server.certificate), PUBLIC_MODE)
    return ca


def load_ca(data_dir: Path) -> pki.Issued:
    paths = PkiPaths.of(data_dir)
    try:
        return pki.Issued(
            pki.load_cert(paths.ca_cert.read_bytes()), pki.load_key(paths.ca_key.read_bytes())
        )
    except FileNotFoundError as error:
        raise PkiError(
            f"no CA in {data_dir} ({error.filename} is missing): run `quantixctl pki init` first"
        ) from None
    except ValueError as error:
        raise PkiError(f"the CA in {data_dir} cannot be read: {error}") from None


def rotate_server(
    data_dir: Path, names: list[str] | None = None, addresses: list[str] | None = None
) -> pki.Issued:
    """A new key and certificate for the coordinator, signed by the same CA (nodes keep
    trusting it); the names and addresses of the current certificate unless given."""
    ca = load_ca(data_dir)
    paths = PkiPaths.of(data_dir)
    current_names: list[str] = []
    current_addresses: list[str] = []
    if paths.server_cert.exists():
        current_names, current_addresses = pki.server_names(
            pki.load_cert(paths.server_cert.read_bytes())
        )
    server = pki.issue_server(
        ca,
        names if names else current_names,
        addresses if addresses else current_addresses,
    )
    # Key first: a reader that finds the new certificate finds its key too.
    write_file(paths.server_key, pki.key_pem(server.key), PRIVATE_MODE)
    write_file(paths.server_cert, pki.cert_pem(server.certificate), PUBLIC_MODE)
    return server


def identity_bytes(issued: pki.Issued, ca: pki.Issued) -> bytes:
    """One file for an admin: certificate, key and the CA, PEM one after the other."""
    return pki.cert_pem(issued.certificate) + pki.key_pem(issued.key) + pki.cert_pem(ca.certificate)


def write_issued_node(ca_dir: Path, host: str, node_dir: Path, coordinator: str) -> None:
    """Enrol a node offline: a key and certificate for ``host`` made with the CA in
    ``ca_dir`` and written to the node's data directory. For a local fleet on one machine
    (the CA key is right here); a remote host will enrol with a join token, so that its key
    never leaves it."""
    ca = load_ca(ca_dir)
    key = pki.new_key()
    certificate = pki.issue_node(ca, host, key.public_key())
    write_node_identity(
        node_dir,
        pki.cert_pem(certificate),
        pki.key_pem(key),
        pki.cert_pem(ca.certificate),
        coordinator,
    )


def write_identity(data_dir: Path, name: str, role: str, out: Path) -> pki.Issued:
    """An admin identity signed by the coordinator's CA, written 0600 to ``out``."""
    ca = load_ca(data_dir)
    issued = pki.issue_identity(ca, name, role)
    write_file(out, identity_bytes(issued, ca), PRIVATE_MODE)
    return issued
