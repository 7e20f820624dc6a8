"""Where an image may go: a managed pool READY on the chosen host, of a type that takes images
(domain.images.upload_support; templates need a file pool), with room for its size.

Read from the pool as the coordinator holds it (its spec and each host's status with that
host's StorageUse), so the answer is the same one every console shows on the pool's card.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import ValidationError
from domain.images import ImageKind, supports_templates, upload_support
from domain.pool_xml import libvirt_pool_type
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_from_pb

# Host names quoted in a refusal: enough to pick one from, short enough for one line.
HOSTS_NAMED = 8


class PlacementRefused(Exception):
    """The pool cannot take the image now (FAILED_PRECONDITION); the message says why."""


@dataclass(frozen=True)
class Placement:
    pool: str
    host: str
    pool_type: str  # libvirt's
    available_bytes: int


def _names(hosts: list[str]) -> str:
    if not hosts:
        return "none"
    shown = ", ".join(hosts[:HOSTS_NAMED])
    more = len(hosts) - HOSTS_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def place(pool: pb.Pool, host: str, kind: ImageKind, size: int | None = None) -> Placement:
    """The host and facts of ``pool`` for an image of ``kind`` (``size`` bytes, None: not
    known yet), or PlacementRefused / ValidationError("host") saying why not. ``host`` may be
    "" for a pool placed on one host."""
    name = pool.spec.name
    statuses = list(pool.realization.hosts)
    ready = [s.host for s in statuses if s.phase == cpb.PHASE_READY]
    if host:
        status = next((s for s in statuses if s.host == host), None)
        if status is None:
            raise ValidationError(
                "host", f"{host} is not a host of pool {name} (its ready hosts: {_names(ready)})"
            )
    elif len(statuses) == 1:
        status = statuses[0]
    else:
        raise ValidationError(
            "host",
            f"is required: pool {name} is on {len(statuses)} hosts; choose one of its ready "
            f"hosts ({_names(ready)})",
        )
    if status.phase != cpb.PHASE_READY:
        phase = cpb.Phase.Name(status.phase).removeprefix("PHASE_").lower()
        why = f": {status.message}" if status.message else ""
        raise PlacementRefused(f"pool {name} is not ready on {status.host} ({phase}){why}")
    pool_type = libvirt_pool_type(spec_from_pb(pool.spec))
    support = upload_support(pool_type)
    if support.mode is None:
        raise PlacementRefused(f"pool {name} cannot take images: {support.reason}")
    if kind is ImageKind.OVA_TEMPLATE and not supports_templates(pool_type):
        raise PlacementRefused(
            f"pool {name} ({pool_type}) cannot hold a template: its disks become qcow2 files, "
            "which only a directory or NFS pool holds"
        )
    available = status.storage.available_bytes
    if size is not None and size > available:
        raise PlacementRefused(
            f"pool {name} on {status.host} has {format_bytes(available)} free, less than the "
            f"{format_bytes(size)} of the file"
        )
    return Placement(name, status.host, pool_type, available)
