"""quantixctl tasks: list, show, cancel, wait.

Long work (uploads, downloads, OVA imports) runs as tasks on the coordinator. A task id is
checked with domain.tasks' rule before anything is sent; ``wait`` draws a progress bar on a
terminal and exits 0 only when the task succeeded.
"""

from __future__ import annotations

import argparse
from typing import Any

from clients.cli_format import add_output_flags
from clients.cli_realized import print_list, print_one
from clients.cli_tasks_view import TASK_HEADERS, task_json, task_rows, task_text
from clients.cli_tasks_wait import (
    DEFAULT_STALL_TIMEOUT,
    require_succeeded,
    stall_seconds,
    wait_task,
)
from clients.coordinator import CoordinatorClient
from clients.present_tasks import is_finished, ordered_tasks
from domain.tasks import validate_task_id
from proto.quantix.v1 import coordinator_pb2 as pb

# `tasks list` without --all shows every unfinished task and the 20 most recently finished:
# what just happened fits one screen above the prompt; --all shows the coordinator's whole
# history (its last 1,000).
RECENT_FINISHED = 20


def add_commands(topics: Any) -> None:
    tasks = topics.add_parser("tasks", help="long work (uploads, downloads, OVA imports)")
    commands = tasks.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, help=help_text, description=help_text)
        add_output_flags(parser)
        return parser

    listing = command(
        "list",
        f"running tasks first, then the {RECENT_FINISHED} most recently finished",
    )
    listing.add_argument(
        "--all", action="store_true", help="every finished task the coordinator keeps"
    )
    command("show", "one task: every fact, its message in full").add_argument("id", metavar="ID")
    command("cancel", "ask a task to stop (its host removes what it had written)").add_argument(
        "id", metavar="ID"
    )
    wait = command(
        "wait",
        "draw the task's progress until it finishes; exit status 0 only if it succeeded",
    )
    wait.add_argument("id", metavar="ID")
    add_stall_flag(wait)


def add_stall_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stall-timeout",
        default=DEFAULT_STALL_TIMEOUT,
        metavar="DURATION",
        help="stop waiting when the task has not changed for this long, e.g. 90s, 30m "
        "(default %(default)s; the task goes on)",
    )


def listed(tasks: list[pb.Task], show_all: bool) -> list[pb.Task]:
    """The tasks ``list`` shows, in order: unfinished ones, then recently finished ones."""
    ordered = ordered_tasks(tasks)
    if show_all:
        return ordered
    running = [t for t in ordered if not is_finished(t)]
    finished = [t for t in ordered if is_finished(t)]
    return running + finished[:RECENT_FINISHED]


async def run(client: CoordinatorClient, args: argparse.Namespace) -> None:
    command = args.command
    if command == "list":
        tasks = listed(list((await client.list_tasks()).tasks), args.all)
        print_list(tasks, args.output, task_json, task_rows, TASK_HEADERS, "No tasks.")
        return
    task_id = validate_task_id(args.id, "ID")  # before any call
    if command == "show":
        print_one(await client.get_task(task_id), args.output, task_json, task_text)
        return
    if command == "cancel":
        print_one(await client.cancel_task(task_id), args.output, task_json, task_text)
        return
    if command == "wait":
        stall_s = stall_seconds(args.stall_timeout)
        task = await wait_task(client, await client.get_task(task_id), stall_s)
        print_one(task, args.output, task_json, task_text)
        require_succeeded(task)
        return
    raise AssertionError(f"unknown tasks command {command!r}")
