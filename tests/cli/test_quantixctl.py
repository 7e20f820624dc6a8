"""quantixctl as a user runs it: a real process against a real coordinator."""

import asyncio
import json
import subprocess
import sys

from localfleet.trust import FleetTrust
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.fleet_client import FleetClient


def quantixctl(*args, coordinator=None, address=None, identity=None):
    """quantixctl against ``coordinator`` (a running one, as its admin) or ``address``."""
    command = [sys.executable, "-m", "clients.cli"]
    if coordinator is not None:
        address = coordinator.address
        identity = coordinator.trust.identity_file("admin")
    if address:
        command += ["--coordinator", address]
    if identity:
        command += ["--identity", str(identity)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=60, check=False
    )


def register(coordinator, *names):
    async def main():
        async with FleetClient(coordinator) as client:
            for index, name in enumerate(names):
                info = common_pb2.HostInfo(
                    hostname=name,
                    memory_bytes=64 * 2**30,
                    libvirt_version="9.0.0",
                    cpu=common_pb2.CpuInfo(model="EPYC", logical_cpus=32),
                    nics=[
                        common_pb2.NetworkInterface(
                            name="eno1",
                            mac="52:54:00:00:00:01",
                            mtu=9000,
                            speed_mbps=10000,
                            link_state="up",
                        )
                    ],
                )
                await client.register_node(
                    pb.RegisterNodeRequest(
                        hostname=name, address=f"127.0.0.1:{7501 + index}", host_info=info
                    )
                )

    asyncio.run(main())


def test_hosts_list_json_lists_every_host_with_status(coordinator):
    register(coordinator, "host-a", "host-b")
    result = quantixctl("hosts", "list", "--json", coordinator=coordinator)
    assert result.returncode == 0, result.stderr
    hosts = json.loads(result.stdout)
    assert [(h["name"], h["status"]) for h in hosts] == [
        ("host-a", "CONNECTED"),
        ("host-b", "CONNECTED"),
    ]
    assert hosts[0]["memory_bytes"] == 64 * 2**30
    assert hosts[0]["address"] == "127.0.0.1:7501"


def test_hosts_list_table_reads_like_a_table(coordinator):
    register(coordinator, "host-a")
    result = quantixctl("hosts", "list", coordinator=coordinator)
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == [
        "NAME",
        "ADDRESS",
        "STATUS",
        "CPU",
        "MEMORY",
        "LIBVIRT",
        "LAST",
        "SEEN",
    ]
    assert row.startswith("host-a")
    assert "Connected" in row and "EPYC · 32 threads" in row and "64.0 GiB" in row


def test_empty_fleet_says_so(coordinator):
    result = quantixctl("hosts", "list", coordinator=coordinator)
    assert result.returncode == 0
    assert result.stdout.strip() == "No hosts registered."


def test_hosts_show_prints_facts_and_json(coordinator):
    register(coordinator, "host-a")
    text = quantixctl("hosts", "show", "host-a", coordinator=coordinator)
    assert text.returncode == 0, text.stderr
    assert "NIC eno1" in text.stdout and "MTU 9000" in text.stdout
    as_json = quantixctl("hosts", "show", "host-a", "--json", coordinator=coordinator)
    detail = json.loads(as_json.stdout)
    assert detail["host_info"]["nics"][0]["speed_mbps"] == "10000"
    assert detail["status"] == "CONNECTED"


def test_maintenance_on_and_off(coordinator):
    register(coordinator, "host-a")
    on = quantixctl("hosts", "maintenance", "host-a", "on", "--json", coordinator=coordinator)
    assert json.loads(on.stdout)["status"] == "MAINTENANCE"
    off = quantixctl("hosts", "maintenance", "host-a", "off", "--json", coordinator=coordinator)
    assert json.loads(off.stdout)["status"] == "CONNECTED"


def test_unknown_host_is_one_line_and_exit_1(coordinator):
    result = quantixctl("hosts", "show", "ghost", coordinator=coordinator)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"quantixctl: coordinator {coordinator.address} not found:")
    assert "'ghost'" in lines[0]


def test_unreachable_coordinator_is_one_line_and_exit_1(tmp_path):
    identity = FleetTrust(tmp_path).identity_file("admin")
    result = quantixctl("hosts", "list", address="127.0.0.1:1", identity=identity)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("quantixctl: coordinator 127.0.0.1:1 unreachable:")


def test_malformed_coordinator_address_names_the_option():
    result = quantixctl("hosts", "list", address="nowhere")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "quantixctl: --coordinator: must be host:port, e.g. 127.0.0.1:7443 or [::1]:7443 "
        "(got 'nowhere')"
    )
