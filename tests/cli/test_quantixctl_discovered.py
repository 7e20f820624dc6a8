"""Pools Quantix did not create, as quantixctl shows and adopts them: a real coordinator and two
node daemons on libvirt's test driver, whose host files already hold pools of eleven types."""

import asyncio
import json

import pytest

from clients.coordinator import CoordinatorClient
from localfleet import LocalFleet
from localfleet.testhosts import HostPool
from tests.cli.test_quantixctl_pools import one_line_error, quantixctl
from tests.helpers import eventually

DEFAULT = HostPool("default", "dir", target="/var/lib/libvirt/images")
ISOS = HostPool("nfs-isos", "netfs", {"host": "nas.lab", "dir": "/export/isos"}, "/mnt/isos")
# Pools of eleven libvirt types on one host, as another tool (virt-manager, virsh) left them.
HOST_A = (
    DEFAULT,
    ISOS,
    HostPool("ceph-vms", "rbd", {"host": "mon1.lab", "port": "6789", "name": "vms"}),
    HostPool("vg-fast", "logical", {"name": "vg-fast"}, "/dev/vg-fast"),
    HostPool(
        "san-lun",
        "iscsi",
        {"host": "san.lab", "device": "iqn.2024-01.lab.san:vms"},
        "/dev/disk/by-path",
    ),
    HostPool("sdb", "disk", {"device": "/dev/sdb"}, "/dev"),
    HostPool("multipath", "mpath", target="/dev/mapper"),
    HostPool("tank", "zfs", {"name": "tank"}),
    HostPool("gluster-vol", "gluster", {"host": "gluster.lab", "dir": "/", "name": "vol0"}),
    HostPool("hba0", "scsi", {"adapter": "host0"}, "/dev/disk/by-path"),
    HostPool("fs-data", "fs", {"device": "/dev/sdc1"}, "/srv/fs-data"),
    HostPool("shared", "netfs", {"host": "nas1.lab", "dir": "/export/shared"}, "/mnt/shared"),
)
# The same NFS pool as host-a (one card listing both), and "shared" from another server.
HOST_B = (
    ISOS,
    HostPool("shared", "netfs", {"host": "nas2.lab", "dir": "/export/shared"}, "/mnt/shared"),
)
TYPE_LABELS = {
    "default": "Local directory",
    "nfs-isos": "Network file system (NFS)",
    "ceph-vms": "Ceph RBD",
    "vg-fast": "LVM volume group",
    "san-lun": "iSCSI target",
    "sdb": "Physical disk",
    "multipath": "Multipath devices",
    "tank": "ZFS pool",
    "gluster-vol": "GlusterFS",
    "hba0": "SCSI host adapter",
    "fs-data": "Pre-formatted block device",
}


@pytest.fixture
def found_fleet(tmp_path):
    fleet = asyncio.run(
        LocalFleet.start(
            tmp_path,
            node_names=("host-a", "host-b"),
            heartbeat_interval_s=1.0,
            pools={"host-a": HOST_A, "host-b": HOST_B},
        )
    )

    async def reported():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await eventually(
                lambda: client.list_discovered_pools(),
                lambda r: (
                    {p.name for p in r.pools} >= {pool.name for pool in HOST_A}
                    and len([p for p in r.pools if p.name == "shared"]) == 2
                ),
                what="both hosts' pools reported",
            )

    try:
        asyncio.run(reported())
        yield fleet
    finally:
        asyncio.run(fleet.stop())


def listed(fleet):
    result = quantixctl(fleet, "pools", "list", "--all", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_every_pool_of_every_type_is_listed_as_unmanaged(found_fleet):
    entries = listed(found_fleet)
    unmanaged = {e["name"]: e for e in entries if e["phase"] == "UNMANAGED"}
    for name, label in TYPE_LABELS.items():
        assert unmanaged[name]["type_label"] == label, name
    # The same name and source on two hosts is one entry listing both.
    assert [h["host"] for h in unmanaged["nfs-isos"]["hosts"]] == ["host-a", "host-b"]
    assert unmanaged["vg-fast"]["adoptable"] is False
    assert unmanaged["vg-fast"]["not_adoptable_reason"].startswith(
        "LVM volume group pools are shown, not managed: Quantix can adopt "
    )
    table = quantixctl(found_fleet, "pools", "list", "--all").stdout
    assert "UNMANAGED" in table and "ZFS pool" in table
    # Without --all, only what Quantix manages: nothing yet.
    assert quantixctl(found_fleet, "pools", "list").stdout.strip() == "No pools."


def test_adopting_a_directory_and_an_nfs_pool_makes_them_managed_and_ready(found_fleet):
    dry = quantixctl(found_fleet, "pools", "adopt", "default", "--host", "host-a", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "/var/lib/libvirt/images" in dry.stdout
    assert "UNMANAGED" in quantixctl(found_fleet, "pools", "list", "--all").stdout  # unchanged

    local = quantixctl(
        found_fleet, "pools", "adopt", "default", "--host", "host-a", "--wait", "--json"
    )
    assert local.returncode == 0, local.stderr
    pool = json.loads(local.stdout)
    assert (pool["phase"], pool["backend"]) == ("READY", "LOCAL_DIR")
    assert pool["spec"]["local_dir"]["path"] == "/var/lib/libvirt/images"

    nfs = quantixctl(found_fleet, "pools", "adopt", "nfs-isos", "--wait", "--json")
    assert nfs.returncode == 0, nfs.stderr
    pool = json.loads(nfs.stdout)
    assert pool["phase"] == "READY"
    assert [h["host"] for h in pool["hosts"]] == ["host-a", "host-b"]
    assert pool["spec"]["nfs"] == {
        "server": "nas.lab",
        "export_path": "/export/isos",
        "version": "auto",  # the pool set none: adopting does not change that
        "mount_point": "/mnt/isos",
    }

    async def managed_now():
        async with CoordinatorClient(found_fleet.coordinator_endpoint()) as client:
            return await eventually(
                lambda: client.list_discovered_pools(),
                lambda r: not {"default", "nfs-isos"} & {p.name for p in r.pools},
                what="adopted pools no longer discovered",
            )

    left = asyncio.run(managed_now())
    assert "vg-fast" in {p.name for p in left.pools}


def test_a_pool_defined_differently_on_two_hosts_is_refused_naming_the_setting(found_fleet):
    result = quantixctl(found_fleet, "pools", "adopt", "shared")
    line = one_line_error(result, 1, "quantixctl: ")
    assert (
        "pool shared is defined differently on host-b than on host-a: "
        "source host: host-b has nas2.lab, host-a has nas1.lab"
    ) in line
    # Adopting it where the definitions agree (one host) works.
    ok = quantixctl(found_fleet, "pools", "adopt", "shared", "--host", "host-a", "--wait")
    assert ok.returncode == 0, ok.stderr


def test_a_type_quantix_does_not_manage_is_refused_with_the_types_it_can_adopt(found_fleet):
    result = quantixctl(found_fleet, "pools", "adopt", "vg-fast")
    line = one_line_error(result, 1, "quantixctl: ")
    assert "LVM volume group pools are shown, not managed" in line
