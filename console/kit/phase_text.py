"""The phase of any object realized on hosts (pool, network, switch) in words. Qt-free.

Every card badge, host chip, host-table cell and detail header says a ``common_pb2.Phase`` with
these words, so a pool and a network in the same state read the same.
"""

from __future__ import annotations

from proto.quantix.v1 import common_pb2 as cpb

PHASE_LABELS: dict[int, str] = {
    cpb.PHASE_UNSPECIFIED: "Unknown",
    cpb.PHASE_PENDING: "Pending",
    cpb.PHASE_READY: "Ready",
    cpb.PHASE_DEGRADED: "Degraded",
    cpb.PHASE_ERROR: "Error",
    cpb.PHASE_OFFLINE: "Offline",
    cpb.PHASE_DELETING: "Deleting",
}


def phase_label(phase: int) -> str:
    return PHASE_LABELS.get(phase, f"Unknown phase ({phase})")


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
