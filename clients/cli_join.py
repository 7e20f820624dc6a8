"""The tokens new hosts enrol with: ``quantixctl join-tokens list|create|delete`` (the verbs
every kind has) and ``quantixctl hosts join-token [--list|--revoke ID]`` (the older spelling,
in scripts and messages). There is no ``show``: the coordinator lists tokens, it has no call
that reads one."""

from __future__ import annotations

import argparse
import time
from typing import Any

from clients.cli_format import add_output_flags, format_table, print_data, structured
from clients.cli_verbs import add_verb
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

TTL_HELP = (
    "how long the token stays usable: 30m, 1h, 2d ... (default: "
    f"{describe_ttl(DEFAULT_JOIN_TTL_S)}; 1 minute to 7 days)"
)
ADDRESS_HELP = "where the new host reaches the coordinator (default: the --coordinator address)"


def add_command(hosts_cmd: Any) -> None:
    parser = hosts_cmd.add_parser(
        "join-token",
        help="make a single-use join token for a new host (admin), or list or revoke them",
    )
    _creation_flags(parser)
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list tokens instead (never secrets)")
    what.add_argument("--revoke", metavar="ID", help="revoke the token with this ID")
    add_output_flags(parser)


def add_commands(topics: Any) -> None:
    kind = topics.add_parser("join-tokens", help="single-use tokens new hosts enrol with")
    commands = kind.add_subparsers(dest="command", required=True)
    listing = commands.add_parser(
        "list", help="every token: state, when made and by whom (never secrets)"
    )
    add_output_flags(listing)
    create = commands.add_parser(
        "create", help="a single-use token and the command a new host runs (admin)"
    )
    _creation_flags(create)
    add_output_flags(create)

    def revoke_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("id", metavar="ID")
        add_output_flags(parser)

    add_verb(
        commands,
        "delete",
        "revoke a token: it can no longer be used",
        revoke_arguments,
        old_names=("revoke",),
    )


def _creation_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ttl", default=None, help=TTL_HELP)
    parser.add_argument("--address", default="", metavar="HOST:PORT", help=ADDRESS_HELP)


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    """``hosts join-token``: make one, or --list, or --revoke ID."""
    if args.list:
        await _list(client, args.output)
    elif args.revoke is not None:
        await _revoke(client, validate_token_id(args.revoke, "--revoke"), args.output)
    else:
        await _create(client, args.ttl, args.address, args.output)


async def run_kind(client: CoordinatorClient, args: argparse.Namespace) -> None:
    """``join-tokens list|create|delete``."""
    if args.command == "list":
        await _list(client, args.output)
    elif args.command == "create":
        await _create(client, args.ttl, args.address, args.output)
    elif args.command == "delete":
        await _revoke(client, validate_token_id(args.id, "ID"), args.output)


async def _create(client: CoordinatorClient, ttl: str | None, address: str, output: str) -> None:
    ttl_s = parse_ttl(ttl) if ttl is not None else DEFAULT_JOIN_TTL_S
    reach = validate_address(address, "--address") if address else ""
    join, token = await client.create_join_token(ttl_s, reach)
    if structured(output):
        print_data(new_token_summary(join, token), output)
        return
    print(f"Join token {token.id}. {token_validity_text(token, time.time())}.")
    print(f"Join string:\n  {join}")
    print("On the new host, run:")
    print(f"  {join_command(join)}")


async def _revoke(client: CoordinatorClient, token_id: str, output: str) -> None:
    token = await client.revoke_join_token(token_id)
    if structured(output):
        print_data(token_summary(token), output)
    else:
        print(f"Join token {token.id}: {token_state_text(token, time.time())}.")


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
