"""``--version`` on every daemon and the console, run as the real commands."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
from pathlib import Path

from domain.version import __version__, version_line

REPO = Path(__file__).resolve().parents[2]
# Each command imports its whole program (the console: Qt) before printing.
VERSION_DEADLINE_S = 90
COMMANDS = {
    "quantix-coordinator": "coordinator",
    "quantix-node": "node_daemon",
    "quantix-console": "console",
}


def test_every_command_prints_the_one_version() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    running = {
        program: subprocess.Popen(
            [sys.executable, "-m", module, "--version"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for program, module in COMMANDS.items()
    }
    printed = {}
    for program, process in running.items():
        out, err = process.communicate(timeout=VERSION_DEADLINE_S)
        assert process.returncode == 0, f"{program} --version failed: {err}"
        printed[program] = out

    assert printed == {program: version_line(program) + "\n" for program in COMMANDS}
    assert all(line.split()[1] == __version__ for line in printed.values())


def test_the_package_metadata_agrees() -> None:
    assert importlib.metadata.version("quantix") == __version__
