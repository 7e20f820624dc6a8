"""Children of Quantix's own modules start the same way from a checkout and from the bundle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from console import child_entry
from domain.version import __version__
from localfleet import launch
from localfleet.launch import python_module_command

ROOT = Path(__file__).resolve().parents[2]
# Starting Python and importing the console package: well under a second; a loaded CI machine
# gets room, and a child that hangs fails the test instead of hanging it.
CHILD_TIMEOUT_S = 60


def test_a_checkout_starts_children_with_python_dash_m(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert python_module_command("localfleet.child", "1", "coordinator") == [
        sys.executable,
        "-m",
        "localfleet.child",
        "1",
        "coordinator",
    ]


def test_a_bundle_starts_children_through_its_own_executable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/quantix-console/quantix-console")
    assert python_module_command("localfleet.netns_process", "create", "ab12") == [
        "/opt/quantix-console/quantix-console",
        "--quantix-run-module",
        "localfleet.netns_process",
        "create",
        "ab12",
    ]


def test_the_console_looks_for_the_same_flag_the_launcher_writes() -> None:
    assert child_entry.RUN_MODULE_FLAG == launch.RUN_MODULE_FLAG


def run_console(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )


def test_the_console_runs_a_module_it_is_asked_to_run_as_main() -> None:
    done = run_console("--quantix-run-module", "domain.version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{__version__}\n", "")


def test_the_module_gets_its_own_arguments_and_exit_status() -> None:
    done = run_console(
        "--quantix-run-module", "localfleet.netns_process", "explode", "run-1", "host-a"
    )
    assert done.returncode == 2
    assert "netns_process: unknown command 'explode'" in done.stderr


def test_a_child_of_the_console_never_loads_qt() -> None:
    done = run_console("--quantix-run-module", "tests.packaging.loaded_modules")
    assert (done.returncode, done.stdout) == (0, "none\n"), done.stderr


def test_the_flag_without_a_module_is_refused_by_name() -> None:
    done = run_console("--quantix-run-module")
    assert done.returncode == 2
    assert "--quantix-run-module: needs a module name" in done.stderr
