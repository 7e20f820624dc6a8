"""The pure parts of the node's pool work: mount points, notes, messages, volume formats."""

from __future__ import annotations

import pytest

from domain.pool_xml import PoolXmlSettings
from domain.pools import (
    Backend,
    CephSource,
    HostPort,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
)
from node_daemon.pool_errors import start_step
from node_daemon.pool_settings import mount_point, unkept_settings, unsupported_fields
from node_daemon.pool_teardown import volumes_message
from node_daemon.volumes import volume_format


def nfs(mount: str = "") -> PoolSpec:
    return PoolSpec("nas-vms", Backend.NFS, NfsSource("nas", "/export", mount_point=mount))


def test_nfs_mounts_under_the_data_dir_unless_the_spec_says_where() -> None:
    assert mount_point(nfs(), "/var/lib/quantix") == "/var/lib/quantix/mnt/nas-vms"
    assert mount_point(nfs("/mnt/nas"), "/var/lib/quantix") == "/mnt/nas"
    local = PoolSpec("l", Backend.LOCAL_DIR, LocalDirSource("/srv"), hosts=("h",))
    assert mount_point(local, "/var/lib/quantix") == ""


def test_unkept_settings_names_what_libvirt_dropped_and_what_it_has_instead() -> None:
    wanted = PoolXmlSettings(
        type="netfs", name="p", nfs_version="4.2", mount_options=("soft", "timeo=50")
    )
    actual = PoolXmlSettings(type="netfs", name="p", nfs_version="4")

    assert unkept_settings(wanted, actual, "TEST") == [
        "libvirt's TEST driver did not keep the NFS version 4.2 (it has 4): "
        "not applied on this host",
        "libvirt's TEST driver did not keep the mount options soft, timeo=50: "
        "not applied on this host",
    ]
    assert unkept_settings(wanted, wanted, "QEMU") == []


def test_settings_libvirt_has_no_place_for_become_notes() -> None:
    ceph = PoolSpec(
        "c", Backend.CEPH_RBD, CephSource((HostPort("mon", 6789),), "vms", namespace="tenant")
    )
    iscsi = PoolSpec("i", Backend.ISCSI, IscsiSource(HostPort("san", 3260), "iqn.x", lun=4))

    assert unsupported_fields(ceph) == [
        "Ceph namespace 'tenant' is not applied: libvirt's rbd pool has no namespace setting, "
        "so its volumes are in the Ceph pool's default namespace"
    ]
    assert unsupported_fields(iscsi) == [
        "LUN 4 is not a pool setting in libvirt: the iSCSI pool lists every LUN of the target "
        "as a volume"
    ]
    assert unsupported_fields(nfs()) == []


@pytest.mark.parametrize(
    ("pool_type", "label", "reason"),
    [
        ("netfs", "NFS mount", "MOUNT_FAILED"),
        ("iscsi", "iSCSI login", "ISCSI_LOGIN_FAILED"),
        ("iscsi-direct", "iSCSI login", "ISCSI_LOGIN_FAILED"),
        ("rbd", "Ceph connection", "CEPH_CONNECT_FAILED"),
        ("dir", "starting the pool", "START_FAILED"),
        ("logical", "starting the pool", "START_FAILED"),
    ],
)
def test_a_start_failure_is_named_after_what_starting_means_for_the_type(
    pool_type: str, label: str, reason: str
) -> None:
    step, why = start_step(pool_type)

    assert (step.token, step.label, why) == ("start", label, reason)


def test_the_has_volumes_message_counts_and_names_a_few() -> None:
    assert volumes_message("p", ["a"]) == "pool p holds 1 volume (a): delete them or force"
    names = [f"v{i}" for i in range(8)]
    assert volumes_message("p", names) == (
        "pool p holds 8 volumes (v0, v1, v2, v3, v4 and 3 more): delete them or force"
    )


def test_volume_format_comes_from_the_target_format() -> None:
    assert volume_format("<volume><target><format type='qcow2'/></target></volume>") == "qcow2"
    assert volume_format("<volume><target><path>/dev/sdb</path></target></volume>") == ""


def test_every_reason_the_node_sends_is_a_poolerrorreason_of_the_contract() -> None:
    from node_daemon import pool_errors
    from proto.quantix.v1 import node_pb2

    reasons = {
        value
        for name, value in vars(pool_errors).items()
        if name.isupper() and isinstance(value, str) and value
    }

    assert reasons == set(node_pb2.PoolErrorReason.keys()) - {"POOL_ERROR_REASON_UNSPECIFIED"}
