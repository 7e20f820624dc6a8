"""quantix-node started from a TOML configuration file: real processes, a real coordinator."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from clients.coordinator import CoordinatorClient
from domain.join import JOIN_ENV, JOIN_PREFIX, new_token
from localfleet.fleet import CoordinatorDaemon, wait_registered
from localfleet.process import DaemonProcess
from localfleet.testhosts import write_test_host
from node_daemon.options import CONFIG, parse_args
from serving.config_file import CONFIG_FILE_MAX_BYTES

REPO = Path(__file__).resolve().parents[2]
# A refused configuration stops the node before it opens libvirt or binds anything.
REFUSAL_DEADLINE_S = 60


def write_config(path: Path, **values: str) -> Path:
    path.write_text("".join(f'{key} = "{value}"\n' for key, value in values.items()))
    return path


def node_config(tmp_path: Path, coordinator: CoordinatorDaemon, name: str) -> dict[str, str]:
    """The settings of a node on a test-driver host of its own, already holding a certificate
    from the coordinator's CA."""
    data_dir = tmp_path / name
    coordinator.trust.enrol_offline(name, data_dir, coordinator.address)
    return {
        "libvirt_uri": write_test_host(tmp_path / f"{name}.xml", name),
        "name": name,
        "data_dir": str(data_dir),
        "coordinator": coordinator.address,
    }


def start(process: DaemonProcess, coordinator: CoordinatorDaemon, name: str) -> str:
    async def main() -> str:
        address = await process.wait_serving()
        await wait_registered(coordinator.endpoint(), [name])
        return address

    process.spawn()
    return asyncio.run(main())


def test_the_file_alone_configures_a_node(tmp_path: Path, coordinator: CoordinatorDaemon) -> None:
    # 127.0.0.2 is loopback too: seeing it bound shows the file's listen was used.
    values = {**node_config(tmp_path, coordinator, "host-file"), "listen": "127.0.0.2:0"}
    config = write_config(tmp_path / "node.toml", **values)
    node = DaemonProcess("host-file", "node_daemon", ["--config", str(config)], tmp_path)
    try:
        address = start(node, coordinator, "host-file")
    finally:
        node.stop_now()

    assert address.startswith("127.0.0.2:")
    assert '"config_file": "' + str(config) in node.log_file.read_text()


def test_a_flag_overrides_the_file(tmp_path: Path, coordinator: CoordinatorDaemon) -> None:
    values = {**node_config(tmp_path, coordinator, "host-flag"), "listen": "127.0.0.2:0"}
    config = write_config(tmp_path / "node.toml", **values)
    node = DaemonProcess(
        "host-flag",
        "node_daemon",
        ["--config", str(config), "--listen", "127.0.0.1:0"],
        tmp_path,
    )
    try:
        address = start(node, coordinator, "host-flag")
    finally:
        node.stop_now()

    assert address.startswith("127.0.0.1:")


def test_a_join_string_in_a_world_readable_file_enrols_and_is_warned_about_unquoted(
    tmp_path: Path, coordinator: CoordinatorDaemon
) -> None:
    async def join_string() -> tuple[str, str]:
        async with CoordinatorClient(coordinator.endpoint("admin")) as client:
            join, _ = await client.create_join_token(600)
            return str(join), join.token.secret

    join, secret = asyncio.run(join_string())
    config = write_config(
        tmp_path / "node.toml",
        libvirt_uri=write_test_host(tmp_path / "host-new.xml", "host-new"),
        listen="127.0.0.1:0",
        name="host-new",
        data_dir=str(tmp_path / "host-new"),  # no certificate yet: the node enrols
        join=join,
    )
    config.chmod(0o644)
    node = DaemonProcess("host-new", "node_daemon", ["--config", str(config)], tmp_path)
    try:
        start(node, coordinator, "host-new")
    finally:
        node.stop_now()

    log = node.log_file.read_text()
    assert (
        f"{config} holds join (a secret) and every user of this host can read it: make it "
        "owned by root and mode 0600 or 0640"
    ) in log
    assert secret not in log


