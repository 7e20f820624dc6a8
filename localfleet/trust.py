"""A local fleet's PKI: a throwaway CA in the fleet's directory, the coordinator's certificate
for loopback, admin identities of each role, and node identities."""

from __future__ import annotations

from pathlib import Path

from trust import pki
from trust.config import COORDINATOR_ROLE
from trust.credentials import Identity, coordinator_identity, load_identity
from trust.files import NodePaths, PkiPaths, init_pki, load_ca, write_identity, write_issued_node

# Every daemon of a local fleet listens on loopback; consoles and nodes dial 127.0.0.1.
LOOPBACK_NAMES = ["localhost"]
LOOPBACK_ADDRESSES = ["127.0.0.1", "::1"]


class FleetTrust:
    """The CA lives in ``<workdir>/coordinator`` (the coordinator's data directory)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.coordinator_dir = workdir / "coordinator"
        if not PkiPaths.of(self.coordinator_dir).ca_cert.exists():
            init_pki(self.coordinator_dir, LOOPBACK_NAMES, LOOPBACK_ADDRESSES)
        self._identities: dict[str, Identity] = {}

    def identity_file(self, role: str = "admin") -> Path:
        """An identity file of ``role`` (made once), named after it: ``admin.pem``."""
        path = self.workdir / "identities" / f"{role}.pem"
        if not path.exists():
            write_identity(self.coordinator_dir, f"local-{role}", role, path)
        return path

    def identity(self, role: str = "admin") -> Identity:
        """An admin identity of ``role``, or with ``"coordinator"`` the coordinator's own
        (what a test that calls a node as the coordinator would present)."""
        if role not in self._identities:
            if role == COORDINATOR_ROLE:
                self._identities[role] = coordinator_identity(self.coordinator_dir)
            else:
                self._identities[role] = load_identity(self.identity_file(role))
        return self._identities[role]

    def node_identity(self, host: str) -> Identity:
        """A certificate of node ``host`` held in memory (for tests that speak as a node)."""
        key = f"node:{host}"
        if key not in self._identities:
            ca = load_ca(self.coordinator_dir)
            node_key = pki.new_key()
            certificate = pki.issue_node(ca, host, node_key.public_key())
            self._identities[key] = Identity(
                pki.cert_pem(certificate), pki.key_pem(node_key), pki.cert_pem(ca.certificate)
            )
        return self._identities[key]

    def enrol_offline(self, host: str, node_dir: Path, coordinator: str) -> None:
        """Give ``host`` a certificate in ``node_dir`` directly from the local CA, unless it
        has one already (the coordinator binds a host name to the certificate it first saw;
        a new one would be refused)."""
        if not NodePaths.of(node_dir).cert.exists():
            write_issued_node(self.coordinator_dir, host, node_dir, coordinator)
