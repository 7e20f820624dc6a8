"""``quantix-console --check-shows-host``: the install check the packages' CI runs, against a
real coordinator and node daemons."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The check's own deadline is 60 s (console.install_check); the process gets a little more.
PROCESS_TIMEOUT_S = 90


def run_check(fleet, host: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *fleet.cli_args("admin"), "--check-shows-host", host],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
        check=False,
    )


def test_the_console_exits_0_once_its_hosts_page_shows_the_host_connected(fleet) -> None:
    done = run_check(fleet, "host-b")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "quantix-console: the Hosts page shows host-b connected"


def test_the_check_needs_an_identity() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "console", "--check-shows-host", "host-b"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 2
    assert "--check-shows-host: goes with --coordinator and --identity" in done.stderr
