"""quantixctl images refuses bad input before anything is sent: a real quantixctl process
pointed at an address where nothing listens (any call would fail there with "unreachable" and
exit status 1), so a refusal with exit status 2 naming the flag proves no call was made."""

from __future__ import annotations

import os

import pytest

from domain.images import IMAGE_NAME_MAX
from localfleet.trust import FleetTrust
from tests.cli.test_quantixctl import quantixctl
from tests.cli.test_quantixctl_pools import one_line_error

NOWHERE = "127.0.0.1:1"
SHA = "ab" * 32


@pytest.fixture
def nowhere(tmp_path):
    """quantixctl with a real identity, dialling an address where nothing listens."""
    identity = FleetTrust(tmp_path / "trust").identity_file("admin")

    def run(*args):
        return quantixctl(*args, address=NOWHERE, identity=identity)

    return run


@pytest.fixture
def files(tmp_path):
    """Files a user might pick: a real ISO-sized file, an empty one, an OVA, a directory, a
    FIFO (not a regular file), and a name the image rules cannot use."""
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "alpine.iso").write_bytes(b"\x01" * 4096)
    (folder / "empty.img").write_bytes(b"")
    (folder / "appliance.ova").write_bytes(b"\x02" * 1024)
    (folder / "---").write_bytes(b"\x03" * 1024)
    (folder / "a-directory.iso").mkdir()
    os.mkfifo(folder / "pipe.iso")
    return folder


def refused(result, start):
    line = one_line_error(result, 2, f"quantixctl: {start}")
    assert result.stdout == ""
    return line


def test_an_upload_is_refused_before_any_call_for_a_bad_file_name_kind_or_flag(nowhere, files):
    iso = str(files / "alpine.iso")
    cases = [
        (
            ("upload", str(files / "missing.iso"), "--pool", "isos"),
            "FILE: cannot read 'missing.iso': No such file or directory",
        ),
        (
            ("upload", str(files / "a-directory.iso"), "--pool", "isos"),
            "FILE: 'a-directory.iso' is not a regular file",
        ),
        (
            ("upload", str(files / "pipe.iso"), "--pool", "isos"),
            "FILE: 'pipe.iso' is not a regular file",
        ),
        (
            ("upload", str(files / "empty.img"), "--pool", "isos"),
            "FILE: must be more than 0 bytes (the file is empty)",
        ),
        (
            ("upload", str(files / "appliance.ova"), "--pool", "isos"),
            "FILE: 'appliance.ova' is an OVA: import it with `quantixctl images import-ova`",
        ),
        (
            ("upload", str(files / "---"), "--pool", "isos"),
            "--name: is needed: the name made from '---' is refused (is required)",
        ),
        (
            ("upload", iso, "--pool", "isos", "--name", "../etc/passwd"),
            "--name: must not contain a path separator (got '../etc/passwd')",
        ),
        (
            ("upload", iso, "--pool", "isos", "--name", "a..b"),
            "--name: must not contain '..' (got 'a..b')",
        ),
        (
            ("upload", iso, "--pool", "isos", "--name", "x" * (IMAGE_NAME_MAX + 1)),
            f"--name: must be at most {IMAGE_NAME_MAX} characters",
        ),
        (
            ("upload", iso, "--pool", "isos", "--sha256", "abc"),
            "--sha256: must be 64 hex digits (got 3 characters)",
        ),
        (
            ("upload", iso, "--pool", "isos", "--sha256", "g" * 64),
            "--sha256: must be hex digits 0-9 and a-f",
        ),
        (("upload", iso, "--pool", "bad pool!"), "--pool: may contain only letters, digits"),
        (
            ("upload", iso, "--pool", "isos", "--host", "host_a"),
            "--host: must be dot-separated labels",
        ),
        (
            ("upload", iso, "--pool", "isos", "--stall-timeout", "forever"),
            "--stall-timeout: must be a number and a unit s, m, h or d",
        ),
        (
            ("import-ova", str(files / "missing.ova"), "--pool", "vms"),
            "FILE: cannot read 'missing.ova': No such file or directory",
        ),
        (
            ("import-ova", str(files / "appliance.ova"), "--pool", "vms", "--name", ".hidden"),
            "--name: may contain only letters, digits",
        ),
    ]
    for args, start in cases:
        refused(nowhere("images", *args), start)


def test_a_download_is_refused_before_any_call_for_a_bad_url_checksum_or_name(nowhere):
    url = "https://cloud.example.org/noble/noble-server-cloudimg-amd64.img"
    cases = [
        (
            ("download", "ftp://mirror.example.org/x.img", "--pool", "images"),
            "URL: must start with http:// or https:// (got 'ftp://mirror.example.org/x.img')",
        ),
        (("download", "https:///x.img", "--pool", "images"), "URL: must name a host"),
        (("download", "https://h:99999/x.img", "--pool", "images"), "URL: has a bad port"),
        (
            ("download", "https://h/x y.img", "--pool", "images"),
            "URL: must not contain spaces or control characters",
        ),
        (
            ("download", "https://h.example/appliance.ova", "--pool", "images"),
            "URL: names an OVA: downloads take disk images and ISOs",
        ),
        (
            ("download", "https://h.example/", "--pool", "images"),
            "--name: is needed: the name made from '' is refused (is required)",
        ),
        (
            ("download", url, "--pool", "images", "--checksum-url", "file:///etc/shadow"),
            "--checksum-url: must start with http:// or https://",
        ),
        (
            ("download", url, "--pool", "images", "--sha256", SHA[:-1]),
            "--sha256: must be 64 hex digits (got 63 characters)",
        ),
        (
            ("download", url, "--pool", "images", "--name", "a/b"),
            "--name: must not contain a path separator",
        ),
        (
            ("download", "--catalog", "ubuntu-24.04", "--pool", "images", "--checksum-url", url),
            "--checksum-url: is not used with --catalog",
        ),
    ]
    for args, start in cases:
        refused(nowhere("images", *args), start)

    # argparse's own refusals name the flags too.
    both = nowhere("images", "download", url, "--pool", "p", "--sha256", SHA, "--checksum-url", url)
    assert both.returncode == 2
    assert "argument --checksum-url: not allowed with argument --sha256" in both.stderr
    neither = nowhere("images", "download", "--pool", "p")
    assert neither.returncode == 2
    assert "one of the arguments URL --catalog is required" in neither.stderr


def test_an_image_reference_or_filter_is_checked_before_any_call(nowhere):
    for command in ("show", "retry", "cancel", "delete"):
        refused(
            nowhere("images", command, "alpine.iso"),
            "POOL/NAME: must be POOL/NAME, e.g. isos/alpine.iso (got 'alpine.iso')",
        )
        refused(
            nowhere("images", command, "isos/../alpine.iso"),
            "POOL/NAME (name): must not contain a path separator",
        )
        refused(nowhere("images", command, "/alpine.iso"), "POOL/NAME (pool): ")
    refused(nowhere("images", "list", "--pool", "no such pool"), "--pool: may contain only")
    kind = nowhere("images", "list", "--kind", "vmdk")
    assert kind.returncode == 2
    assert "argument --kind: invalid choice: 'vmdk'" in kind.stderr
    # Well-formed, they do reach for the coordinator (which is not there).
    one_line_error(
        nowhere("images", "show", "isos/alpine.iso"),
        1,
        f"quantixctl: coordinator {NOWHERE} unreachable:",
    )
