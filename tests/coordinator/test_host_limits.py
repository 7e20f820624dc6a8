"""Bounds on what nodes send: the whole report in bytes, the number of hosts, and the node's
own filter of a pool the coordinator would refuse."""

from __future__ import annotations

import pytest

from coordinator import nodes as nodes_module
from coordinator.host_facts import MAX_REPORT_BYTES, validate_reported_pools
from coordinator.nodes import FleetFull
from domain.errors import ValidationError
from node_daemon.servicer import _reportable
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.test_pool_manager import World

WIDE = "\U0001d54f"  # one character, four bytes in UTF-8


def test_a_report_of_wide_characters_is_bounded_in_bytes_not_only_characters():
    pools = [
        common_pb2.HostStoragePool(name=f"p{i}", source=WIDE * 1000, target_path=WIDE * 1000)
        for i in range(200)
    ]
    with pytest.raises(ValidationError) as info:
        validate_reported_pools(pools)
    assert info.value.field == "pools"
    assert f"at most {MAX_REPORT_BYTES} bytes" in info.value.rule


def test_a_coordinator_at_its_host_limit_refuses_a_new_host_but_not_a_known_one(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(nodes_module, "MAX_NODES", 2)
    world = World(tmp_path)
    world.register("host-a", "host-b")
    with pytest.raises(FleetFull, match="holds 2 hosts, its limit"):
        world.nodes.register(pb.RegisterNodeRequest(hostname="host-c", address="127.0.0.1:7600"))
    world.register("host-a")  # re-registering a known host is always fine
    assert [n.name for n in world.nodes.list()] == ["host-a", "host-b"]
    world.store.close()


def test_the_node_leaves_out_a_pool_the_coordinator_would_refuse():
    fine = common_pb2.HostStoragePool(name="default", type="dir", target_path="/srv/vms")
    odd = common_pb2.HostStoragePool(name="tab\there", type="dir")
    deep = common_pb2.HostStoragePool(name="deep", type="dir", target_path="/" + "d" * 2000)
    assert [p.name for p in (fine, odd, deep) if _reportable(p)] == ["default"]
