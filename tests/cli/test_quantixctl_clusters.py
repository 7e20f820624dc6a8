"""quantixctl clusters: bad input is refused before anything is sent, and a cluster reads the
same in the table, the detail and JSON.

Refusals run a real quantixctl process pointed at an address where nothing listens (any call
would fail there with "unreachable" and exit status 1), so exit status 2 with a line naming the
flag proves no call was made. The views are fed real protobuf messages."""

from __future__ import annotations

import json

from clients.cli import build_parser
from clients.cli_clusters import delete_question, update_request
from clients.cli_clusters_view import CLUSTER_HEADERS, cluster_json, cluster_rows, cluster_text
from clients.cli_format import format_table
from clients.present_clusters import drs_summary, ha_summary
from domain.clusters import (
    ClusterSpec,
    DrsAutomation,
    DrsSettings,
    HaSettings,
    IsolationResponse,
    RestartPriority,
)
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.cli.test_quantixctl_images import NOWHERE, nowhere, refused  # noqa: F401
from tests.cli.test_quantixctl_pools import one_line_error
from wire.cluster_codec import spec_to_pb

GIB = 1024**3
TIB = 1024**4
NOW = 1_800_000_000.0


def test_create_flags_are_checked_by_the_domain_rules_before_any_call(nowhere):  # noqa: F811
    cases = [
        (("bad name!",), "NAME (name): may contain only letters, digits"),
        (("p", "--description", "bell\x07"), "--description (description): "),
        (("p", "--labels", "env=prod,env=dev"), "--labels (labels): key 'env' is given twice"),
        (("p", "--labels", "=prod"), "--labels (labels): a label's key is required"),
        (("p", "--labels", "env=pr/od"), "--labels (labels['env']): may contain only letters"),
        (("p", "--labels", "k" * 64), "--labels (labels key): must be at most 63 characters"),
        (
            ("p", "--failures-to-tolerate", "0"),
            "--failures-to-tolerate (ha.host_failures_to_tolerate): must be from 1 to 31 (got 0)",
        ),
        (
            ("p", "--failures-to-tolerate", "²"),
            "--failures-to-tolerate (ha.host_failures_to_tolerate): must be a whole number "
            "from 1 to 31 (got '²')",
        ),
        (
            ("p", "--migration-threshold", "6"),
            "--migration-threshold (drs.migration_threshold): must be from 1 to 5 (got 6)",
        ),
        (("p", "--default-pool", "no pool"), "--default-pool (default_pool): may contain only"),
        (("p", "--default-network", ".x"), "--default-network (default_network): may contain"),
        (("p", "--hosts", "host_a"), "--hosts (hosts[0]): must be dot-separated labels"),
        (("p", "--hosts", "host-a", "host-a"), "--hosts (hosts): lists host-a more than once"),
        (
            ("p", "--ha", "--hosts", "host-a"),
            "--hosts (hosts): HA admission control tolerating 1 host failure needs at least "
            "2 hosts; the cluster has 1 host",
        ),
        (
            ("p", "--ha", "--failures-to-tolerate", "2", "--hosts", "host-a", "host-b"),
            "--hosts (hosts): HA admission control tolerating 2 host failures needs at least "
            "3 hosts; the cluster has 2 hosts",
        ),
    ]
    for args, start in cases:
        refused(nowhere("clusters", "create", *args), start)
    choice = nowhere("clusters", "create", "p", "--restart-priority", "urgent")
    assert choice.returncode == 2
    assert "argument --restart-priority: invalid choice: 'urgent'" in choice.stderr
    # Admission control off, HA on one host is a cluster the rules allow: it is sent (and
    # reaches for the coordinator, which is not there).
    one_line_error(
        nowhere("clusters", "create", "p", "--ha", "--no-admission-control", "--hosts", "host-a"),
        1,
        f"quantixctl: coordinator {NOWHERE} unreachable:",
    )


