"""Ceph keys and CHAP secrets: sealed in the coordinator's database with a key of its own,
sent to nodes only, never in a log or a read reply, and gone from the database and its WAL once
their pool is deleted. A real fleet (coordinator debug-logging), the pools of a user."""

from __future__ import annotations

import asyncio
import base64
import sqlite3
import stat
from pathlib import Path

import pytest

from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from coordinator.secret_box import KEY_FILE, SEALED_PREFIX, SecretBox, SecretsUnreadable
from coordinator.store import SQLiteStore
from localfleet.fleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.pool_wire import CEPH_KEY, CHAP_SECRET, ceph, iscsi
from tests.fleet_client import quantixctl, wait_registered
from tests.helpers import eventually

SECRETS = (CEPH_KEY, CHAP_SECRET)
HOSTS = ("host-a", "host-b")


@pytest.fixture
def fleet(tmp_path):
    local = asyncio.run(
        LocalFleet.start(
            tmp_path, HOSTS, heartbeat_interval_s=0.5, coordinator_args=("--log-level", "debug")
        )
    )
    try:
        yield local
    finally:
        asyncio.run(local.stop())


def database_bytes(fleet: LocalFleet) -> bytes:
    files = sorted((fleet.workdir / "coordinator").glob("coordinator.sqlite*"))
    return b"".join(path.read_bytes() for path in files)


def sealed_values(fleet: LocalFleet) -> list[str]:
    path = fleet.workdir / "coordinator" / "coordinator.sqlite"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [value for (value,) in db.execute("SELECT value FROM secrets")]


async def every_read_reply(fleet: LocalFleet) -> bytes:
    """Every read RPC of both servers, as an admin and as the coordinator asks nodes."""
    replies: list[bytes] = []
    async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
        for reply in (
            await client.list_pools(),
            await client.list_nodes(),
            await client.list_discovered_pools(),
            pb.ListAuditEntriesResponse(entries=await client.list_audit_entries()),
        ):
            replies.append(reply.SerializeToString())
        for name in ("rbd-vms", "san-vms"):
            replies.append((await client.get_pool(name)).SerializeToString())
        async for event in client.watch(0):
            replies.append(event.SerializeToString())
            if event.type == pb.WatchEvent.TYPE_SYNCED:
                break
    for host in HOSTS:
        async with NodeClient(fleet.node_endpoint(host), host) as node:
            replies.append(node_reply := (await node.storage_pools_stamped()).SerializeToString())
            assert node_reply
            for name in ("rbd-vms", "san-vms"):
                replies.append((await node.get_storage_pool_xml(name)).encode())
    return b"".join(replies)


def quantixctl_output(fleet: LocalFleet) -> str:
    outputs = []
    for args in (["pools", "show", "rbd-vms", "--json"], ["pools", "show", "san-vms"], ["audit"]):
        result = quantixctl(fleet, *args)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout + result.stderr)
    return "".join(outputs)


def test_secrets_are_sealed_never_shown_and_gone_after_delete(fleet):
    async def create() -> None:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_registered(fleet.coordinator_endpoint(), HOSTS)
            for spec in (ceph(hosts=HOSTS), iscsi(hosts=HOSTS)):
                await client.create_pool(spec)
            for name in ("rbd-vms", "san-vms"):
                await eventually(
                    lambda name=name: client.get_pool(name),
                    lambda pool: pool.realization.phase == cpb.PHASE_READY,
                    what=f"{name} READY",
                )

    asyncio.run(create())
    key_file = fleet.workdir / "coordinator" / KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    # At rest: sealed, and not even the plain text's base64 or raw bytes are in the files.
    sealed = sealed_values(fleet)
    assert len(sealed) == 2 and all(value.startswith(SEALED_PREFIX) for value in sealed)
    at_rest = database_bytes(fleet)
    for secret in SECRETS:
        assert secret.encode() not in at_rest
        assert base64.b64encode(secret.encode()) not in at_rest

    # Never in a read reply, a quantixctl output or any log line of the run.
    shown = asyncio.run(every_read_reply(fleet)) + quantixctl_output(fleet).encode()
    logs = b"".join(path.read_bytes() for path in fleet.workdir.glob("*.log"))
    assert b'"level": "debug"' in logs  # the coordinator logged at its most verbose
    for secret in SECRETS:
        assert secret.encode() not in shown
        assert secret.encode() not in logs

    # Deleted with their pools: neither the sealed values nor their bytes remain.
    async def delete() -> None:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            for name in ("rbd-vms", "san-vms"):
                assert (await client.delete_pool(name)).deleted

    asyncio.run(delete())
    after = database_bytes(fleet)
    for value in sealed:
        assert value.encode() not in after
        assert base64.b64decode(value.removeprefix(SEALED_PREFIX))[12:] not in after


def test_a_key_file_readable_by_others_or_another_key_is_refused(tmp_path: Path):
    box = SecretBox.of_data_dir(tmp_path)
    store = SQLiteStore(tmp_path / "c.sqlite", box)
    store.put_secrets("pool/a", {"key": "s3cret"})
    assert store.load_secrets("pool/a") == {"key": "s3cret"}
    store.close()

    # Another key (the key file lost or replaced) is refused at start, saying so.
    with pytest.raises(SecretsUnreadable) as caught:
        SQLiteStore(tmp_path / "c.sqlite", SecretBox(SecretBox.new_key()))
    assert "cannot be opened with this coordinator's secrets.key" in str(caught.value)

    (tmp_path / KEY_FILE).chmod(0o644)
    with pytest.raises(SecretsUnreadable) as caught:
        SecretBox.of_data_dir(tmp_path)
    assert str(caught.value) == (
        f"{tmp_path / KEY_FILE} is readable by others (mode 0644): "
        f"run `chmod 600 {tmp_path / KEY_FILE}`"
    )


def test_secrets_stored_before_encryption_are_sealed_on_start(tmp_path: Path):
    path = tmp_path / "c.sqlite"
    SQLiteStore(path, SecretBox(SecretBox.new_key())).close()
    with sqlite3.connect(path) as db:  # what an older coordinator left
        db.execute("INSERT INTO secrets (scope, name, value) VALUES ('pool/a', 'key', 'plain')")
    box = SecretBox(SecretBox.new_key())
    store = SQLiteStore(path, box)
    assert store.load_secrets("pool/a") == {"key": "plain"}
    store.close()
    assert SQLiteStore(path, box).load_secrets("pool/a") == {"key": "plain"}  # opens again
    store.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("c.sqlite*"))
    assert b"plain" not in stored
