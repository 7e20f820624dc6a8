"""quantixctl audit: who changed what, from where, with what result (admins only)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from clients.cli_format import format_table, print_json
from clients.coordinator import CoordinatorClient
from clients.present_audit import HEADERS, audit_row, audit_summary
from domain.durations import parse_since
from domain.errors import ValidationError
from domain.limits import AUDIT_LIST_DEFAULT as DEFAULT_LIMIT
from domain.limits import AUDIT_LIST_MAX as MAX_LIMIT
from domain.limits import is_ascii_digits


def add_command(topics: Any) -> None:
    parser = topics.add_parser(
        "audit", help="the audit log: every change and every refused call, newest first"
    )
    parser.add_argument(
        "--since",
        default="",
        metavar="WHEN",
        help="only entries from then on: a time ago (30m, 2h, 7d) or a local date and time "
        "(2026-11-27, 2026-11-27T10:00)",
    )
    parser.add_argument(
        "--limit",
        default=str(DEFAULT_LIMIT),
        help=f"at most this many entries (default %(default)s, at most {MAX_LIMIT})",
    )
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS)


def _limit(value: str) -> int:
    if not (is_ascii_digits(value) and len(value) <= 6 and 1 <= int(value) <= MAX_LIMIT):
        raise ValidationError("--limit", f"must be a whole number 1-{MAX_LIMIT}")
    return int(value)


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    now = time.time()
    since = parse_since(args.since, "--since", now) if args.since else 0.0
    entries = await client.list_audit_entries(since, _limit(args.limit))
    if args.json:
        print_json([audit_summary(entry) for entry in entries])
        return
    rows = [audit_row(entry, now) for entry in entries]
    print(format_table(rows, HEADERS) if rows else "No audit entries.")
