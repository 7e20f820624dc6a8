"""The audit log: every change and every refused call, in the store and on Watch.

``serving.access`` reports each call (``AuditedCall``); this module words it as an
``AuditEntry``, keeps the full history in the store (bounded, oldest dropped first) and the
most recent entries as Watch objects of kind AUDIT_ENTRY, so every admin's console shows new
entries as they happen and a reconnecting one resumes like any other Watch client.

Identical calls in a row are one entry with a count: a script retrying a refused call in a
loop adds one line that says how often, not a million.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import grpc

from coordinator.inventory import Inventory
from coordinator.store import Store
from domain.limits import AUDIT_LIST_DEFAULT, AUDIT_LIST_MAX
from proto.quantix.v1 import coordinator_pb2 as pb
from serving.access import AuditedCall
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_AUDIT_ENTRY

# Entries kept in the store: at a change a minute, about two months; each is ~200 bytes, so
# the table stays near 20 MB. Older entries are dropped (export them if they must be kept).
MAX_KEPT = 100_000
# Pruning runs every this many new entries: one DELETE per thousand, not per entry.
PRUNE_EVERY = 1_000
# Entries on Watch: what an Audit panel shows without asking (a busy day of changes); older
# ones are a ListAuditEntries away.
WATCH_WINDOW = 500
# Identical calls closer together than this are one entry with a count.
COALESCE_S = 10.0
# A growing count is stored and published at most this often (and once more after the burst):
# a loop of refused calls costs one write a second, not one per call.
COUNT_UPDATE_S = 1.0
# Counts stop here (the field is 32-bit).
MAX_COUNT = 2**32 - 1
# Details of a failed call are the server's own words; a few hundred characters keep one entry
# one line in a table while still carrying the reason.
MAX_MESSAGE = 500


def _key(entry_id: int) -> str:
    # Zero-padded: Watch keys sort as the entries do.
    return f"{entry_id:012d}"


def code_name(code: object) -> str:
    """``PERMISSION_DENIED`` from a grpc.StatusCode (or the bare number grpc.aio may keep)."""
    if isinstance(code, grpc.StatusCode):
        return code.name
    for status in grpc.StatusCode:
        if status.value[0] == code:
            return status.name
    return "UNKNOWN"


def _same_call(entry: pb.AuditEntry, call: AuditedCall, code: str, enforced: bool) -> bool:
    # The peer's port differs per connection: a loop of fresh connections is the same caller.
    def host(peer: str) -> str:
        return peer.rpartition(":")[0]

    same_host = host(entry.peer) == host(call.peer)
    if enforced and not call.who and not entry.who and code != "OK" and entry.code != "OK":
        # Refusals of callers without a certificate (the enrolment port) from one address
        # count as one whatever they call or name: a script trying tokens, names or methods
        # cannot flood the log. The entry keeps the first one's call, object and message.
        return same_host
    return (
        entry.who == call.who
        and entry.role == call.role
        and same_host
        and entry.rpc == call.method
        and entry.code == code
        and entry.object == call.object
        and entry.message == call.message[:MAX_MESSAGE]
    )


class AuditLog:
    def __init__(
        self,
        store: Store,
        inventory: Inventory,
        clock: Callable[[], float] = time.time,
        enforced: bool = True,
    ) -> None:
        """``enforced``: callers are checked (False: an --insecure coordinator, where nobody
        has a certificate, so that alone says nothing about a caller)."""
        self._store = store
        self._inventory = inventory
        self._clock = clock
        self._enforced = enforced
        self._last: pb.AuditEntry | None = None
        self._count_stored_at = 0.0
        self._count_dirty = False  # the last entry's count changed since it was stored
        self._count_flush: asyncio.TimerHandle | None = None
        payload = store.last_audit_entry()
        if payload is not None:
            self._last = pb.AuditEntry.FromString(payload)

    def record(self, call: AuditedCall) -> pb.AuditEntry:
        now = self._clock()
        code = code_name(call.code)
        last = self._last
        if (
            last is not None
            and _same_call(last, call, code, self._enforced)
            and now - last.last_time.ToNanoseconds() / 1e9 <= COALESCE_S
        ):
            last.count = min(last.count + 1, MAX_COUNT)
            last.last_time.CopyFrom(timestamp_of(now))
            self._keep_count(now)
            return last
        self._flush_count()
        entry = pb.AuditEntry(
            id=(last.id if last else 0) + 1,
            time=timestamp_of(now),
            who=call.who,
            role=call.role,
            peer=call.peer,
            rpc=call.method,
            object=call.object,
            code=code,
            message=call.message[:MAX_MESSAGE],
            count=1,
            last_time=timestamp_of(now),
        )
        self._last = entry
        self._keep(entry, new=True)
        log.info(
            "audit: %s (%s) %s %s: %s",
            entry.who or "no certificate",
            entry.role or "no role",
            entry.rpc,
            entry.object or "-",
            entry.code,
        )
        return entry

    def list(self, since: float, limit: int) -> list[pb.AuditEntry]:
        limit = min(limit or AUDIT_LIST_DEFAULT, AUDIT_LIST_MAX)
        self._flush_count()  # a reader sees the count as it is now
        return [pb.AuditEntry.FromString(p) for p in self._store.audit_entries(since, limit)]

    def _keep_count(self, now: float) -> None:
        """Store the last entry's new count now, or within COUNT_UPDATE_S."""
        self._count_dirty = True
        if now - self._count_stored_at >= COUNT_UPDATE_S:
            self._flush_count()
            return
        if self._count_flush is None:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (a unit test): store at once
                self._flush_count()
                return
            self._count_flush = loop.call_later(COUNT_UPDATE_S, self._flush_count)

    def _flush_count(self) -> None:
        if self._count_flush is not None:
            self._count_flush.cancel()
            self._count_flush = None
        if self._count_dirty and self._last is not None:
            self._keep(self._last, new=False)
            self._count_stored_at = self._clock()
        self._count_dirty = False

    def _keep(self, entry: pb.AuditEntry, new: bool) -> None:
        self._store.put_audit_entry(
            entry.id, entry.time.ToNanoseconds() / 1e9, entry.SerializeToString()
        )
        # A copy: the entry kept as ``_last`` changes when the next identical call arrives.
        copy = pb.AuditEntry()
        copy.CopyFrom(entry)
        self._inventory.put(KIND, _key(entry.id), copy)
        if new:
            self._inventory.remove(KIND, _key(entry.id - WATCH_WINDOW))
            if entry.id % PRUNE_EVERY == 0:
                self._store.prune_audit(entry.id - MAX_KEPT)
