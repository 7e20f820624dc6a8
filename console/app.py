"""``quantix-console [--coordinator HOST:PORT] [--demo]``: start-up, event loop, shutdown.

Qt runs on qasync's event loop, so gRPC's asyncio calls and Qt's events share one thread and
the window never waits on the network. Start-up order: QApplication, style, main window shown;
once it has been painted and has built its first page (``MainWindow.wait_started``), connect
(``--coordinator``), start the demo fleet (``--demo``) or open the connect dialog with the last
address. Nothing slow is imported before the window shows: gRPC, the stubs, cryptography,
keyring, pages and dialogs are imported where first needed (see console.main_window and
DEVELOPING.md's "Start-up"). The coroutine returns when the window has closed and everything
it started (Watch stream, demo fleet) has stopped; SIGINT and SIGTERM close the window the same
way.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication

from console.child_entry import run_child_if_asked
from console.main_window import MainWindow
from console.settings import APPLICATION, ORGANIZATION
from console.style import apply_style
from domain.errors import ValidationError
from domain.validation import validate_address
from domain.version import version_line

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quantix-console",
        description="Desktop console of a Quantix fleet of libvirt/QEMU hosts.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--coordinator",
        metavar="HOST:PORT",
        help="connect to this coordinator at start (otherwise the connect dialog opens)",
    )
    source.add_argument(
        "--demo",
        action="store_true",
        help="start a local demo fleet (a coordinator and three simulated hosts) and show it; "
        "it stops when the console closes",
    )
    parser.add_argument(
        "--identity",
        metavar="FILE",
        help="with --coordinator: your identity file (from `quantixctl pki issue-admin`); "
        "without it the connect dialog opens for that address and recalls the identity kept "
        "in your keyring",
    )
    parser.add_argument(
        "--check-shows-host",
        metavar="NAME",
        help="install check (with --coordinator and --identity): exit 0 once the Hosts page "
        "lists host NAME connected, 1 with the reason after a deadline",
    )
    parser.add_argument(
        "--check-timeout",
        metavar="SECONDS",
        help="with --check-shows-host: how long to wait for the host, 1 to 600 seconds "
        "(default 60: a node registers within a heartbeat, 5 s, of starting)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log what the console does")
    parser.add_argument("--version", action="version", version=version_line(parser.prog))
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.coordinator is not None:
        try:
            args.coordinator = validate_address(args.coordinator, "--coordinator")
        except ValidationError as error:
            parser.error(str(error))
    if args.check_timeout is not None:
        # Light (no stubs): the check imports those once the window shows.
        from console.install_check import parse_check_timeout

        if args.check_shows_host is None:
            parser.error("--check-timeout: goes with --check-shows-host")
        try:
            args.check_timeout = parse_check_timeout(args.check_timeout)
        except ValidationError as error:
            parser.error(str(error))
    if args.identity is not None:
        if args.coordinator is None:
            parser.error("--identity: goes with --coordinator")
        from trust.credentials import load_identity  # cryptography: only with --identity
        from trust.files import PkiError

        try:
            args.identity = load_identity(Path(args.identity))
        except PkiError as error:
            parser.error(f"--identity: {error}")
    if args.check_shows_host is not None and args.identity is None:
        parser.error("--check-shows-host: goes with --coordinator and --identity")
    return args


def install_stop_signals(window: MainWindow) -> None:
    """SIGINT (Ctrl+C in the terminal) and SIGTERM close the window cleanly."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, window.shut_down)
        except (NotImplementedError, RuntimeError, ValueError):
            log.debug("cannot handle %s on this platform/loop", sig.name)


async def run_console(args: argparse.Namespace) -> int:
    window = MainWindow()
    window.show()
    install_stop_signals(window)
    await window.wait_started()
    if window.closed.done():  # closed (a stop signal) before it was painted
        return 0
    if args.check_shows_host:
        from clients.channels import Endpoint
        from console.install_check import CHECK_DEADLINE_S, check_shows_host

        endpoint = Endpoint(args.coordinator, args.identity)
        status = await check_shows_host(
            window, endpoint, args.check_shows_host, args.check_timeout or CHECK_DEADLINE_S
        )
        window.shut_down()
        await window.wait_closed()
        return status
    if args.demo:
        window.start_demo()
    elif args.coordinator and args.identity:
        from clients.channels import Endpoint  # gRPC: once the window is on screen

        window.connect_to(Endpoint(args.coordinator, args.identity))
    elif args.coordinator:
        window.open_connect_dialog(args.coordinator)
    else:
        window.open_connect_dialog()
    await window.wait_closed()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # A child of the bundled console (its demo's daemons): run that module, nothing else.
    if run_child_if_asked(argv):
        return 0
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("Quantix")
    app.setDesktopFileName("quantix")
    # The window decides when the app ends: after its shutdown (demo fleet stopped), not when
    # Qt sees the last window close.
    app.setQuitOnLastWindowClosed(False)
    apply_style(app)
    return qasync.run(run_console(args))
