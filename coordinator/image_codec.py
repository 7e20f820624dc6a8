"""Images between domain.images and the contract: the kind and phase enums both ways, and the
bounds on what a node sends of an image (its facts, its volumes), checked before anything is
taken in, like coordinator.host_facts does for pools."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import ValidationError
from domain.images import (
    ImageKind,
    ImagePhase,
    validate_image_name,
    validate_sha256,
)
from domain.limits import DESCRIPTION_MAX, MAX_SHORT_TEXT, PATH_MAX, validate_text
from proto.quantix.v1 import common_pb2 as cpb
from wire.image_codec import KIND_OF, KIND_TO_PB, PHASE_OF, PHASE_TO_PB  # noqa: F401 (re-exported)

# A format name as qemu-img prints it ("qcow2", "vmdk", "iso"): a short word.
FORMAT_MAX = 32
# An OVF names a handful of disks and NICs; 64 of each is past any real appliance, and keeps a
# template's facts (sent to every console) small.
OVF_ITEMS_MAX = 64
# Volumes a node lists in one pool that become images: every console holds every image, so a
# pool with more (a scratch pool of a CI farm) shows the first 5,000 by name, and says so in
# the coordinator's log, rather than slowing every console.
VOLUMES_PER_POOL_MAX = 5000


def image_kind(value: int, field: str = "kind") -> ImageKind:
    kind = KIND_OF.get(value)
    if kind is None:
        raise ValidationError(field, "is required: ISO, DISK or OVA_TEMPLATE")
    return kind


def reported_phase(value: int, field: str = "image_phase") -> ImagePhase | None:
    """The phase a node reports for an image (None: unchanged)."""
    if value == cpb.IMAGE_PHASE_UNSPECIFIED:
        return None
    phase = PHASE_OF.get(value)
    if phase is None:
        raise ValidationError(field, f"unknown image phase {value}")
    return phase


def validate_facts(facts: cpb.ImageFacts, field: str = "image_facts") -> None:
    """Bounds on what a node found of an image: every string and list, and a sha256 that is
    one (ValidationError naming the field)."""
    validate_text(facts.format, f"{field}.format", FORMAT_MAX)
    validate_sha256(facts.sha256, f"{field}.sha256")
    validate_text(facts.path, f"{field}.path", PATH_MAX)
    if len(facts.volumes) > OVF_ITEMS_MAX:
        raise ValidationError(f"{field}.volumes", f"must list at most {OVF_ITEMS_MAX} volumes")
    for volume in facts.volumes:
        validate_image_name(volume, f"{field}.volumes")
    ovf = facts.ovf
    for name in ("name", "os", "producer"):
        validate_text(getattr(ovf, name), f"{field}.ovf.{name}", DESCRIPTION_MAX)
    if len(ovf.disks) > OVF_ITEMS_MAX or len(ovf.nics) > OVF_ITEMS_MAX:
        raise ValidationError(
            f"{field}.ovf", f"must list at most {OVF_ITEMS_MAX} disks and {OVF_ITEMS_MAX} NICs"
        )
    for disk in ovf.disks:
        validate_text(disk.file, f"{field}.ovf.disks.file", MAX_SHORT_TEXT)
        validate_text(disk.volume, f"{field}.ovf.disks.volume", MAX_SHORT_TEXT)
    for nic in ovf.nics:
        for name in ("name", "network", "model"):
            validate_text(getattr(nic, name), f"{field}.ovf.nics.{name}", MAX_SHORT_TEXT)


def found_volumes(volumes: Sequence[cpb.Volume]) -> tuple[list[cpb.Volume], int]:
    """The volumes of a node's list that can be images (a name by domain.images' rules, a
    path and format within bounds), at most VOLUMES_PER_POOL_MAX by name; and how many were
    left out. A volume named against the rules (an admin's "My Disk.img") cannot be
    addressed by any image call, so it is not shown as one."""
    kept: list[cpb.Volume] = []
    for volume in sorted(volumes, key=lambda v: v.name):
        try:
            validate_image_name(volume.name)
            validate_text(volume.format, "format", FORMAT_MAX)
            validate_text(volume.path, "path", PATH_MAX)
        except ValidationError:
            continue
        kept.append(volume)
    left_out = len(volumes) - len(kept[:VOLUMES_PER_POOL_MAX])
    return kept[:VOLUMES_PER_POOL_MAX], left_out
