"""How audit entries read, in quantixctl and the console's Audit page alike."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any

from clients.present import clock_time, iso_time, timestamp_seconds
from proto.quantix.v1 import coordinator_pb2 as pb

HEADERS = ("TIME", "WHO", "FROM", "CALL", "OBJECT", "RESULT")


def who_text(entry: pb.AuditEntry) -> str:
    """``alice (admin)``; ``no certificate`` for a caller without one (an enrolling host)."""
    if not entry.who:
        return "no certificate"
    return f"{entry.who} ({entry.role or 'no role'})"


def from_text(entry: pb.AuditEntry) -> str:
    """``10.0.0.7`` of gRPC's ``ipv4:10.0.0.7:51234`` (the port changes per connection)."""
    peer = urllib.parse.unquote(entry.peer)  # gRPC may write ipv6:%5B::1%5D:51234
    address = peer.partition(":")[2] if peer.startswith(("ipv4:", "ipv6:")) else ""
    host = address.rpartition(":")[0] if address else ""
    return host.strip("[]") or peer or "—"


def result_text(entry: pb.AuditEntry) -> str:
    """``OK``, or ``PERMISSION_DENIED: DeletePool needs the admin role; …``."""
    return (
        entry.code if entry.code == "OK" or not entry.message else f"{entry.code}: {entry.message}"
    )


def when_text(entry: pb.AuditEntry, now: float) -> str:
    """When, in the reader's time; ``10:42:07 (×57 until 10:43:01)`` for coalesced calls."""
    first = clock_time(timestamp_seconds(entry.time) or 0, now)
    if entry.count <= 1:
        return first
    return (
        f"{first} (×{entry.count} until {clock_time(timestamp_seconds(entry.last_time) or 0, now)})"
    )


def entry_text(entry: pb.AuditEntry, now: float) -> str:
    """One entry as a sentence, whole: ``10:42:07 local-viewer (viewer) from 127.0.0.1 called
    DeletePool on pool vms: PERMISSION_DENIED: DeletePool needs the admin role; …``."""
    on = f" on {entry.object}" if entry.object else ""
    return (
        f"{when_text(entry, now)}  {who_text(entry)} from {from_text(entry)} called "
        f"{entry.rpc}{on}: {result_text(entry)}"
    )


# One function per column, so a table asks only for the cell it paints.
COLUMNS: tuple[Callable[[pb.AuditEntry, float], str], ...] = (
    when_text,
    lambda entry, _now: who_text(entry),
    lambda entry, _now: from_text(entry),
    lambda entry, _now: entry.rpc,
    lambda entry, _now: entry.object or "—",
    lambda entry, _now: result_text(entry),
)


def audit_row(entry: pb.AuditEntry, now: float) -> tuple[str, ...]:
    return tuple(cell(entry, now) for cell in COLUMNS)


def audit_summary(entry: pb.AuditEntry) -> dict[str, Any]:
    """``quantixctl audit --json``: one object per entry."""
    return {
        "id": entry.id,
        "time": iso_time(entry.time),
        "last_time": iso_time(entry.last_time),
        "count": entry.count,
        "who": entry.who,
        "role": entry.role,
        "peer": entry.peer,
        "rpc": entry.rpc,
        "object": entry.object,
        "code": entry.code,
        "message": entry.message,
    }
