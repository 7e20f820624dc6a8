"""A desired object realized on a set of hosts.

One operation (initialize a pool, destroy it, define a network...) runs on every target host at
once, each host with its own deadline, and each host's outcome is handed over the moment it
arrives, so hosts that are done show as done while others are still working. Every failure
becomes a per-host outcome whose message says where and why:

- unknown or OFFLINE host: OFFLINE, ``host-b is offline`` with the time it went silent (not
  tried; readers word that time when they show it);
- no answer in time: ERROR, ``host-b did not answer within 30 s``;
- the node answered with an error: ERROR, the node's own message (which names the step and
  carries libvirt's text) and its reason code from the ``quantix-reason`` trailing metadata;
- no connection: ERROR, ``host-b unreachable: <gRPC's text>``.

Work is tracked per (object, host), an object being its kind and name (``WorkKey``): starting
new work for the same pair cancels the old one (a retry or a delete supersedes an
initialization), and a cancelled task reports nothing; a network named like a pool is another
object and never touches the pool's work.
Nothing here knows what the object is: storage pools, networks and distributed switches pass
their own operation.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import grpc

from clients.errors import describe_rpc_error
from clients.node import NodeClient
from coordinator.node_clients import NodeClients
from domain.realization import Phase, offline_message, timeout_message
from wire.metadata import REASON_KEY, trailing

log = logging.getLogger(__name__)

# Per-host deadline of a fan-out. A healthy host defines and starts a pool (or a network) in
# well under a second, and an NFS mount or iSCSI login takes a few seconds; 30 s still covers
# a slow mount on a loaded host, yet a user watching a "Pending" card learns within half a
# minute that a host is not answering. It is the deadline issue 3 promises (--pool-deadline).
DEFAULT_DEADLINE_S = 30.0

# Reason codes this module gives; a node's own reasons (PoolErrorReason names) pass through.
REASON_TIMEOUT = "TIMEOUT"
REASON_OFFLINE = "OFFLINE"
REASON_UNREACHABLE = "UNREACHABLE"

T = TypeVar("T")


@dataclass(frozen=True)
class WorkKey:
    """The object work is for: its kind ("pool", "network", "switch") and name."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class HostRoute:
    """Where a host's node daemon is, and whether it is offline (since when, if known)."""

    address: str
    offline: bool = False
    offline_since: float | None = None


@dataclass(frozen=True)
class HostOutcome(Generic[T]):
    host: str
    phase: Phase  # READY (it worked), ERROR or OFFLINE
    message: str = ""
    reason: str = ""
    result: T | None = None
    offline_since: float | None = None  # OFFLINE: when the host went silent

    @property
    def ok(self) -> bool:
        return self.phase is Phase.READY


Resolve = Callable[[str], HostRoute | None]  # None: no such host
Operation = Callable[[NodeClient, float], Awaitable[T]]  # (client, timeout_s) -> result
OnOutcome = Callable[[HostOutcome[T]], None]


