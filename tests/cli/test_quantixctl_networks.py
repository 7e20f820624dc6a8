"""quantixctl networks as a user runs it: real processes against a real coordinator and three
node daemons on libvirt's test driver (the `fleet` fixture)."""

import asyncio
import json

from clients.coordinator import CoordinatorClient
from localfleet.testhosts import write_test_host
from tests.cli.test_quantixctl_pools import HOSTS, connected, one_line_error
from tests.coordinator.test_networks_discovered import _host_d
from tests.fleet_client import all_registered, quantixctl, wait_registered
from tests.helpers import eventually

LAB = (
    "--type", "nat", "--subnet", "10.20.0.0/24",
    "--lease", "52:54:00:00:00:10,10.20.0.10,web",
    "--dns", "10.20.0.1", "2001:db8::53", "--domain", "lab.example",
    "--ipv6", "fd00:20::/64", "--mtu", "9000", "--description", "the lab",
)  # fmt: skip


def test_create_nat_waits_until_ready_with_suggestions_and_list_and_show_print_every_field(fleet):
    connected(fleet)
    created = quantixctl(fleet, "networks", "create", "lab", *LAB, "--wait", "--json")
    assert created.returncode == 0, created.stderr
    network = json.loads(created.stdout)
    assert (network["phase"], network["message"], network["type"]) == ("READY", "", "nat")
    assert [(h["host"], h["phase"]) for h in network["hosts"]] == [(h, "READY") for h in HOSTS]
    # No --gateway or --dhcp: the domain's suggestions for 10.20.0.0/24.
    spec = network["spec"]
    assert (spec["gateway"], spec["dhcp_start"], spec["dhcp_end"]) == (
        "10.20.0.1",
        "10.20.0.100",
        "10.20.0.200",
    )

    listing = quantixctl(fleet, "networks", "list")
    assert listing.returncode == 0, listing.stderr
    header, row = listing.stdout.splitlines()
    assert header.split() == ["NAME", "TYPE", "LINK", "VLAN", "HOSTS", "PHASE", "MESSAGE"]
    assert row.split() == ["lab", "NAT", "10.20.0.0/24", "—", "3/3", "ready", "READY"]
    assert [n["name"] for n in json.loads(quantixctl(fleet, "networks", "list", "--json").stdout)]
    assert json.loads(quantixctl(fleet, "networks", "show", "lab", "--json").stdout) == network

    shown = quantixctl(fleet, "networks", "show", "lab")
    assert shown.returncode == 0, shown.stderr
    for line in (
        "Type           NAT",
        "Phase          READY",
        "Subnet         10.20.0.0/24",
        "Gateway        10.20.0.1",
        "DHCP           10.20.0.100 – 10.20.0.200",
        "Static leases  52:54:00:00:00:10 → 10.20.0.10 (web)",
        "DNS servers    10.20.0.1, 2001:db8::53",
        "DNS domain     lab.example",
        "IPv6           fd00:20::/64",
        "MTU            9000",
        "Assigned to    every host (including hosts that join later)",
        "Description    the lab",
    ):
        assert line in shown.stdout.splitlines(), (line, shown.stdout)
    for host in HOSTS:
        assert f"  {host}  READY" in shown.stdout.splitlines()


def test_bad_flags_are_refused_naming_the_flag_before_any_call_and_nothing_is_created(fleet):
    connected(fleet)
    cases = [
        (("--subnet", "10.20.0.0/31"), "--subnet (subnet): /31 holds two addresses"),
        (("--subnet", "10.20.0.0/24", "--gateway", "10.20.1.1"), "--gateway (gateway): "),
        (("--subnet", "10.20.0.0/24", "--dhcp", "10.20.0.100"), "--dhcp (dhcp.start): "),
        (
            ("--subnet", "10.20.0.0/24", "--dhcp", "10.20.0.1-10.20.0.50"),
            "--dhcp (dhcp.start): the range 10.20.0.1-10.20.0.50 contains the gateway",
        ),
        (("--subnet", "10.20.0.0/24", "--lease", "nope"), "--lease (leases[0]): "),
        (("--subnet", "10.20.0.0/24", "--mtu", "90000"), "--mtu (mtu): "),
        (("--subnet", "10.20.0.0/24", "--vlan", "7"), "--vlan (vlan): "),
        (("--bridge", "br0", "--subnet", "10.1.0.0/24"), "--subnet (subnet): "),
    ]
    for flags, start in cases:
        kind = "bridged" if "--bridge" in flags else "nat"
        result = quantixctl(fleet, "networks", "create", "n1", "--type", kind, *flags)
        one_line_error(result, 2, f"quantixctl: {start}")
        assert result.stdout == ""
    assert quantixctl(fleet, "networks", "list").stdout.strip() == "No networks."
    # An update's malformed flag is refused before even the current spec is read: the
    # network does not exist, yet the flag is what is named.
    update = quantixctl(fleet, "networks", "update", "missing", "--dhcp", "x")
    one_line_error(update, 2, "quantixctl: --dhcp (dhcp.start): must be START-END")


