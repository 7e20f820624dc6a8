"""quantixctl hosts remove as a user runs it: real processes against a real coordinator and three
node daemons on libvirt's test driver (the `fleet` fixture).

A host with pools is refused unless --force; forced, a dead host is taken off its pools without
being contacted: a pool for every host keeps the others, a local directory that lived on that
host is forgotten. Unknown and malformed names are one-line errors."""

import asyncio
import json

from clients.coordinator import CoordinatorClient
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.cli.test_quantixctl_pools import connected, one_line_error, quantixctl
from tests.helpers import eventually

HOSTS = ("host-a", "host-b", "host-c")
NFS_FLAGS = ("--backend", "nfs", "--server", "nas.lab", "--export", "/export/vms")


def pools_on_host_c(fleet, tmp_path):
    """An NFS pool for every host and a local directory on host-c, both READY."""
    connected(fleet)
    nfs = quantixctl(fleet, "pools", "create", "vms", *NFS_FLAGS, "--wait", "--json")
    assert nfs.returncode == 0, nfs.stderr
    assert [h["host"] for h in json.loads(nfs.stdout)["hosts"]] == list(HOSTS)
    local = quantixctl(
        fleet, "pools", "create", "scratch-c", "--backend", "local",
        "--path", str(tmp_path / "scratch-c"), "--host", "host-c", "--wait",
    )  # fmt: skip
    assert local.returncode == 0, local.stderr


def hosts(fleet):
    listing = quantixctl(fleet, "hosts", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    return {h["name"]: h for h in json.loads(listing.stdout)}


def pools(fleet):
    listing = quantixctl(fleet, "pools", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    return {p["name"]: p for p in json.loads(listing.stdout)}


def host_phases(pool):
    return {h["host"]: h["phase"] for h in pool["hosts"]}


def test_a_host_with_pools_is_refused_naming_them_and_nothing_changes(fleet, tmp_path):
    pools_on_host_c(fleet, tmp_path)
    before_hosts, before_pools = hosts(fleet), pools(fleet)

    refused = quantixctl(fleet, "hosts", "remove", "host-c")
    line = one_line_error(refused, 1, f"quantixctl: coordinator {fleet.coordinator_address} ")
    assert refused.stdout == ""
    assert "vms" in line and "scratch-c" in line
    assert "unassign" in line and "force" in line

    after_hosts, after_pools = hosts(fleet), pools(fleet)
    assert set(after_hosts) == set(HOSTS)
    assert {n: h["address"] for n, h in after_hosts.items()} == {
        n: h["address"] for n, h in before_hosts.items()
    }
    assert set(after_pools) == {"vms", "scratch-c"}
    assert host_phases(after_pools["vms"]) == dict.fromkeys(HOSTS, "READY")
    assert host_phases(after_pools["scratch-c"]) == {"host-c": "READY"}
    assert after_pools["vms"]["spec"] == before_pools["vms"]["spec"]


def test_force_takes_a_dead_host_off_its_pools_and_forgets_it(fleet, tmp_path):
    pools_on_host_c(fleet, tmp_path)

    async def kill_host_c():
        await fleet.kill_node("host-c")
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await eventually(
                lambda: client.list_nodes(),
                lambda r: (
                    {n.name: n.status for n in r.nodes}.get("host-c") == pb.NODE_STATUS_OFFLINE
                ),
                what="host-c OFFLINE",
            )

    asyncio.run(kill_host_c())

    removed = quantixctl(fleet, "hosts", "remove", "host-c", "--force", "--json")
    assert removed.returncode == 0, removed.stderr
    assert removed.stderr == ""
    reply = json.loads(removed.stdout)
    assert set(reply) == {"removed", "pools_released"}
    assert reply["removed"] == "host-c"
    assert sorted(reply["pools_released"]) == ["scratch-c", "vms"]

    assert set(hosts(fleet)) == {"host-a", "host-b"}
    after = pools(fleet)
    # The local directory lived only on host-c: forgotten with it.
    assert set(after) == {"vms"}
    vms = after["vms"]
    # A pool for every host stays one: host-c simply drops out, the others are untouched.
    assert host_phases(vms) == {"host-a": "READY", "host-b": "READY"}
    assert vms["phase"] == "READY", vms["message"]
    assert vms["spec"].get("hosts", []) == []

    # Removing it again: it is gone.
    again = quantixctl(fleet, "hosts", "remove", "host-c", "--force")
    one_line_error(again, 1, f"quantixctl: coordinator {fleet.coordinator_address} not found: ")


def test_unknown_and_malformed_names_are_one_line_errors(fleet):
    connected(fleet)

    unknown = quantixctl(fleet, "hosts", "remove", "ghost")
    line = one_line_error(unknown, 1, f"quantixctl: coordinator {fleet.coordinator_address} ")
    assert line.startswith(f"quantixctl: coordinator {fleet.coordinator_address} not found: ")
    assert "'ghost'" in line
    assert unknown.stdout == ""

    # A trailing newline is not forgiven (it would otherwise name host-c), nor is a bad name;
    # both are refused before anything is sent, naming the field.
    for bad in ("host-c\n", "bad_host!", "h" * 20_000):
        result = quantixctl(fleet, "hosts", "remove", bad, "--force")
        line = one_line_error(result, 2, "quantixctl: name: ")
        assert result.stdout == ""
        assert len(line) < 300, len(line)

    assert set(hosts(fleet)) == set(HOSTS)
