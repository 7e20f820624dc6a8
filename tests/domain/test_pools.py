import pytest

from domain.errors import ValidationError
from domain.pools import (
    Backend,
    CephSource,
    HostPort,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
    parse_mount_options,
    validate_absolute_path,
    validate_host_port,
    validate_iscsi_name,
    validate_pool_spec,
)

CEPH_KEY = "AQBzg1BkAAAAABAAp2d5x1bBHoOdhc2ZWUmr3g=="


def nfs(**changes):
    source = {"server": "nas.lab", "export_path": "/export/vms", **changes}
    return PoolSpec("nfs-vms", Backend.NFS, NfsSource(**source))


def ceph(**changes):
    source = {
        "monitors": ("mon1", "10.0.0.2:6790", "[fd00::3]"),
        "pool": "vms",
        "key": CEPH_KEY,
        **changes,
    }
    return PoolSpec("ceph-vms", Backend.CEPH_RBD, CephSource(**source))


def iscsi(**changes):
    source = {"portal": "san.lab", "target_iqn": "iqn.2024-01.lab.san:vms", **changes}
    return PoolSpec("san", Backend.ISCSI, IscsiSource(**source))


def rejects(spec, field, rule):
    with pytest.raises(ValidationError) as info:
        validate_pool_spec(spec)
    assert info.value.field == field, str(info.value)
    assert rule in info.value.rule, str(info.value)


def test_valid_specs_are_normalized():
    spec = validate_pool_spec(nfs(export_path="/export//vms/", mount_options="soft, timeo=50"))
    assert spec.source.export_path == "/export/vms"
    assert spec.source.version == "4.1"
    assert spec.source.mount_options == ("soft", "timeo=50")

    spec = validate_pool_spec(ceph())
    assert spec.source.monitors == (
        HostPort("mon1", 6789),
        HostPort("10.0.0.2", 6790),
        HostPort("fd00::3", 6789),
    )
    assert spec.source.user == "admin"

    spec = validate_pool_spec(iscsi(lun="2", chap_user="quantix", chap_secret="s3cret-s3cret"))
    assert spec.source.portal == HostPort("san.lab", 3260)
    assert spec.source.lun == 2

    local = PoolSpec("images", Backend.LOCAL_DIR, LocalDirSource("/srv/images"), hosts=("host-a",))
    assert validate_pool_spec(local).source.path == "/srv/images"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "is required"),
        ("x" * 65, "at most 64 characters (got 65)"),
        ("a'><x", "may contain only letters, digits"),
        ("../../etc", "may contain only letters, digits"),
        (".hidden", "must start with a letter or digit"),
        ("has space", "may contain only"),
    ],
)
def test_pool_name_rules(name, rule):
    rejects(PoolSpec(name, Backend.NFS, NfsSource("nas", "/e")), "name", rule)


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("", "is required"),
        ("relative/dir", "must be an absolute path"),
        ("../../etc", "must be an absolute path"),
        ("/srv/../../etc", "must not contain '..'"),
        ("/srv/a\x00b", "control characters"),
        ("/" + "a" * 5000, "at most 4096"),
    ],
)
def test_paths_must_be_absolute_without_traversal(path, rule):
    with pytest.raises(ValidationError) as info:
        validate_absolute_path(path, "nfs.export_path")
    assert info.value.field == "nfs.export_path"
    assert rule in info.value.rule


def test_local_dir_needs_exactly_one_host():
    rejects(
        PoolSpec("d", Backend.LOCAL_DIR, LocalDirSource("/srv")), "hosts", "exactly one (got 0)"
    )
    rejects(
        PoolSpec("d", Backend.LOCAL_DIR, LocalDirSource("/srv"), hosts=("a", "b")),
        "hosts",
        "exactly one (got 2)",
    )
    rejects(
        nfs().__class__("n", Backend.NFS, NfsSource("nas", "/e"), hosts=("a", "a")),
        "hosts",
        "more than once",
    )
    rejects(
        PoolSpec("n", Backend.NFS, NfsSource("nas", "/e"), hosts=("bad_host",)),
        "hosts[0]",
        "letters, digits or hyphens",
    )


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"server": ""}, "nfs.server", "is required"),
        ({"server": "nas'><x"}, "nfs.server", "letters, digits or hyphens"),
        ({"server": "fe80::1::2"}, "nfs.server", "neither a host name nor an IP address"),
        ({"export_path": "export"}, "nfs.export_path", "absolute path"),
        ({"version": "5"}, "nfs.version", "must be one of 3, 4, 4.1, 4.2"),
        ({"mount_options": "soft,,timeo=5"}, "nfs.mount_options", "empty option"),
        ({"mount_options": "vers=3"}, "nfs.mount_options", "NFS version field"),
        ({"mount_options": "exec"}, "nfs.mount_options", "programs on the export"),
        ({"mount_options": "soft,soft"}, "nfs.mount_options", "given twice"),
        ({"mount_options": "opt='x'"}, "nfs.mount_options", "values are 1-128"),
        ({"mount_options": "Soft"}, "nfs.mount_options", "lower-case"),
        ({"mount_point": "mnt"}, "nfs.mount_point", "absolute path"),
    ],
)
def test_nfs_rules(changes, field, rule):
    rejects(nfs(**changes), field, rule)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"monitors": ()}, "ceph.monitors", "at least one monitor"),
        ({"monitors": ("mon1", "mon1:6789")}, "ceph.monitors", "same monitor"),
        ({"monitors": ("mon1", "mon2:99999")}, "ceph.monitors[1]", "port must be a number"),
        ({"pool": ""}, "ceph.pool", "is required"),
        ({"pool": "a/b"}, "ceph.pool", "letters, digits"),
        ({"user": "client.admin"}, "ceph.user", "without the 'client.' prefix"),
        ({"user": CEPH_KEY}, "ceph.user", "looks like a Ceph key"),
        ({"key": ""}, "ceph.key", "is required"),
        ({"key": "not-a-key"}, "ceph.key", "must be a cephx key"),
        ({"namespace": "../x"}, "ceph.namespace", "letters, digits"),
    ],
)
def test_ceph_rules(changes, field, rule):
    rejects(ceph(**changes), field, rule)


