"""quantixctl clusters end to end: real quantixctl processes against a real coordinator and
three node daemons on libvirt's test driver (the `fleet` fixture), with a real pool and network
on every host for the cluster's defaults."""

from __future__ import annotations

import asyncio
import json

import pytest

from domain.cluster_rules import admission_problem, membership_conflicts
from domain.clusters import HaSettings
from tests.cli.test_quantixctl_pools import HOSTS, NFS_FLAGS, connected, one_line_error
from tests.fleet_client import quantixctl


@pytest.fixture
def fleet(quiet_fleet):
    """Hosts that report no usage, so a cluster's status follows its members alone, never the
    load of the machine running the tests (tests/conftest.py's quiet_fleet says why)."""
    return quiet_fleet


EVERY_FLAG = (
    "--description", "the production racks",
    "--labels", "env=prod, rack=r1",
    "--hosts", *HOSTS,
    "--ha", "--admission-control", "--failures-to-tolerate", "2",
    "--no-host-monitoring", "--vm-monitoring",
    "--restart-priority", "highest", "--isolation-response", "power-off",
    "--drs", "--automation", "partially-automated", "--migration-threshold", "5",
    "--power-management",
    "--default-pool", "vms", "--default-network", "lab",
)  # fmt: skip
# What EVERY_FLAG says, as show --json gives it: no value is a default.
EVERY_FIELD = {
    "name": "prod",
    "description": "the production racks",
    "labels": {"env": "prod", "rack": "r1"},
    "ha": {
        "enabled": True,
        "admission_control": True,
        "host_failures_to_tolerate": 2,
        "host_monitoring": False,
        "vm_monitoring": True,
        "restart_priority": "highest",
        "isolation_response": "power-off",
    },
    "drs": {
        "enabled": True,
        "automation": "partially-automated",
        "migration_threshold": 5,
        "power_management": True,
    },
    "default_pool": "vms",
    "default_network": "lab",
}


def ok(result):
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout


def shown(fleet, name):
    return json.loads(ok(quantixctl(fleet, "clusters", "show", name, "--json")))


def refused_by_coordinator(fleet, result, code="refused"):
    """The coordinator's refusal as it worded it, one line, exit status 1."""
    start = f"quantixctl: coordinator {fleet.coordinator_address} {code}: "
    return one_line_error(result, 1, start).removeprefix(start)


def pool_and_network_everywhere(fleet):
    connected(fleet)
    ok(quantixctl(fleet, "pools", "create", "vms", *NFS_FLAGS, "--wait"))
    ok(quantixctl(fleet, "networks", "create", "lab", "--type", "nat", "--subnet",
                  "10.30.0.0/24", "--wait"))  # fmt: skip


def test_every_flag_is_kept_through_show_a_restart_and_an_update_of_one_ha_setting(fleet):
    pool_and_network_everywhere(fleet)
    missing_pool = quantixctl(fleet, "clusters", "create", "prod", "--default-pool", "nosuch")
    assert "no pool named nosuch exists" in refused_by_coordinator(fleet, missing_pool)

    created = json.loads(ok(quantixctl(fleet, "clusters", "create", "prod", *EVERY_FLAG,
                                       "--json")))  # fmt: skip
    assert created["spec"] == EVERY_FIELD
    assert created["hosts"] == list(HOSTS)
    assert (created["status"], created["status_message"]) == ("HEALTHY", "All 3 hosts connected")
    assert created["figures"]["hosts_online"] == created["figures"]["hosts_total"] == 3
    assert created["pools"] == ["vms"] and created["networks"] == ["lab"]
    assert shown(fleet, "prod")["spec"] == EVERY_FIELD

    text = ok(quantixctl(fleet, "clusters", "show", "prod")).splitlines()
    for line in (
        "Labels           env=prod, rack=r1",
        "Hosts            3/3 online: host-a, host-b, host-c",
        "HA               on: tolerates 2 host failures, admission control on, restart "
        "priority highest, isolation: power off VMs",
        "HA monitoring    hosts off, VMs on",
        "DRS              on: partially automated, threshold 5 (aggressive), power management on",
        "Default pool     vms",
        "Default network  lab",
    ):
        assert line in text, (line, text)
    _header, row = ok(quantixctl(fleet, "clusters", "list")).splitlines()
    assert row.split()[:6] == ["prod", "HEALTHY", "3/3", "online", "on,", "tolerates"]

    asyncio.run(fleet.restart_coordinator())
    assert shown(fleet, "prod")["spec"] == EVERY_FIELD

    # The update carries the defaults in every other field: only a mask naming exactly
    # ha.vm_monitoring keeps them from being written.
    updated = json.loads(ok(quantixctl(fleet, "clusters", "update", "prod",
                                       "--no-vm-monitoring", "--json")))  # fmt: skip
    expected = {**EVERY_FIELD, "ha": {**EVERY_FIELD["ha"], "vm_monitoring": False}}
    assert updated["spec"] == expected
    assert shown(fleet, "prod")["spec"] == expected

    # A settings change that breaks admission control: refused as the rule words it, nothing
    # changed.
    too_many = quantixctl(fleet, "clusters", "update", "prod", "--failures-to-tolerate", "3")
    rule = admission_problem(HaSettings(enabled=True, host_failures_to_tolerate=3), 3)
    assert rule in refused_by_coordinator(fleet, too_many)
    assert shown(fleet, "prod")["spec"] == expected

    viewer = quantixctl(fleet, "clusters", "list", "--json", role="viewer")
    assert [c["name"] for c in json.loads(ok(viewer))] == ["prod"]
    denied = quantixctl(fleet, "clusters", "update", "prod", "--no-drs", role="operator")
    refused_by_coordinator(fleet, denied, "permission denied")
    assert shown(fleet, "prod")["spec"] == expected