def test_overlap_is_refused_by_the_server_and_update_changes_dhcp_and_delete_confirms(fleet):
    connected(fleet)
    created = quantixctl(fleet, "networks", "create", "lab", *LAB, "--wait")
    assert created.returncode == 0, created.stderr
    overlapping = quantixctl(
        fleet, "networks", "create", "lab-two", "--type", "nat", "--subnet", "10.20.0.0/25"
    )
    one_line_error(
        overlapping,
        1,
        f"quantixctl: coordinator {fleet.coordinator_address} rejected the request: subnet: "
        "10.20.0.0/25 overlaps 10.20.0.0/24 of network lab on host-a and 2 more host(s)",
    )

    updated = quantixctl(
        fleet, "networks", "update", "lab", "--dhcp", "10.20.0.150-10.20.0.160", "--wait"
    )
    assert updated.returncode == 0, updated.stderr
    shown = quantixctl(fleet, "networks", "show", "lab").stdout.splitlines()
    assert "DHCP           10.20.0.150 – 10.20.0.160" in shown
    assert "MTU            9000" in shown  # what was not given is kept
    assert "Gateway        10.20.0.1" in shown

    viewer = quantixctl(fleet, "networks", "list", role="viewer")
    assert viewer.returncode == 0, viewer.stderr
    refused = quantixctl(fleet, "networks", "delete", "lab", "--yes", role="viewer")
    one_line_error(refused, 1, f"quantixctl: coordinator {fleet.coordinator_address} permission")

    unconfirmed = quantixctl(fleet, "networks", "delete", "lab", stdin="n\n")
    assert unconfirmed.returncode == 1
    assert unconfirmed.stderr.splitlines() == [
        "Delete network lab from every host? [y/N] ",
        "quantixctl: not confirmed: nothing was changed (--yes skips the question)",
    ]
    deleted = quantixctl(fleet, "networks", "delete", "lab", stdin="y\n")
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.splitlines()[0] == "Network lab deleted."
    assert quantixctl(fleet, "networks", "list", "--json").stdout.strip() == "[]"


# --- switches: two nodes in network namespaces of their own, veth NICs (the `switch_fleet`
# fixture); this machine's interfaces are never touched.


def uplink_row(shown: str, host: str) -> list[str]:
    (row,) = [line.split() for line in shown.splitlines() if line.split()[:2] == [host, "uplink1"]]
    return row


