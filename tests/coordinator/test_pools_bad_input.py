"""Bad input for every field of CreatePool, against a real coordinator and three real node
daemons: INVALID_ARGUMENT naming the field, nothing stored, nothing defined on any host."""

import asyncio

import grpc
import pytest

from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from localfleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from tests.coordinator.pool_wire import CEPH_KEY, CHAP_SECRET, ceph, iscsi, local, nfs
from tests.helpers import eventually

HOSTS = ("host-a", "host-b", "host-c")


def changed(spec, **fields):
    for path, value in fields.items():
        target = spec
        *parents, leaf = path.split("__")
        for parent in parents:
            target = getattr(target, parent)
        if isinstance(value, list):
            del getattr(target, leaf)[:]
            getattr(target, leaf).extend(value)
        else:
            setattr(target, leaf, value)
    return spec


def mismatched_backend():
    spec = local()
    spec.backend = cpb.POOL_BACKEND_NFS
    return spec


CASES = [
    # name
    ("name-empty", nfs(name=""), "name"),
    ("name-too-long", nfs(name="p" * 65), "name"),
    ("name-xml", nfs(name="a'><x"), "name"),
    ("name-traversal", nfs(name="../../etc"), "name"),
    ("name-space", nfs(name="my pool"), "name"),
    # description
    ("description-too-long", changed(nfs(), description="d" * 513), "description"),
    ("description-control", changed(nfs(), description="bad\x01text"), "description"),
    ("description-ceph-key", changed(ceph(), description=f"key {CEPH_KEY}"), "description"),
    ("description-chap-secret", changed(iscsi(), description=CHAP_SECRET), "description"),
    # backend
    ("backend-missing", changed(nfs(), backend=cpb.POOL_BACKEND_UNSPECIFIED), "backend"),
    ("backend-other-settings", mismatched_backend(), "nfs"),
    # hosts
    ("hosts-wrong-form", nfs(hosts=["bad_host!"]), "hosts[0]"),
    ("hosts-xml", nfs(hosts=["host-a", "<x>"]), "hosts[1]"),
    ("hosts-unknown", nfs(hosts=["ghost"]), "hosts[0]"),
    ("hosts-twice", nfs(hosts=["host-a", "host-a"]), "hosts"),
    ("local-no-host", changed(local(), hosts=[]), "hosts"),
    ("local-two-hosts", changed(local(), hosts=["host-a", "host-b"]), "hosts"),
    # local.path
    ("local-path-empty", local(path=""), "local.path"),
    ("local-path-relative", local(path="srv/vms"), "local.path"),
    ("local-path-traversal", local(path="../../etc"), "local.path"),
    ("local-path-inner-traversal", local(path="/srv/../../etc"), "local.path"),
    ("local-path-control", local(path="/srv/vms\n"), "local.path"),
    ("local-path-too-long", local(path="/" + "d" * 4100), "local.path"),
    # nfs
    ("nfs-server-empty", nfs(server=""), "nfs.server"),
    ("nfs-server-wrong-form", nfs(server="bad_host!"), "nfs.server"),
    ("nfs-server-xml", nfs(server="<x>"), "nfs.server"),
    ("nfs-server-too-long", nfs(server="a" * 254), "nfs.server"),
    ("nfs-export-empty", nfs(export_path=""), "nfs.export_path"),
    ("nfs-export-relative", nfs(export_path="export/vms"), "nfs.export_path"),
    ("nfs-export-traversal", nfs(export_path="../../etc"), "nfs.export_path"),
    ("nfs-export-inner-traversal", nfs(export_path="/export/../../etc"), "nfs.export_path"),
    ("nfs-version", nfs(version="5"), "nfs.version"),
    ("nfs-version-xml", nfs(version="4'><x"), "nfs.version"),
    ("nfs-options-version", nfs(mount_options=["vers=3"]), "nfs.mount_options"),
    ("nfs-options-suid", nfs(mount_options=["suid"]), "nfs.mount_options"),
    ("nfs-options-xml", nfs(mount_options=["a'><x"]), "nfs.mount_options"),
    ("nfs-options-empty", nfs(mount_options=["soft", ""]), "nfs.mount_options"),
    ("nfs-options-secret", nfs(mount_options=[f"sec={CEPH_KEY}"]), "nfs.mount_options"),
    ("nfs-mount-point-relative", nfs(mount_point="mnt/vms"), "nfs.mount_point"),
    ("nfs-mount-point-traversal", nfs(mount_point="/mnt/../etc"), "nfs.mount_point"),
    # ceph
    ("ceph-monitors-none", ceph(monitors=[]), "ceph.monitors"),
    ("ceph-monitor-wrong-form", ceph(monitors=["bad_host!"]), "ceph.monitors[0]"),
    ("ceph-monitor-port", ceph(monitors=["mon1.lab", "mon2.lab:99999"]), "ceph.monitors[1]"),
    ("ceph-monitor-xml", ceph(monitors=["<x>"]), "ceph.monitors[0]"),
    ("ceph-monitors-twice", ceph(monitors=["mon1.lab", "mon1.lab:6789"]), "ceph.monitors"),
    ("ceph-pool-empty", ceph(pool=""), "ceph.pool"),
    ("ceph-pool-xml", ceph(pool="a'><x"), "ceph.pool"),
    ("ceph-pool-traversal", ceph(pool="../../etc"), "ceph.pool"),
    ("ceph-pool-too-long", ceph(pool="p" * 129), "ceph.pool"),
    ("ceph-user-prefixed", ceph(user="client.admin"), "ceph.user"),
    ("ceph-user-is-the-key", ceph(user=CEPH_KEY), "ceph.user"),
    ("ceph-user-xml", ceph(user="a'><x"), "ceph.user"),
    ("ceph-key-empty", ceph(key=""), "ceph.key"),
    ("ceph-key-wrong-form", ceph(key="not-a-cephx-key"), "ceph.key"),
    ("ceph-key-xml", ceph(key="<x>"), "ceph.key"),
    ("ceph-namespace-traversal", ceph(namespace="../x"), "ceph.namespace"),
    # iscsi
    ("iscsi-portal-empty", iscsi(portal=""), "iscsi.portal"),
    ("iscsi-portal-wrong-form", iscsi(portal="bad_host!:3260"), "iscsi.portal"),
    ("iscsi-portal-port", iscsi(portal="san.lab:99999"), "iscsi.portal"),
    ("iscsi-portal-xml", iscsi(portal="<x>"), "iscsi.portal"),
    ("iscsi-target-empty", iscsi(target_iqn=""), "iscsi.target_iqn"),
    ("iscsi-target-wrong-form", iscsi(target_iqn="iqn.bad"), "iscsi.target_iqn"),
    ("iscsi-target-xml", iscsi(target_iqn="iqn.2024-01.lab.san:<x>"), "iscsi.target_iqn"),
    ("iscsi-target-traversal", iscsi(target_iqn="../../etc"), "iscsi.target_iqn"),
    ("iscsi-target-too-long", iscsi(target_iqn="iqn.2024-01.lab." + "a" * 220), "iscsi.target_iqn"),
    ("iscsi-lun", iscsi(lun=99999), "iscsi.lun"),
    ("iscsi-initiator-wrong-form", iscsi(initiator_iqn="nope"), "iscsi.initiator_iqn"),
    (
        "iscsi-userspace-needs-initiator",
        iscsi(initiator=cpb.ISCSI_INITIATOR_USERSPACE, initiator_iqn=""),
        "iscsi.initiator_iqn",
    ),
    ("iscsi-chap-secret-without-user", iscsi(chap_user=""), "iscsi.chap_user"),
    ("iscsi-chap-user-is-the-secret", iscsi(chap_user=CHAP_SECRET), "iscsi.chap_user"),
    ("iscsi-chap-user-space", iscsi(chap_user="a b"), "iscsi.chap_user"),
    ("iscsi-chap-user-without-secret", iscsi(chap_secret=""), "iscsi.chap_secret"),
    ("iscsi-chap-secret-short", iscsi(chap_secret="short"), "iscsi.chap_secret"),
    ("iscsi-chap-secret-space", iscsi(chap_secret="has a space 12345"), "iscsi.chap_secret"),
]


