"""Fan-out of Watch events to every connected stream."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator

from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

# Events a single Watch stream may have queued before it counts as too slow. A console that
# falls this far behind (a suspended laptop, a stalled network) is cut off and resumes from its
# last revision when it reconnects, instead of making the coordinator buffer without bound.
SUBSCRIBER_QUEUE_SIZE = 20_000

# A batch (one gRPC message) holds the events ready at once, up to this many bytes: far below
# the 16 MiB a client accepts, large enough that a snapshot of 1,000 hosts is a few messages.
BATCH_BYTES = 1024 * 1024
# During a burst a stream sends at most one batch per this interval, so the events of the burst
# gather into few messages (each gRPC message and TLS record costs ~10 µs of CPU whatever it
# carries). The console applies Watch events every 50 ms, so 10 ms more is never seen there; an
# event after a quiet spell still goes out at once.
BATCH_INTERVAL_S = 0.01


# Kinds whose events are never logged nor in a snapshot (live host usage): no backlog ever
# carried one, so a stream sends each whatever its revision. They carry the inventory's current
# revision without advancing it, which the filter below would otherwise take for "already sent".
UNLOGGED_KINDS = frozenset({pb.OBJECT_KIND_HOST_USAGE})


class SubscriberTooSlow(Exception):
    """The stream fell more than SUBSCRIBER_QUEUE_SIZE events behind."""


# A published event and its size in bytes, measured once for every stream that sends it.
Sized = tuple[pb.WatchEvent, int]


class _Subscriber:
    def __init__(self) -> None:
        # None: the hub is closing.
        self.queue: asyncio.Queue[Sized | None] = asyncio.Queue(SUBSCRIBER_QUEUE_SIZE)
        self.overflowed = False

    def offer(self, event: Sized | None) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True


class WatchHub:
    def __init__(self) -> None:
        self._subscribers: set[_Subscriber] = set()

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def publish(self, event: pb.WatchEvent) -> None:
        if not self._subscribers:
            return
        sized = (event, event.ByteSize())
        for subscriber in self._subscribers:
            subscriber.offer(sized)

    def close_all(self) -> None:
        """End every stream (coordinator shutdown): clients reconnect and resume."""
        for subscriber in self._subscribers:
            subscriber.offer(None)

    async def stream(
        self,
        since_revision: int,
        backlog: Callable[[int], tuple[list[pb.WatchEvent], int, bool]],
    ) -> AsyncIterator[list[pb.WatchEvent]]:
        """Events for one client, in batches of what is ready at once: the backlog, SYNCED,
        then live changes.

        ``backlog(since)`` returns (events, revision they bring the client to, is_snapshot). It
        is called after subscribing and without awaiting in between, so no change can fall
        between the backlog and the live events.
        """
        subscriber = _Subscriber()
        self._subscribers.add(subscriber)
        try:
            events, synced_revision, is_snapshot = backlog(since_revision)
            reset = pb.WatchEvent(type=pb.WatchEvent.TYPE_RESET, revision=synced_revision)
            synced = pb.WatchEvent(type=pb.WatchEvent.TYPE_SYNCED, revision=synced_revision)
            for batch in _batches([reset, *events, synced] if is_snapshot else [*events, synced]):
                yield batch
            loop = asyncio.get_running_loop()
            last_sent = loop.time()
            while True:
                first = await subscriber.queue.get()
                # Within a burst: let the rest of it arrive before sending.
                gather_for = last_sent + BATCH_INTERVAL_S - loop.time()
                if gather_for > 0 and first is not None:
                    await asyncio.sleep(gather_for)
                batch, closing = _drain(subscriber, first, synced_revision)
                if batch:
                    yield batch
                    last_sent = loop.time()
                if closing:
                    return
        finally:
            self._subscribers.discard(subscriber)


def _drain(
    subscriber: _Subscriber, first: Sized | None, after_revision: int
) -> tuple[list[pb.WatchEvent], bool]:
    """``first`` and whatever is queued behind it, up to BATCH_BYTES, leaving out what the
    backlog already carried (a stored change at or below its revision; an unlogged kind is
    never in a backlog, so it is always sent); and whether the hub is closing."""
    batch: list[pb.WatchEvent] = []
    size = 0
    item = first
    while item is not None:
        if subscriber.overflowed and subscriber.queue.empty():
            raise SubscriberTooSlow(f"watch stream fell {SUBSCRIBER_QUEUE_SIZE} events behind")
        event, event_size = item
        if event.revision > after_revision or event.kind in UNLOGGED_KINDS:
            batch.append(event)
            size += event_size
        if size >= BATCH_BYTES or subscriber.queue.empty():
            return batch, False
        item = subscriber.queue.get_nowait()
    return batch, True


def _batches(events: list[pb.WatchEvent]) -> Iterator[list[pb.WatchEvent]]:
    batch: list[pb.WatchEvent] = []
    size = 0
    for event in events:
        batch.append(event)
        size += event.ByteSize()
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch
