"""Pools through the coordinator onto a node daemon on a real libvirtd (qemu:///system):
real volumes that block a delete, and a real mount failure reaching the pool's message."""

import asyncio
import uuid
import xml.etree.ElementTree as ET

import grpc
import libvirt
import pytest

from clients.coordinator import CoordinatorClient
from proto.quantix.v1 import common_pb2 as cpb
from tests.coordinator.pool_wire import local, nfs, phases
from tests.helpers import eventually

HOST = "real-host"


@pytest.fixture
def real_node(start_fleet, start_system_node):
    """A coordinator and one node daemon on the real libvirtd, registered by itself (on a host
    without a QEMU emulator, its hypervisor version says why it is unknown)."""
    fleet = start_fleet((), heartbeat_interval_s=600.0)
    asyncio.run(start_system_node(fleet, HOST))
    asyncio.run(registered(fleet.coordinator_endpoint()))
    return fleet


@pytest.fixture
def pool_name(system_libvirt_uri):
    """A name no other test uses; whatever is left of it on libvirtd is removed afterwards."""
    name = f"qt-coord-{uuid.uuid4().hex[:8]}"
    yield name
    conn = libvirt.open(system_libvirt_uri)
    try:
        pool = conn.storagePoolLookupByName(name)
    except libvirt.libvirtError:
        pass
    else:
        if pool.isActive():
            pool.destroy()
        pool.undefine()
    finally:
        conn.close()


def add_volume(uri, pool_name, volume_name):
    volume = ET.Element("volume")
    ET.SubElement(volume, "name").text = volume_name
    ET.SubElement(volume, "capacity", unit="MiB").text = "1"
    ET.SubElement(ET.SubElement(volume, "target"), "format", type="raw")
    conn = libvirt.open(uri)
    try:
        conn.storagePoolLookupByName(pool_name).createXML(ET.tostring(volume, encoding="unicode"))
    finally:
        conn.close()


async def registered(coordinator):
    async with CoordinatorClient(coordinator) as client:
        node = await eventually(
            lambda: client.list_nodes(),
            lambda reply: [n.name for n in reply.nodes] == [HOST],
            what=f"{HOST} registered",
        )
    assert node.nodes[0].host_info.hypervisor == "QEMU"


def test_delete_is_refused_while_the_pool_holds_volumes_unless_forced(
    real_node, pool_name, system_libvirt_uri, tmp_path
):
    directory = tmp_path / "pool-dir"

    async def create():
        async with CoordinatorClient(real_node.coordinator_endpoint()) as client:
            await client.create_pool(local(pool_name, HOST, str(directory)))
            return await eventually(
                lambda: client.get_pool(pool_name),
                lambda p: p.realization.phase != cpb.PHASE_PENDING,
                what="pool settled",
            )

    ready = asyncio.run(create())
    assert phases(ready) == {HOST: "READY"}
    assert ready.capacity_bytes > 0  # the real file system's size
    add_volume(system_libvirt_uri, pool_name, "disk-1.raw")
    add_volume(system_libvirt_uri, pool_name, "disk-2.raw")

    async def delete():
        async with CoordinatorClient(real_node.coordinator_endpoint()) as client:
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await client.delete_pool(pool_name)
            kept = await client.get_pool(pool_name)
            forced = await client.delete_pool(pool_name, force=True)
            return refused.value, kept, forced, await client.list_pools()

    refused, kept, forced, listing = asyncio.run(delete())
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert f"{HOST} has 2 volumes" in refused.details()
    assert kept.realization.phase == cpb.PHASE_READY
    assert forced.deleted
    assert [r.host for r in forced.results] == [HOST]
    assert list(listing.pools) == []
    conn = libvirt.open(system_libvirt_uri)
    try:
        assert pool_name not in [p.name() for p in conn.listAllStoragePools()]
    finally:
        conn.close()
    assert (directory / "disk-1.raw").exists()  # force leaves the volumes on the storage


def test_a_real_mount_failure_reaches_the_pool_message(real_node, pool_name):
    async def main():
        async with CoordinatorClient(real_node.coordinator_endpoint()) as client:
            await client.create_pool(nfs(pool_name, server="127.0.0.1", export_path="/export"))
            return await eventually(
                lambda: client.get_pool(pool_name),
                lambda p: p.realization.phase != cpb.PHASE_PENDING,
                timeout_s=90,
                what="pool settled",
            )

    pool = asyncio.run(main())
    assert pool.realization.phase == cpb.PHASE_ERROR
    (status,) = pool.realization.hosts
    assert status.reason == "MOUNT_FAILED"
    assert "mount.nfs" in status.message
    assert pool.realization.message == f"Not ready on any host: {HOST}: {status.message}", (
        pool.realization.message
    )


def test_a_pool_made_and_stopped_outside_quantix_is_seen_through_libvirt_events(
    real_node, pool_name, system_libvirt_uri, tmp_path
):
    """As virsh would: a pool defined and started on the real libvirtd appears as an unmanaged
    pool (the node hears libvirt's lifecycle event and reports), and goes when undefined; a
    managed pool stopped behind Quantix's back is no longer shown READY on that host."""
    directory = tmp_path / "outside"
    directory.mkdir()
    xml = ET.Element("pool", type="dir")
    ET.SubElement(xml, "name").text = pool_name
    ET.SubElement(ET.SubElement(xml, "target"), "path").text = str(directory)
    conn = libvirt.open(system_libvirt_uri)
    try:
        made = conn.storagePoolDefineXML(ET.tostring(xml, encoding="unicode"), 0)
        made.create(0)

        async def discovered(present: bool):
            async with CoordinatorClient(real_node.coordinator_endpoint()) as client:
                return await eventually(
                    lambda: client.list_discovered_pools(),
                    lambda r: (pool_name in {p.name for p in r.pools}) is present,
                    what=f"{pool_name} {'discovered' if present else 'gone'}",
                )

        found = asyncio.run(discovered(True))
        (pool,) = [p for p in found.pools if p.name == pool_name]
        assert (pool.type, pool.target_path, pool.adoptable) == ("dir", str(directory), True)
        assert [h.host for h in pool.hosts] == [HOST]
        made.destroy()
        made.undefine()
        asyncio.run(discovered(False))

        managed_dir = tmp_path / "managed"

        async def managed_then_stopped():
            async with CoordinatorClient(real_node.coordinator_endpoint()) as client:
                await client.create_pool(local(pool_name, HOST, str(managed_dir)))
                await eventually(
                    lambda: client.get_pool(pool_name),
                    lambda p: p.realization.phase == cpb.PHASE_READY,
                    what="READY",
                )
                conn.storagePoolLookupByName(pool_name).destroy()  # virsh pool-destroy
                return await eventually(
                    lambda: client.get_pool(pool_name),
                    lambda p: p.realization.phase == cpb.PHASE_ERROR,
                    what="no longer READY",
                )

        stopped = asyncio.run(managed_then_stopped())
        (status,) = stopped.realization.hosts
        assert status.reason == "NOT_RUNNING"
        assert status.message == (
            f"pool {pool_name} is inactive on {HOST}, not running: retry to start it"
        )
    finally:
        conn.close()
