"""A cluster status's colour, icon and badge state: the kit's phase tones and dots
(console.kit.phase_style), so a healthy cluster is the green of a ready pool and a critical one
the red of a failed one. The words always come with them (console.clusters.cluster_text)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from console.kit.phase_style import AMBER, GREEN, GREY, RED, Tone, phase_icon
from domain.cluster_rules import ClusterStatus
from proto.quantix.v1 import common_pb2 as cpb

STATUS_TONES: dict[ClusterStatus | None, Tone] = {
    ClusterStatus.HEALTHY: GREEN,
    ClusterStatus.WARNING: AMBER,
    ClusterStatus.CRITICAL: RED,
    ClusterStatus.EMPTY: GREY,
    None: GREY,
}
# The phase whose dot and badge style (resources/quantix.qss: QLabel#phaseBadge[phase=...])
# a status borrows: the same colours, so there is one palette.
_STATUS_PHASES: dict[ClusterStatus | None, int] = {
    ClusterStatus.HEALTHY: cpb.PHASE_READY,
    ClusterStatus.WARNING: cpb.PHASE_DEGRADED,
    ClusterStatus.CRITICAL: cpb.PHASE_ERROR,
    ClusterStatus.EMPTY: cpb.PHASE_UNSPECIFIED,
    None: cpb.PHASE_UNSPECIFIED,
}
_BADGE_STATES: dict[int, str] = {
    cpb.PHASE_READY: "ready",
    cpb.PHASE_DEGRADED: "degraded",
    cpb.PHASE_ERROR: "error",
    cpb.PHASE_UNSPECIFIED: "unknown",
}


def status_tone(status: ClusterStatus | None) -> Tone:
    return STATUS_TONES[status]


def status_icon(status: ClusterStatus | None) -> QIcon:
    return phase_icon(_STATUS_PHASES[status])


def badge_state(status: ClusterStatus | None) -> str:
    """The ``phase`` property value of a QLabel#phaseBadge showing ``status``."""
    return _BADGE_STATES[_STATUS_PHASES[status]]
