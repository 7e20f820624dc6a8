"""quantixctl audit: who changed what, from where, with what result (admins only)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from clients.cli_format import add_output_flags, format_table, print_data, structured
from clients.coordinator import CoordinatorClient
from clients.present_audit import HEADERS, audit_row, audit_summary
from domain.durations import parse_since
from domain.errors import ValidationError
from domain.limits import AUDIT_LIST_DEFAULT as DEFAULT_LIMIT
from domain.limits import AUDIT_LIST_MAX as MAX_LIMIT
from domain.limits import is_ascii_digits


def add_command(topics: Any) -> None:
    help_text = "the audit log: every change and every refused call, newest first"
    parser = topics.add_parser("audit", help=help_text)
    _filters(parser, on_list=False)
    # `audit list` is the verb every kind has; plain `audit [--since ...]` (what scripts
    # typed before) lists too. There is no `show`: the coordinator reads entries only as a list.
    commands = parser.add_subparsers(dest="command", required=False)
    listing = commands.add_parser("list", help=help_text, description=help_text)
    _filters(listing, on_list=True)


def _filters(parser: argparse.ArgumentParser, on_list: bool) -> None:
    """--since, --limit and --output on ``audit`` and on ``audit list``; on ``list`` they
    default to nothing, so ``audit --since 2h list`` keeps its --since."""
    since_default = argparse.SUPPRESS if on_list else ""
    limit_default = argparse.SUPPRESS if on_list else str(DEFAULT_LIMIT)

    parser.add_argument(
        "--since",
        default=since_default,
        metavar="WHEN",
        help="only entries from then on: a time ago (30m, 2h, 7d) or a local date and time "
        "(2026-11-27, 2026-11-27T10:00)",
    )
    parser.add_argument(
        "--limit",
        default=limit_default,
        help=f"at most this many entries (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})",
    )
    add_output_flags(parser)


def _limit(value: str) -> int:
    if not (is_ascii_digits(value) and len(value) <= 6 and 1 <= int(value) <= MAX_LIMIT):
        raise ValidationError("--limit", f"must be a whole number 1-{MAX_LIMIT}")
    return int(value)


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    now = time.time()
    since = parse_since(args.since, "--since", now) if args.since else 0.0
    entries = await client.list_audit_entries(since, _limit(args.limit))
    if structured(args.output):
        print_data([audit_summary(entry) for entry in entries], args.output)
        return
    rows = [audit_row(entry, now) for entry in entries]
    print(format_table(rows, HEADERS) if rows else "No audit entries.")
