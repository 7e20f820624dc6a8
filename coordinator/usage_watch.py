"""Live host usage on Watch: the latest sample of every host that reported, coalesced into at
most one OBJECT_KIND_HOST_USAGE event per ``domain.usage.PUBLISH_INTERVAL_S``.

The events go straight to the WatchHub, never through Inventory.put: they are not stored, not in
the event log and not in a snapshot (a client that connects reads GetUsageHistory), and they
do not advance the revision (each carries the inventory's current one). The hold-back rule is
the one task progress uses (domain.tasks.publish_delay): the first sample after a quiet spell
goes out at once, later ones wait for the interval, and the last one is always published.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from coordinator.watch import WatchHub
from domain.tasks import publish_delay
from domain.usage import PUBLISH_INTERVAL_S
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_HOST_USAGE

# Told the hosts whose samples were just published.
UsageListener = Callable[[list[str]], None]


class UsagePublisher:
    def __init__(
        self,
        hub: WatchHub,
        revision: Callable[[], int],
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._hub = hub
        self._revision = revision
        self._monotonic = monotonic
        self._pending: dict[str, pb.HostUsageSample] = {}
        self._received_at = 0.0  # wall-clock time of the newest pending sample
        self._last_published: float | None = None
        self._flush: asyncio.TimerHandle | None = None
        self._listeners: list[UsageListener] = []

    def add_listener(self, listener: UsageListener) -> None:
        self._listeners.append(listener)

    def add(self, sample: pb.HostUsageSample, received_at: float) -> None:
        """Hold ``sample`` (replacing the host's held one) until the next publish."""
        self._pending[sample.host] = sample
        self._received_at = max(self._received_at, received_at)
        if self._flush is not None:
            return
        delay = publish_delay(
            self._last_published, self._monotonic(), urgent=False, per_second=1 / PUBLISH_INTERVAL_S
        )
        if delay == 0:
            self.publish()
        else:
            self._flush = asyncio.get_running_loop().call_later(delay, self.publish)

    def forget(self, host: str) -> None:
        """A removed host's held sample is not published after its removal."""
        self._pending.pop(host, None)

    def publish(self) -> None:
        """Publish what is held now; nothing when nothing is."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        if not self._pending:
            return
        self._last_published = self._monotonic()
        hosts = sorted(self._pending)
        samples = pb.UsageSamples(
            time=timestamp_of(self._received_at), samples=[self._pending[h] for h in hosts]
        )
        self._pending = {}
        self._received_at = 0.0
        self._hub.publish(
            pb.WatchEvent(
                type=pb.WatchEvent.TYPE_UPDATED, revision=self._revision(), kind=KIND, usage=samples
            )
        )
        self.tell(hosts)

    def tell(self, hosts: list[str]) -> None:
        """The listeners, that the latest usage of ``hosts`` moved (a publish, or a host's
        figures no longer current)."""
        for listener in self._listeners:
            try:
                listener(hosts)
            except Exception:
                log.exception("usage listener failed", extra={"hosts": len(hosts)})

    def close(self) -> None:
        """Stop the pending flush (a stopping coordinator ends every stream anyway)."""
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
