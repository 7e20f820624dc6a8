"""Rules about a cluster's members and its status from theirs (domain.cluster_rules), each
with the sentence a user reads."""

from __future__ import annotations

import pytest

from domain.cluster_rules import (
    HIGH_USAGE,
    ClusterStatus,
    MemberState,
    admission_holds,
    admission_problem,
    cluster_status,
    default_problem,
    membership_conflicts,
    removal_problem,
)
from domain.clusters import HaSettings
from domain.node_status import NodeStatus

ON = NodeStatus.CONNECTED
OFF = NodeStatus.OFFLINE
MAINT = NodeStatus.MAINTENANCE

HA_1 = HaSettings(enabled=True, admission_control=True, host_failures_to_tolerate=1)
HA_2 = HaSettings(enabled=True, admission_control=True, host_failures_to_tolerate=2)


def test_a_host_in_another_cluster_cannot_join_and_is_told_where_it_is():
    cluster_of = {"host-a": "prod", "host-b": "prod", "host-c": "dev"}
    assert membership_conflicts("dev", ["host-b", "host-c", "host-d"], cluster_of) == [
        "host-b is already in cluster prod; remove it there first"
    ]
    assert membership_conflicts("prod", ["host-a", "host-d"], cluster_of) == []


@pytest.mark.parametrize(
    ("ha", "hosts", "problem"),
    [
        (HA_1, 2, None),
        (
            HA_1,
            1,
            "HA admission control tolerating 1 host failure needs at least 2 hosts; "
            "the cluster has 1 host",
        ),
        (
            HA_1,
            0,
            "HA admission control tolerating 1 host failure needs at least 2 hosts; "
            "the cluster has 0 hosts",
        ),
        (
            HA_2,
            2,
            "HA admission control tolerating 2 host failures needs at least 3 hosts; "
            "the cluster has 2 hosts",
        ),
        (HA_2, 3, None),
        (HaSettings(enabled=False, admission_control=True, host_failures_to_tolerate=5), 1, None),
        (HaSettings(enabled=True, admission_control=False, host_failures_to_tolerate=5), 1, None),
    ],
)
def test_admission_control_needs_more_hosts_than_failures_tolerated(ha, hosts, problem):
    assert admission_problem(ha, hosts) == problem
    assert admission_holds(ha, hosts) is (problem is None)


def test_removal_tells_what_it_would_break_and_how_to_go_on():
    members = ["host-a", "host-b", "host-c"]
    assert removal_problem(HA_2, members, ["host-c"]) == (
        "removing host-c would leave 2 hosts, but HA admission control tolerating 2 host "
        "failures needs at least 3 hosts; lower host failures to tolerate or turn admission "
        "control off first"
    )
    assert removal_problem(HA_1, members, ["host-c"]) is None
    assert removal_problem(HA_1, members, ["host-c", "host-a"]).startswith(
        "removing host-a, host-c would leave 1 host, but"
    )
    assert removal_problem(HaSettings(), members, members) is None


@pytest.mark.parametrize(
    ("kind", "name", "placed_on", "problem"),
    [
        ("pool", "", None, None),
        ("pool", "nfs-a", None, "no pool named nfs-a exists"),
        ("pool", "nfs-a", {"host-a", "host-b", "host-z"}, None),
        (
            "pool",
            "local-a",
            {"host-a"},
            "pool local-a is not on host-b; assign it there first or choose another pool",
        ),
        (
            "network",
            "vm-net",
            set(),
            "network vm-net is not on host-a, host-b; assign it there first or choose "
            "another network",
        ),
    ],
)
def test_a_default_must_exist_and_be_on_every_member(kind, name, placed_on, problem):
    assert default_problem(kind, name, placed_on, ["host-b", "host-a"]) == problem


def member(name, status=ON, cpu=None, memory=None):
    return MemberState(name, status, cpu, memory)


@pytest.mark.parametrize(
    ("members", "problems", "status", "reason"),
    [
        ([], (), ClusterStatus.EMPTY, "No hosts in this cluster"),
        ([member("host-a")], (), ClusterStatus.HEALTHY, "The host is connected"),
        (
            [member("host-a"), member("host-b"), member("host-c")],
            (),
            ClusterStatus.HEALTHY,
            "All 3 hosts connected",
        ),
        (
            [member("host-a"), member("host-b", MAINT)],
            (),
            ClusterStatus.WARNING,
            "host-b in maintenance",
        ),
        (
            [member("host-a"), member("host-b", OFF), member("host-c")],
            (),
            ClusterStatus.WARNING,
            "host-b offline",
        ),
        # Exactly half offline is not "more than half".
        (
            [member("host-a", OFF), member("host-b")],
            (),
            ClusterStatus.WARNING,
            "host-a offline",
        ),
        (
            [member("host-a"), member("host-b", OFF), member("host-c", OFF)],
            (),
            ClusterStatus.CRITICAL,
            "2 of 3 hosts offline: host-b, host-c",
        ),
        ([member("host-a", OFF)], (), ClusterStatus.CRITICAL, "1 of 1 hosts offline: host-a"),
        (
            [member("host-b", cpu=0.95), member("host-a", memory=0.91)],
            (),
            ClusterStatus.WARNING,
            "host-a memory above 90 %; host-b CPU above 90 %",
        ),
        (
            [member("host-a", cpu=HIGH_USAGE, memory=HIGH_USAGE)],
            (),
            ClusterStatus.HEALTHY,
            "The host is connected",
        ),
        # An offline or maintenance host's last figures are not its load now.
        (
            [member("host-a", MAINT, cpu=0.99), member("host-b"), member("host-c")],
            (),
            ClusterStatus.WARNING,
            "host-a in maintenance",
        ),
        (
            [member("host-a"), member("host-b")],
            ("default pool nfs-a no longer exists",),
            ClusterStatus.WARNING,
            "default pool nfs-a no longer exists",
        ),
        (
            [
                member("host-c", MAINT),
                member("host-a", OFF),
                member("host-b", cpu=0.97),
                member("host-d"),
            ],
            ("default pool nfs-a no longer exists",),
            ClusterStatus.WARNING,
            "host-a offline; host-c in maintenance; host-b CPU above 90 %; "
            "default pool nfs-a no longer exists",
        ),
    ],
)
def test_cluster_status_always_says_why(members, problems, status, reason):
    assert cluster_status(members, problems) == (status, reason)
