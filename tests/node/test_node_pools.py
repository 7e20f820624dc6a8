"""InitStoragePool and friends on libvirt's test driver, from a real node daemon over gRPC.

The test driver mounts and logs in nothing (every pool starts), keeps no secrets and drops the
netfs mount options: these tests check that every backend becomes an active pool whose XML
carries every field the user gave, that secrets appear nowhere, and that the driver's limits
come back as notes. Real failures (mount, login, Ceph) are in test_node_pools_libvirtd.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest

from domain.pool_xml import describe_pool_xml
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import node_pb2
from tests.node.conftest import NodeProcess, unique_pool_name
from tests.node.pool_specs import (
    CEPH_KEY,
    CHAP_SECRET,
    CHAP_USER,
    INITIATOR_IQN,
    TARGET_IQN,
    call,
    call_fails,
    ceph_spec,
    iscsi_spec,
    local_spec,
    nfs_spec,
)

RUNNING = cpb.STORAGE_POOL_STATE_RUNNING
SECRETS = (CEPH_KEY, CHAP_SECRET)


def init(node: NodeProcess, spec: cpb.PoolSpec) -> node_pb2.InitStoragePoolResponse:
    return call(node.as_coordinator, lambda client: client.init_storage_pool(spec))


def pool_xml(node: NodeProcess, name: str) -> str:
    return call(node.as_coordinator, lambda client: client.get_storage_pool_xml(name))


def pool_names(node: NodeProcess) -> set[str]:
    return {
        pool.name for pool in call(node.as_coordinator, lambda client: client.list_storage_pools())
    }


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def data_dir(node: NodeProcess) -> Path:
    return node.log_path.parent / "data"


def test_local_dir_becomes_an_active_autostarted_pool(pool_node) -> None:
    name = unique_pool_name("dir")

    reply = init(pool_node, local_spec(name, "/srv/quantix/images"))

    assert reply.pool.name == name
    assert (reply.pool.type, reply.pool.state) == ("dir", RUNNING)
    assert reply.pool.autostart and reply.pool.persistent
    assert reply.pool.capacity_bytes > 0  # the test driver's fixed 100 GiB
    assert reply.pool.target_path == "/srv/quantix/images"
    assert list(reply.notes) == []
    assert describe_pool_xml(pool_xml(pool_node, name)).target_path == "/srv/quantix/images"


def test_nfs_keeps_server_export_version_and_says_the_test_driver_dropped_the_options(
    pool_node,
) -> None:
    name = unique_pool_name("nfs")

    reply = init(pool_node, nfs_spec(name, version="4.2", options=("soft", "timeo=50")))

    assert (reply.pool.type, reply.pool.state) == ("netfs", RUNNING)
    assert reply.pool.source == f"nas.example.com:/export/{name}"
    mount_point = str(data_dir(pool_node) / "mnt" / name)  # the default: <data dir>/mnt/<pool>
    assert reply.pool.target_path == mount_point
    settings = describe_pool_xml(pool_xml(pool_node, name))
    assert settings.type == "netfs"
    assert settings.hosts == ("nas.example.com",)
    assert settings.source_dir == f"/export/{name}"
    assert settings.nfs_version == "4.2"
    assert settings.target_path == mount_point
    assert list(reply.notes) == [
        "libvirt's TEST driver did not keep the mount options soft, timeo=50: "
        "not applied on this host"
    ]


def test_nfs_with_its_own_mount_point(pool_node) -> None:
    name = unique_pool_name("nfs-mp")

    reply = init(pool_node, nfs_spec(name, version="3", options=(), mount_point="/mnt/nas-a"))

    assert reply.pool.target_path == "/mnt/nas-a"
    assert describe_pool_xml(pool_xml(pool_node, name)).nfs_version == "3"
    assert list(reply.notes) == []


def test_ceph_keeps_all_monitors_and_the_user_and_never_the_key(pool_node) -> None:
    name = unique_pool_name("ceph")

    reply = init(pool_node, ceph_spec(name, namespace="tenant-a"))

    assert (reply.pool.type, reply.pool.state) == ("rbd", RUNNING)
    xml = pool_xml(pool_node, name)
    settings = describe_pool_xml(xml)
    assert settings.hosts == (
        "mon1.example.com:6789",
        "mon2.example.com:6790",
        "10.0.0.3:6789",
    )
    assert settings.source_name == name
    assert (settings.auth_type, settings.auth_user) == ("ceph", "quantix")
    assert_no_secret(xml, str(reply), pool_node.log_text())
    assert len(reply.notes) == 2
    assert reply.notes[0].startswith(
        "libvirt's TEST driver keeps no secrets: the Ceph key was not stored on this host"
    )
    assert reply.notes[1] == (
        "Ceph namespace 'tenant-a' is not applied: libvirt's rbd pool has no namespace "
        "setting, so its volumes are in the Ceph pool's default namespace"
    )


@pytest.mark.parametrize("userspace", [False, True], ids=["kernel", "userspace"])
def test_iscsi_keeps_portal_target_initiator_and_chap_user_never_the_secret(
    pool_node, userspace: bool
) -> None:
    name = unique_pool_name("iscsi")

    reply = init(pool_node, iscsi_spec(name, userspace=userspace))

    assert reply.pool.type == ("iscsi-direct" if userspace else "iscsi")
    assert reply.pool.state == RUNNING
    xml = pool_xml(pool_node, name)
    settings = describe_pool_xml(xml)
    assert settings.hosts == ("san.example.com:3261",)
    assert settings.device == f"{TARGET_IQN}.{name}"
    assert settings.initiator_iqn == INITIATOR_IQN
    assert (settings.auth_type, settings.auth_user) == ("chap", CHAP_USER)
    assert_no_secret(xml, str(reply), pool_node.log_text())
    assert [note.split(":")[0] for note in reply.notes] == [
        "libvirt's TEST driver keeps no secrets"
    ]


def test_a_second_pool_on_the_same_source_is_refused_with_libvirts_text(pool_node) -> None:
    first, second = unique_pool_name("src-a"), unique_pool_name("src-b")
    init(pool_node, nfs_spec(first, export="/export/shared-by-two"))

    failure = call_fails(
        pool_node.as_coordinator,
        lambda client: client.init_storage_pool(nfs_spec(second, export="/export/shared-by-two")),
    )

    # The host's state refuses it, not a fault: FAILED_PRECONDITION with libvirt's own text.
    assert failure.code == grpc.StatusCode.FAILED_PRECONDITION
    assert (failure.reason, failure.step) == ("SOURCE_CONFLICT", "define")
    assert failure.details == (
        "host-t: defining the pool failed: operation failed: "
        f"Storage source conflict with pool: '{first}'"
    )
    assert second not in pool_names(pool_node)


def test_reinit_with_the_same_settings_succeeds_and_changes_nothing(pool_node) -> None:
    name = unique_pool_name("again")
    first = init(pool_node, ceph_spec(name))

    again = init(pool_node, ceph_spec(name))

    assert again.pool.uuid == first.pool.uuid
    assert again.pool.state == RUNNING
    assert list(again.notes) == list(first.notes)


def test_concurrent_inits_of_one_pool_both_succeed(pool_node) -> None:
    name = unique_pool_name("twice")
    spec = nfs_spec(name)

    async def both() -> list[node_pb2.InitStoragePoolResponse]:
        from clients.node import NodeClient

        async with NodeClient(pool_node.as_coordinator) as client:
            return list(
                await asyncio.gather(client.init_storage_pool(spec), client.init_storage_pool(spec))
            )

    first, second = asyncio.run(both())

    assert first.pool.uuid == second.pool.uuid
    assert pool_names(pool_node) >= {name}


def test_reinit_with_other_settings_is_already_exists_naming_each_difference(pool_node) -> None:
    name = unique_pool_name("conflict")
    init(pool_node, nfs_spec(name, server="nas.example.com", version="4.2"))
    xml_before = pool_xml(pool_node, name)

    failure = call_fails(
        pool_node.as_coordinator,
        lambda client: client.init_storage_pool(
            nfs_spec(name, server="nas2.example.com", version="3")
        ),
    )

    assert failure.code == grpc.StatusCode.ALREADY_EXISTS
    assert (failure.reason, failure.step) == ("CONFLICT", "compare")
    assert failure.details == (
        f"host-t: a pool named {name} already exists on this host with other settings: "
        "source host: the existing pool has nas.example.com, the spec says nas2.example.com; "
        "NFS version: the existing pool has 4.2, the spec says 3"
    )
    assert pool_xml(pool_node, name) == xml_before  # untouched


def test_reinit_with_another_backend_is_a_conflict_too(pool_node) -> None:
    name = unique_pool_name("type")
    init(pool_node, local_spec(name, "/srv/a"))

    failure = call_fails(
        pool_node.as_coordinator, lambda client: client.init_storage_pool(ceph_spec(name))
    )

    assert failure.code == grpc.StatusCode.ALREADY_EXISTS
    assert "type: the existing pool has dir, the spec says rbd" in failure.details


def test_destroy_stops_and_undefines_then_reports_a_missing_pool_as_gone(pool_node) -> None:
    name = unique_pool_name("destroy")
    init(pool_node, iscsi_spec(name))

    first = call(pool_node.as_coordinator, lambda client: client.destroy_storage_pool(name))
    second = call(pool_node.as_coordinator, lambda client: client.destroy_storage_pool(name))

    assert (first.existed, second.existed) == (True, False)
    assert name not in pool_names(pool_node)


def test_refresh_and_volumes_of_an_active_pool(pool_node) -> None:
    name = unique_pool_name("refresh")
    init(pool_node, local_spec(name, "/srv/refresh"))

    refreshed = call(pool_node.as_coordinator, lambda client: client.refresh_storage_pool(name))
    volumes = call(pool_node.as_coordinator, lambda client: client.list_volumes(name))

    assert (refreshed.name, refreshed.state) == (name, RUNNING)
    assert volumes == []


@pytest.mark.parametrize(
    "operation",
    [
        lambda client: client.refresh_storage_pool("no-such-pool"),
        lambda client: client.list_volumes("no-such-pool"),
        lambda client: client.get_storage_pool_xml("no-such-pool"),
    ],
    ids=["refresh", "volumes", "xml"],
)
def test_a_missing_pool_is_not_found_with_libvirts_text(pool_node, operation) -> None:
    failure = call_fails(pool_node.as_coordinator, operation)

    assert failure.code == grpc.StatusCode.NOT_FOUND
    assert failure.reason == "POOL_NOT_FOUND"
    assert "Storage pool not found: no storage pool with matching name 'no-such-pool'" in (
        failure.details
    )
    assert failure.details.startswith("host-t: ")


# --- bad input: INVALID_ARGUMENT naming the field, and nothing defined ------------------------

TOO_LONG = "p" * 65


def _with(spec: cpb.PoolSpec, **changes: object) -> cpb.PoolSpec:
    """A copy of ``spec`` with fields of its source (or of the spec itself) changed."""
    copy = cpb.PoolSpec()
    copy.CopyFrom(spec)
    source = getattr(copy, copy.WhichOneof("source"))
    for field, value in changes.items():
        target = copy if field in ("name", "description") else source
        if isinstance(value, list):
            del getattr(target, field)[:]
            getattr(target, field).extend(value)
        else:
            setattr(target, field, value)
    return copy


BAD_SPECS = {
    "empty-spec": (cpb.PoolSpec(), "backend"),
    "empty-name": (local_spec("", "/srv/x"), "name"),
    "long-name": (local_spec(TOO_LONG, "/srv/x"), "name"),
    "traversal-name": (local_spec("../../etc", "/srv/x"), "name"),
    "xml-name": (local_spec("a'><x", "/srv/x"), "name"),
    "backend-mismatch": (
        cpb.PoolSpec(
            name="mismatch", backend=cpb.POOL_BACKEND_NFS, local_dir=cpb.LocalDirSource(path="/x")
        ),
        "nfs",
    ),
    "relative-path": (local_spec("bad-path", "srv/x"), "local.path"),
    "traversal-path": (local_spec("bad-path", "/srv/../../etc"), "local.path"),
    "empty-path": (local_spec("bad-path", ""), "local.path"),
    "nfs-server-xml": (_with(nfs_spec("bad-nfs"), server="nas'><x"), "nfs.server"),
    "nfs-server-empty": (_with(nfs_spec("bad-nfs"), server=""), "nfs.server"),
    "nfs-export-traversal": (
        _with(nfs_spec("bad-nfs"), export_path="/../../etc"),
        "nfs.export_path",
    ),
    "nfs-version": (_with(nfs_spec("bad-nfs"), version="5"), "nfs.version"),
    "nfs-option-xml": (_with(nfs_spec("bad-nfs"), mount_options=["a'><x"]), "nfs.mount_options"),
    "nfs-option-forbidden": (
        _with(nfs_spec("bad-nfs"), mount_options=["exec"]),
        "nfs.mount_options",
    ),
    "nfs-mount-point-relative": (_with(nfs_spec("bad-nfs"), mount_point="mnt"), "nfs.mount_point"),
    "ceph-no-monitor": (_with(ceph_spec("bad-ceph"), monitors=[]), "ceph.monitors"),
    "ceph-monitor-port": (
        _with(ceph_spec("bad-ceph"), monitors=["mon1:99999"]),
        "ceph.monitors[0]",
    ),
    "ceph-pool-xml": (_with(ceph_spec("bad-ceph"), pool="vms'><x"), "ceph.pool"),
    "ceph-key-empty": (_with(ceph_spec("bad-ceph"), key=""), "ceph.key"),
    "ceph-key-form": (_with(ceph_spec("bad-ceph"), key="not-a-key"), "ceph.key"),
    "ceph-key-in-user": (_with(ceph_spec("bad-ceph"), user=CEPH_KEY), "ceph.user"),
    "ceph-key-in-description": (
        _with(ceph_spec("bad-ceph"), description=f"key {CEPH_KEY}"),
        "description",
    ),
    "iscsi-target": (_with(iscsi_spec("bad-iscsi"), target_iqn="target'><x"), "iscsi.target_iqn"),
    "iscsi-portal": (_with(iscsi_spec("bad-iscsi"), portal=""), "iscsi.portal"),
    "iscsi-short-secret": (
        _with(iscsi_spec("bad-iscsi"), chap_secret="short"),
        "iscsi.chap_secret",
    ),
    "iscsi-secret-without-user": (_with(iscsi_spec("bad-iscsi"), chap_user=""), "iscsi.chap_user"),
    "iscsi-secret-as-user": (
        _with(iscsi_spec("bad-iscsi"), chap_user=CHAP_SECRET),
        "iscsi.chap_user",
    ),
    "iscsi-secret-in-description": (
        _with(iscsi_spec("bad-iscsi"), description=f"pw {CHAP_SECRET}"),
        "description",
    ),
    "iscsi-userspace-without-initiator": (
        _with(iscsi_spec("bad-iscsi", userspace=True), initiator_iqn=""),
        "iscsi.initiator_iqn",
    ),
}


@pytest.mark.parametrize("case", list(BAD_SPECS))
def test_bad_input_is_invalid_argument_naming_the_field_and_defines_nothing(
    pool_node, case: str
) -> None:
    spec, field = BAD_SPECS[case]
    before = pool_names(pool_node)

    failure = call_fails(pool_node.as_coordinator, lambda client: client.init_storage_pool(spec))

    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert failure.details.startswith(f"{field}: ")
    assert failure.metadata["quantix-field"] == field
    assert_no_secret(failure.details)
    assert pool_names(pool_node) == before


@pytest.mark.parametrize("name", ["", TOO_LONG, "../../etc", "a'><x"])
def test_bad_names_in_the_other_pool_calls_are_invalid_argument(pool_node, name: str) -> None:
    operations = {
        "name": [
            lambda client: client.destroy_storage_pool(name, force=True),
            lambda client: client.refresh_storage_pool(name),
            lambda client: client.get_storage_pool_xml(name),
        ],
        "pool": [lambda client: client.list_volumes(name)],
    }
    for field, calls in operations.items():
        for operation in calls:
            failure = call_fails(pool_node.as_coordinator, operation)
            assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
            assert failure.metadata["quantix-field"] == field


def test_no_secret_in_the_log_after_every_backend(pool_node) -> None:
    """Runs after the others in this module (pytest keeps file order): the whole log so far."""
    assert_no_secret(pool_node.log_text())
