"""What quantixctl does alike for every object realized on hosts (pools, networks, switches):
``--wait`` until it settles, exit status 1 unless READY, each host's status as JSON and as
lines, the hosts-ready count, a delete's per-host outcomes and its confirmation; and for the
kinds Quantix can adopt (pools, networks), ``list --all`` and ``adopt``.

Each kind's own facts (a pool's capacity, a switch's uplinks) are its view module's; the
phase and message rules are ``domain.realization``'s, their words ``clients.present``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from clients.cli_format import format_table, print_data, short, structured
from clients.present import host_status_message, iso_time, phase_key, realization_message
from proto.quantix.v1 import common_pb2 as cpb

# `--wait` gives up this long after the last host deadline the coordinator set: enough for the
# final status to be written and read back, short enough not to hang a script.
WAIT_SLACK_S = 5.0
# How often `--wait` asks for the object: a person does not notice 0.2 s, a coordinator does
# not notice one small read five times a second.
WAIT_POLL_S = 0.2
# Phases `--wait` waits out: the coordinator is still working on the object.
UNSETTLED = (cpb.PHASE_PENDING, cpb.PHASE_DELETING)


class NotAsAsked(Exception):
    """The command ran but did not get what was asked (exit status 1); the text says why."""


class Realized(Protocol):
    """A pool, a network or a switch: anything with a Realization."""

    @property
    def realization(self) -> cpb.Realization: ...


R = TypeVar("R", bound=Realized)


async def wait_settled(current: R, get: Callable[[], Awaitable[R]]) -> R:
    """``current`` read again with ``get`` until it is no longer PENDING or DELETING, or the
    coordinator's last host deadline (plus WAIT_SLACK_S) has passed."""
    deadlines = [h.deadline.ToNanoseconds() / 1e9 for h in current.realization.hosts]
    give_up = max(deadlines, default=time.time()) + WAIT_SLACK_S
    while current.realization.phase in UNSETTLED and time.time() < give_up:
        await asyncio.sleep(WAIT_POLL_S)
        current = await get()
    return current


def require_ready(subject: str, current: Realized) -> None:
    """NotAsAsked naming ``subject`` ("pool vms") and why, unless ``current`` is READY."""
    realization = current.realization
    if realization.phase != cpb.PHASE_READY:
        raise NotAsAsked(
            f"{subject} is {phase_key(realization.phase)}: {realization.message or 'no message'}"
        )


def hosts_ready_text(realization: cpb.Realization) -> str:
    """The list's HOSTS cell: ``"2/3 ready"``."""
    ready = sum(1 for h in realization.hosts if h.phase == cpb.PHASE_READY)
    return f"{ready}/{len(realization.hosts)} ready"


def status_cells(realization: cpb.Realization, now: float) -> tuple[str, str, str]:
    """A list's last columns for any kind: HOSTS, PHASE, MESSAGE (cut short)."""
    return (
        hosts_ready_text(realization),
        phase_key(realization.phase),
        short(realization_message(realization, now)),
    )


def print_one(
    current: Any,
    output: str,
    to_json: Callable[[Any], Any],
    to_text: Callable[[Any, float], str],
) -> None:
    """One object for ``show`` and the commands that change it: JSON or YAML, or its full text
    (``to_text(object, now)``)."""
    if structured(output):
        print_data(to_json(current), output)
    else:
        print(to_text(current, time.time()))


def print_list(
    items: Sequence[Any],
    output: str,
    to_json: Callable[[Any], Any],
    to_rows: Callable[[Sequence[Any], float], list[tuple[str, ...]]],
    headers: Sequence[str],
    empty: str,
    found: Sequence[Any] = (),
    found_json: Callable[[Any], Any] = lambda _item: None,
    found_rows: Callable[[Sequence[Any]], list[tuple[str, ...]]] = lambda _items: [],
) -> None:
    """A ``list`` command's output: a JSON or YAML list, or a table (``empty`` when there is none).
    ``found`` (``list --all``): the objects Quantix does not manage, after the managed ones,
    shown with ``found_json`` and ``found_rows`` in the same columns."""
    if structured(output):
        print_data([to_json(item) for item in items] + [found_json(item) for item in found], output)
        return
    rows = to_rows(items, time.time()) + found_rows(found)
    print(format_table(rows, headers) if rows else empty)


# --- objects found on hosts that Quantix does not manage (list --all, adopt) ---------------

# The phase ``list --all`` shows for them.
UNMANAGED = "UNMANAGED"


def unmanaged_message(kinds: str, not_adoptable_reason: str) -> str:
    """A found object's MESSAGE cell: why Quantix cannot adopt it, or the command that does."""
    return short(not_adoptable_reason or f"adoptable: quantixctl {kinds} adopt NAME")


def add_all_flag(listing: argparse.ArgumentParser, kinds: str) -> None:
    listing.add_argument(
        "--all",
        action="store_true",
        help=f"also the {kinds} found on hosts that Quantix does not manage (UNMANAGED)",
    )


def add_adopt_command(
    command: Callable[[str, str], argparse.ArgumentParser], kind: str
) -> argparse.ArgumentParser:
    """``adopt NAME [--host H]... [--dry-run] [--wait]``; ``command(name, help)`` makes the
    kind's subcommand. Returned for a kind's own flags (a pool's secret)."""
    adopt = command(
        "adopt", f"manage a {kind} found on hosts (its settings are read back from the hosts)"
    )
    adopt.add_argument("name")
    adopt.add_argument(
        "--host",
        action="append",
        default=[],
        dest="hosts",
        metavar="HOST",
        help="adopt it on this host (repeatable; default: every host that has it)",
    )
    adopt.add_argument(
        "--dry-run", action="store_true", help="show what would be adopted, change nothing"
    )
    adopt.add_argument(
        "--wait",
        action="store_true",
        help="wait until it is no longer PENDING; exit status 1 unless READY",
    )
    return adopt


