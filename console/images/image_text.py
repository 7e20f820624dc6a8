"""How the Images page words an image: kind, phase, size, progress, facts, and why an action
does not apply. Qt-free.

Rules (which phases are busy, what a name may be) come from ``domain.images``; this module
turns an ``Image`` (and the task that moves it) into the short texts the table, the detail and
the tooltips show, so each says the same thing in the same words.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from clients import present
from console.images import task_text
from console.pool_text import SettingRow
from domain.images import FOUND_NOT_DELETED, ImagePhase
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import KIND_OF, PHASE_OF

# Not an ImagePhase: the "phase" of a volume found in a pool (``managed`` false). Filter tabs,
# badges and tones key on it like on the phases of Quantix's own images.
PHASE_FOUND = -1
FOUND_LABEL = "Found in pool"
FOUND_NOTE = (
    "A volume found in the pool: Quantix did not put it there. It is listed so that it can be "
    "used; Quantix does not delete it."
)


def kind_label(kind: int) -> str:
    known = KIND_OF.get(kind)
    if known is None:
        return f"Unknown kind ({kind})"
    return known.value[:1].upper() + known.value[1:]


def image_phase(image: pb.Image) -> ImagePhase | None:
    return PHASE_OF.get(image.phase)


def filter_phase(image: pb.Image) -> int:
    """What the filter tabs sort the image by: its phase, or PHASE_FOUND."""
    return image.phase if image.managed else PHASE_FOUND


def phase_label(image: pb.Image) -> str:
    if not image.managed:
        return FOUND_LABEL
    phase = image_phase(image)
    if phase is None:
        return f"Unknown phase ({image.phase})"
    return phase.value[:1].upper() + phase.value[1:]


def is_busy(image: pb.Image) -> bool:
    phase = image_phase(image)
    return image.managed and phase is not None and phase.busy


def tone_phase(image: pb.Image) -> int:
    """The realized-object phase whose tone (console.kit.phase_style) the image's phase takes:
    ready is green, an error red, work under way blue, a found volume grey."""
    if not image.managed:
        return cpb.PHASE_UNSPECIFIED
    phase = image_phase(image)
    if phase is ImagePhase.READY:
        return cpb.PHASE_READY
    if phase is ImagePhase.ERROR:
        return cpb.PHASE_ERROR
    if phase is not None:
        return cpb.PHASE_PENDING
    return cpb.PHASE_UNSPECIFIED


def badge_state(image: pb.Image) -> str:
    """The ``phase`` property the style sheet colours a QLabel#phaseBadge by."""
    return {
        cpb.PHASE_READY: "ready",
        cpb.PHASE_ERROR: "error",
        cpb.PHASE_PENDING: "pending",
    }.get(tone_phase(image), "unmanaged")


def size_bytes(image: pb.Image, task: pb.Task | None = None) -> int:
    """The size the table shows: what the guest sees for a disk (its virtual size), the file's
    size otherwise; while moving, the transfer's total; 0 when not known yet."""
    facts = image.facts
    if image.kind == cpb.IMAGE_KIND_DISK and facts.virtual_size_bytes:
        return facts.virtual_size_bytes
    if facts.size_bytes:
        return facts.size_bytes
    if task is not None:
        return task.bytes_total
    return 0


def size_text(image: pb.Image, task: pb.Task | None = None) -> str:
    size = size_bytes(image, task)
    return format_bytes(size) if size else "—"


def progress(image: pb.Image, task: pb.Task | None) -> float | None:
    """The bar's fill while the image's task moves it; None when there is no bar to show."""
    if task is None or not is_busy(image) or task.id != image.task_id:
        return None
    return task_text.fraction(task)


def progress_text(image: pb.Image, task: pb.Task | None) -> str:
    fill = progress(image, task)
    if fill is None:
        if is_busy(image) and task is not None and task.id == image.task_id:
            return task_text.phase_word(task)
        return ""
    return f"{fill * 100:.0f} %"


def where_text(image: pb.Image) -> str:
    """``"images on host-a"``."""
    return f"{image.pool} on {image.host}" if image.host else image.pool


# --- the detail ----------------------------------------------------------------------------