def test_update_delete_and_membership_are_checked_before_any_call(nowhere):  # noqa: F811
    nothing = refused(nowhere("clusters", "update", "prod"), "update: nothing to change")
    assert "--ha" in nothing and "--default-network" in nothing
    cases = [
        (("update", "prod", "--migration-threshold", "0"), "--migration-threshold (drs."),
        (("update", "prod", "--labels", "a=b,a=c"), "--labels (labels): key 'a' is given twice"),
        (("update", "bad!", "--ha"), "NAME (name): may contain only"),
        (("show", "bad!"), "NAME (name): may contain only"),
        (("delete", "bad!", "--yes"), "NAME (name): may contain only"),
        (("delete", "bad!"), "NAME (name): may contain only"),
        (("add-hosts", "prod", "host_a"), "HOST (hosts[0]): must be dot-separated labels"),
        (("remove-hosts", "prod", "b", "b"), "HOST (hosts): lists b more than once"),
        (("add-hosts", "bad!", "host-a"), "NAME (name): may contain only"),
    ]
    for args, start in cases:
        refused(nowhere("clusters", *args), start)
    one_line_error(
        nowhere("clusters", "update", "prod", "--no-ha"),
        1,
        f"quantixctl: coordinator {NOWHERE} unreachable:",
    )


def test_update_sends_a_mask_of_exactly_the_flags_given():
    args = build_parser().parse_args(
        ["clusters", "update", "prod", "--no-vm-monitoring", "--restart-priority", "high"]
    )
    spec, paths = update_request(args)
    assert paths == ("ha.vm_monitoring", "ha.restart_priority")
    assert (spec.name, spec.ha.vm_monitoring, spec.ha.restart_priority) == (
        "prod",
        False,
        RestartPriority.HIGH,
    )
    cleared = build_parser().parse_args(
        ["clusters", "update", "prod", "--labels", "", "--default-pool", ""]
    )
    spec, paths = update_request(cleared)
    assert paths == ("labels", "default_pool")
    assert (spec.labels, spec.default_pool) == ((), "")


def prod_spec() -> ClusterSpec:
    return ClusterSpec(
        name="prod",
        description="the production racks",
        labels=(("env", "prod"), ("rack", "r1")),
        ha=HaSettings(
            enabled=True,
            admission_control=True,
            host_failures_to_tolerate=1,
            host_monitoring=True,
            vm_monitoring=True,
            restart_priority=RestartPriority.HIGH,
            isolation_response=IsolationResponse.SHUT_DOWN,
        ),
        drs=DrsSettings(
            enabled=True,
            automation=DrsAutomation.FULLY_AUTOMATED,
            migration_threshold=3,
            power_management=False,
        ),
        default_pool="vms",
        default_network="lab",
    )


def prod_cluster() -> pb.Cluster:
    cluster = pb.Cluster(
        spec=spec_to_pb(prod_spec()),
        hosts=["host-a", "host-b", "host-c"],
        status=pb.CLUSTER_STATUS_WARNING,
        status_message="host-c offline",
        figures=pb.ClusterFigures(
            hosts_online=2,
            hosts_total=3,
            cores=96,
            memory_bytes=192 * GIB,
            storage_capacity_bytes=2 * TIB,
            storage_available_bytes=TIB + TIB // 2,
        ),
        pools=["isos", "vms"],
        networks=["lab"],
        created_by="local-admin",
    )
    cluster.created_at.FromSeconds(int(NOW - 3600))
    cluster.updated_at.FromSeconds(int(NOW - 60))
    return cluster


def lab_cluster() -> pb.Cluster:
    """HA and DRS off (their settings kept), no hosts, nothing else set."""
    spec = ClusterSpec(name="lab", ha=HaSettings(host_failures_to_tolerate=2))
    return pb.Cluster(
        spec=spec_to_pb(spec),
        status=pb.CLUSTER_STATUS_EMPTY,
        status_message="No hosts in this cluster",
    )


def test_ha_and_drs_read_as_one_phrase_each():
    spec = prod_spec()
    assert ha_summary(spec.ha) == (
        "HA on: tolerates 1 host failure, admission control on, restart priority high, "
        "isolation: shut down VMs"
    )
    assert drs_summary(spec.drs) == (
        "DRS fully automated, threshold 3 (balanced), power management off"
    )
    assert ha_summary(HaSettings()) == "HA off"
    assert drs_summary(DrsSettings()) == "DRS off"
    assert drs_summary(DrsSettings(enabled=True, migration_threshold=5)) == (
        "DRS manual, threshold 5 (aggressive), power management off"
    )
    assert drs_summary(DrsSettings(enabled=True, migration_threshold=2)).startswith(
        "DRS manual, threshold 2, "
    )


