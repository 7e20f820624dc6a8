"""Storage pools: the desired state (spec and assigned hosts) and each host's status.

Every change goes through the inventory, so it is stored and published on Watch. A pool is
stored PENDING and initialized on its hosts in the background (coordinator.realize: each host
with a deadline, each outcome recorded as it arrives). Secrets (a Ceph key, a CHAP secret) are
kept in the store's secrets table, never in the Pool object, so no read reply, Watch event or
log line can carry one; they are sent only to node daemons, inside InitStoragePool.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from coordinator import pool_status as ps
from coordinator import pool_teardown as teardown
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.pool_errors import PoolExists, PoolNotFound, PoolRefused
from coordinator.realize import HostOutcome, Realizer, WorkKey
from coordinator.store import Store
from domain.errors import ValidationError
from domain.pool_xml import libvirt_pool_type
from domain.pools import (
    CephSource,
    IscsiSource,
    PoolSpec,
    validate_host_names,
    validate_pool_name,
    validate_pool_spec,
)
from domain.realization import Phase, offline_message
from proto.quantix.v1 import common_pb2, node_pb2
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_from_pb, spec_to_pb
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_POOL
# Multi-host work recorded as an intent before any host is asked (see _intend).
OP_DELETE = "delete"
OP_UNASSIGN = "unassign"
SECRET_CEPH_KEY = "ceph.key"
SECRET_CHAP = "iscsi.chap_secret"
REDACTED = "[secret]"

T = TypeVar("T")


def _scope(name: str) -> str:
    return f"pool/{name}"


def work_key(name: str) -> WorkKey:
    """The Realizer's key of a pool's work on its hosts."""
    return WorkKey("pool", name)


def _secrets_of(spec: PoolSpec) -> dict[str, str]:
    if isinstance(spec.source, CephSource) and spec.source.key:
        return {SECRET_CEPH_KEY: spec.source.key}
    if isinstance(spec.source, IscsiSource) and spec.source.chap_secret:
        return {SECRET_CHAP: spec.source.chap_secret}
    return {}


class PoolManager:
    def __init__(
        self,
        inventory: Inventory,
        store: Store,
        nodes: NodeRegistry,
        realizer: Realizer,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._inventory = inventory
        self._store = store
        self._nodes = nodes
        self._realizer = realizer
        self._clock = clock
        self._deleting: set[str] = set()
        self._unassigning: dict[str, set[str]] = {}
        self._jobs: set[asyncio.Task[Any]] = set()
        # Outcomes received but not yet stored, per pool and host (see _record_init).
        self._arrived: dict[str, dict[str, cpb.HostStatus]] = {}
        nodes.add_listener(self)

    # --- reads ----------------------------------------------------------------------------

    def list(self) -> list[pb.Pool]:
        return [pool for pool in self._inventory.list(KIND) if isinstance(pool, pb.Pool)]

    def get(self, name: str) -> pb.Pool:
        validate_pool_name(name, "name")
        pool = self._inventory.get(KIND, name)
        if not isinstance(pool, pb.Pool):
            raise PoolNotFound(name)
        return pool

    # --- lifecycle --------------------------------------------------------------------------

    def resume(self) -> None:
        """At start: finish the deletes and unassigns a previous run recorded but did not
        finish (intents), initialize again wherever it left a host PENDING (each with a fresh
        deadline; a PENDING status is itself the record of an init, assign or retry), and
        settle what is left."""
        names = {pool.spec.name for pool in self.list()}
        for scope in self._store.secret_scopes():
            if scope.startswith("pool/") and scope.removeprefix("pool/") not in names:
                self._store.delete_secrets(scope)
        self._resume_intents()
        for pool in self.list():
            if pool.spec.name in self._deleting:
                continue  # its resumed delete settles it
            restarted = self._restart_stalled(pool.spec.name)
            if not restarted and pool.realization.phase in (cpb.PHASE_DELETING, cpb.PHASE_PENDING):
                self._save(pool, lambda _p: None)

    async def close(self) -> None:
        for job in list(self._jobs):
            job.cancel()
        await asyncio.gather(*self._jobs, return_exceptions=True)

    # --- requests -----------------------------------------------------------------------

    def create(self, message: cpb.PoolSpec) -> pb.Pool:
        spec = validate_pool_spec(spec_from_pb(message))
        if self._inventory.get(KIND, spec.name) is not None:
            raise PoolExists(spec.name)
        # A pool for every host is placed on every registered host, offline ones included: they
        # show OFFLINE (the pool is DEGRADED naming them), exactly as in an explicit list.
        hosts = self._registered(spec.hosts) if spec.hosts else self._nodes.names()
        now = self._clock()
        pool = pb.Pool(
            spec=spec_to_pb(spec, include_secrets=False),
            created_at=timestamp_of(now),
            updated_at=timestamp_of(now),
        )
        secrets = _secrets_of(spec)
        if secrets:
            self._store.put_secrets(_scope(spec.name), secrets)
        else:
            self._store.delete_secrets(_scope(spec.name))
        log.info(
            "pool created",
            extra={"pool": spec.name, "backend": spec.backend.value, "hosts": hosts},
        )
        return self._initialize(pool, hosts)

    def retry(self, name: str, hosts: Sequence[str] = ()) -> pb.Pool:
        pool = self._changeable(name)
        if hosts:
            chosen = self._assigned(pool, hosts)
        else:
            chosen = [s.host for s in pool.realization.hosts if s.phase != cpb.PHASE_READY]
            if ps.every_host(pool):
                chosen += [h for h in self._nodes.names() if ps.find(pool, h) is None]
        self._refuse_busy_hosts(pool, chosen)
        return self._initialize(pool, chosen) if chosen else pool

    def assign(self, name: str, hosts: Sequence[str]) -> pb.Pool:
        pool = self._changeable(name)
        if not hosts:
            raise ValidationError("hosts", "name at least one host to assign")
        names = self._registered(validate_host_names(hosts))
        new = [h for h in names if ps.find(pool, h) is None]
        if (
            pool.spec.backend == cpb.POOL_BACKEND_LOCAL_DIR
            and len(pool.realization.hosts) + len(new) > 1
        ):
            current = ", ".join(ps.host_names(pool)) or "none"
            raise ValidationError(
                "hosts",
                f"a local directory exists on one host: pool {name} is on {current}; "
                "create another pool for another host",
            )
        self._refuse_busy_hosts(pool, new)
        if not new:
            return pool
        updated = ps.copy(pool)
        if not ps.every_host(updated):
            updated.spec.hosts.extend(new)
        return self._initialize(updated, new)

    async def unassign(self, name: str, hosts: Sequence[str], force: bool = False) -> pb.Pool:
        pool = self._changeable(name)
        if not hosts:
            raise ValidationError("hosts", "name at least one host to unassign")
        chosen = self._assigned(pool, hosts)
        if not [h for h in ps.host_names(pool) if h not in chosen]:
            raise PoolRefused(
                f"pool {name} must keep at least one host (a local directory exactly one): "
                "delete the pool instead"
            )
        self._refuse_busy_hosts(pool, chosen)
        return await self._start_unassign(name, chosen, force)

    async def delete(self, name: str, force: bool = False) -> pb.DeletePoolResponse:
        self._changeable(name)
        if self._unassigning.get(name):
            raise PoolRefused(f"pool {name} is being unassigned from hosts: try again when done")
        return await self._start_delete(name, force)

    def pools_on(self, host: str) -> list[str]:
        return [pool.spec.name for pool in self.list() if ps.find(pool, host) is not None]

    def forget_host(self, host: str, force: bool) -> list[str]:
        """Take a host that is gone off every pool, without contacting it (RemoveNode).

        Refused while pools are assigned to it unless ``force``; then a pool for every host
        stays one (the host simply drops out), an explicit list loses the host, and a local
        directory on that host is forgotten (its storage was there). The host's storage is
        never touched; a pool whose only host it was is forgotten. Returns the pools it was
        taken off.
        """
        names = self.pools_on(host)
        busy = sorted(n for n in names if self._frozen(n, host))
        if busy:
            raise PoolRefused(
                f"{host} is being taken off {', '.join(busy)}: try again when that is done"
            )
        if names and not force:
            raise PoolRefused(
                f"{host} is assigned to {len(names)} pool{'s' if len(names) != 1 else ''} "
                f"({', '.join(names)}): unassign them first, or force the removal (the pools "
                f"are then taken off {host} without contacting it; its storage is left as is)"
            )
        for name in names:
            self._realizer.cancel(work_key(name), [host])
            pool = self.get(name)
            # A pool whose only assigned host is gone (a local directory, an explicit list of
            # one) is forgotten: emptying the list would turn it into a pool for every host.
            if list(pool.spec.hosts) == [host] or pool.spec.backend == cpb.POOL_BACKEND_LOCAL_DIR:
                self._inventory.remove(KIND, name)
                self._store.delete_secrets(_scope(name))
            else:
                self._save(pool, lambda p: ps.forget_host(p, host))
            log.warning("host removed from pool", extra={"pool": name, "host": host})
        return names

    def reconcile(
        self,
        host: str,
        reported: Sequence[common_pb2.HostStoragePool],
        stamp: common_pb2.ChangeStamp | None = None,
    ) -> None:
        """Make each pool's status on ``host`` agree with what the host reports: a pool shown
        READY there that is not defined or not running becomes ERROR (NOT_RUNNING) saying so,
        and back READY when the host reports it running again. Hosts with work in flight are
        left to that work's outcome, and so is a status that comes from an operation the list
        does not include yet (``stamp``: a list read before an init, delivered after it)."""
        stamp = stamp or common_pb2.ChangeStamp()
        found = {pool.name: pool for pool in reported}
        now = self._clock()
        for pool in self.list():
            name = pool.spec.name
            status = ps.find(pool, host)
            if (
                status is None
                or self._frozen(name, host)
                or host in self._realizer.in_flight(work_key(name))
                or not ps.follows_reports(status)
                or ps.newer_than(status.stamp, stamp)
            ):
                continue
            expected = libvirt_pool_type(spec_from_pb(pool.spec))
            updated = ps.reported_status(status, name, found.get(name), now, stamp, expected)
            if updated is not None:
                self._save(pool, lambda p, s=updated: ps.put_status(p, s))

    # --- node events (coordinator.nodes.NodeListener) -------------------------------------

    def node_online(self, node: pb.Node) -> None:
        """A host that (re)registers or comes back gets its pools initialized again: a
        restarted daemon may have lost them. A pool for every host gains a new host."""
        for pool in self.list():
            if self._frozen(pool.spec.name, node.name):
                continue
            if ps.find(pool, node.name) is not None or ps.every_host(pool):
                self._initialize(pool, [node.name])

    def node_offline(self, node: pb.Node) -> None:
        route = self._nodes.route(node.name)
        since = route.offline_since if route else None
        for pool in self.list():
            name = pool.spec.name
            if self._frozen(name, node.name) or ps.find(pool, node.name) is None:
                continue
            self._realizer.cancel(work_key(name), [node.name])
            status = ps.failed(
                node.name,
                Phase.OFFLINE,
                offline_message(node.name),
                "OFFLINE",
                self._clock(),
                since,
            )
            self._save(pool, lambda p, s=status: ps.put_status(p, s))

    # --- internals ------------------------------------------------------------------------

    def _initialize(self, pool: pb.Pool, hosts: Sequence[str]) -> pb.Pool:
        """Mark ``hosts`` PENDING (with their deadline) and start InitStoragePool on them."""
        name = pool.spec.name
        now = self._clock()
        deadline_s = self._realizer.deadline_s

        def mark(updated: pb.Pool) -> None:
            for host in hosts:
                ps.put_status(updated, ps.pending(host, now, deadline_s))

        saved = self._save(pool, mark)
        if hosts:
            spec = self._node_spec(saved)
            self._realizer.start(
                work_key(name),
                hosts,
                lambda client, timeout_s: client.init_storage_pool(spec, timeout_s),
                functools.partial(self._record_init, name),
            )
        return saved

    def _record_init(
        self, name: str, outcome: HostOutcome[node_pb2.InitStoragePoolResponse]
    ) -> None:
        """Take in one host's outcome. Outcomes that arrive in the same turn of the event loop
        are stored and published as one change (50 hosts answering together make a few writes,
        not 50), still within that turn: nothing waits."""
        # A destroy cancels the initialization it supersedes, so an outcome that arrives is
        # always news, even during a delete's volume check.
        pool = self._inventory.get(KIND, name)
        if not isinstance(pool, pb.Pool) or ps.find(pool, outcome.host) is None:
            return  # deleted or unassigned meanwhile
        status = ps.from_init(outcome, self._clock())
        secrets = self._store.load_secrets(_scope(name)).values()
        status.message = _redact(status.message, secrets)
        status.notes[:] = [_redact(note, secrets) for note in status.notes]
        batch = self._arrived.get(name)
        if batch is None:
            batch = self._arrived[name] = {}
            asyncio.get_running_loop().call_soon(self._flush_arrived, name)
        batch[outcome.host] = status
        extra = {"pool": name, "host": outcome.host, "reason": status.reason}
        if outcome.ok:
            log.info("pool ready on host", extra=extra)
        else:
            log.warning("pool failed on host: %s", status.message, extra=extra)

    def _flush_arrived(self, name: str) -> None:
        pool = self._inventory.get(KIND, name)
        if isinstance(pool, pb.Pool) and name in self._arrived:
            self._save(pool, lambda _p: None)  # _save applies what arrived

    def _start_unassign(self, name: str, hosts: list[str], force: bool) -> asyncio.Future[pb.Pool]:
        """Record the intent, claim the hosts (before the first await, so a concurrent request
        sees the claim) and run the unassign to its end even if the caller goes away."""
        intent = self._intend(name, OP_UNASSIGN, hosts, force)
        self._unassigning.setdefault(name, set()).update(hosts)
        return self._detached(self._unassign(name, hosts, force), intent)

    def _start_delete(self, name: str, force: bool) -> asyncio.Future[pb.DeletePoolResponse]:
        intent = self._intend(name, OP_DELETE, ps.host_names(self.get(name)), force)
        self._deleting.add(name)
        return self._detached(self._delete(name, force), intent)

    def _restart_stalled(self, name: str) -> bool:
        """Initialize again on every PENDING host of the pool with no work in flight and not
        being taken off it: a restart, or a delete that did not happen, must not leave a host
        PENDING with nothing that will ever answer. Whether any was restarted."""
        pool = self._inventory.get(KIND, name)
        if not isinstance(pool, pb.Pool):
            return False
        in_flight = self._realizer.in_flight(work_key(name))
        stalled = [
            s.host
            for s in pool.realization.hosts
            if s.phase == cpb.PHASE_PENDING
            and s.host not in in_flight
            and not self._frozen(name, s.host)
        ]
        if stalled:
            log.info("initializing again where nothing answers", extra={"pool": name})
            self._initialize(pool, stalled)
        return bool(stalled)

    def _intend(self, name: str, op: str, hosts: list[str], force: bool) -> int:
        """Write down what is about to be done, before any host is asked: a coordinator killed
        half-way finishes it at its next start (``resume``)."""
        payload = json.dumps({"op": op, "hosts": hosts, "force": force})
        return self._store.add_intent(_scope(name), payload)

    def _resume_intents(self) -> None:
        """Finish the deletes and unassigns a previous run recorded but did not finish."""
        for intent in self._store.intents():
            self._store.remove_intent(intent.id)  # replaced by the run's own intent below
            if not intent.scope.startswith("pool/"):
                continue
            name = intent.scope.removeprefix("pool/")
            pool = self._inventory.get(KIND, name)
            if not isinstance(pool, pb.Pool) or name in self._deleting:
                continue
            work = json.loads(intent.payload)
            force = bool(work.get("force"))
            log.warning(
                "finishing a %s the coordinator did not finish before it stopped",
                work.get("op"),
                extra={"pool": name, "hosts": work.get("hosts")},
            )
            if work.get("op") == OP_DELETE:
                self._start_delete(name, force)
            elif work.get("op") == OP_UNASSIGN:
                hosts = [h for h in work.get("hosts", []) if ps.find(pool, h) is not None]
                busy = self._unassigning.get(name, set())
                hosts = [h for h in hosts if h not in busy]
                if hosts:
                    self._start_unassign(name, hosts, force)

    async def _unassign(self, name: str, hosts: list[str], force: bool) -> pb.Pool:
        try:
            outcomes = await self._destroy(name, hosts, force)
        finally:
            remaining = self._unassigning.get(name, set()) - set(hosts)
            if remaining:
                self._unassigning[name] = remaining
            else:
                self._unassigning.pop(name, None)
        pool = self.get(name)
        done = [o.host for o in outcomes if o.ok]
        log.info("pool unassigned", extra={"pool": name, "hosts": done})
        return self._save(pool, lambda p: self._mark_failures(p, outcomes, "Unassign", done))

    async def _delete(self, name: str, force: bool) -> pb.DeletePoolResponse:
        try:
            hosts = ps.host_names(self.get(name))
            outcomes = await self._destroy(name, hosts, force, announce=True)
        except BaseException as error:
            self._deleting.discard(name)
            pool = self._inventory.get(KIND, name)
            if isinstance(pool, pb.Pool) and pool.realization.phase == cpb.PHASE_DELETING:
                self._save(pool, lambda _p: None)  # back from DELETING
            if not isinstance(error, asyncio.CancelledError):
                self._restart_stalled(name)
            raise
        self._deleting.discard(name)
        results = [teardown.result(o) for o in outcomes]
        if all(o.ok for o in outcomes):
            self._inventory.remove(KIND, name)
            self._store.delete_secrets(_scope(name))
            log.info("pool deleted", extra={"pool": name, "hosts": hosts})
            return pb.DeletePoolResponse(deleted=True, results=results)
        done = [o.host for o in outcomes if o.ok]
        pool = self._save(
            self.get(name), lambda p: self._mark_failures(p, outcomes, "Delete", done)
        )
        self._restart_stalled(name)
        log.warning("pool delete failed: %s", pool.realization.message, extra={"pool": name})
        return pb.DeletePoolResponse(deleted=False, results=results, pool=pool)

    async def _destroy(
        self, name: str, hosts: list[str], force: bool, announce: bool = False
    ) -> list[HostOutcome[Any]]:
        def mark_deleting() -> None:
            if announce:
                self._save(self.get(name), teardown.deleting_phase)  # alone until done

        return await teardown.destroy(self._realizer, self.get(name), hosts, force, mark_deleting)

    def _mark_failures(
        self, pool: pb.Pool, outcomes: list[HostOutcome[Any]], action: str, done: list[str]
    ) -> None:
        now = self._clock()
        for o in outcomes:
            if not o.ok:
                message = f"{action} failed: {o.message}"
                status = ps.failed(o.host, o.phase, message, o.reason, now, o.offline_since)
                ps.put_status(pool, status)
        ps.drop_hosts(pool, done)

    def _save(self, pool: pb.Pool, change: Callable[[pb.Pool], None]) -> pb.Pool:
        """Copy, apply the outcomes that arrived before this change, change, recompute the
        aggregate, store and publish."""
        updated = ps.copy(pool)
        arrived = self._arrived.pop(updated.spec.name, {})
        ps.put_statuses(updated, [s for h, s in arrived.items() if ps.find(updated, h)])
        change(updated)
        phase, message = updated.realization.phase, updated.realization.message
        ps.refresh(updated, self._clock())
        if phase == cpb.PHASE_DELETING and updated.spec.name in self._deleting:
            updated.realization.phase, updated.realization.message = phase, message
        self._inventory.put(KIND, updated.spec.name, updated)
        return updated

    def _node_spec(self, pool: pb.Pool) -> cpb.PoolSpec:
        """The spec a node needs: the stored one with its secrets put back."""
        spec = cpb.PoolSpec()
        spec.CopyFrom(pool.spec)
        secrets = self._store.load_secrets(_scope(pool.spec.name))
        if spec.HasField("ceph_rbd") and SECRET_CEPH_KEY in secrets:
            spec.ceph_rbd.key = secrets[SECRET_CEPH_KEY]
        if spec.HasField("iscsi") and SECRET_CHAP in secrets:
            spec.iscsi.chap_secret = secrets[SECRET_CHAP]
        return spec

    def _changeable(self, name: str) -> pb.Pool:
        pool = self.get(name)
        if name in self._deleting:
            raise PoolRefused(f"pool {name} is being deleted")
        return pool

    def _registered(self, hosts: Sequence[str]) -> list[str]:
        for i, host in enumerate(hosts):
            if self._nodes.route(host) is None:
                raise ValidationError(f"hosts[{i}]", f"no host named {host!r} is registered")
        return list(hosts)

    def _assigned(self, pool: pb.Pool, hosts: Sequence[str]) -> list[str]:
        names = list(validate_host_names(hosts))
        for i, host in enumerate(names):
            if ps.find(pool, host) is None:
                raise ValidationError(
                    f"hosts[{i}]", f"{host} is not assigned to pool {pool.spec.name}"
                )
        return names

    def _refuse_busy_hosts(self, pool: pb.Pool, hosts: Sequence[str]) -> None:
        busy = sorted(self._unassigning.get(pool.spec.name, set()) & set(hosts))
        if busy:
            raise PoolRefused(
                f"pool {pool.spec.name} is being unassigned from {', '.join(busy)}: "
                "try again when done"
            )

    def _frozen(self, name: str, host: str) -> bool:
        """Being deleted, or being taken off this host: no other work may start there."""
        return name in self._deleting or host in self._unassigning.get(name, set())

    def _detached(self, work: Coroutine[Any, Any, T], intent: int) -> asyncio.Future[T]:
        """Run ``work`` to the end even if the caller goes away (its RPC is cancelled): a
        delete half-recorded would leave the pool in a state nobody decided. Its intent is
        removed once it ends, whatever the outcome, but not when the coordinator stops it
        (shutdown cancels it): the next start then finishes it."""
        task = asyncio.create_task(work)
        self._jobs.add(task)

        def done(finished: asyncio.Task[T]) -> None:
            self._jobs.discard(finished)
            if not finished.cancelled():
                self._store.remove_intent(intent)

        task.add_done_callback(done)
        shielded = asyncio.shield(task)
        # When nobody awaits it (a resumed intent, a caller gone), its error is already logged
        # by the work itself: retrieve it so asyncio does not report it again at exit.
        shielded.add_done_callback(lambda f: f.cancelled() or f.exception())
        return shielded


def _redact(text: str, secrets: Any) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text
