"""Publishers' checksum files, in the formats they really publish, and every refusal."""

from __future__ import annotations

import hashlib

import pytest

from domain.checksums import (
    CHECKSUM_FILE_MAX_BYTES,
    CHECKSUM_FILE_MAX_LINES,
    ChecksumFileError,
    DigestAlgorithm,
    NoLineForFile,
    checksum_source,
    file_name_of,
    find_digest,
    find_digest_for_any,
    url_for_message,
)


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def sha512_of(text: str) -> str:
    return hashlib.sha512(text.encode()).hexdigest()


NOBLE = "noble-server-cloudimg-amd64.img"
UBUNTU_URL = "https://cloud-images.ubuntu.com/noble/current/SHA256SUMS"
# cloud-images.ubuntu.com: binary-mode GNU lines ('*name'), one per artefact of the build.
UBUNTU_SHA256SUMS = f"""\
{sha256_of("azure")} *noble-server-cloudimg-amd64-azure.vhd.tar.gz
{sha256_of("lxd")} *noble-server-cloudimg-amd64-lxd.tar.xz
{sha256_of("noble")} *{NOBLE}
{sha256_of("manifest")} *noble-server-cloudimg-amd64.manifest
{sha256_of("arm")} *noble-server-cloudimg-arm64.img
"""

DEBIAN_QCOW2 = "debian-12-generic-amd64.qcow2"
DEBIAN_URL = "https://cloud.debian.org/images/cloud/bookworm/latest/SHA512SUMS"
# cloud.debian.org publishes SHA512SUMS only: text-mode GNU lines ('HASH  name').
DEBIAN_SHA512SUMS = f"""\
{sha512_of("json")}  debian-12-generic-amd64.json
{sha512_of("debian-qcow2")}  {DEBIAN_QCOW2}
{sha512_of("raw")}  debian-12-generic-amd64.raw
{sha512_of("tar")}  debian-12-generic-amd64.tar.xz
"""
# The same layout with SHA-256 (a mirror's SHA256SUMS in Debian's style).
DEBIAN_STYLE_SHA256SUMS = DEBIAN_SHA512SUMS.replace(
    sha512_of("debian-qcow2"), sha256_of("debian-qcow2")
)

FEDORA_QCOW2 = "Fedora-Cloud-Base-Generic-44-1.7.x86_64.qcow2"
FEDORA_URL = (
    "https://download.fedoraproject.org/pub/fedora/linux/releases/44/Cloud/x86_64/images/"
    "Fedora-Cloud-44-1.7-x86_64-CHECKSUM"
)
# Fedora's CHECKSUM: BSD lines with '# name: N bytes' comments, clear-signed with PGP.
FEDORA_CHECKSUM = f"""\
-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

# Fedora-Cloud-Base-AmazonEC2-44-1.7.x86_64.raw.xz: 437657600 bytes
SHA256 (Fedora-Cloud-Base-AmazonEC2-44-1.7.x86_64.raw.xz) = {sha256_of("ec2")}
# {FEDORA_QCOW2}: 578486272 bytes
SHA256 ({FEDORA_QCOW2}) = {sha256_of("fedora")}
# Fedora-Cloud-Base-UEFI-UKI-44-1.7.x86_64.qcow2: 545259520 bytes
SHA256 (Fedora-Cloud-Base-UEFI-UKI-44-1.7.x86_64.qcow2) = {sha256_of("uki")}
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCAAdFiEEBa4ZF8ESb9cWPQyRuGJqx8gLXFIFAmYAAAAACgkQuGJqx8gL
XFK1Ng/+JcYQ3N0ZmVkb3JhLWV4YW1wbGUtc2lnbmF0dXJlLW5vdC1yZWFsCg==
=Yc4Q
-----END PGP SIGNATURE-----
"""

ROCKY_QCOW2 = "Rocky-9-GenericCloud-Base.latest.x86_64.qcow2"
ROCKY_URL = f"https://dl.rockylinux.org/pub/rocky/9/images/x86_64/{ROCKY_QCOW2}.CHECKSUM"
# Rocky's per-image .CHECKSUM: a size comment and one BSD line.
ROCKY_CHECKSUM = f"""\
# {ROCKY_QCOW2}: 609812480 bytes
SHA256 ({ROCKY_QCOW2}) = {sha256_of("rocky")}
"""

