"""How quantixctl shows images: a table and full text for people, plain JSON for scripts. The
words are the console's (``clients.present_images``, ``clients.present_tasks``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from clients.cli_format import short
from clients.cli_realized import facts_lines
from clients.present import clock_time, iso_time, timestamp_seconds
from clients.present_images import (
    NONE,
    image_facts,
    image_kind_key,
    image_kind_text,
    image_message,
    image_phase_key,
    is_busy,
    size_text,
)
from clients.present_tasks import percent_text
from domain.images import image_key
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

IMAGE_HEADERS = ("POOL", "NAME", "KIND", "SIZE", "HOST", "PHASE", "PROGRESS", "MESSAGE")


def progress_cell(image: pb.Image, tasks: Mapping[str, pb.Task]) -> str:
    """A busy image's task progress (``42 %``); "—" for a settled one or an unknown task."""
    task = tasks.get(image.task_id) if image.task_id else None
    if task is None or not is_busy(image):
        return NONE
    return percent_text(task.bytes_done, task.bytes_total)


def image_rows(images: Sequence[pb.Image], tasks: Mapping[str, pb.Task]) -> list[tuple[str, ...]]:
    return [
        (
            image.pool,
            image.name,
            image_kind_text(image.kind),
            size_text(image),
            image.host or NONE,
            image_phase_key(image.phase),
            progress_cell(image, tasks),
            short(image_message(image)),
        )
        for image in images
    ]


def ordered_images(images: Sequence[pb.Image]) -> list[pb.Image]:
    """By pool, then name: how a person looks one up."""
    return sorted(images, key=lambda i: (i.pool, i.name))


def ovf_json(ovf: cpb.OvfFacts) -> dict[str, Any]:
    return {
        "name": ovf.name,
        "os": ovf.os,
        "cpus": ovf.cpus,
        "memory_bytes": ovf.memory_bytes,
        "producer": ovf.producer,
        "disks": [
            {"file": d.file, "volume": d.volume, "capacity_bytes": d.capacity_bytes}
            for d in ovf.disks
        ],
        "nics": [{"name": n.name, "network": n.network, "model": n.model} for n in ovf.nics],
    }


def facts_json(facts: cpb.ImageFacts) -> dict[str, Any]:
    return {
        "format": facts.format,
        "size_bytes": facts.size_bytes,
        "virtual_size_bytes": facts.virtual_size_bytes,
        "allocated_bytes": facts.allocated_bytes,
        "sha256": facts.sha256,
        "path": facts.path,
        "volumes": list(facts.volumes),
        "ovf": ovf_json(facts.ovf) if facts.HasField("ovf") else None,
    }


def image_json(image: pb.Image) -> dict[str, Any]:
    """Every field of an image, with stable keys; sizes in bytes, times in RFC 3339 (UTC)."""
    return {
        "key": image_key(image.pool, image.name),
        "pool": image.pool,
        "name": image.name,
        "kind": image_kind_key(image.kind),
        "host": image.host,
        "phase": image_phase_key(image.phase),
        "message": image.message,
        "managed": image.managed,
        "source": image.source,
        "expected_sha256": image.expected_sha256,
        "checksum_url": image.checksum_url,
        "task_id": image.task_id,
        "created_by": image.created_by,
        "created_at": iso_time(image.created_at),
        "updated_at": iso_time(image.updated_at),
        "facts": facts_json(image.facts),
    }


def image_text(image: pb.Image, now: float) -> str:
    """``images show``: every fact (a template's OVF facts too), the message in full."""
    facts = image_facts(image)
    for label, stamp in (("Created", image.created_at), ("Updated", image.updated_at)):
        seconds = timestamp_seconds(stamp)
        facts.append((label, NONE if seconds is None else clock_time(seconds, now)))
    return "\n".join(facts_lines(facts))
