"""Importing real OVAs: VMware- and VirtualBox-style archives built here (streamOptimized
VMDKs made by the real qemu-img) become qcow2 volumes holding the guest's data, with the
descriptor's facts; progress arrives phase by phase; a cancel kills qemu-img; nothing of a
failed import stays in the pool."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from domain.images import ImagePhase
from node_daemon.ova_extract import ExtractLimits
from node_daemon.ova_import import OvaImportFailed, OvaRefused, import_ova
from node_daemon.qemu_convert import ConvertLimits
from tests.node.ova_builder import (
    MIB,
    build_ova,
    manifest,
    qemu_img,
    qemu_img_processes,
    raw_contents,
    sample_ova,
)

# A test waiting for the import to reach a point gives up after this long, so a broken
# import fails the test instead of hanging it; every wait here ends within seconds.
WAIT_S = 60.0
PHASE_ORDER = [
    ImagePhase.EXTRACTING,
    ImagePhase.VERIFYING,
    ImagePhase.CONVERTING,
    ImagePhase.REGISTERING,
]


@dataclass
class Reports:
    """The import's report callback: every (phase, step, done, total), in order."""

    seen: list[tuple[ImagePhase, str, int, int]] = field(default_factory=list)

    def __call__(self, phase: ImagePhase, step: str, done: int, total: int) -> None:
        self.seen.append((phase, step, done, total))

    def of(self, phase: ImagePhase) -> list[tuple[ImagePhase, str, int, int]]:
        return [report for report in self.seen if report[0] is phase]


@dataclass(frozen=True)
class Places:
    work: Path
    pool: Path
    scratch: Path


@pytest.fixture
def places(tmp_path: Path) -> Places:
    made = Places(tmp_path / "work", tmp_path / "pool", tmp_path / "scratch")
    for directory in (made.work, made.pool, made.scratch):
        directory.mkdir()
    return made


def info(path: Path) -> dict[str, object]:
    return json.loads(qemu_img("info", "--output=json", path))


@pytest.mark.parametrize("producer", ["vmware", "virtualbox"])
def test_an_ova_becomes_qcow2_volumes_with_the_guests_data_and_its_facts(
    tmp_path: Path, places: Places, producer: str
) -> None:
    sample = sample_ova(tmp_path, producer)
    reports = Reports()

    facts = asyncio.run(import_ova(sample.path, places.work, places.pool, "tmpl", reports))

    assert list(facts.volumes) == ["tmpl-disk1.qcow2", "tmpl-disk2.qcow2"]
    assert sorted(p.name for p in places.pool.iterdir()) == list(facts.volumes)
    for disk, volume in zip(sample.disks, facts.volumes, strict=True):
        details = info(places.pool / volume)
        assert details["format"] == "qcow2"
        assert details["virtual-size"] == disk.virtual_size
        assert "backing-filename" not in details
        assert raw_contents(places.pool / volume, "qcow2", places.scratch) == disk.raw.read_bytes()
    assert facts.format == "qcow2"
    assert facts.virtual_size_bytes == 24 * MIB
    assert facts.size_bytes == 0 and facts.sha256 == ""  # the archive's: the caller's business
    assert 0 < facts.allocated_bytes < facts.virtual_size_bytes  # converted sparse
    ovf = facts.ovf
    assert [(d.file, d.volume, d.capacity_bytes) for d in ovf.disks] == [
        ("web01-disk1.vmdk", "tmpl-disk1.qcow2", 16 * MIB),
        ("web01-disk2.vmdk", "tmpl-disk2.qcow2", 8 * MIB),
    ]
    if producer == "vmware":
        assert (ovf.name, ovf.os, ovf.cpus, ovf.memory_bytes, ovf.producer) == (
            "web01",
            "Debian GNU/Linux 11 (64-bit)",
            2,
            4096 * MIB,
            "VMware",
        )
        assert [(n.name, n.network, n.model) for n in ovf.nics] == [
            ("Network adapter 1", "VM Network", "VmxNet3")
        ]
    else:
        assert (ovf.name, ovf.os, ovf.cpus, ovf.memory_bytes, ovf.producer) == (
            "web01",
            "Ubuntu_64",
            1,
            2048 * MIB,
            "VirtualBox",
        )
        assert [(n.name, n.network, n.model) for n in ovf.nics] == [
            ("Ethernet adapter on 'NAT'", "NAT", "E1000")
        ]


