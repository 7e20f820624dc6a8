"""Registering this node with the coordinator, then heartbeating, for as long as it runs.

Two phases, forever:

1. Registering: RegisterNode(hostname, address, host facts, daemon version), retried with
   ``domain.backoff.Backoff`` (1 s doubling to 60 s) until the coordinator accepts it.
2. Heartbeating: Heartbeat every ``heartbeat_interval`` (the coordinator says how often, in
   each reply). NOT_FOUND (the coordinator forgot us) goes straight back to phase 1;
   ``MAX_FAILED_HEARTBEATS`` failures in a row go back to phase 1 with backoff.

Storage pools are reported (ReportStoragePools) right after each registration and whenever
they change (``PoolChanges``); a report that fails is sent again with the next heartbeat.

Each heartbeat carries the host's usage (``node_daemon.host_usage``), read just before it
within ``usage_read_bound``: a reading that fails or takes longer goes without usage, so the
heartbeat (the host's liveness) never waits on it. The coordinator refuses a heartbeat whose
usage breaks a rule (INVALID_ARGUMENT naming the field); the node logs that and sends the same
heartbeat again at once without usage, so a bad reading never makes a host look offline.

Each transition is logged once at info/warning; individual retries only at debug.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import grpc
from google.protobuf import duration_pb2

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from clients.errors import describe_rpc_error
from domain.backoff import Backoff
from domain.node_status import DEFAULT_HEARTBEAT_INTERVAL_S, MISSED_HEARTBEATS_FOR_OFFLINE
from node_daemon.host_usage import UsageUnreadable
from node_daemon.libvirt_conn import LibvirtCallError
from node_daemon.pool_changes import PoolChanges
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

# Go back to registering after this many failed heartbeats in a row: the coordinator marks a
# node OFFLINE after the same number of missed intervals, so by then it is worth checking that
# it still knows us (it may have restarted with an empty store) rather than just waiting.
MAX_FAILED_HEARTBEATS = MISSED_HEARTBEATS_FOR_OFFLINE

# A coordinator that sends a zero or tiny interval (misconfigured, or an older one without the
# field) must not turn heartbeats into a busy loop; 0.1 s still lets tests run fast.
MIN_HEARTBEAT_INTERVAL_S = 0.1

# After an unexpected error (a bug, not a coordinator outage) start over after this pause:
# long enough not to flood the log with tracebacks, short enough to recover quickly.
UNEXPECTED_FAILURE_PAUSE_S = 10.0

# A usage reading takes at most this long before the heartbeat goes without it: libvirt's node
# statistics and /proc answer in about a millisecond, so a second means libvirtd is stuck, and
# the heartbeat matters more than one point of a graph.
USAGE_READ_DEADLINE_S = 1.0

HostInfoReader = Callable[[], Awaitable[common_pb2.HostInfo]]
# The host's usage since the previous call; None for the first (a baseline).
UsageReader = Callable[[], Awaitable[common_pb2.HostUsage | None]]
PoolsReader = Callable[
    [], Awaitable[tuple[list[common_pb2.HostStoragePool], common_pb2.ChangeStamp | None]]
]


def interval_from(duration: duration_pb2.Duration, fallback: float) -> float:
    """Seconds of a heartbeat_interval Duration; ``fallback`` when the coordinator left it 0."""
    seconds = duration.seconds + duration.nanos / 1e9
    if seconds <= 0:
        return fallback
    return max(seconds, MIN_HEARTBEAT_INTERVAL_S)


def usage_read_bound(interval: float) -> float:
    """How long a heartbeat waits for its usage reading: USAGE_READ_DEADLINE_S, and never more
    than half an interval. The coordinator marks a host OFFLINE after several missed
    intervals, so a heartbeat half an interval late is never taken for silence, even at the
    tests' 0.1 s intervals."""
    return min(USAGE_READ_DEADLINE_S, interval / 2)