def test_a_private_file_with_a_join_string_is_not_warned_about(tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "node.toml",
        join=f"{JOIN_PREFIX},127.0.0.1:7443,7444,{new_token()},sha256:" + "0" * 64,
    )
    config.chmod(0o600)

    options = parse_args(
        ["--config", str(config), "--libvirt-uri", "test:///default", "--listen", "127.0.0.1:0"]
    )

    assert options.join is not None and options.config is not None
    assert options.config.warnings == ()


def run_node(
    config: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "node_daemon", "--config", str(config), *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=REFUSAL_DEADLINE_S,
        check=False,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("listen = 7445\n", "listen: must be a string (got a TOML integer)"),
        ('listen = "127.0.0.1:99999"\n', "listen: port must be 1-65535 (got 99999)"),
        ('name = "bad_name"\n', "name: must be dot-separated labels"),
        ('data_dir = "var/lib/quantix"\n', "data_dir: must be an absolute path"),
        ('netns = "a/b"\n', "netns: must be a network namespace name"),
        ("usage = 1\n", "usage: must be a boolean (got a TOML integer)"),
        ('libvirt_uri = "qemu:///system\\n"\n', "libvirt_uri: must not contain control characters"),
        ("no_usage = true\n", "unknown key 'no_usage'"),
    ],
)
def test_a_bad_file_stops_the_node_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "node.toml"
    config.write_text(text)
    port_file = tmp_path / "node.port"

    result = run_node(
        config,
        "--libvirt-uri",
        "test:///default",
        "--port-file",
        str(port_file),
        *([] if "listen" in text else ["--listen", "127.0.0.1:0"]),
    )

    assert result.returncode == 2
    assert f"quantix-node: error: {config}: {message}" in result.stderr
    assert not port_file.exists()


@pytest.mark.parametrize(
    ("join", "part"),
    [
        # Each value puts a would-be secret where a rule would quote it.
        (
            f"{JOIN_PREFIX},HUSH_hush_1:7443,7444,abcdefgh.SECRET,sha256:" + "0" * 64,
            "join (coordinator address)",
        ),
        (
            f"{JOIN_PREFIX},127.0.0.1:7443,HUSHHUSH,abcdefgh.SECRET,sha256:" + "0" * 64,
            "join (enrolment port)",
        ),
        (f"{JOIN_PREFIX},127.0.0.1:7443,7444,HUSH-HUSH,sha256:" + "0" * 64, "join (token)"),
        ("HUSHHUSH", "join: is not a join string"),
        (
            f"{JOIN_PREFIX},HUSHHUSH,a",
            f"join: is not a join string: it starts with '{JOIN_PREFIX},' and has five",
        ),
    ],
)
def test_a_bad_join_string_in_the_file_is_refused_without_quoting_any_of_it(
    tmp_path: Path, join: str, part: str
) -> None:
    config = write_config(tmp_path / "node.toml", join=join)
    config.chmod(0o600)

    result = run_node(config, "--libvirt-uri", "test:///default", "--listen", "127.0.0.1:0")

    assert result.returncode == 2
    assert f"quantix-node: error: {config}: {part}" in result.stderr
    assert "HUSH" not in result.stderr.upper()
    assert "SECRET" not in result.stderr


def test_the_environment_join_string_comes_before_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fingerprint = "sha256:" + "0" * 64
    config = write_config(
        tmp_path / "node.toml",
        join=f"{JOIN_PREFIX},10.0.0.1:7443,7444,{new_token()},{fingerprint}",
    )
    config.chmod(0o600)
    monkeypatch.setenv(JOIN_ENV, f"{JOIN_PREFIX},10.0.0.2:7443,7444,{new_token()},{fingerprint}")

    options = parse_args(
        ["--config", str(config), "--libvirt-uri", "test:///default", "--listen", "127.0.0.1:0"]
    )

    assert options.join is not None
    assert options.join.coordinator == "10.0.0.2:7443"


def test_required_settings_may_come_from_the_file(tmp_path: Path) -> None:
    config = write_config(tmp_path / "node.toml", libvirt_uri="test:///default", listen="[::1]:0")

    options = parse_args(["--config", str(config)])

    assert (options.libvirt_uri, str(options.listen)) == ("test:///default", "[::1]:0")


