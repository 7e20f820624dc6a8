"""Hostile input: every validator refuses it with a ValidationError that names the field and
stays short, whatever the value (a trailing newline, non-ASCII digits, 20 KB, huge lists)."""

from collections.abc import Callable

import pytest

from domain.errors import ValidationError
from domain.limits import (
    MAX_CEPH_MONITORS,
    MAX_HOSTS,
    MAX_MOUNT_OPTIONS,
    MAX_SHORT_TEXT,
    MOUNT_OPTIONS_TEXT_MAX,
    is_ascii_digits,
    quoted,
    validate_text,
)
from domain.pools import (
    Backend,
    CephSource,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
    parse_mount_options,
    validate_absolute_path,
    validate_ceph_key,
    validate_ceph_namespace,
    validate_ceph_pool,
    validate_ceph_user,
    validate_chap,
    validate_description,
    validate_host_names,
    validate_host_port,
    validate_iscsi_name,
    validate_lun,
    validate_monitors,
    validate_nfs_version,
    validate_pool_directory,
    validate_pool_name,
    validate_pool_spec,
    validate_server,
)
from domain.validation import parse_address, validate_address, validate_hostname

CEPH_KEY = "AQBzg1BkAAAAABAAp2d5x1bBHoOdhc2ZWUmr3g=="

# (field, validator taking one string) for every validator of a single value.
VALIDATORS: list[tuple[str, Callable[[str], object]]] = [
    ("hostname", lambda v: validate_hostname(v, "hostname")),
    ("address", lambda v: parse_address(v, "address")),
    ("address", lambda v: validate_address(v, "address")),
    ("name", validate_pool_name),
    ("description", validate_description),
    ("nfs.export_path", lambda v: validate_absolute_path(v, "nfs.export_path")),
    ("local.path", lambda v: validate_pool_directory(v, "local.path")),
    ("nfs.server", lambda v: validate_server(v, "nfs.server")),
    ("iscsi.portal", lambda v: validate_host_port(v, "iscsi.portal", 3260)),
    ("nfs.version", validate_nfs_version),
    ("nfs.mount_options", parse_mount_options),
    ("nfs.mount_options", lambda v: parse_mount_options([v])),
    ("ceph.pool", validate_ceph_pool),
    ("ceph.namespace", validate_ceph_namespace),
    ("ceph.user", validate_ceph_user),
    ("ceph.key", validate_ceph_key),
    ("iscsi.target_iqn", lambda v: validate_iscsi_name(v, "iscsi.target_iqn")),
    ("iscsi.lun", validate_lun),
    ("iscsi.chap_user", lambda v: validate_chap(v, "secret-secret-1")),
    ("iscsi.chap_secret", lambda v: validate_chap("quantix", v)),
    ("hosts[0]", lambda v: validate_host_names([v])),
    ("ceph.monitors[0]", lambda v: validate_monitors([v])),
    ("model", lambda v: validate_text(v, "model", MAX_SHORT_TEXT)),
]


def refusal(validate: Callable[[str], object], value: str) -> ValidationError:
    """The ValidationError ``validate`` raises; any other exception fails the test."""
    with pytest.raises(ValidationError) as info:
        validate(value)
    return info.value


# --- 1. whole-string matches: a trailing newline is never accepted --------------------------


