"""How the Storage page words a pool: phases, sources, capacity, banners, settings. Qt-free.

Rules (what a phase means, which fields a backend has, how bytes are written) come from
``domain/``; this module only turns them into the short texts cards, the detail panel and the
wizard's review show, so each says the same thing in the same words.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from clients import present
from console.kit.phase_text import phase_label
from domain import capacity
from domain.capacity import Usage
from domain.pools import (
    DEFAULT_CEPH_PORT,
    DEFAULT_ISCSI_PORT,
    DEFAULT_NFS_VERSION,
    NFS_VERSION_AUTO,
    Backend,
    CephSource,
    IscsiInitiator,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
)
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

BACKEND_LABELS: dict[int, str] = {
    cpb.POOL_BACKEND_UNSPECIFIED: "Unknown backend",
    cpb.POOL_BACKEND_LOCAL_DIR: Backend.LOCAL_DIR.label,
    cpb.POOL_BACKEND_NFS: Backend.NFS.label,
    cpb.POOL_BACKEND_CEPH_RBD: Backend.CEPH_RBD.label,
    cpb.POOL_BACKEND_ISCSI: Backend.ISCSI.label,
}

# Each backend's icon (a resource file); an unknown backend gets the local one's shape.
BACKEND_ICONS: dict[int, str] = {
    cpb.POOL_BACKEND_LOCAL_DIR: "pool-local.svg",
    cpb.POOL_BACKEND_NFS: "pool-nfs.svg",
    cpb.POOL_BACKEND_CEPH_RBD: "pool-ceph.svg",
    cpb.POOL_BACKEND_ISCSI: "pool-iscsi.svg",
}

# What the review and the detail show instead of a secret: that one is there, never what.
SECRET_MASK = "•••"


def backend_label(backend: int) -> str:
    return BACKEND_LABELS.get(backend, f"Unknown backend ({backend})")


def backend_icon_name(backend: int) -> str:
    return BACKEND_ICONS.get(backend, "pool-local.svg")


def nfs_version_label(version: str) -> str:
    if version == NFS_VERSION_AUTO:
        return "Negotiated by each host (none set)"
    return f"{version} (default)" if version == DEFAULT_NFS_VERSION else version


def _portal_text(value: str, default_port: int) -> str:
    """``nas:3260`` is shown as ``nas``: the default port adds nothing but noise on a card."""
    suffix = f":{default_port}"
    return value[: -len(suffix)] if value.endswith(suffix) else value


def source_summary(spec: cpb.PoolSpec) -> str:
    """One line saying where the storage is: ``nas01:/export/vm``, ``rbd on mon1, mon2``."""
    which = spec.WhichOneof("source")
    if which == "local_dir":
        return spec.local_dir.path
    if which == "nfs":
        nfs = spec.nfs
        return f"{nfs.server}:{nfs.export_path}"
    if which == "ceph_rbd":
        ceph = spec.ceph_rbd
        pool = f"{ceph.pool}/{ceph.namespace}" if ceph.namespace else ceph.pool
        if not ceph.monitors:
            return pool
        # The first monitor names the cluster; the others are in the detail's settings.
        first = _portal_text(ceph.monitors[0], DEFAULT_CEPH_PORT)
        more = len(ceph.monitors) - 1
        return f"{pool} on {first}" + (f" +{more}" if more else "")
    if which == "iscsi":
        iscsi = spec.iscsi
        target = f"{_portal_text(iscsi.portal, DEFAULT_ISCSI_PORT)} · {iscsi.target_iqn}"
        return f"{target} · LUN {iscsi.lun}" if iscsi.HasField("lun") else target
    return "No settings"


def usage_of(used: int, total: int, available: int | None = None) -> tuple[float | None, Usage]:
    """The used fraction and its level (domain.capacity); None/UNKNOWN when the total is not
    known (yet) or the figures cannot be true."""
    # Plausible figures have allocation <= capacity: the fraction is within 0..1 already.
    facts = capacity.assess(total, used, _available(used, total, available))
    return facts.fraction, facts.usage


def _available(used: int, total: int, available: int | None) -> int:
    return max(total - used, 0) if available is None else available


def capacity_text(used: int, total: int, available: int | None = None) -> str:
    """``"1.2 TiB of 2.0 TiB used · 60 %"``; past the thresholds it says so in words too,
    so that the bar's colour is never the only sign. Figures that cannot be true are
    ``"Capacity unknown (libvirt reported allocation 20.0 GiB > capacity 10.0 GiB)"``."""
    facts = capacity.assess(total, used, _available(used, total, available))
    if facts.problem:
        return f"Capacity {capacity.unknown_text(facts.problem)}"
    if facts.fraction is None:
        return "Capacity not known yet"
    text = f"{format_bytes(used)} of {format_bytes(total)} used · {facts.fraction * 100:.0f} %"
    if facts.usage is Usage.CRITICAL:
        return f"{text} — {'full' if available == 0 else 'nearly full'}"
    if facts.usage is Usage.WARNING:
        return f"{text} — filling up"
    return text


def pool_capacity_text(pool: pb.Pool) -> str:
    if pool.capacity_bytes:
        return capacity_text(pool.allocation_bytes, pool.capacity_bytes, pool.available_bytes)
    if pool.realization.phase == cpb.PHASE_ERROR:
        return "No capacity: not ready on any host"
    if pool.realization.phase == cpb.PHASE_PENDING:
        return "Capacity known once a host is ready"
    return "Capacity not known yet"


def has_failures(pool: pb.Pool) -> bool:
    """Some host failed or is offline (PENDING pools can have failures "so far")."""
    return any(h.phase in (cpb.PHASE_ERROR, cpb.PHASE_OFFLINE) for h in pool.realization.hosts)


def needs_banner(pool: pb.Pool) -> bool:
    """ERROR, DEGRADED, and PENDING with failures so far: the cards that carry a message."""
    if pool.realization.phase in (cpb.PHASE_ERROR, cpb.PHASE_DEGRADED):
        return True
    return pool.realization.phase == cpb.PHASE_PENDING and has_failures(pool)


def banner_text(pool: pb.Pool, now: float | None = None) -> str:
    """The card's banner: the coordinator's message, which names every failing host, with an
    offline host's reason worded at ``now`` (clients.present)."""
    now = time.time() if now is None else now
    if pool.realization.message:
        return present.pool_message(pool, now)
    failing = [h for h in pool.realization.hosts if h.phase in (cpb.PHASE_ERROR, cpb.PHASE_OFFLINE)]
    if failing:
        return "; ".join(
            f"{h.host}: {present.pool_host_message(h, now) or phase_label(h.phase)}"
            for h in failing
        )
    return f"{phase_label(pool.realization.phase)} — no reason given by the coordinator"