async def report_adopted(
    adopted: R,
    args: argparse.Namespace,
    get: Callable[[], Awaitable[R]],
    subject: str,
    show: Callable[[R, str], None],
) -> None:
    """Print what an adopt call returned (with --dry-run: the spec it would adopt, nothing
    changed); with --wait, first wait until it settles, then NotAsAsked unless READY."""
    settle = args.wait and not args.dry_run
    if settle:
        adopted = await wait_settled(adopted, get)
    show(adopted, args.output)
    if settle:
        require_ready(subject, adopted)


def status_json(status: cpb.HostStatus) -> dict[str, Any]:
    """What every kind says of one host in ``--output json|yaml``; a kind adds its own facts."""
    return {
        "host": status.host,
        "phase": phase_key(status.phase) if status.phase else "",
        "message": status.message,
        "reason": status.reason,
        "notes": list(status.notes),
        "updated_at": iso_time(status.updated_at),
        "deadline": iso_time(status.deadline),
    }


def host_lines(
    hosts: Sequence[cpb.HostStatus], now: float, ready_detail: Callable[[cpb.HostStatus], str]
) -> list[str]:
    """``Hosts:`` then a line a host (name, phase, a detail) with its full message and notes
    below it; ``ready_detail`` is the kind's detail for a READY host (a pool's free space)."""
    lines = ["Hosts:" if hosts else "Hosts: none"]
    host_width = max((len(h.host) for h in hosts), default=0)
    for status in hosts:
        phase = phase_key(status.phase)
        detail = ready_detail(status) if status.phase == cpb.PHASE_READY else status.reason
        if detail == phase:
            detail = ""
        if status.phase == cpb.PHASE_PENDING and iso_time(status.deadline):
            detail = f"answer due by {iso_time(status.deadline)}"
        lines.append(f"  {status.host.ljust(host_width)}  {phase.ljust(8)}  {detail}".rstrip())
        message = host_status_message(status, now)
        if message:
            lines.append(f"      {message}")
        lines += [f"      note: {note}" for note in status.notes]
    return lines


def facts_lines(facts: Sequence[tuple[str, str]]) -> list[str]:
    """``Label  value`` lines, the values aligned."""
    width = max(len(label) for label, _ in facts)
    return [f"{label.ljust(width)}  {value}" for label, value in facts]


def delete_result_text(subject: str, deleted: bool, results: Sequence[cpb.HostStatus]) -> str:
    """``Network lab deleted.`` then each host's outcome."""
    title = subject[:1].upper() + subject[1:]
    lines = [f"{title} deleted." if deleted else f"{title} was not deleted."]
    width = max((len(r.host) for r in results), default=0)
    for result in results:
        # A host where the object is gone has no phase; a failure has ERROR or OFFLINE.
        outcome = f"{phase_key(result.phase)}: " if result.phase else ""
        lines.append(f"  {result.host.ljust(width)}  {outcome}{result.message}")
    return "\n".join(lines)


def report_deleted(
    kind: str,
    name: str,
    reply: Any,
    output: str,
    object_json: Callable[[Any], dict[str, Any]],
    result_json: Callable[[cpb.HostStatus], dict[str, Any]] = status_json,
) -> None:
    """Print a Delete<Kind>Response (``deleted``, each host's ``results``, and the object
    under the field ``kind`` when it was not deleted); NotAsAsked unless it was deleted."""
    left = getattr(reply, kind) if reply.HasField(kind) else None
    if structured(output):
        print_data(
            {
                "deleted": reply.deleted,
                "results": [result_json(r) for r in reply.results],
                kind: object_json(left) if left is not None else None,
            },
            output,
        )
    else:
        print(delete_result_text(f"{kind} {name}", reply.deleted, reply.results))
    if not reply.deleted:
        message = left.realization.message if left is not None else "no message"
        raise NotAsAsked(f"{kind} {name} was not deleted: {message}")


def require_off(subject: str, current: Realized, hosts: Sequence[str]) -> None:
    """After an unassign: NotAsAsked naming each of ``hosts`` ``subject`` is still on."""
    kept = [h for h in current.realization.hosts if h.host in hosts]
    if kept:
        failures = "; ".join(f"{h.host}: {h.message}" for h in kept)
        raise NotAsAsked(f"{subject} is still on {failures}")


# Answers to a confirmation that mean yes; anything else (an empty line, end of input) is no.
YES_ANSWERS = ("y", "yes")


def confirm(
    question: str, assume_yes: bool, read: Callable[[], str] = lambda: sys.stdin.readline()
) -> None:
    """Ask ``question`` on stderr and read the answer from stdin, as ``rm -i`` does (a script
    without a terminal answers through a pipe, or passes --yes); NotAsAsked unless yes."""
    if assume_yes:
        return
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = read()
    if not sys.stdin.isatty():
        print(file=sys.stderr)  # a piped answer is not echoed: end the question's line
    if answer.strip().lower() not in YES_ANSWERS:
        raise NotAsAsked("not confirmed: nothing was changed (--yes skips the question)")
