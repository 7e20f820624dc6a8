"""Fan-out of Watch events to every connected stream."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

# Events a single Watch stream may have queued before it counts as too slow. A console that
# falls this far behind (a suspended laptop, a stalled network) is cut off and resumes from its
# last revision when it reconnects, instead of making the coordinator buffer without bound.
SUBSCRIBER_QUEUE_SIZE = 20_000


class SubscriberTooSlow(Exception):
    """The stream fell more than SUBSCRIBER_QUEUE_SIZE events behind."""


class _Subscriber:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[pb.WatchEvent | None] = asyncio.Queue(SUBSCRIBER_QUEUE_SIZE)
        self.overflowed = False

    def offer(self, event: pb.WatchEvent | None) -> None:
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
        for subscriber in self._subscribers:
            subscriber.offer(event)

    def close_all(self) -> None:
        """End every stream (coordinator shutdown): clients reconnect and resume."""
        for subscriber in self._subscribers:
            subscriber.offer(None)

    async def stream(
        self,
        since_revision: int,
        backlog: Callable[[int], tuple[list[pb.WatchEvent], int, bool]],
    ) -> AsyncIterator[pb.WatchEvent]:
        """Events for one client: the backlog, SYNCED, then live changes.

        ``backlog(since)`` returns (events, revision they bring the client to, is_snapshot). It
        is called after subscribing and without awaiting in between, so no change can fall
        between the backlog and the live events.
        """
        subscriber = _Subscriber()
        self._subscribers.add(subscriber)
        try:
            events, synced_revision, is_snapshot = backlog(since_revision)
            if is_snapshot:
                yield pb.WatchEvent(type=pb.WatchEvent.TYPE_RESET, revision=synced_revision)
            for event in events:
                yield event
            yield pb.WatchEvent(type=pb.WatchEvent.TYPE_SYNCED, revision=synced_revision)
            while True:
                event = await subscriber.queue.get()
                if event is None:
                    return
                if subscriber.overflowed and subscriber.queue.empty():
                    raise SubscriberTooSlow(
                        f"watch stream fell {SUBSCRIBER_QUEUE_SIZE} events behind"
                    )
                if event.revision > synced_revision:
                    yield event
        finally:
            self._subscribers.discard(subscriber)
