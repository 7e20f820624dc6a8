"""quantix-coordinator started from a TOML configuration file: real processes on loopback."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from coordinator.options import CONFIG, parse_args
from localfleet.fleet import CoordinatorDaemon, coordinator_process
from localfleet.trust import FleetTrust
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.fleet_client import FleetClient

REPO = Path(__file__).resolve().parents[2]
# A refused configuration stops the coordinator before it imports much or binds anything.
REFUSAL_DEADLINE_S = 60


def heartbeat_interval_ms(coordinator: CoordinatorDaemon) -> int:
    """The heartbeat interval the coordinator tells a registering node, in milliseconds."""

    async def main() -> int:
        async with FleetClient(coordinator) as client:
            reply = await client.register_node(
                pb.RegisterNodeRequest(
                    hostname="host-a",
                    address="127.0.0.1:7501",
                    host_info=common_pb2.HostInfo(hostname="host-a", memory_bytes=2**30),
                    daemon_version="0.11.0",
                )
            )
            return reply.heartbeat_interval.ToMilliseconds()

    return asyncio.run(main())


def run_started(process: CoordinatorDaemon) -> CoordinatorDaemon:
    process.spawn()
    asyncio.run(process.wait_serving())
    return process


def test_the_file_alone_configures_a_coordinator(tmp_path: Path) -> None:
    trust = FleetTrust(tmp_path)
    config = tmp_path / "coordinator.toml"
    config.write_text(
        'listen = "127.0.0.1:0"\n'
        f'data_dir = "{trust.coordinator_dir}"\n'
        'enrol_listen = "127.0.0.1:0"\n'
        "heartbeat_interval = 0.7\n"
        f'db = "{tmp_path / "elsewhere.sqlite"}"\n'
    )
    process = CoordinatorDaemon(trust, ["--config", str(config)], tmp_path)
    try:
        run_started(process)
        assert heartbeat_interval_ms(process) == 700
    finally:
        process.stop_now()
    assert (tmp_path / "elsewhere.sqlite").exists()
    assert '"config_file": "' + str(config) in process.log_file.read_text()


def test_a_flag_overrides_the_file(tmp_path: Path) -> None:
    config = tmp_path / "coordinator.toml"
    config.write_text("heartbeat_interval = 0.9\n")
    # coordinator_process gives --heartbeat-interval 0.5 on the command line.
    process = coordinator_process(tmp_path, 0.5, ["--config", str(config)])
    try:
        run_started(process)
        assert heartbeat_interval_ms(process) == 500
    finally:
        process.stop_now()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "heartbeat_intervall = 2.0\n",
            "unknown key 'heartbeat_intervall' (did you mean heartbeat_interval?); valid keys: "
            "data_dir, db, enrol_listen, heartbeat_interval, insecure, listen, log_level, "
            "pool_deadline, port_file",
        ),
        (
            'heartbeat_interval = "fast"\n',
            "heartbeat_interval: must be a number (got a TOML string)",
        ),
        ("heartbeat_interval = -1\n", "heartbeat_interval: must be greater than 0 (got -1)"),
        ("pool_deadline = nan\n", "pool_deadline: must be a finite number (got nan)"),
        ('insecure = "yes"\n', "insecure: must be a boolean (got a TOML string)"),
        ('log_level = "loud"\n', "log_level: must be one of debug, info, warning, error"),
        # The file is flat: a section is a key no setting has.
        ("[server]\nlisten = 1\n", "unknown key 'server'"),
        ("listen = 127.0.0.1:7443\n", "is not valid TOML: "),
        ('enrol_listen = "127.0.0.1:99999"\n', "enrol_listen: port must be 1-65535 (got 99999)"),
        ('enrol_listen = "nonsense"\n', "enrol_listen: must be host:port, e.g. 127.0.0.1:7443"),
    ],
)
def test_a_bad_file_stops_the_coordinator_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "coordinator.toml"
    config.write_text(text)
    data_dir = tmp_path / "data"
    port_file = tmp_path / "coordinator.port"

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "coordinator",
            "--config",
            str(config),
            "--data-dir",
            str(data_dir),
            "--listen",
            "127.0.0.1:0",
            "--port-file",
            str(port_file),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=REFUSAL_DEADLINE_S,
        check=False,
    )

    assert result.returncode == 2
    assert f"quantix-coordinator: error: {config}: {message}" in result.stderr
    assert "usage:" not in result.stderr  # the file is at fault, not the command line
    # Nothing started: no address written, no database or directory made.
    assert not port_file.exists()
    assert not data_dir.exists()


def test_a_missing_config_file_given_on_the_command_line_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(SystemExit) as caught:
        parse_args(["--config", str(missing), "--data-dir", str(tmp_path)])

    assert caught.value.code == 2
    assert f"{missing}: no such file (given with --config)" in capsys.readouterr().err


def test_no_file_at_the_default_path_runs_on_defaults_and_flags(tmp_path: Path) -> None:
    absent = replace(CONFIG, default_path=tmp_path / "absent.toml")
    args, _ = absent.parse(["--data-dir", str(tmp_path)])

    assert (args.listen, args.heartbeat_interval, args.log_level) == ("127.0.0.1:7443", 5.0, "info")
    assert not args.config.found


def test_a_file_value_passes_the_same_rule_as_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "coordinator.toml"
    config.write_text('listen = "0.0.0.0:7443"\ninsecure = true\n')

    with pytest.raises(SystemExit):
        parse_args(["--config", str(config), "--data-dir", str(tmp_path)])

    assert "plaintext is allowed only on a loopback address" in capsys.readouterr().err


def test_data_dir_is_required_from_the_flag_or_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "coordinator.toml"
    config.write_text("heartbeat_interval = 1\n")

    with pytest.raises(SystemExit):
        parse_args(["--config", str(config)])

    assert f"--data-dir is required: give it, or set data_dir in {config}" in (
        capsys.readouterr().err
    )