@pytest.mark.parametrize(
    ("field", "validate", "good"),
    [
        ("name", validate_pool_name, "fz9"),
        ("hostname", lambda v: validate_hostname(v, "hostname"), "host-a"),
        ("hosts[0]", lambda v: validate_host_names([v]), "host-a"),
        ("nfs.server", lambda v: validate_server(v, "nfs.server"), "nas.lab"),
        ("nfs.server", lambda v: validate_server(v, "nfs.server"), "10.0.0.1"),
        ("ceph.pool", validate_ceph_pool, "vms"),
        ("ceph.namespace", validate_ceph_namespace, "tenant-a"),
        ("ceph.user", validate_ceph_user, "quantix"),
        (
            "iscsi.target_iqn",
            lambda v: validate_iscsi_name(v, "iscsi.target_iqn"),
            "iqn.2024-01.lab.san:vms",
        ),
        (
            "iscsi.target_iqn",
            lambda v: validate_iscsi_name(v, "iscsi.target_iqn"),
            "eui.02004567A425678D",
        ),
        (
            "iscsi.target_iqn",
            lambda v: validate_iscsi_name(v, "iscsi.target_iqn"),
            "naa.52004567BA64678D",
        ),
        ("nfs.mount_options", parse_mount_options, "soft"),
        ("nfs.mount_options", parse_mount_options, "timeo=50"),
        ("nfs.mount_options", lambda v: parse_mount_options([v]), "soft"),
        ("address", lambda v: parse_address(v, "address"), "127.0.0.1:7443"),
        ("address", lambda v: parse_address(v, "address"), "[::1]:7443"),
        ("iscsi.portal", lambda v: validate_host_port(v, "iscsi.portal", 3260), "san:3260"),
        ("iscsi.portal", lambda v: validate_host_port(v, "iscsi.portal", 3260), "san"),
        ("iscsi.chap_user", lambda v: validate_chap(v, "secret-secret-1"), "quantix"),
        ("iscsi.lun", validate_lun, "3"),
        ("nfs.export_path", lambda v: validate_absolute_path(v, "nfs.export_path"), "/export"),
        ("model", lambda v: validate_text(v, "model", MAX_SHORT_TEXT), "EPYC 7763"),
    ],
)
@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\x00", "\u2028"])
def test_a_trailing_line_break_or_control_character_is_refused(field, validate, good, suffix):
    validate(good)  # the value itself is fine...
    error = refusal(validate, good + suffix)  # ...with a newline after it, it is not
    assert error.field == field, str(error)


def test_a_leading_newline_is_refused_too():
    assert refusal(validate_pool_name, "\nfz9").field == "name"
    assert refusal(lambda v: parse_address(v, "address"), "\nhost:1").field == "address"


def test_an_ipv6_zone_must_be_an_interface_name():
    assert validate_server("fe80::1%eth0", "nfs.server") == "fe80::1%eth0"
    for bad in ("fe80::1%\n", "fe80::1%a b", "fe80::1%" + "x" * 16):
        assert refusal(lambda v: validate_server(v, "nfs.server"), bad).field == "nfs.server"
    error = refusal(lambda v: parse_address(v, "address"), "[fe80::1%\n]:7443")
    assert "interface name" in error.rule


def test_spaces_around_a_value_are_still_forgiven():
    assert validate_address(" localhost:1 ") == "localhost:1"
    assert validate_host_port("\tsan:3260 ", "iscsi.portal", 1).port == 3260
    assert validate_ceph_user(" quantix ") == "quantix"
    assert validate_lun(" 7 ") == 7


# --- 2. numbers are ASCII digits only -----------------------------------------------------


NON_ASCII_DIGITS = ["²", "١٢", "１２", "۳", "7\u0663", "𝟕"]


@pytest.mark.parametrize("digits", NON_ASCII_DIGITS)
def test_non_ascii_digits_are_refused_for_ports_and_luns(digits):
    assert digits.isdigit() or any(ch.isdigit() for ch in digits)  # str.isdigit would pass
    for field, validate in [
        ("address", lambda v: parse_address(v, "address")),
        ("iscsi.portal", lambda v: validate_host_port(v, "iscsi.portal", 3260)),
        ("ceph.monitors[0]", lambda v: validate_monitors([v])),
    ]:
        error = refusal(validate, f"host:{digits}")
        assert error.field == field
        assert "port" in error.rule or "host:port" in error.rule, str(error)
    error = refusal(validate_lun, digits)
    assert error.field == "iscsi.lun"
    assert "number from 0 to 16383" in error.rule


@pytest.mark.parametrize("digits", ["0" * 6 + "1", "9" * 100, "1" * 100_000])
def test_long_digit_strings_are_refused_before_int(digits):
    # 100,000 digits would make int() raise ValueError (Python's 4,300-digit limit).
    assert refusal(lambda v: parse_address(v, "address"), f"h:{digits}").field == "address"
    portal = refusal(lambda v: validate_host_port(v, "iscsi.portal", 1), f"h:{digits}")
    assert portal.field == "iscsi.portal"
    assert refusal(validate_lun, digits).field == "iscsi.lun"


