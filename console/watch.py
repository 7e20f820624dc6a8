"""The console's Watch client: one resumable stream from the coordinator. Qt-free.

``CoordinatorWatch.run()`` keeps a Watch stream open for as long as it runs: it hands every
event to ``on_event`` and every change of connection state to ``on_state``. When the stream
fails it waits (domain.backoff) and reconnects, resuming from the last revision it has fully
seen, so a short outage costs only the changes made during it, never a whole snapshot.

The Qt side (console.watch_bridge) turns both callbacks into signals.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Protocol

import grpc

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from clients.errors import describe_rpc_error

# The connection's states and a list's empty texts are in a module without gRPC (the window and
# its status bar use them before anything connects); still importable from here.
from console.connection_state import ConnectionState, Phase
from console.connection_state import EmptyListTexts as EmptyListTexts
from domain.backoff import Backoff
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

# The console retries sooner and more often than a node daemon does (domain.backoff's
# defaults, 1 s up to 60 s, are tuned for a whole fleet retrying at once): here one person is
# looking at a "Reconnecting" banner, and a single client retrying every 5 s costs the
# coordinator nothing. 0.5 s first makes a coordinator restart look like a blink.
RECONNECT_INITIAL_S = 0.5
RECONNECT_MAX_S = 5.0


def console_backoff() -> Backoff:
    return Backoff(initial=RECONNECT_INITIAL_S, maximum=RECONNECT_MAX_S)


class _WatchSource(Protocol):
    """What the watch needs of a coordinator client (CoordinatorClient satisfies it)."""

    @property
    def target(self) -> str: ...

    def watch(self, since_revision: int = 0) -> AsyncIterator[pb.WatchEvent]: ...

    async def close(self) -> None: ...


EventCallback = Callable[[pb.WatchEvent], None]
StateCallback = Callable[[ConnectionState], None]


class CoordinatorWatch:
    """Keeps one Watch stream to ``endpoint`` open; resumable; stops when ``run()`` is cancelled.

    Revisions: ``last_revision`` is the revision the consumer is known to hold completely.
    It advances at SYNCED (the end of a snapshot or replay) and with each live change after
    it, but not during a snapshot. A stream that breaks halfway through a snapshot starts
    over from revision 0: the consumer has already forgotten its objects (RESET), so a replay
    of later changes could not bring back the ones the cut snapshot never sent.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        on_event: EventCallback,
        on_state: StateCallback,
        backoff: Backoff | None = None,
        client_factory: Callable[[Endpoint], _WatchSource] = CoordinatorClient,
    ) -> None:
        self.endpoint = endpoint
        self.address = address = endpoint.address
        self._on_event = on_event
        self._on_state = on_state
        self._backoff = backoff or console_backoff()
        self._client_factory = client_factory
        self.last_revision = 0
        self._in_snapshot = False
        self.state = ConnectionState(Phase.IDLE, address)

    def _set_state(self, state: ConnectionState) -> None:
        self.state = state
        self._on_state(state)

    async def run(self) -> None:
        """Stream, and reconnect after every failure, until cancelled."""
        self._set_state(ConnectionState(Phase.CONNECTING, self.address))
        try:
            while True:
                detail = await self._stream_once()
                delay = self._backoff.next_delay()
                log.info("watch stream lost, retrying in %.1f s: %s", delay, detail)
                self._set_state(
                    ConnectionState(
                        Phase.RECONNECTING,
                        self.address,
                        detail=detail,
                        retry_in_s=delay,
                        retry_at=time.monotonic() + delay,
                    )
                )
                await asyncio.sleep(delay)
        finally:
            self._set_state(ConnectionState(Phase.IDLE, self.address))

    async def _stream_once(self) -> str:
        """One stream, from connect to failure; returns why it ended."""
        client = self._client_factory(self.endpoint)
        try:
            since = self.last_revision
            if since == 0:
                # A fresh start: whatever the consumer holds (from an earlier coordinator, or
                # a snapshot cut short) is obsolete. The coordinator sends its own RESET too;
                # a second one is harmless.
                self._in_snapshot = True
                self._on_event(pb.WatchEvent(type=pb.WatchEvent.TYPE_RESET))
            connected = False
            async for event in client.watch(since):
                if not connected:
                    connected = True
                    self._backoff.reset()
                    self._set_state(ConnectionState(Phase.CONNECTED, self.address))
                self._track_revision(event)
                self._on_event(event)
            return f"{client.target} ended the Watch stream"
        except grpc.aio.AioRpcError as error:
            return describe_rpc_error(error, client.target)
        except Exception as error:
            # Anything else (a bug in a consumer callback, a gRPC internal error) must not end
            # the watch for good: the console would silently stop updating. Log it with its
            # traceback and retry like any other failure.
            log.exception("watch stream failed")
            return f"{client.target}: {type(error).__name__}: {error}"
        finally:
            if self._in_snapshot:
                self.last_revision = 0
            await client.close()

    def _track_revision(self, event: pb.WatchEvent) -> None:
        kind = event.type
        if kind == pb.WatchEvent.TYPE_RESET:
            self._in_snapshot = True
        elif kind == pb.WatchEvent.TYPE_SYNCED:
            self._in_snapshot = False
            self.last_revision = event.revision
        elif not self._in_snapshot and event.revision > self.last_revision:
            self.last_revision = event.revision