def test_progress_arrives_phase_by_phase_and_conversion_reaches_its_total(
    tmp_path: Path, places: Places
) -> None:
    sample = sample_ova(tmp_path, "vmware", sizes=(16 * MIB, 8 * MIB), filled=True)
    reports = Reports()

    asyncio.run(import_ova(sample.path, places.work, places.pool, "tmpl", reports))

    phases = [phase for phase, *_ in reports.seen]
    first_seen = sorted(set(phases), key=phases.index)
    assert first_seen == PHASE_ORDER
    assert phases == sorted(phases, key=PHASE_ORDER.index)  # never back to an earlier phase
    extracting = reports.of(ImagePhase.EXTRACTING)
    archived = sum(disk.vmdk.stat().st_size for disk in sample.disks)
    assert extracting[-1][2:] == (archived, archived)
    converting = reports.of(ImagePhase.CONVERTING)
    total = 24 * MIB
    assert {report[3] for report in converting} == {total}
    done = [report[2] for report in converting]
    assert done == sorted(done)
    assert done[-1] == total
    # qemu-img's own progress moved the figure between the disks' boundaries.
    assert any(0 < figure < 16 * MIB for figure in done)
    assert any(16 * MIB < figure < total for figure in done)
    steps = [step for _, step, *_ in converting]
    assert steps == sorted(steps)  # all of disk 1's reports, then disk 2's
    assert set(steps) == {"converting disk 1 of 2", "converting disk 2 of 2"}
    assert reports.of(ImagePhase.REGISTERING)[-1][2:] == (2, 2)


def test_an_ova_without_a_manifest_imports(tmp_path: Path, places: Places) -> None:
    sample = sample_ova(tmp_path, "virtualbox", sizes=(4 * MIB,), with_manifest=False)

    facts = asyncio.run(import_ova(sample.path, places.work, places.pool, "bare", Reports()))

    assert list(facts.volumes) == ["bare-disk1.qcow2"]
    assert info(places.pool / "bare-disk1.qcow2")["virtual-size"] == 4 * MIB


@pytest.mark.parametrize("algorithm", ["sha1", "sha512"])
def test_sha1_and_sha512_manifests_are_checked_too(
    tmp_path: Path, places: Places, algorithm: str
) -> None:
    sample = sample_ova(tmp_path, "vmware", sizes=(4 * MIB,), algorithm=algorithm)
    asyncio.run(import_ova(sample.path, places.work, places.pool, "t", Reports()))

    broken = list(sample.members)
    name, text = broken[1]
    assert isinstance(text, bytes) and name.endswith(".mf")
    lines = text.decode().splitlines()
    last = lines[-1]
    lines[-1] = last[:-1] + ("0" if last[-1] != "0" else "1")
    broken[1] = (name, "\n".join(lines).encode())
    build_ova(sample.path, broken)
    for path in places.pool.iterdir():
        path.unlink()
    (places.work / "again").mkdir()
    with pytest.raises(OvaRefused, match=f"its {algorithm.upper()} is"):
        asyncio.run(import_ova(sample.path, places.work / "again", places.pool, "t", Reports()))
    assert list(places.pool.iterdir()) == []


def test_a_template_whose_volume_name_is_taken_is_refused_before_converting(
    tmp_path: Path, places: Places
) -> None:
    sample = sample_ova(tmp_path, "vmware")
    taken = places.pool / "tmpl-disk2.qcow2"
    taken.write_bytes(b"someone else's volume")
    reports = Reports()

    with pytest.raises(OvaRefused) as refused:
        asyncio.run(import_ova(sample.path, places.work, places.pool, "tmpl", reports))

    assert "tmpl-disk2.qcow2 already exists in the pool" in str(refused.value)
    assert [p.name for p in places.pool.iterdir()] == ["tmpl-disk2.qcow2"]
    assert taken.read_bytes() == b"someone else's volume"
    assert not reports.of(ImagePhase.CONVERTING)