def test_lun_as_an_int_is_range_checked_without_printing_a_huge_number():
    assert validate_lun(0) == 0
    assert validate_lun(16383) == 16383
    assert "(got -1)" in refusal(validate_lun, -1).rule
    assert len(str(refusal(validate_lun, 10**10_000))) < 200
    assert refusal(validate_lun, True).field == "iscsi.lun"


def test_is_ascii_digits():
    assert is_ascii_digits("0123456789")
    assert not is_ascii_digits("")
    assert not is_ascii_digits("²")
    assert not is_ascii_digits("١")
    assert not is_ascii_digits("12 ")
    assert not is_ascii_digits("-1")


# --- 3. short quotes: a huge value yields a short error --------------------------------------


HUGE_VALUES = {
    "letters": "a" * 20_000,
    "digits": "1" * 20_000,
    "newlines": "\n" * 20_000,
    "wide-escapes": "\U000e0001" * 20_000,
    "host-port": "host:" + "1" * 20_000,
    "bracket": "[" + "a" * 20_000,
    "iqn": "iqn." + "a" * 20_000,
    "path": "/" + "a" * 20_000,
    "options": "soft," * 4_000,
    "quote-escapes": "'\"\\" * 7_000,
}


@pytest.mark.parametrize(("field", "validate"), VALIDATORS)
@pytest.mark.parametrize("kind", sorted(HUGE_VALUES))
def test_20kb_values_are_refused_with_a_short_message(field, validate, kind):
    error = refusal(validate, HUGE_VALUES[kind])
    assert error.field == field, str(error)
    assert len(str(error)) < 200, str(error)


def big(prefix: str = "") -> str:
    return prefix + "x" * 20_000


def nfs(**changes: object) -> PoolSpec:
    source = {"server": "nas", "export_path": "/e", **changes}
    return PoolSpec("n", Backend.NFS, NfsSource(**source))  # type: ignore[arg-type]


def ceph(**changes: object) -> PoolSpec:
    source = {"monitors": ("mon",), "pool": "vms", "key": CEPH_KEY, **changes}
    return PoolSpec("n", Backend.CEPH_RBD, CephSource(**source))  # type: ignore[arg-type]


def iscsi(**changes: object) -> PoolSpec:
    source = {"portal": "san", "target_iqn": "iqn.2024-01.lab:x", **changes}
    return PoolSpec("n", Backend.ISCSI, IscsiSource(**source))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (PoolSpec(big(), Backend.NFS, NfsSource("nas", "/e")), "name"),
        (PoolSpec("n", Backend.NFS, NfsSource("nas", "/e"), description=big()), "description"),
        (PoolSpec("n", Backend.NFS, NfsSource("nas", "/e"), hosts=(big(),)), "hosts[0]"),
        (PoolSpec("n", Backend.LOCAL_DIR, LocalDirSource(big("/")), hosts=("h",)), "local.path"),
        (nfs(server=big()), "nfs.server"),
        (nfs(export_path=big("/")), "nfs.export_path"),
        (nfs(version=big()), "nfs.version"),
        (nfs(mount_options=(big(),)), "nfs.mount_options"),
        (nfs(mount_options=big()), "nfs.mount_options"),
        (nfs(mount_point=big("/")), "nfs.mount_point"),
        (ceph(monitors=(big(),)), "ceph.monitors[0]"),
        (ceph(pool=big()), "ceph.pool"),
        (ceph(user=big()), "ceph.user"),
        (ceph(key=big()), "ceph.key"),
        (ceph(namespace=big()), "ceph.namespace"),
        (iscsi(portal=big()), "iscsi.portal"),
        (iscsi(target_iqn=big("iqn.")), "iscsi.target_iqn"),
        (iscsi(lun="1" * 20_000), "iscsi.lun"),
        (iscsi(initiator_iqn=big()), "iscsi.initiator_iqn"),
        (iscsi(chap_user=big(), chap_secret="secret-secret-1"), "iscsi.chap_user"),
        (iscsi(chap_user="u", chap_secret=big()), "iscsi.chap_secret"),
    ],
)
def test_20kb_fields_of_a_pool_spec_are_refused_with_a_short_message(spec, field):
    error = refusal(validate_pool_spec, spec)
    assert error.field == field, str(error)
    assert len(str(error)) < 200, str(error)