ALMA_QCOW2 = "AlmaLinux-9-GenericCloud-latest.x86_64.qcow2"
ALMA_URL = "https://repo.almalinux.org/almalinux/9/cloud/x86_64/images/CHECKSUM"
# AlmaLinux's directory CHECKSUM: GNU lines for the dated image and its 'latest' name.
ALMA_CHECKSUM = f"""\
{sha256_of("alma")}  AlmaLinux-9-GenericCloud-9.6-20250522.x86_64.qcow2
{sha256_of("alma")}  {ALMA_QCOW2}
{sha256_of("alma-lvm")}  AlmaLinux-9-GenericCloud-LVM-latest.x86_64.qcow2
"""

CENTOS_QCOW2 = "CentOS-Stream-GenericCloud-9-latest.x86_64.qcow2"
CENTOS_URL = f"https://cloud.centos.org/centos/9-stream/x86_64/images/{CENTOS_QCOW2}.SHA256SUM"
CENTOS_SHA256SUM = f"SHA256 ({CENTOS_QCOW2}) = {sha256_of('centos')}\n"

LEAP_QCOW2 = "Leap-16.0-Minimal-VM.x86_64-Cloud.qcow2"
LEAP_URL = f"https://download.opensuse.org/distribution/leap/16.0/appliances/{LEAP_QCOW2}.sha256"
# openSUSE's .sha256: one GNU line, clear-signed, with CRLF line ends as some mirrors serve it.
LEAP_SHA256 = (
    "-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\n"
    f"{sha256_of('leap')}  {LEAP_QCOW2}\r\n"
    "-----BEGIN PGP SIGNATURE-----\r\n\r\niQEzBAEBCAAd\r\n=AbCd\r\n-----END PGP SIGNATURE-----\r\n"
)

PUBLISHED = [
    ("ubuntu SHA256SUMS", UBUNTU_SHA256SUMS, NOBLE, UBUNTU_URL, "sha256", sha256_of("noble")),
    (
        "debian SHA512SUMS",
        DEBIAN_SHA512SUMS,
        DEBIAN_QCOW2,
        DEBIAN_URL,
        "sha512",
        sha512_of("debian-qcow2"),
    ),
    (
        "debian-style SHA256SUMS",
        DEBIAN_STYLE_SHA256SUMS,
        DEBIAN_QCOW2,
        DEBIAN_URL.replace("SHA512SUMS", "SHA256SUMS"),
        "sha256",
        sha256_of("debian-qcow2"),
    ),
    ("fedora CHECKSUM", FEDORA_CHECKSUM, FEDORA_QCOW2, FEDORA_URL, "sha256", sha256_of("fedora")),
    ("rocky .CHECKSUM", ROCKY_CHECKSUM, ROCKY_QCOW2, ROCKY_URL, "sha256", sha256_of("rocky")),
    ("alma CHECKSUM", ALMA_CHECKSUM, ALMA_QCOW2, ALMA_URL, "sha256", sha256_of("alma")),
    ("centos SHA256SUM", CENTOS_SHA256SUM, CENTOS_QCOW2, CENTOS_URL, "sha256", sha256_of("centos")),
    ("opensuse .sha256", LEAP_SHA256, LEAP_QCOW2, LEAP_URL, "sha256", sha256_of("leap")),
]


@pytest.mark.parametrize(
    ("text", "file_name", "url", "algorithm", "expected"),
    [case[1:] for case in PUBLISHED],
    ids=[case[0] for case in PUBLISHED],
)
def test_the_digest_is_found_in_each_publishers_format(text, file_name, url, algorithm, expected):
    digest = find_digest(text.encode(), file_name, url)
    assert digest.algorithm is DigestAlgorithm(algorithm)
    assert digest.hex == expected
    assert digest.source == f"{file_name_of(url)} at {url}"


def test_a_file_not_listed_is_named_with_the_checksum_file_and_its_url():
    with pytest.raises(NoLineForFile) as error:
        find_digest(UBUNTU_SHA256SUMS.replace(NOBLE, "noble-other.img").encode(), NOBLE, UBUNTU_URL)
    assert str(error.value) == f"SHA256SUMS at {UBUNTU_URL} has no line for {NOBLE}"


def test_the_second_name_is_tried_when_the_first_is_not_listed():
    digest = find_digest_for_any(
        ALMA_CHECKSUM.encode(),
        ("AlmaLinux-9-GenericCloud-9.7-20260101.x86_64.qcow2", ALMA_QCOW2),
        ALMA_URL,
    )
    assert digest.hex == sha256_of("alma")


def test_upper_case_hex_and_a_path_before_the_name_are_read():
    text = f"{sha256_of('x').upper()}  ./images/{NOBLE}\n"
    assert find_digest(text.encode(), NOBLE, UBUNTU_URL).hex == sha256_of("x")


def test_a_name_coreutils_escaped_is_unescaped():
    text = f"\\{sha256_of('x')}  odd\\\\name.img\n"
    assert find_digest(text.encode(), "odd\\name.img", UBUNTU_URL).hex == sha256_of("x")