@pytest.fixture(scope="module")
def quiet_fleet(tmp_path_factory):
    """One fleet for every case (each case changes nothing), and what its hosts hold."""
    fleet = asyncio.run(
        LocalFleet.start(tmp_path_factory.mktemp("fleet"), heartbeat_interval_s=2.0)
    )

    async def baseline():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await eventually(
                lambda: client.list_nodes(), lambda r: len(r.nodes) == 3, what="3 nodes"
            )
        return {host: await node_pools(fleet, host) for host in HOSTS}

    try:
        yield fleet, asyncio.run(baseline())
    finally:
        asyncio.run(fleet.stop())


async def node_pools(fleet, host):
    async with NodeClient(fleet.node_endpoint(host), host) as node:
        return sorted(p.name for p in await node.list_storage_pools())


@pytest.mark.parametrize(("spec", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_invalid_argument_naming_the_field_and_changes_nothing(
    quiet_fleet, spec, field
):
    fleet, baseline = quiet_fleet

    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            with pytest.raises(grpc.aio.AioRpcError) as info:
                await client.create_pool(spec)
            # No wait for "anything wrongly started": an accepted pool is stored before the
            # reply, and hosts are only ever asked to make a stored pool.
            listing = await client.list_pools()
        return info.value, listing, {host: await node_pools(fleet, host) for host in HOSTS}

    error, listing, on_nodes = asyncio.run(main())
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(f"{field}: "), error.details()
    assert ("quantix-field", field) in tuple(error.trailing_metadata())
    for secret in (CEPH_KEY, CHAP_SECRET):
        assert secret not in error.details()
    assert list(listing.pools) == []
    assert on_nodes == baseline
