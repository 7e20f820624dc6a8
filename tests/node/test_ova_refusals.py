"""OVAs an import must refuse, each with its reason and nothing left in the pool: members
that leave the work directory, links, devices and FIFOs, a wrong manifest digest, a disk the
archive lacks, a hostile or broken descriptor, a second descriptor, absurd headers, and disks
that would read other files on the host. Header-level refusals write nothing at all."""

from __future__ import annotations

import asyncio
import tarfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from node_daemon.ova_extract import ExtractLimits
from node_daemon.ova_import import OvaRefused, import_ova
from tests.node.ova_builder import (
    BILLION_LAUGHS,
    MIB,
    Member,
    SampleOva,
    SourceDisk,
    build_ova,
    manifest,
    qemu_img,
    sample_ova,
    special,
    vmware_ovf,
)


@pytest.fixture
def sample(tmp_path: Path) -> SampleOva:
    return sample_ova(tmp_path, "vmware", sizes=(4 * MIB, 2 * MIB))


def refused(
    tmp_path: Path, members: Sequence[Member], *, limits: ExtractLimits | None = None
) -> tuple[str, Path, Path]:
    """Import an OVA of ``members``; the refusal's text, the work and pool directories."""
    archive = build_ova(tmp_path / "bad.ova", members)
    return refused_archive(tmp_path, archive, limits=limits)


def refused_archive(
    tmp_path: Path, archive: Path, *, limits: ExtractLimits | None = None
) -> tuple[str, Path, Path]:
    work, pool = tmp_path / "work", tmp_path / "pool"
    work.mkdir()
    pool.mkdir()
    extra = {"extract_limits": limits} if limits else {}
    with pytest.raises(OvaRefused) as caught:
        asyncio.run(import_ova(archive, work, pool, "tmpl", lambda *_: None, **extra))
    assert list(pool.iterdir()) == [], "a refused import leaves nothing in the pool"
    return str(caught.value), work, pool


def files_of(sample: SampleOva) -> list[tuple[str, bytes]]:
    return [m for m in sample.members if isinstance(m, tuple) and not m[0].endswith(".mf")]


def with_manifest(files: list[tuple[str, bytes]]) -> list[Member]:
    return [files[0], ("web01.mf", manifest(files, "sha256", style="ovftool")), *files[1:]]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../x", "member '../x' has a '..' part: it would be written outside"),
        ("/etc/x", "member '/etc/x' is an absolute path"),
        ("disks/../../x", "has a '..' part"),
    ],
)
def test_members_that_would_land_outside_the_work_directory_are_refused_before_any_write(
    tmp_path: Path, sample: SampleOva, name: str, reason: str
) -> None:
    text, work, _pool = refused(tmp_path, [*sample.members, (name, b"owned")])

    assert text.startswith("reading the archive: ")
    assert reason in text
    assert list(work.iterdir()) == []  # nothing unpacked at all
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        (special("evil.vmdk", tarfile.SYMTYPE, "/etc/shadow"), "member 'evil.vmdk' is a symbolic"),
        (
            special("copy.vmdk", tarfile.LNKTYPE, "web01-disk1.vmdk"),
            "member 'copy.vmdk' is a hard link (to 'web01-disk1.vmdk')",
        ),
        (special("null", tarfile.CHRTYPE), "member 'null' is a device node"),
        (special("disk", tarfile.BLKTYPE), "member 'disk' is a device node"),
        (special("pipe", tarfile.FIFOTYPE), "member 'pipe' is a FIFO"),
    ],
    ids=["symlink", "hardlink", "char-device", "block-device", "fifo"],
)
def test_links_devices_and_fifos_are_refused_with_their_member_name(
    tmp_path: Path, sample: SampleOva, member: tarfile.TarInfo, reason: str
) -> None:
    text, work, _pool = refused(tmp_path, [*sample.members, member])

    assert reason in text
    assert "an OVA holds regular files only" in text
    assert list(work.iterdir()) == []


def test_a_wrong_manifest_digest_is_refused_naming_the_file(
    tmp_path: Path, sample: SampleOva
) -> None:
    files = files_of(sample)
    members = with_manifest(files)
    name, text = members[1]
    assert isinstance(text, bytes)
    good = manifest(files[2:], "sha256", style="ovftool").decode().split("= ")[1].strip()
    members[1] = (name, text.replace(good.encode(), ("0" * 64).encode()))

    reason, _work, _pool = refused(tmp_path, members)

    assert reason.startswith(
        "checking the files against the manifest and the OVF: file web01-disk2.vmdk does not"
    )
    assert f"its SHA256 is {good[:16]}…, the manifest says {'0' * 16}…" in reason