class Registrar:
    """Keeps this node registered with one coordinator. Run ``run()`` as a task; cancel it."""

    def __init__(
        self,
        coordinator: Endpoint,
        name: str,
        address: str,
        host_info: HostInfoReader,
        daemon_version: str,
        backoff_factory: Callable[[], Backoff] = Backoff,
        pools: PoolsReader | None = None,
        changes: PoolChanges | None = None,
        usage: UsageReader | None = None,
    ) -> None:
        self.coordinator = coordinator
        self.name = name
        self.address = address
        self._host_info = host_info
        self.daemon_version = daemon_version
        self._backoff_factory = backoff_factory
        self._pools = pools
        self._changes = changes
        self._report_pending = False
        self._usage = usage
        # The reading under way: at most one at a time, however slow libvirt is (a reading
        # that outlives its heartbeat's wait is not started again on top of itself).
        self._reading: asyncio.Future[common_pb2.HostUsage | None] | None = None
        self._usage_failing = False
        self._usage_refused = False

    async def run(self) -> None:
        # The channel is created here, inside the running loop (grpc.aio requires it).
        client = CoordinatorClient(self.coordinator)
        try:
            while True:
                try:
                    interval = await self._register(client)
                    await self._report(client)
                    await self._heartbeat(client, interval)
                except Exception:
                    # A bug here must not silently end registration for the daemon's lifetime.
                    log.exception("registration failed unexpectedly; starting over")
                    await asyncio.sleep(UNEXPECTED_FAILURE_PAUSE_S)
        finally:
            if self._reading is not None:
                self._reading.cancel()
            await client.close()

    async def _register(self, client: CoordinatorClient) -> float:
        """Register until the coordinator accepts; the heartbeat interval it asks for."""
        backoff = self._backoff_factory()
        log.info("registering with %s as %s (address %s)", client.target, self.name, self.address)
        failures = 0
        while True:
            try:
                reply = await client.register_node(await self._request())
            except grpc.aio.AioRpcError as error:
                reason = describe_rpc_error(error, client.target)
            except LibvirtCallError as error:
                reason = f"{self.name}: {error}"
            else:
                interval = interval_from(reply.heartbeat_interval, DEFAULT_HEARTBEAT_INTERVAL_S)
                log.info(
                    "registered with %s as %s; heartbeat every %.1f s",
                    client.target,
                    self.name,
                    interval,
                    extra={"attempts": failures + 1},
                )
                return interval
            failures += 1
            delay = backoff.next_delay()
            if failures == 1:
                log.warning(
                    "registration with %s failed; retrying with backoff (%.0f s up to %.0f s): %s",
                    client.target,
                    backoff.initial,
                    backoff.maximum,
                    reason,
                )
            else:
                log.debug("registration attempt %d failed: %s", failures, reason)
            await asyncio.sleep(delay)

    async def _request(self) -> pb.RegisterNodeRequest:
        return pb.RegisterNodeRequest(
            hostname=self.name,
            address=self.address,
            host_info=await self._host_info(),
            daemon_version=self.daemon_version,
        )

    async def _report(self, client: CoordinatorClient) -> None:
        """Send every pool of this host; on failure, try again with the next heartbeat."""
        if self._pools is None:
            return
        self._report_pending = True
        if self._changes is not None and not self._changes.settled:
            return  # an operation is under way: its end raises the flag again
        try:
            pools, stamp = await self._pools()
            await client.report_storage_pools(self.name, pools, stamp)
        except grpc.aio.AioRpcError as error:
            log.warning(
                "reporting storage pools failed: %s", describe_rpc_error(error, client.target)
            )
            return
        except LibvirtCallError as error:
            log.warning("reading storage pools to report failed: %s: %s", self.name, error)
            return
        self._report_pending = False
        log.debug("reported %d storage pools", len(pools))

    async def _wait(self, seconds: float) -> bool:
        """Sleep ``seconds``, or less when the pools change: True then."""
        if self._changes is None:
            await asyncio.sleep(seconds)
            return False
        try:
            await asyncio.wait_for(self._changes.event.wait(), seconds)
        except TimeoutError:
            return False
        self._changes.event.clear()
        return True

    async def _heartbeat(self, client: CoordinatorClient, interval: float) -> None:
        """Heartbeat until the coordinator forgets us or stops answering; report the pools
        in between whenever they change."""
        loop = asyncio.get_running_loop()
        failures = 0
        if self._usage is not None:
            # The baseline the first heartbeat's CPU share is measured from.
            await self._read_usage(interval)
        due = loop.time() + interval
        while True:
            while (left := due - loop.time()) > 0:
                if await self._wait(left):
                    await self._report(client)
            if self._report_pending:
                await self._report(client)
            # A fixed rate: the next beat is due one interval after this one was due, not
            # after it was sent. Counting from the send let the usage read and the call's time
            # add up until a beat skipped one of the usage history's 5 s slots (a gap in every
            # graph); after a long stall (a suspended host) it starts again from now.
            due = max(due + interval, loop.time())
            try:
                reply = await self._send_heartbeat(client, await self._read_usage(interval))
            except grpc.aio.AioRpcError as error:
                if error.code() == grpc.StatusCode.NOT_FOUND:
                    log.warning(
                        "%s does not know %s (heartbeat NOT_FOUND); registering again",
                        client.target,
                        self.name,
                    )
                    return
                failures += 1
                reason = describe_rpc_error(error, client.target)
                if failures >= MAX_FAILED_HEARTBEATS:
                    log.warning(
                        "%d heartbeats in a row failed; registering again: %s", failures, reason
                    )
                    return
                if failures == 1:
                    log.warning("heartbeat failed: %s", reason)
                else:
                    log.debug("heartbeat %d in a row failed: %s", failures, reason)
                continue
            if failures:
                log.info("heartbeats to %s resumed", client.target)
                failures = 0
            new_interval = interval_from(reply.heartbeat_interval, interval)
            if new_interval != interval:
                log.info("heartbeat interval is now %.1f s", new_interval)
                due += new_interval - interval
                interval = new_interval
            log.debug("heartbeat sent")

    async def _send_heartbeat(
        self, client: CoordinatorClient, usage: common_pb2.HostUsage | None
    ) -> pb.HeartbeatResponse:
        """One heartbeat with ``usage``; again at once without it when the coordinator refuses
        the usage (the reading is wrong, the host is alive all the same)."""
        if usage is None:
            return await client.heartbeat(self.name)
        try:
            reply = await client.heartbeat(self.name, usage)
        except grpc.aio.AioRpcError as error:
            if error.code() != grpc.StatusCode.INVALID_ARGUMENT:
                raise
            # A wrong reading is likely wrong again next time: warned of once, until accepted.
            log.log(
                logging.DEBUG if self._usage_refused else logging.WARNING,
                "%s refused this host's usage; heartbeat sent without it: %s",
                client.target,
                describe_rpc_error(error, client.target),
                extra={
                    "cpu_fraction": usage.cpu_fraction,
                    "memory_used_bytes": usage.memory_used_bytes,
                    "memory_total_bytes": usage.memory_total_bytes,
                },
            )
            self._usage_refused = True
            return await client.heartbeat(self.name)
        self._usage_refused = False
        return reply

    async def _read_usage(self, interval: float) -> common_pb2.HostUsage | None:
        """The host's usage now, or None: no reader, the baseline, a failed or slow reading
        (logged when failures start and when they end, not at every heartbeat)."""
        if self._usage is None:
            return None
        if self._reading is None or self._reading.done():
            self._reading = asyncio.ensure_future(self._usage())
            # A reading that ends after its heartbeat stopped waiting is dropped: its
            # outcome is taken here so asyncio does not report it as never retrieved.
            self._reading.add_done_callback(_drop_outcome)
        try:
            usage = await asyncio.wait_for(
                asyncio.shield(self._reading), usage_read_bound(interval)
            )
        except TimeoutError:
            self._usage_failed(
                f"{self.name}: reading usage took longer than "
                f"{usage_read_bound(interval):g} s; heartbeat sent without it"
            )
            return None
        except (LibvirtCallError, UsageUnreadable) as error:
            self._usage_failed(f"{self.name}: reading usage failed: {error}")
            return None
        if self._usage_failing:
            log.info("%s: usage readings resumed", self.name)
            self._usage_failing = False
        return usage

    def _usage_failed(self, why: str) -> None:
        if self._usage_failing:
            log.debug("%s", why)
        else:
            log.warning("%s (heartbeats go without usage until a reading succeeds)", why)
            self._usage_failing = True


def _drop_outcome(reading: asyncio.Future[common_pb2.HostUsage | None]) -> None:
    if not reading.cancelled():
        reading.exception()