def test_hosts_join_and_leave_with_the_membership_and_admission_rules_and_delete_releases(
    fleet,
):
    connected(fleet)
    ok(quantixctl(fleet, "clusters", "create", "prod", "--ha", "--hosts", "host-a", "host-b"))
    ok(quantixctl(fleet, "clusters", "create", "lab"))

    taken = quantixctl(fleet, "clusters", "add-hosts", "lab", "host-b")
    (conflict,) = membership_conflicts("lab", ["host-b"], {"host-b": "prod"})
    assert conflict in refused_by_coordinator(fleet, taken)
    ghost = quantixctl(fleet, "clusters", "add-hosts", "lab", "ghost")
    assert "ghost" in one_line_error(ghost, 1, "quantixctl: coordinator ")
    added = ok(quantixctl(fleet, "clusters", "add-hosts", "lab", "host-c")).splitlines()
    assert added[0] == "Added to cluster lab: host-c"
    assert "Hosts            1/1 online: host-c" in added
    assert shown(fleet, "lab")["hosts"] == ["host-c"]

    # quantixctl reads the cluster and says what the removal would break before asking.
    breaking = quantixctl(fleet, "clusters", "remove-hosts", "prod", "host-b")
    one_line_error(
        breaking,
        1,
        "quantixctl: cluster prod: removing host-b would leave 1 host, but HA admission "
        "control tolerating 1 host failure needs at least 2 hosts; lower host failures to "
        "tolerate or turn admission control off first; nothing was changed",
    )
    assert shown(fleet, "prod")["hosts"] == ["host-a", "host-b"]
    # A cluster it cannot read: the coordinator's own refusal.
    unknown = quantixctl(fleet, "clusters", "remove-hosts", "nosuch", "host-a")
    assert "nosuch" in refused_by_coordinator(fleet, unknown, "not found")

    ok(quantixctl(fleet, "clusters", "update", "prod", "--no-admission-control"))
    removed = ok(quantixctl(fleet, "clusters", "remove-hosts", "prod", "host-b")).splitlines()
    assert removed[0] == "Removed from cluster prod: host-b"
    assert shown(fleet, "prod")["hosts"] == ["host-a"]

    # Delete: refused while it has a host, unless released; the question says which.
    with_hosts = quantixctl(fleet, "clusters", "delete", "prod", "--yes")
    assert "1 host" in refused_by_coordinator(fleet, with_hosts)
    unconfirmed = quantixctl(fleet, "clusters", "delete", "prod", "--release-hosts", stdin="n\n")
    assert unconfirmed.returncode == 1
    assert unconfirmed.stderr.splitlines() == [
        "Delete cluster prod and release its 1 host (host-a)? They stay registered. [y/N] ",
        "quantixctl: not confirmed: nothing was changed (--yes skips the question)",
    ]
    assert shown(fleet, "prod")["hosts"] == ["host-a"]
    deleted = quantixctl(fleet, "clusters", "delete", "prod", "--release-hosts", stdin="y\n")
    assert ok(deleted).splitlines() == ["Cluster prod deleted.", "Released 1 host: host-a"]
    listed = json.loads(ok(quantixctl(fleet, "clusters", "list", "--json")))
    assert [c["name"] for c in listed] == ["lab"]
    hosts = json.loads(ok(quantixctl(fleet, "hosts", "list", "--json")))
    assert sorted(h["name"] for h in hosts) == list(HOSTS)  # released hosts stay registered
    # Released, host-a may join another cluster.
    ok(quantixctl(fleet, "clusters", "add-hosts", "lab", "host-a"))
    assert shown(fleet, "lab")["hosts"] == ["host-a", "host-c"]
