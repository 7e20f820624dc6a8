"""A node daemon builds distributed switches: a real daemon started with ``--netns``, called as
the coordinator over mutual TLS, its NICs veth pairs made by ``localfleet.netns``; every
outcome is read back over netlink in that namespace. The machine's own interfaces are never
touched: the root namespace's interface list is the same after the module as before it.

This kernel may lack the bonding and 802.1Q drivers (the CI VM's does: CONFIG_BONDING and
CONFIG_VLAN_8021Q are unset). Whether it has them is checked here independently of the daemon,
by making one in a scratch namespace; the tests then assert the build where the kernel can, and
where it cannot, the exact refusal and that nothing was left behind.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Iterator

import grpc
import pytest
from pyroute2.netlink.exceptions import NetlinkError

from clients.node import NodeClient
from domain.switch_layout import bond_name, bridge_name, vlan_bridge_name, vlan_interface_name
from domain.switches import HostUplinks, PortGroup, SwitchSpec, UplinkNic, uplink_names
from localfleet.netns import HostNet, Nic
from node_daemon.host_links import read_links
from node_daemon.netns import NamespaceMissing, netlink
from proto.quantix.v1 import common_pb2 as cpb
from tests.node.conftest import NodeLauncher, NodeProcess
from wire.metadata import REASON_KEY, STEP_KEY, trailing
from wire.switch_codec import switch_to_pb

NODE = "host-n"


def root_interfaces() -> list[tuple[int, str, int, int]]:
    with netlink("") as ipr:
        return sorted(
            (link.index, link.name, link.mtu, link.master) for link in read_links(ipr).values()
        )


@dataclasses.dataclass
class SwitchHost:
    node: NodeProcess
    namespace: str
    hosts: HostNet

    def links(self):
        with netlink(self.namespace) as ipr:
            return read_links(ipr)

    def set_mtu(self, nic: str, mtu: int) -> None:
        with netlink(self.namespace) as ipr:
            ipr.link("set", index=ipr.link_lookup(ifname=nic)[0], mtu=mtu)

    def call(self, method):
        async def main():
            async with NodeClient(self.node.as_coordinator, self.node.name) as client:
                return await method(client)

        return asyncio.run(main())

    def refusal(self, method) -> grpc.aio.AioRpcError:
        async def main():
            async with NodeClient(self.node.as_coordinator, self.node.name) as client:
                with pytest.raises(grpc.aio.AioRpcError) as caught:
                    await method(client)
                return caught.value

        return asyncio.run(main())


@pytest.fixture(scope="module")
def switch_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SwitchHost]:
    before = root_interfaces()
    hosts = HostNet()
    launcher = NodeLauncher(tmp_path_factory.mktemp("switch-node"))
    try:
        namespace = hosts.add_host(
            NODE, ["eth1", "eth2", Nic("eth3", 9000), "eth4", "eth5", Nic("eth6", 1280)]
        )
        node = launcher.start(name=NODE, extra=("--netns", namespace))
        yield SwitchHost(node, namespace, hosts)
    finally:
        launcher.stop_all()
        hosts.close()
    assert root_interfaces() == before, "the root namespace's interfaces changed"


def kernel_can(hosts: HostNet, kind: str) -> bool:
    """Whether this kernel makes a ``kind`` link: tried in a scratch namespace of its own."""
    scratch = hosts.add_host(f"probe-{kind}", ["eth1"])
    with netlink(scratch) as ipr:
        extra = {"link": ipr.link_lookup(ifname="eth1")[0], "vlan_id": 5} if kind == "vlan" else {}
        try:
            ipr.link("add", ifname="probe", kind=kind, **extra)
        except NetlinkError:
            return False
    return True


def switch(name: str, nics: dict[str, str], standby: tuple[str, ...] = (), **fields) -> SwitchSpec:
    uplinks = uplink_names(len(nics))
    return SwitchSpec(
        name=name,
        uplinks=uplinks,
        active=tuple(u for u in uplinks if u not in standby),
        standby=standby,
        hosts=(HostUplinks(NODE, tuple(UplinkNic(u, n) for u, n in nics.items())),),
        **fields,
    )


def quantix_links(host: SwitchHost, name: str) -> set[str]:
    return {link.name for link in host.links().values() if link.alias == f"quantix switch {name}"}


def test_one_uplink_makes_a_bridge_with_the_nic_and_the_mtu_idempotently(switch_host):
    spec = switch("sw-one", {"uplink1": "eth1"}, mtu=9000, port_groups=(PortGroup("lan"),))
    health = switch_host.call(lambda c: c.init_switch(switch_to_pb(spec)))
    links = switch_host.links()
    bridge, nic = links[bridge_name("sw-one")], links["eth1"]
    assert (bridge.kind, bridge.mtu, bridge.up, bridge.alias) == (
        "bridge",
        9000,
        True,
        "quantix switch sw-one",
    )
    assert (nic.master, nic.mtu, nic.up, nic.link_up) == (bridge.index, 9000, True, True)
    assert list(health.problems) == []
    assert (health.bridge, health.bridge_present, health.bridge_mtu, health.bond) == (
        bridge_name("sw-one"),
        True,
        9000,
        "",
    )
    (uplink,) = health.uplinks
    # veth's driver reports 10000 Mb/s through ethtool: that figure, never one of ours.
    assert (uplink.uplink, uplink.nic, uplink.present, uplink.link_up, uplink.speed_mbps) == (
        "uplink1",
        "eth1",
        True,
        True,
        10000,
    )
    assert (uplink.mtu, uplink.mtu_matches, uplink.enslaved) == (9000, True, True)
    assert health.vlan_support == cpb.SWITCH_VLAN_SUPPORT_UNCHECKED
    assert [(g.port_group, g.vlan, g.bridge, g.present) for g in health.port_groups] == [
        ("lan", 0, bridge_name("sw-one"), True)
    ]

    # Again: nothing made anew, nothing changed.
    again = switch_host.call(lambda c: c.init_switch(switch_to_pb(spec)))
    assert switch_host.links()[bridge_name("sw-one")].index == bridge.index
    assert again == health

    # The NIC's MTU lowered behind the switch's back: health says so; a re-init repairs it.
    switch_host.set_mtu("eth1", 1400)
    health = switch_host.call(lambda c: c.get_switch_health(switch_to_pb(spec)))
    assert (health.uplinks[0].mtu, health.uplinks[0].mtu_matches) == (1400, False)
    assert "uplink1 -> eth1: MTU 1400, the switch's is 9000" in health.problems
    repaired = switch_host.call(lambda c: c.init_switch(switch_to_pb(spec)))
    assert list(repaired.problems) == []
    assert switch_host.links()["eth1"].mtu == 9000

    removed = switch_host.call(lambda c: c.destroy_switch("sw-one"))
    assert removed == [bridge_name("sw-one")]
    links = switch_host.links()
    assert bridge_name("sw-one") not in links
    assert links["eth1"].master == 0  # the NIC is the host's: released, never deleted
    assert switch_host.call(lambda c: c.destroy_switch("sw-one")) == []  # gone: fine


def test_a_missing_nic_is_refused_naming_it_and_nothing_is_left(switch_host):
    spec = switch("sw-missing", {"uplink1": "eth2", "uplink2": "eth9"})
    error = switch_host.refusal(lambda c: c.init_switch(switch_to_pb(spec)))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert (
        error.details() == f"{NODE}: building switch sw-missing: uplink2 -> eth9: no such interface"
    )
    assert (trailing(error, REASON_KEY), trailing(error, STEP_KEY)) == ("NIC_MISSING", "check")
    assert quantix_links(switch_host, "sw-missing") == set()
    assert switch_host.links()["eth2"].master == 0


def test_a_nic_carrying_the_hosts_address_is_refused_and_keeps_it(switch_host):
    with netlink(switch_host.namespace) as ipr:
        index = ipr.link_lookup(ifname="eth5")[0]
        ipr.addr("add", index=index, address="192.0.2.10", prefixlen=24)
    try:
        spec = switch("sw-mgmt", {"uplink1": "eth5"})
        error = switch_host.refusal(lambda c: c.init_switch(switch_to_pb(spec)))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error.details() == (
            f"{NODE}: building switch sw-mgmt: uplink1 -> eth5: carries 192.0.2.10/24, the "
            "host's own address: move it off the NIC first (the switch would take the NIC off "
            "the network)"
        )
        assert trailing(error, REASON_KEY) == "NIC_IN_USE"
        assert quantix_links(switch_host, "sw-mgmt") == set()
        assert switch_host.links()["eth5"].master == 0
    finally:
        with netlink(switch_host.namespace) as ipr:
            index = ipr.link_lookup(ifname="eth5")[0]
            ipr.addr("del", index=index, address="192.0.2.10", prefixlen=24)


def test_a_nic_of_another_switch_is_refused_as_in_use(switch_host):
    first = switch("sw-owner", {"uplink1": "eth4"})
    switch_host.call(lambda c: c.init_switch(switch_to_pb(first)))
    try:
        second = switch("sw-thief", {"uplink1": "eth4"})
        error = switch_host.refusal(lambda c: c.init_switch(switch_to_pb(second)))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error.details() == (
            f"{NODE}: building switch sw-thief: uplink1 -> eth4: already a port of "
            f"{bridge_name('sw-owner')}, which is not switch sw-thief's"
        )
        assert trailing(error, REASON_KEY) == "NIC_IN_USE"
        assert quantix_links(switch_host, "sw-thief") == set()
    finally:
        switch_host.call(lambda c: c.destroy_switch("sw-owner"))


def test_a_nic_below_the_switch_mtu_is_raised_to_it(switch_host):
    # eth6 starts at 1280: the build sets the switch's MTU on it (a NIC that refuses keeps
    # its own, and health reports the mismatch, as for a NIC lowered afterwards, above).
    spec = switch("sw-raise", {"uplink1": "eth6"}, mtu=9000)
    health = switch_host.call(lambda c: c.init_switch(switch_to_pb(spec)))
    try:
        assert switch_host.links()["eth6"].mtu == 9000
        assert health.uplinks[0].mtu_matches
    finally:
        switch_host.call(lambda c: c.destroy_switch("sw-raise"))


def test_a_standby_uplink_makes_an_active_backup_bond_with_the_active_nic_primary(switch_host):
    spec = switch("sw-bond", {"uplink1": "eth2", "uplink2": "eth3"}, standby=("uplink1",), mtu=9000)
    # uplink2 is the only active one: its NIC, eth3, is the primary.
    if kernel_can(switch_host.hosts, "bond"):
        health = switch_host.call(lambda c: c.init_switch(switch_to_pb(spec)))
        try:
            links = switch_host.links()
            bond = links[bond_name("sw-bond")]
            assert (bond.kind, bond.bond_mode, bond.bond_primary) == (
                "bond",
                "active-backup",
                links["eth3"].index,
            )
            assert bond.master == links[bridge_name("sw-bond")].index
            assert links["eth2"].master == links["eth3"].master == bond.index
            assert (health.bond_present, health.bond_mode, health.bond_primary) == (
                True,
                "active-backup",
                "eth3",
            )
        finally:
            switch_host.call(lambda c: c.destroy_switch("sw-bond"))
    else:
        error = switch_host.refusal(lambda c: c.init_switch(switch_to_pb(spec)))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error.details().startswith(
            f"{NODE}: building switch sw-bond: this host's kernel cannot make bonds (no bonding "
            f"driver): creating {bond_name('sw-bond')}: "
        )
        assert (trailing(error, REASON_KEY), trailing(error, STEP_KEY)) == ("NO_BONDING", "bond")
    assert quantix_links(switch_host, "sw-bond") == set()
    links = switch_host.links()
    assert links["eth2"].master == links["eth3"].master == 0


def test_a_vlan_port_group_is_a_sub_interface_with_its_vlan_in_a_bridge_of_its_own(switch_host):
    spec = switch("sw-vlan", {"uplink1": "eth5"}, port_groups=(PortGroup("pg-42", 42),))
    interface, bridge = vlan_interface_name("sw-vlan", 42), vlan_bridge_name("sw-vlan", 42)
    if kernel_can(switch_host.hosts, "vlan"):
        health = switch_host.call(lambda c: c.init_switch(switch_to_pb(spec)))
        links = switch_host.links()
        assert (links[interface].kind, links[interface].vlan_id) == ("vlan", 42)
        assert links[interface].vlan_parent == links["eth5"].index
        assert links[interface].master == links[bridge].index
        assert health.vlan_support == cpb.SWITCH_VLAN_SUPPORT_YES
        removed = switch_host.call(lambda c: c.destroy_switch("sw-vlan"))
        assert removed == [interface, bridge_name("sw-vlan"), bridge]
    else:
        error = switch_host.refusal(lambda c: c.init_switch(switch_to_pb(spec)))
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error.details().startswith(
            f"{NODE}: building switch sw-vlan: port group pg-42 (VLAN 42): this host's kernel "
            f"cannot make 802.1Q VLAN sub-interfaces (no 8021q): creating {interface}: "
        )
        assert (trailing(error, REASON_KEY), trailing(error, STEP_KEY)) == ("NO_VLAN", "vlan")
        # The untagged part built before the VLAN was undone with it.
        assert switch_host.links()["eth5"].master == 0
    assert quantix_links(switch_host, "sw-vlan") == set()


def test_health_of_a_switch_never_built_names_every_missing_part(switch_host):
    spec = switch("sw-never", {"uplink1": "eth1"}, port_groups=(PortGroup("pg-7", 7),))
    health = switch_host.call(lambda c: c.get_switch_health(switch_to_pb(spec)))
    assert not health.bridge_present
    assert health.vlan_support == cpb.SWITCH_VLAN_SUPPORT_NO
    assert f"{bridge_name('sw-never')} is missing" in health.problems
    assert f"uplink1 -> eth1: not a port of {bridge_name('sw-never')}" in health.problems
    assert (
        f"port group pg-7 (VLAN 7): sub-interface {vlan_interface_name('sw-never', 7)} is missing"
        in health.problems
    )


def test_host_facts_list_the_namespace_nics_not_the_machines(switch_host):
    info = switch_host.call(lambda c: c.get_host_info())
    assert [nic.name for nic in info.nics] == ["eth1", "eth2", "eth3", "eth4", "eth5", "eth6"]
    assert {nic.name: nic.mtu for nic in info.nics}["eth3"] == 9000


def test_a_spec_without_this_host_or_breaking_a_rule_is_invalid(switch_host):
    spec = dataclasses.replace(switch("sw-elsewhere", {"uplink1": "eth1"}), hosts=())
    error = switch_host.refusal(lambda c: c.init_switch(switch_to_pb(spec)))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details() == f"hosts: switch sw-elsewhere maps no NICs on {NODE}"
    bad = switch("sw-bad", {"uplink1": "eth1"}, mtu=9217)
    error = switch_host.refusal(lambda c: c.init_switch(switch_to_pb(bad)))
    assert (error.code(), error.details()) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "mtu: must be 576-9216 (got 9217)",
    )


def test_a_thread_leaves_the_namespace_when_the_block_ends_even_on_failure(switch_host):
    own = os.stat("/proc/thread-self/ns/net").st_ino
    with pytest.raises(RuntimeError), netlink(switch_host.namespace):
        assert os.stat("/proc/thread-self/ns/net").st_ino != own
        raise RuntimeError("inside")
    assert os.stat("/proc/thread-self/ns/net").st_ino == own
    missing = pytest.raises(NamespaceMissing, match="network namespace qx-nope does not exist")
    with missing, netlink("qx-nope"):
        pass
    assert os.stat("/proc/thread-self/ns/net").st_ino == own