class Realizer:
    def __init__(
        self, resolve: Resolve, clients: NodeClients, deadline_s: float = DEFAULT_DEADLINE_S
    ) -> None:
        self._resolve = resolve
        self._clients = clients
        self.deadline_s = deadline_s
        self._tasks: dict[tuple[WorkKey, str], asyncio.Task[HostOutcome]] = {}

    def start(
        self,
        key: WorkKey,
        hosts: Iterable[str],
        operation: Operation[T],
        on_outcome: OnOutcome[T],
    ) -> None:
        """Run ``operation`` on every host in the background, superseding earlier work on the
        same (key, host); ``on_outcome`` gets each host's outcome as it arrives."""
        for host in hosts:
            self._launch(key, host, operation, on_outcome)

    async def run(
        self,
        key: WorkKey,
        hosts: Iterable[str],
        operation: Operation[T],
        on_outcome: OnOutcome[T] | None = None,
    ) -> list[HostOutcome[T]]:
        """Like ``start``, and wait for every host. A host whose work is superseded meanwhile
        is reported as an ERROR saying so."""
        launched = [(host, self._launch(key, host, operation, on_outcome)) for host in hosts]
        if launched:
            await asyncio.wait([task for _, task in launched])
        return [
            HostOutcome(host, Phase.ERROR, "superseded by a newer operation on this host")
            if task.cancelled()
            else task.result()
            for host, task in launched
        ]

    async def gather(self, hosts: Iterable[str], operation: Operation[T]) -> list[HostOutcome[T]]:
        """A query on every host (same deadlines and outcomes), superseding nothing."""
        return list(await asyncio.gather(*(self._attempt(host, operation) for host in hosts)))

    def cancel(self, key: WorkKey, hosts: Iterable[str] | None = None) -> None:
        """Drop work in flight for ``key`` (on ``hosts``, or all): it reports nothing."""
        # With hosts named, a lookup each: a fan-out to N hosts cancels per host it launches,
        # and scanning every task in flight each time would be N² work on the event loop.
        if hosts is None:
            slots = [slot for slot in self._tasks if slot[0] == key]
        else:
            slots = [(key, host) for host in hosts]
        for slot in slots:
            task = self._tasks.pop(slot, None)
            if task is not None:
                task.cancel()

    def in_flight(self, key: WorkKey) -> set[str]:
        return {host for (task_key, host) in self._tasks if task_key == key}

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _launch(
        self, key: WorkKey, host: str, operation: Operation[T], on_outcome: OnOutcome[T] | None
    ) -> asyncio.Task[HostOutcome[T]]:
        self.cancel(key, [host])
        slot = (key, host)
        task = asyncio.create_task(
            self._one(host, operation, on_outcome), name=f"realize {key} on {host}"
        )
        self._tasks[slot] = task

        def forget(done: asyncio.Task[HostOutcome[T]]) -> None:
            if self._tasks.get(slot) is done:
                del self._tasks[slot]

        task.add_done_callback(forget)
        return task

    async def _one(
        self, host: str, operation: Operation[T], on_outcome: OnOutcome[T] | None
    ) -> HostOutcome[T]:
        outcome = await self._attempt(host, operation)
        # Reported from inside the task: once cancelled (superseded) it can no longer report.
        if on_outcome is not None:
            try:
                on_outcome(outcome)
            except Exception:
                log.exception("recording an outcome failed", extra={"host": host})
        return outcome

    async def _attempt(self, host: str, operation: Operation[T]) -> HostOutcome[T]:
        route = self._resolve(host)
        if route is None:
            return HostOutcome(
                host,
                Phase.OFFLINE,
                f"{host} is offline: it is not registered with this coordinator",
                REASON_OFFLINE,
            )
        if route.offline:
            return HostOutcome(
                host,
                Phase.OFFLINE,
                offline_message(host),
                REASON_OFFLINE,
                offline_since=route.offline_since,
            )
        client = self._clients.get(host, route.address)
        try:
            async with asyncio.timeout(self.deadline_s):
                result = await operation(client, self.deadline_s)
        except TimeoutError:
            return self._timed_out(host)
        except grpc.aio.AioRpcError as error:
            return self._failed(host, error)
        except Exception as error:
            log.exception("fan-out operation failed", extra={"host": host})
            return HostOutcome(host, Phase.ERROR, f"coordinator error: {error!r}", "INTERNAL")
        return HostOutcome(host, Phase.READY, result=result)

    def _timed_out(self, host: str) -> HostOutcome[T]:
        return HostOutcome(
            host, Phase.ERROR, timeout_message(host, self.deadline_s), REASON_TIMEOUT
        )

    def _failed(self, host: str, error: grpc.aio.AioRpcError) -> HostOutcome[T]:
        code = error.code()
        reason = trailing(error, REASON_KEY)
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            return self._timed_out(host)
        details = _without_host_prefix(error.details() or "", host)
        if code == grpc.StatusCode.UNAVAILABLE and not reason:
            # No reason from a node daemon: gRPC itself could not reach it.
            return HostOutcome(
                host, Phase.ERROR, f"{host} unreachable: {details}", REASON_UNREACHABLE
            )
        if reason:
            return HostOutcome(host, Phase.ERROR, details or code.name, reason)
        # A status without a reason did not come from the node's pool code (UNIMPLEMENTED from
        # an older daemon, an internal error): say what kind of failure it was.
        return HostOutcome(host, Phase.ERROR, describe_rpc_error(error, host), code.name)


def _without_host_prefix(message: str, host: str) -> str:
    """A node may name itself ("host-b: ..."): the outcome is per host already."""
    return message.removeprefix(f"{host}: ")