def test_a_disk_named_in_the_ovf_but_missing_from_the_archive_is_refused(
    tmp_path: Path, sample: SampleOva
) -> None:
    members = [m for m in sample.members if not (isinstance(m, tuple) and m[0].endswith("2.vmdk"))]

    text, work, _pool = refused(tmp_path, members)

    assert text == (
        "checking the archive's contents: disk file web01-disk2.vmdk named in the OVF is not "
        "in the archive"
    )
    assert not (work / "web01-disk1.vmdk").exists()  # refused before unpacking the disks


def test_a_manifest_naming_a_file_the_archive_lacks_is_refused(
    tmp_path: Path, sample: SampleOva
) -> None:
    files = files_of(sample)
    members = with_manifest([*files, ("web01.nvram", b"nvram")])
    members.pop()  # the manifest names it; the archive does not hold it

    text, _work, _pool = refused(tmp_path, members)

    assert "the manifest names web01.nvram, which is not in the archive" in text


def test_a_manifest_that_leaves_a_disk_out_is_refused(tmp_path: Path, sample: SampleOva) -> None:
    files = files_of(sample)
    members: list[Member] = [
        files[0],
        ("web01.mf", manifest(files[:2], "sha256", style="ovftool")),
        *files[1:],
    ]

    text, _work, _pool = refused(tmp_path, members)

    assert "the manifest gives no digest for disk file web01-disk2.vmdk" in text


def test_a_disk_whose_size_is_not_the_ovfs_is_refused(tmp_path: Path, sample: SampleOva) -> None:
    files = files_of(sample)
    actual = len(files[1][1])
    descriptor = files[0][1].replace(f'ovf:size="{actual}"'.encode(), b'ovf:size="12345"', 1)
    members = with_manifest([("web01.ovf", descriptor), *files[1:]])

    text, _work, _pool = refused(tmp_path, members)

    assert f"disk file web01-disk1.vmdk is {actual} bytes, the OVF says 12345 (ovf:size)" in text


@pytest.mark.parametrize(
    ("descriptor", "reason"),
    [
        (BILLION_LAUGHS, "declares a DTD or entities, which are refused"),
        (b"<Envelope><References></Envelope>", "is not well-formed XML"),
    ],
    ids=["billion-laughs", "malformed"],
)
def test_a_hostile_or_broken_descriptor_is_refused(
    tmp_path: Path, sample: SampleOva, descriptor: bytes, reason: str
) -> None:
    members = with_manifest([("web01.ovf", descriptor), *files_of(sample)[1:]])

    text, _work, _pool = refused(tmp_path, members)

    assert text.startswith("reading the OVF descriptor web01.ovf: ")
    assert reason in text


def test_a_second_descriptor_is_refused(tmp_path: Path, sample: SampleOva) -> None:
    text, work, _pool = refused(tmp_path, [*sample.members, ("other.ovf", sample.descriptor)])

    assert "the archive holds 2 OVF descriptors ('web01.ovf', 'other.ovf')" in text
    assert list(work.iterdir()) == []


def test_the_descriptor_may_come_anywhere_in_the_archive(tmp_path: Path, sample: SampleOva) -> None:
    work, pool = tmp_path / "work", tmp_path / "pool"
    work.mkdir()
    pool.mkdir()
    archive = build_ova(tmp_path / "late.ova", list(reversed(sample.members)))

    facts = asyncio.run(import_ova(archive, work, pool, "late", lambda *_: None))

    assert list(facts.volumes) == ["late-disk1.qcow2", "late-disk2.qcow2"]


def test_a_member_appearing_twice_is_refused(tmp_path: Path, sample: SampleOva) -> None:
    text, _work, _pool = refused(tmp_path, [*sample.members, ("web01-disk1.vmdk", b"swapped")])

    assert "member 'web01-disk1.vmdk' appears twice" in text


def test_more_members_than_the_bound_are_refused(tmp_path: Path, sample: SampleOva) -> None:
    members = [*sample.members, *[(f"junk{i}", b"") for i in range(10)]]

    text, work, _pool = refused(tmp_path, members, limits=ExtractLimits(max_members=8))

    assert "the archive has more than 8 members" in text
    assert list(work.iterdir()) == []