def host_capacity_text(status: cpb.HostStatus) -> str:
    return present.used_of_total_text(status.storage)


def hosts_text(pool: pb.Pool) -> str:
    """Where the pool is assigned: ``"Every host (3 now)"`` or ``"host-a, host-b"``."""
    if pool.spec.hosts:
        return ", ".join(pool.spec.hosts)
    count = len(pool.realization.hosts)
    if pool.spec.backend == cpb.POOL_BACKEND_LOCAL_DIR:
        return "No host"
    now = "no host now" if not count else ("1 now" if count == 1 else f"{count} now")
    return f"Every host, including hosts that register later ({now})"


# --- a spec as rows of (label, value), for the wizard's review and the detail's settings ------


@dataclass(frozen=True)
class SettingRow:
    label: str
    value: str


def _optional(value: str, default: str = "None") -> str:
    return value if value else default


def _secret(value: str, stored: bool, wording: str) -> str:
    return f"{SECRET_MASK} {wording}" if value or stored else "None"


def source_rows(
    spec: PoolSpec, *, secret_stored: bool = False, secret_wording: str = "stored"
) -> list[SettingRow]:
    """The backend's own settings. Secrets show as ``••• stored`` (or ``None``), never in clear;
    ``secret_stored`` says one is stored when ``spec`` came from a read RPC (blanked)."""
    source = spec.source
    if isinstance(source, LocalDirSource):
        return [SettingRow("Path", source.path)]
    if isinstance(source, NfsSource):
        return [
            SettingRow("Server", source.server),
            SettingRow("Export path", source.export_path),
            SettingRow("NFS version", nfs_version_label(source.version or DEFAULT_NFS_VERSION)),
            SettingRow("Mount options", _optional(",".join(source.mount_options))),
            SettingRow(
                "Mount point",
                _optional(source.mount_point, f"Default (<node data dir>/mnt/{spec.name})"),
            ),
        ]
    if isinstance(source, CephSource):
        return [
            SettingRow("Monitors", ", ".join(str(m) for m in source.monitors)),
            SettingRow("Ceph pool", source.pool),
            SettingRow("User", f"client.{source.user}" if source.user else "client.admin"),
            SettingRow("Key", _secret(source.key, secret_stored, secret_wording)),
            SettingRow("Namespace", _optional(source.namespace, "Default")),
        ]
    assert isinstance(source, IscsiSource)
    initiator = (
        "User space (libiscsi, no iscsid needed)"
        if source.initiator is IscsiInitiator.USERSPACE
        else "Host kernel (open-iscsi)"
    )
    rows = [
        SettingRow("Portal", str(source.portal)),
        SettingRow("Target IQN", source.target_iqn),
        SettingRow("LUN", "All LUNs" if source.lun is None else str(source.lun)),
        SettingRow("Initiator", initiator),
        SettingRow("Initiator IQN", _optional(source.initiator_iqn, "The host's own")),
    ]
    if source.chap_user or source.chap_secret or secret_stored:
        rows.append(SettingRow("CHAP user", source.chap_user))
        rows.append(
            SettingRow("CHAP secret", _secret(source.chap_secret, secret_stored, secret_wording))
        )
    else:
        rows.append(SettingRow("CHAP", "None (no authentication)"))
    return rows


def join_names(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