def test_the_list_shows_status_hosts_ha_drs_and_figures():
    table = format_table(cluster_rows([prod_cluster(), lab_cluster()], NOW), CLUSTER_HEADERS)
    header, *rows = table.splitlines()
    assert header.split() == ["NAME", "STATUS", "HOSTS", "HA", "DRS", "CORES", "MEMORY", "MESSAGE"]
    cells = [[cell.strip() for cell in row.split("  ") if cell.strip()] for row in rows]
    assert cells == [
        [
            "prod",
            "WARNING",
            "2/3 online",
            "on, tolerates 1",
            "fully automated",
            "96",
            "192.0 GiB",
            "host-c offline",
        ],
        ["lab", "EMPTY", "0/0 online", "off", "off", "—", "—", "No hosts in this cluster"],
    ]


def test_show_prints_every_setting_figure_and_member():
    assert cluster_text(prod_cluster(), NOW).splitlines() == [
        "Name             prod",
        "Status           WARNING — host-c offline",
        "Description      the production racks",
        "Labels           env=prod, rack=r1",
        "Hosts            2/3 online: host-a, host-b, host-c",
        "Cores            96",
        "Memory           192.0 GiB",
        "Storage          1.5 TiB free of 2.0 TiB",
        "HA               on: tolerates 1 host failure, admission control on, restart priority "
        "high, isolation: shut down VMs",
        "HA monitoring    hosts on, VMs on",
        "DRS              on: fully automated, threshold 3 (balanced), power management off",
        "Default pool     vms",
        "Default network  lab",
        "Pools            isos, vms",
        "Networks         lab",
        "Created          2027-01-15T07:00:00Z by local-admin",
        "Updated          2027-01-15T07:59:00Z",
    ]
    lab = cluster_text(lab_cluster(), NOW).splitlines()
    assert "Status           EMPTY — No hosts in this cluster" in lab
    assert "Hosts            none" in lab
    # Off, the settings are still the cluster's: show says what turning it on brings back.
    assert (
        "HA               off (kept: tolerates 2 host failures, admission control on, "
        "restart priority medium, isolation: leave powered on)"
    ) in lab
    assert (
        "DRS              off (kept: manual, threshold 3 (balanced), power management off)"
    ) in lab


def test_json_gives_every_field_in_the_values_the_flags_take_and_numbers_as_numbers():
    as_json = json.loads(json.dumps(cluster_json(prod_cluster())))
    assert as_json == {
        "name": "prod",
        "status": "WARNING",
        "status_message": "host-c offline",
        "hosts": ["host-a", "host-b", "host-c"],
        "spec": {
            "name": "prod",
            "description": "the production racks",
            "labels": {"env": "prod", "rack": "r1"},
            "ha": {
                "enabled": True,
                "admission_control": True,
                "host_failures_to_tolerate": 1,
                "host_monitoring": True,
                "vm_monitoring": True,
                "restart_priority": "high",
                "isolation_response": "shut-down",
            },
            "drs": {
                "enabled": True,
                "automation": "fully-automated",
                "migration_threshold": 3,
                "power_management": False,
            },
            "default_pool": "vms",
            "default_network": "lab",
        },
        "figures": {
            "hosts_online": 2,
            "hosts_total": 3,
            "cores": 96,
            "memory_bytes": 192 * GIB,
            "storage_capacity_bytes": 2 * TIB,
            "storage_available_bytes": TIB + TIB // 2,
        },
        "pools": ["isos", "vms"],
        "networks": ["lab"],
        "created_by": "local-admin",
        "created_at": "2027-01-15T07:00:00Z",
        "updated_at": "2027-01-15T07:59:00Z",
    }


def test_the_delete_question_says_what_happens_to_the_hosts():
    assert delete_question("lab", [], release=False) == "Delete cluster lab? It has no hosts."
    assert delete_question("prod", ["host-a", "host-b"], release=True) == (
        "Delete cluster prod and release its 2 hosts (host-a, host-b)? They stay registered."
    )
    assert delete_question("prod", ["host-a"], release=False) == (
        "Delete cluster prod? It has 1 host (host-a): refused unless --release-hosts is given."
    )
