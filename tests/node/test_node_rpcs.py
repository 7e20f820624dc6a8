"""The NodeDaemon RPCs, health and reflection, from a real daemon over the libvirt test driver.

The daemon's coordinator address has nothing listening: it must serve regardless.
"""

from __future__ import annotations

import asyncio

from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from clients.channels import Endpoint, open_channel
from clients.node import NodeClient
from domain.pool_types import POOL_TYPE_LABELS
from proto.quantix.v1 import common_pb2

GiB = 1024**3
RUNNING = common_pb2.STORAGE_POOL_STATE_RUNNING


async def _host_info(endpoint: Endpoint) -> common_pb2.HostInfo:
    async with NodeClient(endpoint, name="host-a") as client:
        return await client.get_host_info()


def test_get_host_info_reports_cpu_memory_nics_and_versions(shared_node) -> None:
    info = asyncio.run(_host_info(shared_node.endpoint()))

    assert info.hostname  # the test driver reports this machine's host name
    assert (info.cpu.model, info.cpu.arch, info.cpu.mhz) == ("Intel Xeon", "i686", 2400)
    assert (info.cpu.sockets, info.cpu.cores_per_socket, info.cpu.threads_per_core) == (2, 4, 2)
    assert info.cpu.logical_cpus == 16
    assert info.memory_bytes == 16 * GiB
    nics = {nic.name: nic for nic in info.nics}
    assert set(nics) == {"eth0", "eth1"}
    eth0, eth1 = nics["eth0"], nics["eth1"]
    assert (eth0.mac, eth0.mtu, eth0.speed_mbps, eth0.link_state) == (
        "aa:bb:cc:dd:ee:ff",
        1500,
        1000,
        "up",
    )
    assert eth0.active
    # Facts the host file leaves out are "unknown", not zero speed or a made-up state.
    assert (eth1.mac, eth1.mtu, eth1.speed_mbps, eth1.link_state) == (
        "aa:bb:cc:dd:ee:01",
        0,
        -1,
        "",
    )
    assert info.libvirt_version.count(".") == 2
    assert info.libvirt_version.split(".")[0].isdigit()
    assert info.hypervisor == "TEST"
    assert info.hypervisor_version
    assert info.libvirt_uri.startswith("test:///") and info.libvirt_uri.endswith("host.xml")
    # The test driver cannot report pool capabilities: every known type, and it says so.
    assert list(info.supported_pool_types) == list(POOL_TYPE_LABELS)
    assert info.pool_types_source == (
        "assumed: the TEST driver does not report storage pool capabilities"
    )


async def _pools(endpoint: Endpoint) -> list[common_pb2.HostStoragePool]:
    async with NodeClient(endpoint) as client:
        return await client.list_storage_pools()


def test_list_storage_pools_reports_every_type_with_its_source(shared_node) -> None:
    pools = {pool.name: pool for pool in asyncio.run(_pools(shared_node.endpoint()))}

    expected = {  # name: (type, source summary, target path)
        "default": ("dir", "", "/var/lib/libvirt/images"),
        "nfs1": ("netfs", "nas:/export", "/mnt/nfs1"),
        "disk1": ("disk", "/dev/sdb", "/dev"),
        "mp1": ("mpath", "", "/dev/mapper"),
        "vg1": ("logical", "vg1", "/dev/vg1"),
        "zfs1": ("zfs", "tank", "/dev/zvol/tank"),
        "gl1": ("gluster", "gl:vol", ""),
        "scsi1": ("scsi", "host0", "/dev/disk/by-path"),
        "rbd1": ("rbd", "mon1:6789/rbdpool", ""),
        "isc1": ("iscsi", "portal:3260 iqn.2024-01.com.example:t1", "/dev/disk/by-path"),
    }
    assert {name: (p.type, p.source, p.target_path) for name, p in pools.items()} == expected
    default = pools["default"]
    assert default.uuid == "35bb2ad9-388a-cdfe-461a-b8907f6e53fe"
    for pool in pools.values():
        assert pool.state == RUNNING, pool.name
        assert pool.persistent, pool.name
        assert not pool.autostart, pool.name
        assert pool.uuid, pool.name
        # The test driver reports 100 GiB for every pool, whatever the host file says.
        assert pool.capacity_bytes == 100 * GiB, pool.name
        assert pool.allocation_bytes + pool.available_bytes == pool.capacity_bytes, pool.name


async def _networks(endpoint: Endpoint) -> list[common_pb2.HostNetwork]:
    async with NodeClient(endpoint) as client:
        return await client.list_networks()


def test_list_networks(shared_node) -> None:
    networks = {net.name: net for net in asyncio.run(_networks(shared_node.endpoint()))}

    assert set(networks) == {"default", "isolated", "v6"}
    default = networks["default"]
    assert (default.bridge, default.forward_mode, list(default.ip_cidrs)) == (
        "virbr0",
        "nat",
        ["192.168.122.1/24"],
    )
    assert default.active and default.persistent and default.uuid
    isolated = networks["isolated"]
    assert (isolated.bridge, isolated.forward_mode, list(isolated.ip_cidrs)) == (
        "virbr1",
        "",
        ["10.10.0.1/16"],
    )
    v6 = networks["v6"]
    assert (v6.forward_mode, list(v6.ip_cidrs)) == ("route", ["fd00:1::1/64"])


async def _health(endpoint: Endpoint) -> dict[str, int]:
    channel = open_channel(endpoint)
    try:
        stub = health_pb2_grpc.HealthStub(channel)
        statuses = {}
        for service in ("", "quantix.v1.NodeDaemon"):
            reply = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
            statuses[service] = reply.status
        return statuses
    finally:
        await channel.close()


def test_health_check_answers_serving(shared_node) -> None:
    statuses = asyncio.run(_health(shared_node.endpoint()))

    serving = health_pb2.HealthCheckResponse.SERVING
    assert statuses == {"": serving, "quantix.v1.NodeDaemon": serving}


async def _reflected_services(endpoint: Endpoint) -> set[str]:
    channel = open_channel(endpoint)
    try:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        call = stub.ServerReflectionInfo(iter([request]), timeout=5)
        names: set[str] = set()
        async for reply in call:
            names.update(service.name for service in reply.list_services_response.service)
        return names
    finally:
        await channel.close()


def test_reflection_lists_the_node_daemon_service(shared_node) -> None:
    services = asyncio.run(_reflected_services(shared_node.endpoint()))

    assert "quantix.v1.NodeDaemon" in services
    assert "grpc.health.v1.Health" in services
