"""packaging/run_as_unit.py: a service started as its unit says, or refused with the setting it
cannot honour, on a machine without systemd (how check-packages.sh starts the installed
daemons). Each test runs the script as a real process on a unit file of its own."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "run_as_unit.py"
SHIPPED_UNITS = sorted((ROOT / "packaging" / "debian").glob("*.service"))
# A started service here is `sh` printing a few lines: seconds at most, even on a loaded machine.
TIMEOUT_S = 60

sys.path.insert(0, str(SCRIPT.parent))
import run_as_unit  # noqa: E402  (a script, not a package: imported from its directory)


def run_unit(tmp_path: Path, service_lines: str) -> subprocess.CompletedProcess[str]:
    unit = tmp_path / "quantix-test.service"
    unit.write_text(f"[Unit]\nDescription=test\n\n[Service]\n{service_lines}\n")
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(unit)],
        # What the shell running the check has must not reach the service (systemd passes none).
        env={**os.environ, "PYTHONPATH": str(ROOT), "QUANTIX_JOIN": "leaked"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


@pytest.mark.parametrize("unit", SHIPPED_UNITS, ids=lambda path: path.name)
def test_every_setting_of_the_shipped_units_is_honoured_or_systemd_only(unit: Path) -> None:
    plan = run_as_unit.plan_service(unit)
    program = unit.stem  # quantix-coordinator.service runs /usr/bin/quantix-coordinator
    assert plan.argv == [f"/usr/bin/{program}"]
    assert plan.state_directories == [f"quantix/{program.removeprefix('quantix-')}"]
    assert plan.no_new_privileges


def test_the_service_gets_the_units_environment_directory_and_umask_and_nothing_else(
    tmp_path: Path,
) -> None:
    me = pwd.getpwuid(os.getuid()).pw_name
    done = run_unit(
        tmp_path,
        f"User={me}\n"
        'Environment="GREETING=hello world" PLAIN=1\n'
        "Environment=LATER=2\n"
        f"WorkingDirectory={tmp_path}\n"
        "UMask=0027\n"
        "ExecStart=/bin/sh -c 'pwd; umask; env'\n",
    )
    assert done.returncode == 0, done.stderr
    directory, umask, *environment = done.stdout.splitlines()
    assert directory == str(tmp_path)
    assert umask == "0027"
    variables = dict(line.split("=", 1) for line in environment)
    assert variables["GREETING"] == "hello world"
    assert variables["PLAIN"] == "1"
    assert variables["LATER"] == "2"
    assert variables["USER"] == me
    assert variables["PATH"] == run_as_unit.SERVICE_PATH
    assert "PYTHONPATH" not in variables
    assert "QUANTIX_JOIN" not in variables


def test_the_capability_bounding_set_and_no_new_privileges_are_applied(tmp_path: Path) -> None:
    done = run_unit(
        tmp_path,
        "CapabilityBoundingSet=CAP_NET_ADMIN CAP_CHOWN\n"
        "NoNewPrivileges=yes\n"
        "ExecStart=/bin/grep -E '^(CapBnd|NoNewPrivs):' /proc/self/status\n",
    )
    assert done.returncode == 0, done.stderr
    status = dict(line.split(":\t") for line in done.stdout.splitlines())
    net_admin, chown = run_as_unit.CAPABILITIES["NET_ADMIN"], run_as_unit.CAPABILITIES["CHOWN"]
    assert int(status["CapBnd"], 16) == (1 << net_admin) | (1 << chown)
    assert status["NoNewPrivs"] == "1"


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("EnvironmentFile=/etc/default/quantix", "[Service] EnvironmentFile="),
        ("ExecStartPre=/bin/true", "[Service] ExecStartPre="),
        ("Environment=HOST=%H", "[Service] Environment=: specifiers (%)"),
        ("Type=notify", "[Service] Type=notify: only ['exec', 'simple']"),
        ("AmbientCapabilities=CAP_NET_ADMIN", "[Service] AmbientCapabilities="),
    ],
)
def test_a_setting_that_matters_and_is_not_honoured_is_refused_before_anything_starts(
    tmp_path: Path, line: str, named: str
) -> None:
    marker = tmp_path / "started"
    done = run_unit(tmp_path, f"{line}\nExecStart=/bin/touch {marker}\n")
    assert done.returncode == 2
    assert f"quantix-test.service: {named}" in done.stderr
    assert not marker.exists()


def test_a_unit_without_one_exec_start_is_refused(tmp_path: Path) -> None:
    done = run_unit(tmp_path, "ExecStart=/bin/true\nExecStart=/bin/false\n")
    assert done.returncode == 2
    assert "needs exactly one ExecStart= (it has 2)" in done.stderr
