"""Exponential backoff shared by node registration and the console's reconnect loop."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays that double from ``initial`` up to ``maximum``, with jitter.

    Defaults: a node registers within a second of its coordinator coming back, and a fleet of
    nodes that lost the coordinator retries at most once a minute each. The +-10 % jitter keeps
    a fleet restarted together from retrying in lockstep.
    """

    initial: float = 1.0
    maximum: float = 60.0
    jitter: float = 0.1
    _next: float = field(default=0.0, init=False)

    def next_delay(self) -> float:
        base = self._next or self.initial
        self._next = min(base * 2, self.maximum)
        spread = base * self.jitter
        return max(0.0, base + random.uniform(-spread, spread))

    def reset(self) -> None:
        self._next = 0.0
