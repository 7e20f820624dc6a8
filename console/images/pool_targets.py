"""Where an image can go: each managed pool READY on a host, if its type takes the image
(domain.images.upload_support; for an OVA's template, supports_templates), with the reason for
every pool left out. Qt-free.

The dialogs offer only these (pool, host) pairs and say why the others are not offered; the
coordinator checks the same again when asked (CreateUpload, CreateDownload).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.images import supports_templates, upload_support
from domain.pool_types import pool_type_label
from domain.pool_xml import libvirt_pool_type
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_from_pb

TEMPLATES_NEED_FILES = "an OVA's disks become qcow2 files: only directory and NFS pools hold them"


@dataclass(frozen=True)
class PoolTarget:
    pool: str
    host: str
    pool_type: str  # libvirt's: "dir", "netfs", ...
    available_bytes: int  # 0: not known

    @property
    def key(self) -> str:
        return f"{self.pool}@{self.host}"

    @property
    def label(self) -> str:
        """``"images on host-a — Local directory, 120.0 GiB free"``."""
        free = f", {format_bytes(self.available_bytes)} free" if self.available_bytes else ""
        return f"{self.pool} on {self.host} — {pool_type_label(self.pool_type)}{free}"


@dataclass(frozen=True)
class LeftOut:
    pool: str
    reason: str

    @property
    def text(self) -> str:
        return f"{self.pool}: {self.reason}"


@dataclass(frozen=True)
class Targets:
    offered: tuple[PoolTarget, ...]
    left_out: tuple[LeftOut, ...]

    def none_text(self, what: str) -> str:
        """Why nothing can be offered: ``"No pool can take an upload: ..."``."""
        if not self.left_out:
            return f"No pool can take {what}: there are no storage pools yet (Storage page)."
        return f"No pool can take {what}: " + "; ".join(left.text for left in self.left_out)


def pool_type(pool: pb.Pool) -> str:
    """libvirt's type for a managed pool ("" when its spec cannot be read)."""
    try:
        return libvirt_pool_type(spec_from_pb(pool.spec))
    except ValidationError:
        return ""


def targets(pools: Iterable[pb.Pool], templates: bool = False) -> Targets:
    """Every (pool, host) an image (``templates``: an OVA template) can be put in, by pool name
    then host, and each pool left out with the reason."""
    offered: list[PoolTarget] = []
    left_out: list[LeftOut] = []
    for pool in sorted(pools, key=lambda p: p.spec.name.casefold()):
        name = pool.spec.name
        kind = pool_type(pool)
        support = upload_support(kind)
        if support.mode is None:
            left_out.append(LeftOut(name, support.reason))
            continue
        if templates and not supports_templates(kind):
            left_out.append(LeftOut(name, TEMPLATES_NEED_FILES))
            continue
        ready = [h for h in pool.realization.hosts if h.phase == cpb.PHASE_READY]
        if not ready:
            left_out.append(LeftOut(name, "not ready on any host"))
            continue
        for status in sorted(ready, key=lambda h: h.host):
            available = status.storage.available_bytes if status.HasField("storage") else 0
            offered.append(PoolTarget(name, status.host, kind, available))
    return Targets(tuple(offered), tuple(left_out))
