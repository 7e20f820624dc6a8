"""quantixctl hosts join-token: make, list and revoke the tokens new hosts enrol with."""

from __future__ import annotations

import argparse
import time
from typing import Any

from clients.cli_format import add_output_flags, format_table, print_data, structured
from clients.coordinator import CoordinatorClient
from clients.present import clock_time, timestamp_seconds
from clients.present_join import (
    new_token_summary,
    token_state_text,
    token_summary,
    token_validity_text,
)
from domain.join import DEFAULT_JOIN_TTL_S, describe_ttl, join_command, parse_ttl, validate_token_id
from domain.validation import validate_address


def add_command(hosts_cmd: Any) -> None:
    parser = hosts_cmd.add_parser(
        "join-token",
        help="make a single-use join token for a new host (admin), or list or revoke them",
    )
    parser.add_argument(
        "--ttl",
        default=None,
        help="how long the token stays usable: 30m, 1h, 2d ... (default: "
        f"{describe_ttl(DEFAULT_JOIN_TTL_S)}; 1 minute to 7 days)",
    )
    parser.add_argument(
        "--address",
        default="",
        metavar="HOST:PORT",
        help="where the new host reaches the coordinator (default: the --coordinator address)",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list tokens instead (never secrets)")
    what.add_argument("--revoke", metavar="ID", help="revoke the token with this ID")
    add_output_flags(parser)


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    if args.list:
        await _list(client, args.output)
    elif args.revoke is not None:
        token = await client.revoke_join_token(validate_token_id(args.revoke, "--revoke"))
        if structured(args.output):
            print_data(token_summary(token), args.output)
        else:
            print(f"Join token {token.id}: {token_state_text(token, time.time())}.")
    else:
        ttl = parse_ttl(args.ttl) if args.ttl is not None else DEFAULT_JOIN_TTL_S
        address = validate_address(args.address, "--address") if args.address else ""
        join, token = await client.create_join_token(ttl, address)
        if structured(args.output):
            print_data(new_token_summary(join, token), args.output)
            return
        print(f"Join token {token.id}. {token_validity_text(token, time.time())}.")
        print(f"Join string:\n  {join}")
        print("On the new host, run:")
        print(f"  {join_command(join)}")


async def _list(client: CoordinatorClient, output: str) -> None:
    tokens = await client.list_join_tokens()
    if structured(output):
        print_data([token_summary(token) for token in tokens], output)
        return
    now = time.time()
    rows = [
        (
            token.id,
            token_state_text(token, now),
            clock_time(timestamp_seconds(token.created_at) or 0, now),
            token.created_by,
        )
        for token in tokens
    ]
    headers = ("ID", "STATE", "CREATED", "BY")
    print(format_table(rows, headers) if rows else "No join tokens.")
