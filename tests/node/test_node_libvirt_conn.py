"""The libvirt connection manager and per-pool error handling, on the real test driver."""

from __future__ import annotations

import asyncio
from pathlib import Path

import libvirt
import pytest

from node_daemon.libvirt_conn import LibvirtCallError, LibvirtConnection
from node_daemon.pools import list_pools, read_pool


class RecordingOpener:
    """libvirt.open, remembering every connection it made (to drop one from outside)."""

    def __init__(self) -> None:
        self.opened: list[libvirt.virConnect] = []

    def __call__(self, uri: str) -> libvirt.virConnect:
        conn = libvirt.open(uri)
        self.opened.append(conn)
        return conn


@pytest.fixture
def uri(host_uri: str) -> str:
    return host_uri


def pool_names(conn: libvirt.virConnect) -> list[str]:
    return sorted(pool.name() for pool in conn.listAllStoragePools())


def test_opens_lazily_and_reuses_the_connection(uri: str) -> None:
    opener = RecordingOpener()
    connection = LibvirtConnection(uri, opener)
    assert opener.opened == []

    async def twice() -> None:
        await connection.call("listing storage pools", pool_names)
        await connection.call("listing storage pools", pool_names)
        await connection.close()

    asyncio.run(twice())
    assert len(opener.opened) == 1


def test_reopens_a_connection_that_is_no_longer_alive(uri: str) -> None:
    opener = RecordingOpener()
    connection = LibvirtConnection(uri, opener)
    connection.call_sync("listing storage pools", pool_names)
    opener.opened[0].close()  # the connection drops behind the manager's back

    names = connection.call_sync("listing storage pools", pool_names)

    assert "nfs1" in names
    assert len(opener.opened) == 2


def test_reopens_once_and_retries_when_the_connection_drops_during_a_call(uri: str) -> None:
    opener = RecordingOpener()
    connection = LibvirtConnection(uri, opener)
    calls: list[libvirt.virConnect] = []

    def drops_first_time(conn: libvirt.virConnect) -> list[str]:
        calls.append(conn)
        if len(calls) == 1:
            conn.close()  # libvirt now fails with VIR_ERR_INVALID_CONN
        return pool_names(conn)

    names = connection.call_sync("listing storage pools", drops_first_time)

    assert "nfs1" in names
    assert len(calls) == 2 and calls[0] is not calls[1]
    assert len(opener.opened) == 2


def test_a_call_that_fails_again_after_reopening_is_a_connection_error(uri: str) -> None:
    connection = LibvirtConnection(uri, RecordingOpener())

    def always_drops(conn: libvirt.virConnect) -> list[str]:
        conn.close()
        return pool_names(conn)

    with pytest.raises(LibvirtCallError) as caught:
        connection.call_sync("listing storage pools", always_drops)

    assert caught.value.connection
    assert caught.value.code == libvirt.VIR_ERR_INVALID_CONN
    assert str(caught.value).startswith("listing storage pools failed: invalid connection pointer")


def test_other_libvirt_errors_name_the_step_and_carry_libvirts_text(uri: str) -> None:
    opener = RecordingOpener()
    connection = LibvirtConnection(uri, opener)

    with pytest.raises(LibvirtCallError) as caught:
        connection.call_sync("looking up pool nope", lambda c: c.storagePoolLookupByName("nope"))

    assert not caught.value.connection
    assert caught.value.code == libvirt.VIR_ERR_NO_STORAGE_POOL
    assert str(caught.value) == (
        "looking up pool nope failed: "
        "Storage pool not found: no storage pool with matching name 'nope'"
    )
    assert len(opener.opened) == 1  # not a connection problem: no reopening


def test_a_libvirt_that_cannot_be_opened_is_a_connection_error(tmp_path: Path) -> None:
    uri = f"test://{tmp_path / 'missing.xml'}"
    connection = LibvirtConnection(uri)

    with pytest.raises(LibvirtCallError) as caught:
        connection.call_sync("reading host facts", pool_names)

    assert caught.value.connection
    assert str(caught.value).startswith(
        f"reading host facts failed: cannot connect to libvirt at {uri}: "
    )


def test_a_pool_that_vanished_while_listing_is_skipped(uri: str) -> None:
    conn = libvirt.open(uri)
    try:
        pools = {pool.name(): pool for pool in conn.listAllStoragePools()}
        vanished = pools["nfs1"]
        vanished.destroy()
        vanished.undefine()  # gone after it was listed, before it was read

        assert read_pool(vanished) is None
        assert read_pool(pools["rbd1"]) is not None
        assert "nfs1" not in [pool.name for pool in list_pools(conn)]
    finally:
        conn.close()