def fact_rows(
    image: pb.Image, task: pb.Task | None = None, now: float | None = None
) -> list[SettingRow]:
    """What the detail lists of an image: only what is known (no row of dashes)."""
    now = time.time() if now is None else now
    facts = image.facts
    rows = [SettingRow("Kind", kind_label(image.kind)), SettingRow("Where", where_text(image))]
    if facts.format:
        rows.append(SettingRow("Format", facts.format))
    if facts.size_bytes:
        rows.append(SettingRow("Size", _bytes(facts.size_bytes)))
    if facts.virtual_size_bytes and facts.virtual_size_bytes != facts.size_bytes:
        rows.append(SettingRow("Virtual size", _bytes(facts.virtual_size_bytes)))
    if facts.allocated_bytes:
        rows.append(SettingRow("Allocated", _bytes(facts.allocated_bytes)))
    if facts.sha256:
        rows.append(SettingRow("SHA-256", facts.sha256))
    if image.expected_sha256 and image.expected_sha256 != facts.sha256:
        rows.append(SettingRow("Expected SHA-256", image.expected_sha256))
    if facts.path:
        rows.append(SettingRow("Path", facts.path))
    if facts.volumes:
        rows.append(SettingRow("Volumes", ", ".join(facts.volumes)))
    if image.source:
        rows.append(SettingRow("Source", image.source))
    if image.checksum_url:
        rows.append(SettingRow("Checksum from", image.checksum_url))
    if image.created_by:
        created = present.timestamp_seconds(image.created_at)
        when = f" at {present.clock_time(created, now)}" if created is not None else ""
        rows.append(SettingRow("Created by", f"{image.created_by}{when}"))
    if task is not None and task.id == image.task_id:
        rows.append(SettingRow("Transfer", task_text.status_line(task)))
    return rows


def has_ovf(image: pb.Image) -> bool:
    return image.kind == cpb.IMAGE_KIND_OVA_TEMPLATE and image.facts.HasField("ovf")


def ovf_rows(ovf: cpb.OvfFacts) -> list[SettingRow]:
    """An OVA template's machine as its OVF descriptor describes it."""
    rows = []
    if ovf.name:
        rows.append(SettingRow("Machine", ovf.name))
    if ovf.os:
        rows.append(SettingRow("OS", ovf.os))
    if ovf.cpus:
        rows.append(SettingRow("CPUs", str(ovf.cpus)))
    if ovf.memory_bytes:
        rows.append(SettingRow("Memory", format_bytes(ovf.memory_bytes)))
    rows.append(SettingRow(_count(len(ovf.disks), "Disk"), disks_text(ovf.disks) or "none"))
    rows.append(SettingRow(_count(len(ovf.nics), "NIC"), nics_text(ovf.nics) or "none"))
    if ovf.producer:
        rows.append(SettingRow("Exported by", ovf.producer))
    return rows


def disks_text(disks: Iterable[cpb.OvfDisk]) -> str:
    """One line per disk: ``"vm-disk1.vmdk → web-disk1.qcow2, 20.0 GiB"``."""
    lines = []
    for disk in disks:
        target = f" → {disk.volume}" if disk.volume else ""
        size = f", {format_bytes(disk.capacity_bytes)}" if disk.capacity_bytes else ""
        lines.append(f"{disk.file}{target}{size}")
    return "\n".join(lines)


def nics_text(nics: Iterable[cpb.OvfNic]) -> str:
    """One line per NIC: ``"Ethernet 1 on VM Network (E1000)"``."""
    lines = []
    for nic in nics:
        network = f" on {nic.network}" if nic.network else ""
        model = f" ({nic.model})" if nic.model else ""
        lines.append(f"{nic.name or 'NIC'}{network}{model}")
    return "\n".join(lines)


def _count(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _bytes(count: int) -> str:
    """``"4.0 GiB (4,294,967,296 bytes)"``: the exact count for checking against a file."""
    return f"{format_bytes(count)} ({count:,} bytes)" if count >= 1024 else format_bytes(count)


# --- actions -------------------------------------------------------------------------------


def delete_refusal(image: pb.Image | None) -> str | None:
    """Why Delete does not apply to ``image`` (None: it does)."""
    if image is None:
        return "Select the image to delete first"
    if not image.managed:
        return FOUND_NOT_DELETED[0].upper() + FOUND_NOT_DELETED[1:]
    if is_busy(image):
        return f"{image.name} is {phase_label(image).lower()}: cancel its transfer first"
    return None


def is_download(image: pb.Image, task: pb.Task | None) -> bool:
    if task is not None and task.id == image.task_id:
        return task.kind == pb.TASK_KIND_DOWNLOAD
    return image.source.startswith(("http://", "https://"))


def retry_refusal(image: pb.Image | None, task: pb.Task | None) -> str | None:
    """Why Retry does not apply (None: it does). Only a failed download can be retried: it
    resumes where it stopped. An upload's bytes are on the uploader's machine: upload again."""
    if image is None:
        return "Select a failed download first"
    if not image.managed or image_phase(image) is not ImagePhase.ERROR:
        return "Only a failed download can be retried"
    if not is_download(image, task):
        return "Only a download can be retried; upload the file again instead"
    return None
