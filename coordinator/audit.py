"""The audit log: every change and every refused call, in the store and on Watch.

``serving.access`` reports each call (``AuditedCall``); this module words it as an
``AuditEntry``, keeps the full history in the store (bounded, oldest dropped first) and the
most recent entries as Watch objects of kind AUDIT_ENTRY, so every admin's console shows new
entries as they happen and a reconnecting one resumes like any other Watch client.

Identical calls in a row are one entry with a count: a script retrying a refused call in a
loop adds one line that says how often, not a million.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from coordinator.inventory import Inventory
from coordinator.store import Store
from proto.quantix.v1 import coordinator_pb2 as pb
from serving.access import AuditedCall

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
# ListAuditEntries: a page by default, a bounded reply at most.
DEFAULT_LIST_LIMIT = 1_000
MAX_LIST_LIMIT = 10_000
# Details of a failed call are the server's own words; a few hundred characters keep one entry
# one line in a table while still carrying the reason.
MAX_MESSAGE = 500


def _timestamp(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


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


def _same_call(entry: pb.AuditEntry, call: AuditedCall, code: str) -> bool:
    # The peer's port differs per connection: a loop of fresh connections is the same caller.
    def host(peer: str) -> str:
        return peer.rpartition(":")[0]

    same_caller = (
        entry.who == call.who
        and entry.role == call.role
        and host(entry.peer) == host(call.peer)
        and entry.rpc == call.method
        and entry.code == code
    )
    if same_caller and not call.who and code != "OK":
        # Refusals of a caller without a certificate (only Enrol can be reached without one)
        # count as one whatever they name: a script trying names or tokens cannot flood the
        # log. The entry keeps the first one's object and message.
        return True
    return (
        same_caller and entry.object == call.object and entry.message == call.message[:MAX_MESSAGE]
    )


class AuditLog:
    def __init__(
        self, store: Store, inventory: Inventory, clock: Callable[[], float] = time.time
    ) -> None:
        self._store = store
        self._inventory = inventory
        self._clock = clock
        self._last: pb.AuditEntry | None = None
        payload = store.last_audit_entry()
        if payload is not None:
            self._last = pb.AuditEntry.FromString(payload)

    def record(self, call: AuditedCall) -> pb.AuditEntry:
        now = self._clock()
        code = code_name(call.code)
        last = self._last
        if (
            last is not None
            and _same_call(last, call, code)
            and now - last.last_time.ToNanoseconds() / 1e9 <= COALESCE_S
        ):
            last.count += 1
            last.last_time.CopyFrom(_timestamp(now))
            self._keep(last, new=False)
            return last
        entry = pb.AuditEntry(
            id=(last.id if last else 0) + 1,
            time=_timestamp(now),
            who=call.who,
            role=call.role,
            peer=call.peer,
            rpc=call.method,
            object=call.object,
            code=code,
            message=call.message[:MAX_MESSAGE],
            count=1,
            last_time=_timestamp(now),
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
        limit = min(limit or DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT)
        return [pb.AuditEntry.FromString(p) for p in self._store.audit_entries(since, limit)]

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
