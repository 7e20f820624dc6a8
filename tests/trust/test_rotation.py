"""`quantixctl pki rotate` on a running coordinator: new connections get the new certificate at
once, without a restart, and clients keep working."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import ssl
import subprocess
import sys

from clients.coordinator import CoordinatorClient
from trust import pki
from trust.files import PkiPaths


def served_fingerprint(address: str, identity_file: str) -> str:
    """The fingerprint of the certificate the server presents in a fresh TLS handshake."""
    host, _, port = address.rpartition(":")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # only reading what it presents
    context.set_alpn_protocols(["h2"])
    context.load_cert_chain(identity_file)  # the server asks for a client certificate
    with (
        socket.create_connection((host, int(port)), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    return "sha256:" + hashlib.sha256(der).hexdigest()


def file_fingerprint(path) -> str:
    return pki.fingerprint(pki.load_cert(path.read_bytes()))


def test_rotate_is_served_to_new_connections_without_a_restart(coordinator):
    identity_file = str(coordinator.trust.identity_file("admin"))
    paths = PkiPaths.of(coordinator.trust.coordinator_dir)
    before = file_fingerprint(paths.server_cert)
    assert served_fingerprint(coordinator.address, identity_file) == before

    rotated = subprocess.run(
        [
            sys.executable,
            "-m",
            "clients.cli",
            "pki",
            "rotate",
            "--data-dir",
            str(coordinator.trust.coordinator_dir),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    after = file_fingerprint(paths.server_cert)
    assert after != before
    assert "Coordinator certificate for localhost, 127.0.0.1, ::1" in rotated.stdout

    assert served_fingerprint(coordinator.address, identity_file) == after

    async def still_serving() -> int:
        async with CoordinatorClient(coordinator.endpoint()) as client:
            return len((await client.list_nodes()).nodes)

    assert asyncio.run(still_serving()) == 0
    log = coordinator.log_file.read_text()
    assert "serving the renewed certificate" in log
    assert "coordinator stopped" not in log  # the same process, never restarted