def test_a_bare_ceph_key_in_the_description_is_refused_even_for_another_backend():
    rejects(
        PoolSpec("n", Backend.NFS, NfsSource("nas", "/e"), description=f"backup {CEPH_KEY}"),
        "description",
        "must not contain a Ceph key",
    )
    rejects(
        PoolSpec("n", Backend.NFS, NfsSource("nas", "/e"), description=f"key={CEPH_KEY}"),
        "description",
        "must not contain a Ceph key",
    )


def test_a_secret_in_a_plain_field_is_refused():
    spec = ceph()
    rejects(
        PoolSpec(spec.name, spec.backend, spec.source, description=f"key is {CEPH_KEY}"),
        "description",
        "must not contain a secret",
    )
    rejects(
        iscsi(
            chap_user="quantix",
            chap_secret="quantix-secret",
        ).__class__(
            "s",
            Backend.ISCSI,
            IscsiSource(
                "san", "iqn.2024-01.lab.san:vms", chap_user="u", chap_secret="topsecret-123"
            ),
            description="pw topsecret-123",
        ),
        "description",
        "must not contain a secret",
    )
    rejects(
        nfs(mount_options=f"secret={CEPH_KEY}"), "nfs.mount_options", "must not contain a Ceph key"
    )


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"portal": ""}, "iscsi.portal", "is required"),
        ({"portal": "san:0"}, "iscsi.portal", "port must be a number"),
        ({"target_iqn": "iqn.24-01.lab:x"}, "iscsi.target_iqn", "iqn.YYYY-MM"),
        ({"target_iqn": "IQN.2024-01.LAB:x"}, "iscsi.target_iqn", "iqn., eui. or naa."),
        ({"target_iqn": "iqn.2024-13.lab.san:x"}, "iscsi.target_iqn", "iqn.YYYY-MM"),
        ({"initiator_iqn": "nope"}, "iscsi.initiator_iqn", "iqn., eui. or naa."),
        ({"lun": "-1"}, "iscsi.lun", "from 0 to 16383"),
        ({"lun": "20000"}, "iscsi.lun", "from 0 to 16383"),
        ({"chap_user": "u"}, "iscsi.chap_secret", "required when a CHAP user"),
        ({"chap_secret": "abcdefghijklm"}, "iscsi.chap_user", "required when a CHAP secret"),
        ({"chap_user": "u", "chap_secret": "short"}, "iscsi.chap_secret", "12-255 characters"),
        (
            {"chap_user": "abcdefghijklm", "chap_secret": "abcdefghijklm"},
            "iscsi.chap_user",
            "must not be the CHAP secret",
        ),
    ],
)
def test_iscsi_rules(changes, field, rule):
    rejects(iscsi(**changes), field, rule)


def test_iscsi_names():
    assert validate_iscsi_name("eui.02004567A425678D", "f") == "eui.02004567A425678D"
    assert validate_iscsi_name("naa.52004567BA64678D", "f") == "naa.52004567BA64678D"
    assert validate_iscsi_name("iqn.2024-01.com.example", "f") == "iqn.2024-01.com.example"


def test_host_port_forms():
    assert validate_host_port("[::1]:7000", "f", 1) == HostPort("::1", 7000)
    assert validate_host_port("::1", "f", 1) == HostPort("::1", 1)
    assert validate_host_port("10.1.1.1", "f", 3260) == HostPort("10.1.1.1", 3260)
    assert str(HostPort("::1", 5)) == "[::1]:5"


def test_mount_options_accept_a_list():
    assert parse_mount_options(["soft", "timeo=50"]) == ("soft", "timeo=50")
    assert parse_mount_options("") == ()


def test_without_secrets_blanks_only_secrets():
    spec = validate_pool_spec(ceph())
    public = spec.without_secrets()
    assert public.source.key == ""
    assert public.source.user == "admin"
    assert CEPH_KEY not in repr(spec)