def test_cancelling_during_conversion_kills_qemu_img_and_leaves_nothing_in_the_pool(
    tmp_path: Path, places: Places
) -> None:
    # 256 KiB/s over 32 MiB of real data would hold the first conversion open for 128 s,
    # beyond pytest's timeout (120 s): only a kill ends it in time for this test to pass.
    sample = sample_ova(tmp_path, "vmware", sizes=(32 * MIB, 4 * MIB), filled=True)
    slow = ConvertLimits(rate_limit_bytes_per_s=256 << 10)
    reports = Reports()

    async def scenario() -> set[int]:
        converting = asyncio.Event()

        def report(phase: ImagePhase, step: str, done: int, total: int) -> None:
            reports(phase, step, done, total)
            if phase is ImagePhase.CONVERTING and done > 0:
                converting.set()  # qemu-img itself has reported progress: it is running

        task = asyncio.create_task(
            import_ova(sample.path, places.work, places.pool, "tmpl", report, convert_limits=slow)
        )
        await asyncio.wait_for(converting.wait(), WAIT_S)
        running = qemu_img_processes(places.pool)
        assert running, "qemu-img should be converting the first disk now"
        assert [p.name for p in places.pool.iterdir()] != []
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return running

    killed = asyncio.run(scenario())

    assert not any(Path(f"/proc/{pid}").exists() for pid in killed)
    assert qemu_img_processes(places.pool) == set()
    assert list(places.pool.iterdir()) == []
    assert reports.of(ImagePhase.CONVERTING)[-1][1] == "converting disk 1 of 2"


def test_a_disk_qemu_img_cannot_convert_fails_with_its_error_and_removes_every_volume(
    tmp_path: Path, places: Places
) -> None:
    sample = sample_ova(tmp_path, "vmware", sizes=(4 * MIB, 4 * MIB))
    # Disk 2's compressed grains damaged after its header: qemu-img info still reads it, the
    # conversion fails half-way. The manifest is of the damaged file, so only qemu-img sees it.
    damaged = bytearray(sample.disks[1].vmdk.read_bytes())
    for offset in range(65536 + 512, 65536 + 4096):
        damaged[offset] ^= 0xFF
    files = [
        ("web01.ovf", sample.descriptor),
        ("web01-disk1.vmdk", sample.disks[0].vmdk.read_bytes()),
        ("web01-disk2.vmdk", bytes(damaged)),
    ]
    build_ova(
        sample.path,
        [files[0], ("web01.mf", manifest(files, "sha256", style="ovftool")), *files[1:]],
    )
    reports = Reports()

    with pytest.raises(OvaImportFailed) as failed:
        asyncio.run(import_ova(sample.path, places.work, places.pool, "tmpl", reports))

    message = str(failed.value)
    assert message.startswith("converting disk 2 of 2 (web01-disk2.vmdk): qemu-img could not")
    assert "qemu-img: error while reading" in message  # qemu-img's own words
    assert reports.of(ImagePhase.CONVERTING)[-1][1] == "converting disk 2 of 2"
    assert list(places.pool.iterdir()) == []  # disk 1 was converted, and removed again


def test_cancelling_during_extraction_stops_the_unpacking_thread(
    tmp_path: Path, places: Places
) -> None:
    sample = sample_ova(tmp_path, "vmware", sizes=(4 * MIB,))
    # A 128 MiB file the manifest names (so it is unpacked and hashed), in 64 KiB pieces:
    # the cancel lands while most of it is still to be written.
    filler = ("web01.iso", bytes(128 * MIB))
    files = [m for m in sample.members if isinstance(m, tuple) and not m[0].endswith(".mf")]
    files.append(filler)
    members = [files[0], ("web01.mf", manifest(files, "sha256", style="ovftool")), *files[1:]]
    build_ova(sample.path, members)
    small_chunks = ExtractLimits(chunk_bytes=64 << 10)

    async def scenario() -> None:
        unpacking = asyncio.Event()

        def report(phase: ImagePhase, step: str, done: int, total: int) -> None:
            if phase is ImagePhase.EXTRACTING and done > 0:
                unpacking.set()

        task = asyncio.create_task(
            import_ova(
                sample.path, places.work, places.pool, "t", report, extract_limits=small_chunks
            )
        )
        await asyncio.wait_for(unpacking.wait(), WAIT_S)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())

    unpacked = places.work / "web01.iso"
    written = unpacked.stat().st_size if unpacked.exists() else 0
    assert written < 128 * MIB  # stopped part-way, not run to the end
    assert list(places.pool.iterdir()) == []