def test_a_member_claiming_more_than_the_whole_archive_is_refused(
    tmp_path: Path, sample: SampleOva
) -> None:
    archive = build_ova(tmp_path / "huge.ova", sample.members)
    liar = tarfile.TarInfo("web01-disk3.vmdk")
    liar.size = 8 << 40  # 8 TiB of "data" in a few-MB archive
    with tarfile.open(archive) as tar:
        last = tar.getmembers()[-1]
    end_of_data = last.offset_data + -(-last.size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE
    with archive.open("r+b") as file:  # the header where tar's end-of-archive blocks begin
        file.seek(end_of_data)
        file.write(liar.tobuf(tarfile.GNU_FORMAT) + b"\0" * 1024)

    text, work, _pool = refused_archive(tmp_path, archive)

    assert "member 'web01-disk3.vmdk' claims 8.0 TiB, but the whole archive is" in text
    assert "a member cannot be larger than the archive holding it" in text
    assert list(work.iterdir()) == []


def test_a_file_that_is_not_a_tar_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "not.ova"
    archive.write_bytes(b"PK\x03\x04 this is a zip file" + b"\0" * 2000)

    text, _work, _pool = refused_archive(tmp_path, archive)

    assert "not a readable tar archive (an OVA is an uncompressed tar)" in text


# --- disks that would read other files ------------------------------------------------------


def test_a_qcow2_disk_with_a_backing_file_is_refused(tmp_path: Path) -> None:
    evil = tmp_path / "evil.qcow2"
    qemu_img("create", "-q", "-f", "qcow2", "-b", "/etc/hostname", "-F", "raw", evil, "1M")
    disk_file = tmp_path / "stand-in.vmdk"
    disk_file.write_bytes(evil.read_bytes())
    descriptor = (
        _one_disk_descriptor(tmp_path, "evil.qcow2", evil.stat().st_size)
        .replace(
            "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized",
            "http://www.gnome.org/~markmc/qcow-image-format.html",
        )
        .encode()
    )
    members = with_manifest([("web01.ovf", descriptor), ("evil.qcow2", evil.read_bytes())])

    text, _work, _pool = refused(tmp_path, members)

    assert "disk file evil.qcow2 has a backing file ('/etc/hostname')" in text


def test_a_vmdk_that_names_an_extent_elsewhere_is_refused(tmp_path: Path) -> None:
    flat = (
        b"# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
        b'createType="monolithicFlat"\nRW 2048 FLAT "/etc/hostname" 0\n'
    )
    descriptor = _one_disk_descriptor(tmp_path, "flat.vmdk", len(flat)).encode()
    members = with_manifest([("web01.ovf", descriptor), ("flat.vmdk", flat)])

    text, _work, _pool = refused(tmp_path, members)

    assert "disk file flat.vmdk is a 'monolithicFlat' VMDK; only single-file VMDKs" in text


def test_a_disk_that_is_not_the_format_its_ovf_says_is_refused(tmp_path: Path) -> None:
    raw = b"\0" * (1 * MIB)  # a raw image named as a VMDK: qemu-img is told vmdk, never probes
    descriptor = _one_disk_descriptor(tmp_path, "raw.vmdk", len(raw)).encode()
    members = with_manifest([("web01.ovf", descriptor), ("raw.vmdk", raw)])

    text, _work, _pool = refused(tmp_path, members)

    assert text.startswith("checking disk file raw.vmdk: it is not a readable vmdk image: ")
    assert "qemu-img info raw.vmdk failed: qemu-img: Could not open" in text


def _one_disk_descriptor(tmp_path: Path, href: str, size: int) -> str:
    stand_in = tmp_path / "descriptor-source" / href
    stand_in.parent.mkdir(exist_ok=True)
    stand_in.write_bytes(b"\0" * size)
    return vmware_ovf("web01", [SourceDisk(stand_in, stand_in, 1 * MIB)])


def test_a_huge_extended_header_is_refused_before_tarfile_reads_it_into_memory(
    tmp_path: Path,
) -> None:
    # A pax header announcing 2 GiB of attributes (the file is sparse: it takes no disk):
    # tarfile would read it whole into memory to parse it.
    info = tarfile.TarInfo("././@PaxHeader")
    info.type = tarfile.XHDTYPE
    info.size = 2 << 30
    archive = tmp_path / "huge-header.ova"
    with archive.open("wb") as out:
        out.write(info.tobuf(format=tarfile.USTAR_FORMAT))
        out.truncate(512 + info.size + 1024)

    text, work, _pool = refused_archive(tmp_path, archive)

    assert text == (
        "reading the archive: the archive has an extended tar header of 2.0 GiB; real ones are "
        "a few KiB (at most 64.0 KiB is read)"
    )
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        (("../x", b"owned"), "has a '..' part"),
        (("/etc/x", b"owned"), "is an absolute path"),
        (special("evil.vmdk", tarfile.SYMTYPE, "/etc/shadow"), "is a symbolic link"),
        (special("null", tarfile.CHRTYPE), "is a device node"),
    ],
    ids=["dotdot", "absolute", "symlink", "device"],
)
def test_the_checks_stand_alone_where_tarfile_has_no_data_filter(
    tmp_path: Path, sample: SampleOva, member: Member, reason: str, monkeypatch
) -> None:
    # Debian 12's python3 (3.11.2) predates tarfile's filters (3.11.4): our own rules refuse
    # every unsafe member without them.
    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    text, work, _pool = refused(tmp_path, [*sample.members, member])

    assert reason in text
    assert list(work.iterdir()) == []