def test_a_switch_on_two_hosts_its_uplinks_a_port_group_network_and_delete_refused_in_use(
    switch_fleet,
):
    fleet, _hosts = switch_fleet
    all_registered(fleet)
    bad_map = quantixctl(
        fleet, "switches", "create", "dvs1", "--uplinks", "1", "--map", "host-a:eth1"
    )
    one_line_error(bad_map, 2, "quantixctl: --map (hosts[0]): must be HOST:UPLINK=NIC[,...]")
    assert quantixctl(fleet, "switches", "list").stdout.strip() == "No switches."

    maps = ("--map", "host-a:uplink1=eth1", "host-b:uplink1=eth1")
    created = quantixctl(
        fleet, "switches", "create", "dvs1", "--uplinks", "1", *maps, "--wait", "--json"
    )
    assert created.returncode == 0, created.stderr
    switch = json.loads(created.stdout)
    assert [(h["host"], h["phase"]) for h in switch["hosts"]] == [
        ("host-a", "READY"),
        ("host-b", "READY"),
    ]
    assert switch["hosts"][0]["switch_health"]["uplinks"][0]["nic"] == "eth1"
    shown = quantixctl(fleet, "switches", "show", "dvs1")
    assert shown.returncode == 0, shown.stderr
    assert "  HOST    UPLINK   NIC   LINK  SPEED      MTU   IN SWITCH" in shown.stdout
    for host in ("host-a", "host-b"):
        assert uplink_row(shown.stdout, host) == [
            host, "uplink1", "eth1", "up", "10", "Gbit/s", "1500", "yes"
        ]  # fmt: skip
    assert "Problems: none" in shown.stdout.splitlines()
    listing = quantixctl(fleet, "switches", "list").stdout.splitlines()
    assert listing[1].split()[:4] == ["dvs1", "uplink1", "(active)", "1500"]

    remapped = quantixctl(
        fleet, "switches", "map-uplink", "dvs1", "--map", "host-a:uplink1=eth2", "--wait"
    )
    assert remapped.returncode == 0, remapped.stderr
    assert uplink_row(remapped.stdout, "host-a")[2:4] == ["eth2", "up"]
    assert uplink_row(remapped.stdout, "host-b")[2:4] == ["eth1", "up"]

    added = quantixctl(fleet, "switches", "add-portgroup", "dvs1", "guests", "--wait")
    assert added.returncode == 0, added.stderr
    assert "  guests      VLAN none  1500 (the switch's)  host-a, host-b" in added.stdout
    second_untagged = quantixctl(fleet, "switches", "add-portgroup", "dvs1", "more")
    one_line_error(
        second_untagged,
        2,
        "quantixctl: PG (port_groups[1].vlan): VLAN none is both guests's and more's",
    )

    network = quantixctl(
        fleet, "networks", "create", "guests", "--type", "port-group", "--switch", "dvs1",
        "--port-group", "guests", "--wait",
    )  # fmt: skip
    assert network.returncode == 0, network.stderr
    listed = quantixctl(fleet, "networks", "list").stdout.splitlines()[1].split()
    assert listed[:4] == ["guests", "Port", "group", "dvs1/guests"]

    in_use = quantixctl(fleet, "switches", "delete", "dvs1", "--yes")
    one_line_error(
        in_use,
        1,
        f"quantixctl: coordinator {fleet.coordinator_address} refused: switch dvs1 carries "
        "network guests: delete them first",
    )
    assert quantixctl(fleet, "networks", "delete", "guests", "--yes").returncode == 0
    deleted = quantixctl(fleet, "switches", "delete", "dvs1", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.splitlines()[0] == "Switch dvs1 deleted."


# --- networks Quantix did not create: each test host defines `default` (NAT on virbr0) and
# `storage-isolated` (tests/coordinator/test_networks_discovered.py).


def found_on(fleet, name, hosts):
    """Wait until the coordinator has ``name`` discovered on exactly ``hosts``."""

    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await eventually(
                client.list_discovered_networks,
                lambda r: (
                    [[h.host for h in n.hosts] for n in r.networks if n.name == name]
                    == [list(hosts)]
                ),
                timeout_s=60,
                what=f"{name} discovered on {', '.join(hosts)}",
            )

    asyncio.run(main())


def listed_all(fleet):
    result = quantixctl(fleet, "networks", "list", "--all", "--json")
    assert result.returncode == 0, result.stderr
    return {(n["name"], n["phase"]): n for n in json.loads(result.stdout)}


def test_list_all_shows_the_hosts_own_networks_as_unmanaged_after_the_managed_ones(fleet):
    connected(fleet)
    found_on(fleet, "default", HOSTS)
    created = quantixctl(fleet, "networks", "create", "lab", *LAB, "--wait")
    assert created.returncode == 0, created.stderr

    entries = listed_all(fleet)
    nat = entries["default", "UNMANAGED"]
    assert (nat["forward_mode"], nat["type_label"], nat["bridge"], nat["subnets"]) == (
        "nat",
        "NAT",
        "virbr0",
        ["192.168.122.1/24"],
    )
    assert [h["host"] for h in nat["hosts"]] == list(HOSTS)
    assert nat["adoptable"] and nat["not_adoptable_reason"] == ""
    # The managed one first, then what the hosts have that Quantix does not manage.
    assert [phase for _name, phase in entries] == ["READY"] + ["UNMANAGED"] * (len(entries) - 1)

    table = quantixctl(fleet, "networks", "list", "--all").stdout.splitlines()
    assert table[1].split()[0] == "lab"
    (row,) = [line for line in table if line.startswith("default ")]
    assert row.split() == [
        "default", "NAT", "bridge", "virbr0,", "192.168.122.1/24", "—",
        "host-a,", "host-b,", "host-c", "UNMANAGED",
        "adoptable:", "quantixctl", "networks", "adopt", "NAME",
    ]  # fmt: skip
    # Without --all, only what Quantix manages.
    managed = quantixctl(fleet, "networks", "list").stdout.splitlines()
    assert [line.split()[0] for line in managed] == ["NAME", "lab"]


def test_adopt_dry_run_changes_nothing_and_adopt_wait_makes_it_ready_and_managed(fleet):
    connected(fleet)
    found_on(fleet, "default", HOSTS)

    dry = quantixctl(fleet, "networks", "adopt", "default", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    shown = dry.stdout.splitlines()
    for line in (
        "Type           NAT",
        "Subnet         192.168.122.0/24",
        "Gateway        192.168.122.1",
    ):
        assert line in shown, (line, dry.stdout)
    dry_json = json.loads(
        quantixctl(fleet, "networks", "adopt", "default", "--dry-run", "--json").stdout
    )
    assert dry_json["spec"]["bridge"] == "virbr0"
    # Nothing changed: not managed, still found on every host.
    assert quantixctl(fleet, "networks", "list").stdout.strip() == "No networks."
    assert [h["host"] for h in listed_all(fleet)["default", "UNMANAGED"]["hosts"]] == list(HOSTS)

    adopted = quantixctl(fleet, "networks", "adopt", "default", "--wait", "--json")
    assert adopted.returncode == 0, adopted.stderr
    network = json.loads(adopted.stdout)
    assert (network["phase"], network["type"], network["spec"]["subnet"]) == (
        "READY",
        "nat",
        "192.168.122.0/24",
    )
    assert [(h["host"], h["phase"]) for h in network["hosts"]] == [(h, "READY") for h in HOSTS]

    listing = quantixctl(fleet, "networks", "list").stdout.splitlines()
    assert listing[1].split() == [
        "default",
        "NAT",
        "192.168.122.0/24",
        "—",
        "3/3",
        "ready",
        "READY",
    ]

    async def unmanaged_gone():
        # Hosts report again after the adoption: until then it is also still found.
        return await eventually(
            lambda: asyncio.to_thread(listed_all, fleet),
            lambda entries: ("default", "UNMANAGED") not in entries,
            timeout_s=60,
            what="default no longer UNMANAGED",
        )

    entries = asyncio.run(unmanaged_gone())
    assert entries["default", "READY"]["spec"]["bridge"] == "virbr0"
    assert ("storage-isolated", "UNMANAGED") in entries


def test_adopt_refusals_print_the_servers_message_with_exit_status_1(fleet, tmp_path):
    uri = write_test_host(tmp_path / "own-hosts" / "host-d.xml", "host-d", 3, edit=_host_d)
    fleet.add_node("host-d", libvirt_uri=uri)
    asyncio.run(fleet.nodes["host-d"].wait_serving())
    asyncio.run(wait_registered(fleet.coordinator_endpoint(), fleet.nodes))
    found_on(fleet, "routed-lab", ["host-d"])
    found_on(fleet, "storage-isolated", [*HOSTS, "host-d"])
    routed = listed_all(fleet)["routed-lab", "UNMANAGED"]
    assert (routed["type_label"], routed["adoptable"]) == ("Routed", False)

    refused = quantixctl(fleet, "networks", "adopt", "routed-lab", "--wait")
    one_line_error(
        refused,
        1,
        f"quantixctl: coordinator {fleet.coordinator_address} refused: network routed-lab: "
        "route networks are shown, not managed",
    )
    differing = quantixctl(fleet, "networks", "adopt", "storage-isolated", "--dry-run")
    line = one_line_error(differing, 1, f"quantixctl: coordinator {fleet.coordinator_address} ")
    assert (
        "network storage-isolated is defined differently on host-d than on host-a: "
        "dhcp: 10.10.0.100-10.10.0.200 on host-d, none on host-a"
    ) in line
    hosts = [arg for host in HOSTS for arg in ("--host", host)]
    agreeing = quantixctl(fleet, "networks", "adopt", "storage-isolated", *hosts, "--wait")
    assert agreeing.returncode == 0, agreeing.stderr
    assert "Phase          READY" in agreeing.stdout.splitlines()