def test_a_wrong_secret_is_never_quoted():
    secret = "S" * 20_000
    assert secret[:20] not in str(refusal(validate_ceph_key, secret))
    assert secret[:20] not in str(refusal(lambda v: validate_chap("quantix", v), secret))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "'abc'"),
        ("fz9\n", "'fz9\\n'"),
        ("a" * 40, repr("a" * 40)),
        ("a" * 20_000, "'" + "a" * 40 + "…' (20000 characters)"),
        ("a" * 41, "'" + "a" * 40 + "…' (41 characters)"),
    ],
)
def test_quoted(value, expected):
    assert quoted(value) == expected


def test_quoted_stays_short_whatever_the_escapes():
    for value in ("\U000e0001" * 40, "\x00" * 1000, "'\"" * 1000, "é" * 1000):
        assert len(quoted(value)) <= 80, quoted(value)
    assert quoted("x" * 100, limit=5) == "'xxxxx…' (100 characters)"


def test_error_messages_for_short_values_quote_them_in_full():
    error = refusal(validate_pool_name, "bad name")
    assert error.rule.endswith("(got 'bad name')")


# --- 4. lists are bounded ---------------------------------------------------------------------


def test_too_many_hosts_are_refused_naming_the_field():
    hosts = [f"host-{i}" for i in range(MAX_HOSTS)]
    assert len(validate_host_names(hosts)) == MAX_HOSTS
    error = refusal(validate_host_names, [*hosts, "one-more"])
    assert error.field == "hosts"
    assert f"at most {MAX_HOSTS} hosts" in error.rule
    spec = PoolSpec("n", Backend.NFS, NfsSource("nas", "/e"), hosts=(*hosts, "one-more"))
    assert refusal(validate_pool_spec, spec).field == "hosts"


def test_duplicate_hosts_are_named_briefly():
    hosts = [f"{'h' * 60}-{i}" for i in range(50)]
    error = refusal(validate_host_names, hosts + hosts)
    assert error.field == "hosts"
    assert len(str(error)) < 200


def test_too_many_mount_options_are_refused_naming_the_field():
    options = [f"opt{i}" for i in range(MAX_MOUNT_OPTIONS)]
    assert len(parse_mount_options(options)) == MAX_MOUNT_OPTIONS
    assert len(parse_mount_options(",".join(options))) == MAX_MOUNT_OPTIONS
    for too_many in ([*options, "one"], ",".join([*options, "one"])):
        error = refusal(parse_mount_options, too_many)
        assert error.field == "nfs.mount_options"
        assert f"at most {MAX_MOUNT_OPTIONS} options" in error.rule


def test_an_endless_option_iterable_is_not_read_whole():
    def endless():
        while True:
            yield "soft"

    assert "at most 32 options" in refusal(parse_mount_options, endless()).rule


def test_overlong_mount_option_text_is_refused_before_splitting():
    error = refusal(parse_mount_options, "a," * MOUNT_OPTIONS_TEXT_MAX)
    assert error.field == "nfs.mount_options"
    assert f"at most {MOUNT_OPTIONS_TEXT_MAX} characters" in error.rule


def test_too_many_monitors_are_refused_naming_the_field():
    monitors = [f"mon{i}" for i in range(MAX_CEPH_MONITORS)]
    assert len(validate_monitors(monitors)) == MAX_CEPH_MONITORS
    error = refusal(validate_monitors, [*monitors, "one-more"])
    assert error.field == "ceph.monitors"
    assert f"at most {MAX_CEPH_MONITORS} monitors" in error.rule
    spec = PoolSpec("c", Backend.CEPH_RBD, CephSource((*monitors, "x"), "vms", key=CEPH_KEY))
    assert refusal(validate_pool_spec, spec).field == "ceph.monitors"


# --- 5. free text -----------------------------------------------------------------------------


def test_validate_text():
    assert validate_text("", "model", 10) == ""
    assert validate_text("Xeon Gold", "model", 10) == "Xeon Gold"
    assert validate_text("two\nlines\tok", "notes", 20, allow_newlines=True) == "two\nlines\tok"
    for bad in ("a\nb", "a\tb", "a\x1bb", "a\x7fb", "a\x85b", "a\u2029b", "a\ud800b"):
        assert refusal(lambda v: validate_text(v, "model", 10), bad).field == "model"
    assert refusal(lambda v: validate_text(v, "notes", 9, allow_newlines=True), "a\rb").field
    assert (
        "at most 10 characters (got 11)"
        in refusal(lambda v: validate_text(v, "m", 10), "x" * 11).rule
    )
    assert refusal(lambda v: validate_text(v, "m", 10), None).field == "m"  # type: ignore[arg-type]


