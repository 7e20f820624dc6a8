import xml.etree.ElementTree as ET

from domain.pool_xml import (
    FS_NS,
    build_pool_xml,
    build_secret_xml,
    describe_pool_xml,
    secret_uuid,
    settings_differences,
)
from domain.pools import (
    Backend,
    CephSource,
    IscsiInitiator,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
    validate_pool_spec,
)

KEY = "AQBzg1BkAAAAABAAp2d5x1bBHoOdhc2ZWUmr3g=="


def test_local_dir():
    spec = validate_pool_spec(
        PoolSpec("images", Backend.LOCAL_DIR, LocalDirSource("/srv/images"), hosts=("h",))
    )
    settings = describe_pool_xml(build_pool_xml(spec))
    assert (settings.type, settings.name, settings.target_path) == ("dir", "images", "/srv/images")


def test_nfs_carries_version_options_and_mount_point():
    spec = validate_pool_spec(
        PoolSpec("nfs", Backend.NFS, NfsSource("nas.lab", "/export", "4.2", "soft,timeo=50"))
    )
    xml = build_pool_xml(spec, mount_point="/var/lib/quantix/mnt/nfs")
    settings = describe_pool_xml(xml)
    assert settings.type == "netfs"
    assert settings.hosts == ("nas.lab",)
    assert settings.source_dir == "/export"
    assert settings.nfs_version == "4.2"
    assert settings.mount_options == ("soft", "timeo=50")
    assert settings.target_path == "/var/lib/quantix/mnt/nfs"
    assert ET.fromstring(xml).find(f"{{{FS_NS}}}mount_opts") is not None


def test_ceph_lists_every_monitor_and_references_the_secret_never_the_key():
    spec = validate_pool_spec(
        PoolSpec(
            "ceph",
            Backend.CEPH_RBD,
            CephSource(("m1", "m2:6790", "[fd00::1]"), "vms", "libvirt", KEY),
        )
    )
    xml = build_pool_xml(spec)
    assert KEY not in xml
    settings = describe_pool_xml(xml)
    assert settings.hosts == ("m1:6789", "m2:6790", "fd00::1:6789")
    assert (settings.source_name, settings.auth_type, settings.auth_user) == (
        "vms",
        "ceph",
        "libvirt",
    )
    assert secret_uuid(spec) in xml
    secret = build_secret_xml(spec)
    assert KEY not in secret and "quantix-pool-ceph" in secret


def test_iscsi_kernel_and_userspace():
    source = IscsiSource(
        "san:3261",
        "iqn.2024-01.lab.san:t",
        initiator_iqn="iqn.2024-01.lab:i",
        chap_user="u",
        chap_secret="abcdefghijklm",
    )
    spec = validate_pool_spec(PoolSpec("san", Backend.ISCSI, source))
    kernel = describe_pool_xml(build_pool_xml(spec))
    assert (kernel.type, kernel.hosts, kernel.device) == (
        "iscsi",
        ("san:3261",),
        "iqn.2024-01.lab.san:t",
    )
    assert (kernel.auth_type, kernel.auth_user, kernel.initiator_iqn) == (
        "chap",
        "u",
        "iqn.2024-01.lab:i",
    )
    assert "abcdefghijklm" not in build_pool_xml(spec)
    direct = PoolSpec(
        "san",
        Backend.ISCSI,
        IscsiSource(
            "san",
            "iqn.2024-01.lab.san:t",
            initiator_iqn="iqn.2024-01.lab:i",
            initiator=IscsiInitiator.USERSPACE,
        ),
    )
    assert describe_pool_xml(build_pool_xml(validate_pool_spec(direct))).type == "iscsi-direct"


def test_values_are_escaped_never_injected():
    spec = PoolSpec("x", Backend.NFS, NfsSource("nas", "/a'><evil/>"))
    xml = build_pool_xml(spec, mount_point="/m")  # not validated on purpose
    assert describe_pool_xml(xml).source_dir == "/a'><evil/>"
    assert ET.fromstring(xml).find(".//evil") is None


def test_differences_name_each_setting():
    a = describe_pool_xml(
        build_pool_xml(
            validate_pool_spec(PoolSpec("n", Backend.NFS, NfsSource("nas1", "/e"))),
            mount_point="/m",
        )
    )
    b = describe_pool_xml(
        build_pool_xml(
            validate_pool_spec(PoolSpec("n", Backend.NFS, NfsSource("nas2", "/e"))),
            mount_point="/m",
        )
    )
    assert settings_differences(a, b) == [
        "source host: the existing pool has nas2, the spec says nas1"
    ]
    assert settings_differences(a, a) == []
