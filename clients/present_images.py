"""How an image reads to a user: its kind, phase, sizes and, for a template, what its OVF
descriptor says, in the same words for quantixctl and the console's Images page. Qt-free; the
rules (names, which phases are busy) are ``domain.images``'."""

from __future__ import annotations

from domain.images import image_key
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.image_codec import KIND_OF, PHASE_OF

NONE = "—"
# What an image Quantix did not put in its pool says instead of a message.
FOUND_IN_POOL = "found in the pool (not put there by Quantix)"


def image_kind_key(kind: int) -> str:
    """``ISO`` / ``DISK`` / ``OVA_TEMPLATE``: the stable name used in JSON."""
    return cpb.ImageKind.Name(kind).removeprefix("IMAGE_KIND_") if kind in KIND_OF else "UNKNOWN"


def image_phase_key(phase: int) -> str:
    """``UPLOADING`` ... ``ERROR``: the stable name used in JSON and tables."""
    if phase not in PHASE_OF:
        return "UNKNOWN"
    return cpb.ImagePhase.Name(phase).removeprefix("IMAGE_PHASE_")


def image_kind_text(kind: int) -> str:
    known = KIND_OF.get(kind)
    return known.value if known else f"unknown kind ({kind})"


def image_phase_text(phase: int) -> str:
    known = PHASE_OF.get(phase)
    return known.value if known else f"unknown phase ({phase})"


def is_busy(image: pb.Image) -> bool:
    """A task is moving it (domain.images.ImagePhase.busy); an unknown phase counts as busy
    so that nobody deletes what may still be written."""
    known = PHASE_OF.get(image.phase)
    return known is None or known.busy


def image_ref(image: pb.Image) -> str:
    """``isos/alpine.iso``: how commands name an image."""
    return image_key(image.pool, image.name)


def size_text(image: pb.Image) -> str:
    """The file's size; a disk's virtual size beside it when the guest sees more."""
    facts = image.facts
    if not facts.size_bytes:
        return NONE
    text = format_bytes(facts.size_bytes)
    if facts.virtual_size_bytes > facts.size_bytes:
        text += f" (virtual {format_bytes(facts.virtual_size_bytes)})"
    return text


def image_message(image: pb.Image) -> str:
    if not image.managed and not image.message:
        return FOUND_IN_POOL
    return image.message


def ovf_machine_text(ovf: cpb.OvfFacts) -> str:
    """``2 CPUs, 4.0 GiB memory``."""
    cpus = f"{ovf.cpus} CPU{'s' if ovf.cpus != 1 else ''}" if ovf.cpus else "CPUs not given"
    memory = f"{format_bytes(ovf.memory_bytes)} memory" if ovf.memory_bytes else "memory not given"
    return f"{cpus}, {memory}"


def ovf_disk_text(disk: cpb.OvfDisk) -> str:
    """``vm-disk1.vmdk → tmpl-disk1.qcow2 (20.0 GiB)``."""
    target = f" → {disk.volume}" if disk.volume else ""
    size = f" ({format_bytes(disk.capacity_bytes)})" if disk.capacity_bytes else ""
    return f"{disk.file}{target}{size}"


def ovf_nic_text(nic: cpb.OvfNic) -> str:
    """``Ethernet 1: E1000 on VM Network``."""
    model = nic.model or "model not given"
    network = f" on {nic.network}" if nic.network else ""
    return f"{nic.name or 'NIC'}: {model}{network}"


def image_facts(image: pb.Image) -> list[tuple[str, str]]:
    """Every fact of an image as (label, value), in reading order: for quantixctl's ``show`` and
    a detail pane. A template's OVF facts follow its own."""
    facts = image.facts
    rows = [
        ("Image", image_ref(image)),
        ("Kind", image_kind_text(image.kind)),
        ("Phase", image_phase_key(image.phase)),
        ("Message", image_message(image) or NONE),
        ("Host", image.host or NONE),
        ("Managed", "yes" if image.managed else "no: " + FOUND_IN_POOL),
        ("Source", image.source or NONE),
        ("Format", facts.format or NONE),
        ("Size", format_bytes(facts.size_bytes) if facts.size_bytes else NONE),
        (
            "Virtual size",
            format_bytes(facts.virtual_size_bytes) if facts.virtual_size_bytes else NONE,
        ),
        ("Allocated", format_bytes(facts.allocated_bytes) if facts.allocated_bytes else NONE),
        ("SHA-256", facts.sha256 or NONE),
        ("Expected SHA-256", image.expected_sha256 or NONE),
    ]
    if image.checksum_url:
        rows.append(("Checksum file", image.checksum_url))
    rows += [
        ("Path", facts.path or NONE),
        ("Task", image.task_id or NONE),
        ("Created by", image.created_by or NONE),
    ]
    if facts.volumes:
        rows.append(("Volumes", ", ".join(facts.volumes)))
    if facts.HasField("ovf"):
        ovf = facts.ovf
        rows += [
            ("OVF name", ovf.name or NONE),
            ("OS", ovf.os or NONE),
            ("Machine", ovf_machine_text(ovf)),
            ("Producer", ovf.producer or NONE),
        ]
        rows += [(f"Disk {i}", ovf_disk_text(d)) for i, d in enumerate(ovf.disks, start=1)]
        rows += [(f"NIC {i}", ovf_nic_text(n)) for i, n in enumerate(ovf.nics, start=1)]
    return rows