# --- 6. system directories ------------------------------------------------------------------


SYSTEM_DIRECTORIES = [
    "/", "/etc", "/usr", "/boot", "/proc", "/sys", "/dev", "/run", "/bin", "/sbin", "/lib",
    "/lib64", "/var", "/var/lib", "/var/lib/libvirt", "/root", "/home", "/tmp", "/var/tmp",
    "/mnt", "/var/log",
]  # fmt: skip
INSIDE_SYSTEM_TREES = [
    "/etc/pools", "/usr/share/x", "/proc/1", "/sys/kernel", "/dev/shm/x", "/run/vms",
    "/boot/images", "/var/run/x", "/lib/x", "/bin/x",
]  # fmt: skip
TRICKS = ["//etc", "/etc/", "/etc/.", "/./etc", "///usr//share", "/var//lib/./libvirt/"]
ALLOWED = [
    "/var/lib/libvirt/images", "/var/lib/libvirt/images/x", "/srv", "/srv/vms", "/data/pool",
    "/mnt/nas", "/mnt/nas/vms", "/home/alice/vms", "/tmp/pytest-of-ci/images", "/opt/vms",
    "/var/lib/quantix/mnt/nas", "/etcetera", "/usrdata", "/devices/x",
]  # fmt: skip


def local(path: str) -> PoolSpec:
    return PoolSpec("images", Backend.LOCAL_DIR, LocalDirSource(path), hosts=("host-a",))


def nfs_at(mount_point: str) -> PoolSpec:
    return PoolSpec("nas", Backend.NFS, NfsSource("nas", "/export", mount_point=mount_point))


@pytest.mark.parametrize("path", SYSTEM_DIRECTORIES + INSIDE_SYSTEM_TREES + TRICKS)
@pytest.mark.parametrize(("field", "make"), [("local.path", local), ("nfs.mount_point", nfs_at)])
def test_system_directories_are_refused(path, field, make):
    error = refusal(validate_pool_spec, make(path))
    assert error.field == field
    assert "system directory" in error.rule, str(error)


@pytest.mark.parametrize("path", SYSTEM_DIRECTORIES)
def test_a_system_directory_itself_is_named(path):
    error = refusal(lambda v: validate_pool_directory(v, "local.path"), path)
    assert error.rule.startswith(f"must not be the system directory {path} or contain one")


def test_a_path_inside_a_system_tree_names_the_tree():
    error = refusal(lambda v: validate_pool_directory(v, "local.path"), "/proc/self")
    assert error.rule == "must not be inside /proc (a system directory)"
    error = refusal(lambda v: validate_pool_directory(v, "nfs.mount_point"), "//etc/pools")
    assert str(error) == "nfs.mount_point: must not be inside /etc (a system directory)"


@pytest.mark.parametrize("path", ALLOWED)
def test_ordinary_directories_are_allowed(path):
    assert validate_pool_spec(local(path)).source.path == path
    assert validate_pool_spec(nfs_at(path)).source.mount_point == path


def test_the_export_path_is_on_the_server_and_may_be_anything():
    spec = PoolSpec("nas", Backend.NFS, NfsSource("nas", "/etc"))
    assert validate_pool_spec(spec).source.export_path == "/etc"


# --- 7. unknown enum values are refused, never defaulted -------------------------------------


def test_an_unknown_backend_is_refused():
    spec = PoolSpec("n", "NFS", NfsSource("nas", "/e"))  # type: ignore[arg-type]
    assert refusal(validate_pool_spec, spec).field == "backend"


def test_an_unknown_initiator_is_refused():
    source = IscsiSource("san", "iqn.2024-01.lab:x", initiator="KERNEL")  # type: ignore[arg-type]
    error = refusal(validate_pool_spec, PoolSpec("n", Backend.ISCSI, source))
    assert error.field == "iscsi.initiator"
    assert "KERNEL, USERSPACE" in error.rule