def test_no_file_at_the_default_path_runs_on_defaults_and_flags(tmp_path: Path) -> None:
    absent = replace(CONFIG, default_path=tmp_path / "absent.toml")

    args, _ = absent.parse(["--libvirt-uri", "test:///default", "--listen", "127.0.0.1:0"])

    assert (args.data_dir, args.log_level, args.usage) == ("/var/lib/quantix", "info", True)
    assert not args.config.found


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: os.mkfifo(path), "is not a regular file"),
        (lambda path: path.mkdir(), "is not a regular file"),
        (lambda path: path.write_text("#" * (CONFIG_FILE_MAX_BYTES + 1)), "is larger than 64 KiB"),
        (lambda path: path.write_bytes(b'name = "\xff"\n'), "is not UTF-8 text"),
    ],
)
def test_what_is_not_a_configuration_file_is_refused_without_waiting(
    tmp_path: Path, make, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "node.toml"
    make(path)

    with pytest.raises(SystemExit) as caught:
        parse_args(
            ["--config", str(path), "--libvirt-uri", "test:///default", "--listen", "127.0.0.1:0"]
        )

    assert caught.value.code == 2
    assert f"{path}: {message}" in capsys.readouterr().err


def test_dev_null_is_an_empty_configuration(tmp_path: Path) -> None:
    options = parse_args(
        ["--config", "/dev/null", "--libvirt-uri", "test:///default", "--listen", "127.0.0.1:0"]
    )

    assert options.data_dir == "/var/lib/quantix"


@pytest.mark.parametrize("source", ["flag", "environment"])
def test_a_bad_join_string_from_a_flag_or_the_environment_is_not_quoted_either(
    source: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    join = f"{JOIN_PREFIX},HUSH_hush_1:7443,7444,{new_token()},sha256:" + "0" * 64
    argv = ["--config", "/dev/null", "--libvirt-uri", "test:///default", "--listen", "h:1"]
    if source == "flag":
        argv += ["--join", join]
    else:
        monkeypatch.setenv(JOIN_ENV, join)

    with pytest.raises(SystemExit):
        parse_args(argv)

    error = capsys.readouterr().err
    assert "coordinator address" in error
    assert "must be dot-separated labels" in error
    assert "HUSH" not in error.upper()


def test_a_node_listening_on_every_address_registers_this_hosts_name(
    tmp_path: Path, coordinator: CoordinatorDaemon
) -> None:
    """The packaged node.toml listens on 0.0.0.0: the wildcard is nobody's address, so the node
    registers this host's name with the bound port, which the coordinator can dial."""
    values = {**node_config(tmp_path, coordinator, "host-any"), "listen": "0.0.0.0:0"}
    config = write_config(tmp_path / "node.toml", **values)
    node = DaemonProcess("host-any", "node_daemon", ["--config", str(config)], tmp_path)
    try:
        bound = start(node, coordinator, "host-any")

        async def registered() -> str:
            async with CoordinatorClient(coordinator.endpoint()) as client:
                return (await client.get_node("host-any")).address

        address = asyncio.run(registered())
    finally:
        node.stop_now()
    port = bound.rpartition(":")[2]
    full = socket.getfqdn()
    name = socket.gethostname() if full.startswith("localhost") else full
    assert address == f"{name}:{port}"
    assert not address.startswith("0.0.0.0")


def test_a_flag_turns_off_a_switch_the_file_turned_on(tmp_path: Path) -> None:
    """Flags override the file for switches too: --no-usage and --usage beat usage = ..."""
    on = tmp_path / "on.toml"
    on.write_text("usage = true\n")
    off = tmp_path / "off.toml"
    off.write_text("usage = false\n")
    required = ["--libvirt-uri", "test:///default", "--listen", "127.0.0.1:0"]
    assert parse_args([*required, "--config", str(on)]).report_usage is True
    assert parse_args([*required, "--config", str(on), "--no-usage"]).report_usage is False
    assert parse_args([*required, "--config", str(off)]).report_usage is False
    assert parse_args([*required, "--config", str(off), "--usage"]).report_usage is True
