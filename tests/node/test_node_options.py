"""The quantix-node command line and its --port-file."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.validation import Address
from node_daemon.options import parse_args, parse_listen
from serving.portfile import write_port_file

# /dev/null as the configuration: this machine's /etc/quantix/node.toml (an installed package's)
# must not change what these tests read.
REQUIRED = [
    "--config",
    "/dev/null",
    "--libvirt-uri",
    "qemu:///system",
    "--coordinator",
    "coord.example:7443",
]


def test_defaults() -> None:
    options = parse_args([*REQUIRED, "--listen", "0.0.0.0:7501"])

    assert options.libvirt_uri == "qemu:///system"
    assert options.listen == Address("0.0.0.0", 7501)
    assert options.coordinator == "coord.example:7443"
    assert (options.name, options.advertise, options.port_file) == ("", "", None)
    assert options.log_level == "info"
    assert options.data_dir == "/var/lib/quantix"


def test_every_option() -> None:
    options = parse_args(
        [
            *REQUIRED,
            "--listen",
            "[::1]:0",
            "--name",
            "host-a",
            "--advertise",
            "10.0.0.7:7501",
            "--port-file",
            "/run/quantix/node.port",
            "--log-level",
            "debug",
        ]
    )

    assert options.listen == Address("::1", 0)
    assert str(options.listen) == "[::1]:0"
    assert (options.name, options.advertise) == ("host-a", "10.0.0.7:7501")
    assert options.port_file == Path("/run/quantix/node.port")
    assert options.log_level == "debug"


@pytest.mark.parametrize(
    ("value", "address"),
    [("127.0.0.1:0", Address("127.0.0.1", 0)), ("node-1:7501", Address("node-1", 7501))],
)
def test_listen_accepts_port_zero(value: str, address: Address) -> None:
    assert parse_listen(value) == address


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--listen", "nohost"], "argument --listen: must be host:port"),
        (["--listen", "bad_host:0"], "argument --listen: must be dot-separated labels"),
        (["--listen", ":0"], "argument --listen: must be host:port"),
        (["--listen", "h:1", "--name", "bad_name"], "argument --name: must be dot-separated"),
        (["--listen", "h:1", "--advertise", "h:0"], "argument --advertise: port must be 1-65535"),
    ],
)
def test_bad_values_are_refused_naming_the_option(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_args([*REQUIRED, *args])

    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_port_file_is_replaced_whole_and_leaves_no_temporary_behind(tmp_path: Path) -> None:
    path = tmp_path / "node.port"
    path.write_text("stale")

    write_port_file(path, "127.0.0.1:45678")

    assert path.read_text() == "127.0.0.1:45678"
    assert [p.name for p in tmp_path.iterdir()] == ["node.port"]


def test_data_dir_is_an_absolute_normalized_path() -> None:
    options = parse_args([*REQUIRED, "--listen", "127.0.0.1:0", "--data-dir", "/srv//quantix/"])

    assert options.data_dir == "/srv/quantix"


def test_relative_data_dir_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args([*REQUIRED, "--listen", "127.0.0.1:0", "--data-dir", "quantix"])

    assert "argument --data-dir: must be an absolute path" in capsys.readouterr().err
