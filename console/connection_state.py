"""The state of the window's coordinator connection, as the status bar and pages show it.

Plain data, without gRPC: the window, its status bar and its pages take these before anything
connects, and console.watch (which does connect) reports them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Phase(enum.Enum):
    IDLE = "idle"  # not started, or stopped
    CONNECTING = "connecting"  # first attempt
    CONNECTED = "connected"  # the stream delivers events
    RECONNECTING = "reconnecting"  # waiting ``retry_in_s`` before the next attempt


@dataclass(frozen=True)
class ConnectionState:
    phase: Phase
    address: str
    # Why the last attempt failed (RECONNECTING): describe_rpc_error's full text.
    detail: str = ""
    # RECONNECTING: seconds until the next attempt, and the time.monotonic() it is due at.
    retry_in_s: float = 0.0
    retry_at: float = 0.0


@dataclass(frozen=True)
class EmptyListTexts:
    """What a page of Watch objects says while it has no rows, by connection phase."""

    not_connected: str
    unreachable: str
    loading: str
    none: str  # synced, and the coordinator has none

    def pick(self, phase: Phase, synced: bool) -> str:
        if synced:
            return self.none
        if phase is Phase.IDLE:
            return self.not_connected
        if phase is Phase.RECONNECTING:
            return self.unreachable
        return self.loading