def test_sha256_is_preferred_when_a_file_gives_both():
    text = f"SHA512 ({NOBLE}) = {sha512_of('x')}\nSHA256 ({NOBLE}) = {sha256_of('x')}\n"
    digest = find_digest(text.encode(), NOBLE, UBUNTU_URL)
    assert (digest.algorithm, digest.hex) == (DigestAlgorithm.SHA256, sha256_of("x"))


REFUSED = [
    (
        "only weak digests",
        f"{hashlib.md5(b'x').hexdigest()}  {NOBLE}\n"
        f"SHA1 ({NOBLE}) = {hashlib.sha1(b'x').hexdigest()}",
        f"SHA256SUMS at {UBUNTU_URL} gives only MD5, SHA1 for {NOBLE}: Quantix checks "
        "SHA-256 or SHA-512",
    ),
    (
        "two different values",
        f"{sha256_of('a')}  {NOBLE}\n{sha256_of('b')} *{NOBLE}\n",
        f"SHA256SUMS at {UBUNTU_URL} lists 2 different SHA-256 values for {NOBLE}",
    ),
    (
        "a BSD line of the wrong length",
        f"SHA256 ({NOBLE}) = {sha256_of('a')[:60]}\n",
        f"SHA256SUMS at {UBUNTU_URL} has no usable line for {NOBLE}: its SHA256 line has 60 hex "
        "digits, not 64",
    ),
    (
        "an HTML page",
        "<html><body><h1>Welcome to our mirror</h1></body></html>\n",
        f"SHA256SUMS at {UBUNTU_URL} is not a checksum file: no line reads 'HASH  name' or "
        "'SHA256 (name) = HASH'",
    ),
    (
        "an empty file",
        "",
        f"SHA256SUMS at {UBUNTU_URL} is not a checksum file",
    ),
    (
        "a signature and nothing signed",
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n-----BEGIN PGP SIGNATURE-----\n",
        f"SHA256SUMS at {UBUNTU_URL} is not a checksum file",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_files_that_cannot_give_a_digest_say_why(text, message):
    with pytest.raises(ChecksumFileError) as error:
        find_digest(text.encode(), NOBLE, UBUNTU_URL)
    assert str(error.value).startswith(message)


def test_a_file_over_one_mib_is_refused_before_it_is_read():
    line = f"{sha256_of('x')}  {NOBLE}\n".encode()
    content = line * (CHECKSUM_FILE_MAX_BYTES // len(line) + 1)
    with pytest.raises(ChecksumFileError) as error:
        find_digest(content, NOBLE, UBUNTU_URL)
    assert "is too large to be a checksum file" in str(error.value)
    assert f"at most {CHECKSUM_FILE_MAX_BYTES:,} are read" in str(error.value)


def test_a_file_of_too_many_lines_is_refused():
    content = b"\n" * (CHECKSUM_FILE_MAX_LINES + 1)
    with pytest.raises(ChecksumFileError) as error:
        find_digest(content, NOBLE, UBUNTU_URL)
    assert f"has {CHECKSUM_FILE_MAX_LINES + 1:,} lines" in str(error.value)


def test_a_binary_file_is_refused_as_not_text():
    with pytest.raises(ChecksumFileError) as error:
        find_digest(b"\x89PNG\r\n\x1a\n\xff\xfe", NOBLE, UBUNTU_URL)
    assert str(error.value) == f"SHA256SUMS at {UBUNTU_URL} is not a text file (not UTF-8)"


def test_urls_in_messages_lose_their_credentials_and_their_middle():
    assert url_for_message("https://user:secret@mirror.example:8443/a/SHA256SUMS") == (
        "https://mirror.example:8443/a/SHA256SUMS"
    )
    long_url = "https://mirror.example/" + "d/" * 200 + "SHA256SUMS"
    shown = url_for_message(long_url)
    assert len(shown) <= 120
    assert shown.startswith("https://mirror.example/") and shown.endswith("/SHA256SUMS")
    assert "secret" not in checksum_source("https://u:secret@h.example/x/SHA256SUMS")


def test_the_file_name_is_the_last_segment_percent_decoded():
    assert file_name_of("https://h.example/a/my%20image.qcow2?x=1") == "my image.qcow2"


def test_a_name_with_a_line_break_is_quoted_in_the_message():
    with pytest.raises(NoLineForFile) as error:
        find_digest(UBUNTU_SHA256SUMS.encode(), "evil\nname.img", UBUNTU_URL)
    assert str(error.value) == f"SHA256SUMS at {UBUNTU_URL} has no line for 'evil\\nname.img'"
