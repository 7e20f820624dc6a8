"""The image rules every side checks: names, sizes, checksums, URLs, pools, wording."""

import pytest

from domain.errors import ValidationError
from domain.images import (
    IMAGE_NAME_MAX,
    IMAGE_SIZE_MAX,
    URL_MAX,
    ImageKind,
    ImagePhase,
    UploadMode,
    image_key,
    kind_for_file,
    name_for_file,
    stopped_message,
    supports_templates,
    template_disk_name,
    upload_support,
    validate_image_name,
    validate_sha256,
    validate_size,
    validate_url,
)

GOOD_SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.mark.parametrize(
    "name",
    ["debian-12.5.0-amd64-netinst.iso", "a", "noble+cloud_v2.qcow2", "X" * IMAGE_NAME_MAX],
)
def test_good_names_pass_unchanged(name: str) -> None:
    assert validate_image_name(name) == name


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "name: is required"),
        ("x" * (IMAGE_NAME_MAX + 1), f"at most {IMAGE_NAME_MAX} characters (got 201)"),
        ("iso/debian.iso", "must not contain a path separator"),
        ("..\\evil", "must not contain a path separator"),
        ("..", "must not contain '..'"),
        ("a..b.iso", "must not contain '..'"),
        (".hidden.iso", "must start with a letter or digit"),
        ("name with space.iso", "may contain only letters"),
        ("debian.iso\n", "must not contain control characters"),
        ("café.iso", "may contain only letters"),
    ],
)
def test_bad_names_are_refused_naming_the_rule(name: str, rule: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_image_name(name, "name")
    assert raised.value.field == "name"
    assert rule in str(raised.value)


def test_a_long_bad_name_is_quoted_only_by_a_prefix() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_image_name("bad name " * 20)
    assert len(str(raised.value)) < 250
    assert "(180 characters)" in str(raised.value)


@pytest.mark.parametrize(
    ("size", "ok"), [(1, True), (IMAGE_SIZE_MAX, True), (0, False), (IMAGE_SIZE_MAX + 1, False)]
)
def test_sizes_are_bounded(size: int, ok: bool) -> None:
    if ok:
        assert validate_size(size) == size
    else:
        with pytest.raises(ValidationError, match=r"^size: must"):
            validate_size(size)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", ""), (GOOD_SHA, GOOD_SHA), (GOOD_SHA.upper(), GOOD_SHA), (f" {GOOD_SHA}\t", GOOD_SHA)],
)
def test_checksums_are_optional_and_normalized(value: str, expected: str) -> None:
    assert validate_sha256(value) == expected


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        (GOOD_SHA[:-1], r"must be 64 hex digits \(got 63 characters\)"),
        ("g" * 64, "must be hex digits"),
        ("٣" * 64, "must be hex digits"),
    ],
)
def test_bad_checksums_are_refused(value: str, rule: str) -> None:
    with pytest.raises(ValidationError, match=rule):
        validate_sha256(value, "sha256")


@pytest.mark.parametrize(
    "url",
    [
        "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img",
        "http://127.0.0.1:8080/x.qcow2",
        "http://[::1]:8080/x.qcow2",
    ],
)
def test_http_urls_pass(url: str) -> None:
    assert validate_url(url) == url


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("", "url: is required"),
        ("ftp://example.org/x.img", "must start with http:// or https://"),
        ("file:///etc/shadow", "must start with http:// or https://"),
        ("https:///x.img", "must name a host"),
        ("https://example.org:99999/x", "has a bad port"),
        ("https://alice:s3cret@mirror.example/x.img", "must not carry a user name or password"),
        ("https://example.org/a b", "must not contain spaces"),
        ("https://example.org/x\n", "must not contain spaces or control characters"),
        ("https://e.org/" + "a" * URL_MAX, f"at most {URL_MAX} characters"),
    ],
)
def test_bad_urls_are_refused(url: str, rule: str) -> None:
    with pytest.raises(ValidationError, match=rule):
        validate_url(url)


@pytest.mark.parametrize(
    ("file_name", "kind", "name"),
    [
        ("/home/alice/debian-12.iso", ImageKind.ISO, "debian-12.iso"),
        ("C:\\Users\\bob\\Win Server (1).ISO", ImageKind.ISO, "Win-Server-1-.ISO"),
        ("appliance.ova", ImageKind.OVA_TEMPLATE, "appliance"),
        ("noble.img", ImageKind.DISK, "noble.img"),
        ("..disk..qcow2", ImageKind.DISK, "disk.qcow2"),
        ("notes.txt", ImageKind.DISK, "notes.txt"),
    ],
)
def test_kind_and_name_are_prefilled_from_the_file(
    file_name: str, kind: ImageKind, name: str
) -> None:
    assert kind_for_file(file_name) is kind
    assert name_for_file(file_name) == name
    assert validate_image_name(name_for_file(file_name)) == name


@pytest.mark.parametrize(
    ("pool_type", "mode"),
    [
        ("dir", UploadMode.FILE),
        ("netfs", UploadMode.FILE),
        ("fs", UploadMode.FILE),
        ("logical", UploadMode.STREAM),
        ("rbd", UploadMode.STREAM),
    ],
)
def test_pools_that_take_uploads(pool_type: str, mode: UploadMode) -> None:
    assert upload_support(pool_type).mode is mode


@pytest.mark.parametrize(
    ("pool_type", "reason"),
    [
        ("iscsi", "iSCSI pool's volumes are the target's LUNs"),
        ("iscsi-direct", "iSCSI pool's volumes are the target's LUNs"),
        ("disk", "partitions"),
        ("weird", "pools of type weird take no uploads"),
        ("", "pools of type unknown take no uploads"),
    ],
)
def test_pools_that_cannot_take_uploads_say_why(pool_type: str, reason: str) -> None:
    support = upload_support(pool_type)
    assert support.mode is None
    assert reason in support.reason


def test_only_file_pools_hold_templates() -> None:
    assert supports_templates("dir") and supports_templates("netfs")
    assert not supports_templates("rbd") and not supports_templates("iscsi")


def test_phases_that_are_busy() -> None:
    assert {p for p in ImagePhase if not p.busy} == {ImagePhase.READY, ImagePhase.ERROR}


def test_keys_names_and_wording() -> None:
    assert image_key("isos", "debian.iso") == "isos/debian.iso"
    assert template_disk_name("web", 2) == "web-disk2.qcow2"
    assert (
        stopped_message("upload", "host-b", int(1.2 * 2**30), 4 * 2**30, "connection lost")
        == "upload to host-b stopped at 1.2 GiB of 4.0 GiB: connection lost"
    )
    assert (
        stopped_message("download", "host-a", 5 * 2**20, 0, "cancelled by alice")
        == "download on host-a stopped at 5.0 MiB: cancelled by alice"
    )
