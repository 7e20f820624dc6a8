"""``quantix-console --coordinator HOST:PORT --identity FILE --check-shows-host NAME``: an install
check. The console starts as usual (offscreen too), connects, and exits 0 as soon as its Hosts
page lists host NAME connected, or 1 with the reason (the host, what the Hosts page showed, the
connection) once ``--check-timeout`` seconds have passed.

packaging/check-packages.sh runs it against the installed coordinator and node, so "the
packages work" means what a user would see: the bundled console showing the enrolled host.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING

from domain.errors import ValidationError
from domain.limits import is_ascii_digits, quoted

if TYPE_CHECKING:
    from clients.channels import Endpoint
    from console.main_window import MainWindow

# A node registers within a heartbeat (5 s by default) of starting, and the console connects in
# well under a second: 60 s leaves a loaded CI machine room, and a host not shown by then is not
# going to be.
CHECK_DEADLINE_S = 60.0
# --check-timeout's bounds: a second is enough for a test of the failure path; past 10 minutes a
# host is not coming, and the bound keeps a typo (60000) from holding a CI job for 16 hours.
MIN_CHECK_TIMEOUT_S = 1
MAX_CHECK_TIMEOUT_S = 600
# Digits read before int(): 600 has three.
_MAX_TIMEOUT_DIGITS = 3
# How often the Hosts model is looked at: quick to notice, nothing for the event loop.
POLL_INTERVAL_S = 0.1


def parse_check_timeout(value: str, field: str = "--check-timeout") -> float:
    """Seconds of ``--check-timeout``: a whole number from 1 to 600."""
    text = value.strip(" \t")
    if (
        not is_ascii_digits(text)
        or len(text) > _MAX_TIMEOUT_DIGITS
        or not MIN_CHECK_TIMEOUT_S <= int(text) <= MAX_CHECK_TIMEOUT_S
    ):
        raise ValidationError(
            field,
            f"must be whole seconds from {MIN_CHECK_TIMEOUT_S} to {MAX_CHECK_TIMEOUT_S} "
            f"(got {quoted(value)})",
        )
    return float(text)


async def check_shows_host(
    window: MainWindow, endpoint: Endpoint, host: str, deadline_s: float = CHECK_DEADLINE_S
) -> int:
    """Connect ``window`` to ``endpoint`` and wait until its Hosts model lists ``host``
    connected; the exit status (0 shown, 1 not), the outcome said on stdout or stderr."""
    # The stubs and the wording of statuses: imported once the window shows (console start-up).
    from clients.present import node_status_text
    from proto.quantix.v1 import coordinator_pb2 as pb

    window.connect_to(endpoint)
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while True:
        node = window.model.node(host)
        if node is not None and node.status == pb.NODE_STATUS_CONNECTED:
            print(f"quantix-console: the Hosts page shows {host} connected")
            return 0
        if loop.time() >= end:
            break
        await asyncio.sleep(POLL_INTERVAL_S)
    if node is None:
        listed = ", ".join(sorted(n.name for n in window.model.items())) or "no host"
        reason = f"not listed (the Hosts page lists {listed})"
    else:
        reason = f"listed as '{node_status_text(node, time.time())}', not connected"
    print(
        f"quantix-console: --check-shows-host {host}: {reason} after {deadline_s:.0f} s; "
        f"connection: {window.connection_status.text()}",
        file=sys.stderr,
    )
    return 1
