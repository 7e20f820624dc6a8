"""One lifecycle for every object realized on hosts (pools, networks, switches).

The desired object (its spec and the hosts it is placed on) and each host's status go through
the inventory, so every change is stored and published on Watch. An object is stored PENDING
and initialized on its hosts in the background (coordinator.realize: each host with a
deadline, each outcome recorded as it arrives). Deletes and unassigns are written down as
intents before any host is asked, so a coordinator killed half-way finishes them at its next
start; a host left PENDING by a restart is initialized again; a host that comes back is
initialized again (its daemon may have lost the object); a host that goes offline is shown
OFFLINE. What differs per kind (the node calls, the pre-delete check, secrets, the placement
rule, the kind's own facts) is a ``KindAdapter``.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Generic, Protocol, TypeVar

from coordinator import host_statuses as hs
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.realize import HostOutcome, Operation, Realizer, WorkKey
from coordinator.realized_errors import ObjectNotFound, Refused
from coordinator.store import Store
from domain.errors import ValidationError
from domain.pools import validate_host_names
from domain.realization import Phase, offline_message
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import PHASE_TO_PB

log = logging.getLogger(__name__)

# Multi-host work recorded as an intent before any host is asked (see _intend).
OP_DELETE = "delete"
OP_UNASSIGN = "unassign"

M = TypeVar("M")  # the stored message: pb.Pool, pb.Network, ...
T = TypeVar("T")


class KindAdapter(Protocol[M]):
    """What one kind of realized object adds to the shared lifecycle."""

    noun: str  # "pool": in messages, work keys, intents and secret scopes
    kind: int  # its pb.ObjectKind in the inventory and on Watch
    message_type: type[M]
    # Said when an object would lose its last host ("" or e.g. " (a local directory exactly
    # one)"), and of the host a forced removal takes it off.
    keep_note: str
    left_alone: str

    def validate_name(self, name: str) -> None: ...

    def every_host(self, obj: M) -> bool:
        """Placed on every host, present and future (no explicit host list)."""
        ...

    def single_host(self, obj: M) -> bool:
        """Exists on exactly one host (a local directory): never assigned a second, and
        forgotten with it."""
        ...

    def init_operation(self, obj: M) -> Operation[Any]:
        """The node call that realizes ``obj`` on one host (secrets put back)."""
        ...

    def status_from_init(self, outcome: HostOutcome[Any], now: float) -> cpb.HostStatus: ...

    async def destroy(
        self,
        realizer: Realizer,
        obj: M,
        hosts: list[str],
        force: bool,
        before_destroy: Callable[[], None],
    ) -> list[HostOutcome[Any]]:
        """The pre-delete check (refusing with Refused), then the destroy on ``hosts``."""
        ...

    def refresh_facts(self, obj: M) -> None:
        """Recompute the kind's own aggregate facts (a pool's capacity) from its hosts."""
        ...

    def redact(self, name: str, text: str) -> str:
        """A node's text with the object's secrets blanked."""
        ...

    def forget(self, name: str) -> None:
        """The object is gone: drop what the kind keeps beside it (secrets)."""
        ...

    def deleted_response(self, results: list[cpb.HostStatus]) -> Any: ...

    def refused_response(self, results: list[cpb.HostStatus], obj: M) -> Any: ...


class RealizedManager(Generic[M]):
    def __init__(
        self,
        adapter: KindAdapter[M],
        inventory: Inventory,
        store: Store,
        nodes: NodeRegistry,
        realizer: Realizer,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._adapter = adapter
        self._noun = adapter.noun
        self._kind = adapter.kind
        self._inventory = inventory
        self._store = store
        self._nodes = nodes
        self._realizer = realizer
        self._clock = clock
        self._deleting: set[str] = set()
        self._unassigning: dict[str, set[str]] = {}
        self._jobs: set[asyncio.Task[Any]] = set()
        # Outcomes received but not yet stored, per object and host (see _record_init).
        self._arrived: dict[str, dict[str, cpb.HostStatus]] = {}
        nodes.add_listener(self)

    # --- reads ----------------------------------------------------------------------------

    def list(self) -> list[M]:
        kind_type = self._adapter.message_type
        return [obj for obj in self._inventory.list(self._kind) if isinstance(obj, kind_type)]

    def get(self, name: str) -> M:
        self._adapter.validate_name(name)
        obj = self._inventory.get(self._kind, name)
        if not isinstance(obj, self._adapter.message_type):
            raise ObjectNotFound(self._noun, name)
        return obj

    def on_host(self, host: str) -> list[str]:
        return [obj.spec.name for obj in self.list() if hs.find(obj, host) is not None]  # type: ignore[attr-defined]

    def work_key(self, name: str) -> WorkKey:
        """The Realizer's key of an object's work on its hosts."""
        return WorkKey(self._noun, name)

    def scope(self, name: str) -> str:
        """Where the store keeps the object's secrets and intents."""
        return f"{self._noun}/{name}"

    # --- lifecycle --------------------------------------------------------------------------

    def resume(self) -> None:
        """At start: finish the deletes and unassigns a previous run recorded but did not
        finish (intents), initialize again wherever it left a host PENDING (each with a fresh
        deadline; a PENDING status is itself the record of an init, assign or retry), and
        settle what is left."""
        names = {obj.spec.name for obj in self.list()}  # type: ignore[attr-defined]
        prefix = f"{self._noun}/"
        for scope in self._store.secret_scopes():
            if scope.startswith(prefix) and scope.removeprefix(prefix) not in names:
                self._store.delete_secrets(scope)
        self._resume_intents()
        for obj in self.list():
            name = obj.spec.name  # type: ignore[attr-defined]
            if name in self._deleting:
                continue  # its resumed delete settles it
            restarted = self._restart_stalled(name)
            phase = obj.realization.phase  # type: ignore[attr-defined]
            if not restarted and phase in (cpb.PHASE_DELETING, cpb.PHASE_PENDING):
                self._save(obj, lambda _o: None)

    async def close(self) -> None:
        for job in list(self._jobs):
            job.cancel()
        await asyncio.gather(*self._jobs, return_exceptions=True)

    # --- requests -----------------------------------------------------------------------

    def hosts_for(self, explicit: Sequence[str]) -> list[str]:
        """Where a new object goes: its explicit hosts (each registered), or every registered
        host, offline ones included: they show OFFLINE (the object is DEGRADED naming them),
        exactly as in an explicit list."""
        return self._registered(explicit) if explicit else self._nodes.names()

    def retry(self, name: str, hosts: Sequence[str] = ()) -> M:
        obj = self._changeable(name)
        if hosts:
            chosen = self._assigned(obj, hosts)
        else:
            chosen = [s.host for s in obj.realization.hosts if s.phase != cpb.PHASE_READY]  # type: ignore[attr-defined]
            if self._adapter.every_host(obj):
                chosen += [h for h in self._nodes.names() if hs.find(obj, h) is None]
        self._refuse_busy_hosts(obj, chosen)
        return self.initialize(obj, chosen) if chosen else obj

    def assign(self, name: str, hosts: Sequence[str]) -> M:
        obj = self._changeable(name)
        if not hosts:
            raise ValidationError("hosts", "name at least one host to assign")
        names = self._registered(validate_host_names(hosts))
        new = [h for h in names if hs.find(obj, h) is None]
        current = hs.host_names(obj)
        if self._adapter.single_host(obj) and len(current) + len(new) > 1:
            raise ValidationError(
                "hosts",
                f"a local directory exists on one host: {self._noun} {name} is on "
                f"{', '.join(current) or 'none'}; create another {self._noun} for another host",
            )
        self._refuse_busy_hosts(obj, new)
        if not new:
            return obj
        updated = hs.copy(obj)
        if not self._adapter.every_host(updated):
            updated.spec.hosts.extend(new)  # type: ignore[attr-defined]
        return self.initialize(updated, new)

    async def unassign(self, name: str, hosts: Sequence[str], force: bool = False) -> M:
        obj = self._changeable(name)
        if not hosts:
            raise ValidationError("hosts", "name at least one host to unassign")
        chosen = self._assigned(obj, hosts)
        if not [h for h in hs.host_names(obj) if h not in chosen]:
            raise Refused(
                f"{self._noun} {name} must keep at least one host{self._adapter.keep_note}: "
                f"delete the {self._noun} instead"
            )
        self._refuse_busy_hosts(obj, chosen)
        return await self._start_unassign(name, chosen, force)

    async def delete(self, name: str, force: bool = False) -> Any:
        self._changeable(name)
        if self._unassigning.get(name):
            raise Refused(
                f"{self._noun} {name} is being unassigned from hosts: try again when done"
            )
        return await self._start_delete(name, force)

    def forget_host(self, host: str, force: bool) -> list[str]:
        """Take a host that is gone off every object of this kind, without contacting it
        (RemoveNode).

        Refused while objects are placed on it unless ``force``; then an object for every host
        stays one (the host simply drops out), an explicit list loses the host, and an object
        that exists on that host only is forgotten. The host itself is never touched. Returns
        the objects it was taken off.
        """
        names = self.on_host(host)
        busy = sorted(n for n in names if self._frozen(n, host))
        if busy:
            raise Refused(
                f"{host} is being taken off {', '.join(busy)}: try again when that is done"
            )
        plural = f"{self._noun}s" if len(names) != 1 else self._noun
        if names and not force:
            raise Refused(
                f"{host} is assigned to {len(names)} {plural} ({', '.join(names)}): unassign "
                f"them first, or force the removal (the {self._noun}s are then taken off "
                f"{host} without contacting it; {self._adapter.left_alone})"
            )
        for name in names:
            self._realizer.cancel(self.work_key(name), [host])
            obj = self.get(name)
            # An object whose only assigned host is gone (a local directory, an explicit list
            # of one) is forgotten: emptying the list would turn it into one for every host.
            if list(obj.spec.hosts) == [host] or self._adapter.single_host(obj):  # type: ignore[attr-defined]
                self._inventory.remove(self._kind, name)
                self._adapter.forget(name)
            else:
                self._save(obj, lambda o: hs.forget_host(o, host))
            log.warning(f"host removed from {self._noun}", extra={self._noun: name, "host": host})
        return names

    # --- node events (coordinator.nodes.NodeListener) -------------------------------------

    def node_online(self, node: pb.Node) -> None:
        """A host that (re)registers or comes back gets its objects initialized again: a
        restarted daemon may have lost them. An object for every host gains a new host."""
        for obj in self.list():
            if self._frozen(obj.spec.name, node.name):  # type: ignore[attr-defined]
                continue
            if hs.find(obj, node.name) is not None or self._adapter.every_host(obj):
                self.initialize(obj, [node.name])

    def node_offline(self, node: pb.Node) -> None:
        route = self._nodes.route(node.name)
        since = route.offline_since if route else None
        for obj in self.list():
            name = obj.spec.name  # type: ignore[attr-defined]
            if self._frozen(name, node.name) or hs.find(obj, node.name) is None:
                continue
            self._realizer.cancel(self.work_key(name), [node.name])
            status = hs.failed(
                node.name,
                Phase.OFFLINE,
                offline_message(node.name),
                "OFFLINE",
                self._clock(),
                since,
            )
            self._save(obj, lambda o, s=status: hs.put_status(o, s))

    # --- for the kind's own code (create, reports) ----------------------------------------

    def exists(self, name: str) -> bool:
        return self._inventory.get(self._kind, name) is not None

    def initialize(
        self, obj: M, hosts: Sequence[str], operation: Operation[Any] | None = None
    ) -> M:
        """Mark ``hosts`` PENDING (with their deadline) and start the kind's init on them
        (``operation``: another node call than the kind's usual init, e.g. an update's)."""
        name = obj.spec.name  # type: ignore[attr-defined]
        now = self._clock()
        deadline_s = self._realizer.deadline_s

        def mark(updated: M) -> None:
            for host in hosts:
                hs.put_status(updated, hs.pending(host, now, deadline_s))

        saved = self._save(obj, mark)
        if hosts:
            self._realizer.start(
                self.work_key(name),
                hosts,
                operation or self._adapter.init_operation(saved),
                functools.partial(self._record_init, name),
            )
        return saved

    def busy_on(self, name: str, host: str) -> bool:
        """Work is under way for ``name`` on ``host``: a report must not overrule its outcome."""
        return self._frozen(name, host) or host in self._realizer.in_flight(self.work_key(name))

    def save(self, obj: M, change: Callable[[M], None]) -> M:
        return self._save(obj, change)

    # --- internals ------------------------------------------------------------------------

    def _record_init(self, name: str, outcome: HostOutcome[Any]) -> None:
        """Take in one host's outcome. Outcomes that arrive in the same turn of the event loop
        are stored and published as one change (50 hosts answering together make a few writes,
        not 50), still within that turn: nothing waits."""
        # A destroy cancels the initialization it supersedes, so an outcome that arrives is
        # always news, even during a delete's pre-check.
        obj = self._inventory.get(self._kind, name)
        if not isinstance(obj, self._adapter.message_type) or hs.find(obj, outcome.host) is None:
            return  # deleted or unassigned meanwhile
        status = self._adapter.status_from_init(outcome, self._clock())
        status.message = self._adapter.redact(name, status.message)
        status.notes[:] = [self._adapter.redact(name, note) for note in status.notes]
        batch = self._arrived.get(name)
        if batch is None:
            batch = self._arrived[name] = {}
            asyncio.get_running_loop().call_soon(self._flush_arrived, name)
        batch[outcome.host] = status
        extra = {self._noun: name, "host": outcome.host, "reason": status.reason}
        if outcome.ok:
            log.info(f"{self._noun} ready on host", extra=extra)
        else:
            log.warning(f"{self._noun} failed on host: %s", status.message, extra=extra)

    def _flush_arrived(self, name: str) -> None:
        obj = self._inventory.get(self._kind, name)
        if isinstance(obj, self._adapter.message_type) and name in self._arrived:
            self._save(obj, lambda _o: None)  # _save applies what arrived

    def _start_unassign(self, name: str, hosts: list[str], force: bool) -> asyncio.Future[M]:
        """Record the intent, claim the hosts (before the first await, so a concurrent request
        sees the claim) and run the unassign to its end even if the caller goes away."""
        intent = self._intend(name, OP_UNASSIGN, hosts, force)
        self._unassigning.setdefault(name, set()).update(hosts)
        return self._detached(self._unassign(name, hosts, force), intent)

    def _start_delete(self, name: str, force: bool) -> asyncio.Future[Any]:
        intent = self._intend(name, OP_DELETE, hs.host_names(self.get(name)), force)
        self._deleting.add(name)
        return self._detached(self._delete(name, force), intent)

    def _restart_stalled(self, name: str) -> bool:
        """Initialize again on every PENDING host with no work in flight and not being taken
        off it: a restart, or a delete that did not happen, must not leave a host PENDING with
        nothing that will ever answer. Whether any was restarted."""
        obj = self._inventory.get(self._kind, name)
        if not isinstance(obj, self._adapter.message_type):
            return False
        in_flight = self._realizer.in_flight(self.work_key(name))
        stalled = [
            s.host
            for s in obj.realization.hosts  # type: ignore[attr-defined]
            if s.phase == cpb.PHASE_PENDING
            and s.host not in in_flight
            and not self._frozen(name, s.host)
        ]
        if stalled:
            log.info("initializing again where nothing answers", extra={self._noun: name})
            self.initialize(obj, stalled)
        return bool(stalled)

    def _intend(self, name: str, op: str, hosts: list[str], force: bool) -> int:
        """Write down what is about to be done, before any host is asked: a coordinator killed
        half-way finishes it at its next start (``resume``)."""
        payload = json.dumps({"op": op, "hosts": hosts, "force": force})
        return self._store.add_intent(self.scope(name), payload)

    def _resume_intents(self) -> None:
        """Finish the deletes and unassigns a previous run recorded but did not finish."""
        prefix = f"{self._noun}/"
        for intent in self._store.intents():
            if not intent.scope.startswith(prefix):
                continue  # another kind's: its manager resumes it
            self._store.remove_intent(intent.id)  # replaced by the run's own intent below
            name = intent.scope.removeprefix(prefix)
            obj = self._inventory.get(self._kind, name)
            if not isinstance(obj, self._adapter.message_type) or name in self._deleting:
                continue
            work = json.loads(intent.payload)
            force = bool(work.get("force"))
            log.warning(
                "finishing a %s the coordinator did not finish before it stopped",
                work.get("op"),
                extra={self._noun: name, "hosts": work.get("hosts")},
            )
            if work.get("op") == OP_DELETE:
                self._start_delete(name, force)
            elif work.get("op") == OP_UNASSIGN:
                hosts = [h for h in work.get("hosts", []) if hs.find(obj, h) is not None]
                busy = self._unassigning.get(name, set())
                hosts = [h for h in hosts if h not in busy]
                if hosts:
                    self._start_unassign(name, hosts, force)

    async def _unassign(self, name: str, hosts: list[str], force: bool) -> M:
        try:
            outcomes = await self._destroy(name, hosts, force)
        finally:
            remaining = self._unassigning.get(name, set()) - set(hosts)
            if remaining:
                self._unassigning[name] = remaining
            else:
                self._unassigning.pop(name, None)
        obj = self.get(name)
        done = [o.host for o in outcomes if o.ok]
        log.info(f"{self._noun} unassigned", extra={self._noun: name, "hosts": done})
        return self._save(obj, lambda o: self._mark_failures(o, outcomes, "Unassign", done))

    async def _delete(self, name: str, force: bool) -> Any:
        try:
            hosts = hs.host_names(self.get(name))
            outcomes = await self._destroy(name, hosts, force, announce=True)
        except BaseException as error:
            self._deleting.discard(name)
            obj = self._inventory.get(self._kind, name)
            if (
                isinstance(obj, self._adapter.message_type)
                and obj.realization.phase == cpb.PHASE_DELETING  # type: ignore[attr-defined]
            ):
                self._save(obj, lambda _o: None)  # back from DELETING
            if not isinstance(error, asyncio.CancelledError):
                self._restart_stalled(name)
            raise
        self._deleting.discard(name)
        results = [destroy_result(o) for o in outcomes]
        if all(o.ok for o in outcomes):
            self._inventory.remove(self._kind, name)
            self._adapter.forget(name)
            log.info(f"{self._noun} deleted", extra={self._noun: name, "hosts": hosts})
            return self._adapter.deleted_response(results)
        done = [o.host for o in outcomes if o.ok]
        obj = self._save(self.get(name), lambda o: self._mark_failures(o, outcomes, "Delete", done))
        self._restart_stalled(name)
        log.warning(
            f"{self._noun} delete failed: %s",
            obj.realization.message,  # type: ignore[attr-defined]
            extra={self._noun: name},
        )
        return self._adapter.refused_response(results, obj)

    async def _destroy(
        self, name: str, hosts: list[str], force: bool, announce: bool = False
    ) -> list[HostOutcome[Any]]:
        def mark_deleting() -> None:
            if announce:
                self._save(self.get(name), deleting_phase)  # alone until done

        return await self._adapter.destroy(
            self._realizer, self.get(name), hosts, force, mark_deleting
        )

    def _mark_failures(
        self, obj: M, outcomes: list[HostOutcome[Any]], action: str, done: list[str]
    ) -> None:
        now = self._clock()
        for o in outcomes:
            if not o.ok:
                message = f"{action} failed: {o.message}"
                status = hs.failed(o.host, o.phase, message, o.reason, now, o.offline_since)
                hs.put_status(obj, status)
        hs.drop_hosts(obj, done, self._adapter.every_host(obj))

    def _save(self, obj: M, change: Callable[[M], None]) -> M:
        """Copy, apply the outcomes that arrived before this change, change, recompute the
        aggregate, store and publish."""
        updated = hs.copy(obj)
        name = updated.spec.name  # type: ignore[attr-defined]
        realization = updated.realization  # type: ignore[attr-defined]
        arrived = self._arrived.pop(name, {})
        hs.put_statuses(updated, [s for h, s in arrived.items() if hs.find(updated, h)])
        change(updated)
        phase, message = realization.phase, realization.message
        hs.refresh(updated, f"{self._noun} {name}", self._clock())
        self._adapter.refresh_facts(updated)
        if phase == cpb.PHASE_DELETING and name in self._deleting:
            realization.phase, realization.message = phase, message
        self._inventory.put(self._kind, name, updated)  # type: ignore[arg-type]
        return updated

    def _changeable(self, name: str) -> M:
        obj = self.get(name)
        if name in self._deleting:
            raise Refused(f"{self._noun} {name} is being deleted")
        return obj

    def _registered(self, hosts: Sequence[str]) -> list[str]:
        for i, host in enumerate(hosts):
            if self._nodes.route(host) is None:
                raise ValidationError(f"hosts[{i}]", f"no host named {host!r} is registered")
        return list(hosts)

    def _assigned(self, obj: M, hosts: Sequence[str]) -> list[str]:
        names = list(validate_host_names(hosts))
        for i, host in enumerate(names):
            if hs.find(obj, host) is None:
                raise ValidationError(
                    f"hosts[{i}]",
                    f"{host} is not assigned to {self._noun} {obj.spec.name}",  # type: ignore[attr-defined]
                )
        return names

    def _refuse_busy_hosts(self, obj: M, hosts: Sequence[str]) -> None:
        name = obj.spec.name  # type: ignore[attr-defined]
        busy = sorted(self._unassigning.get(name, set()) & set(hosts))
        if busy:
            raise Refused(
                f"{self._noun} {name} is being unassigned from {', '.join(busy)}: "
                "try again when done"
            )

    def _frozen(self, name: str, host: str) -> bool:
        """Being deleted, or being taken off this host: no other work may start there."""
        return name in self._deleting or host in self._unassigning.get(name, set())

    def _detached(self, work: Coroutine[Any, Any, T], intent: int) -> asyncio.Future[T]:
        """Run ``work`` to the end even if the caller goes away (its RPC is cancelled): a
        delete half-recorded would leave the object in a state nobody decided. Its intent is
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


def deleting_phase(obj: Any) -> None:
    hosts = len(obj.realization.hosts)
    obj.realization.phase = cpb.PHASE_DELETING
    obj.realization.message = f"Deleting from {hosts} host{'s' if hosts != 1 else ''}"


def destroy_result(outcome: HostOutcome[Any]) -> cpb.HostStatus:
    """A host's outcome in a delete's response: phase unset when the object is gone from it."""
    if outcome.ok:
        existed = getattr(outcome.result, "existed", True)
        message = "removed" if existed else "removed (it was not defined on this host)"
        return cpb.HostStatus(host=outcome.host, message=outcome.message or message)
    return cpb.HostStatus(
        host=outcome.host,
        phase=PHASE_TO_PB[outcome.phase],
        message=outcome.message,
        reason=outcome.reason,
    )


async def destroy_on(
    realizer: Realizer,
    key: WorkKey,
    hosts: list[str],
    destroy: Operation[Any],
    before_destroy: Callable[[], None],
) -> list[HostOutcome[Any]]:
    """A destroy with no check before it: announce, then ``destroy`` on every host at once."""
    before_destroy()
    return await realizer.run(key, hosts, destroy)
