"""Networks Quantix did not create, end to end: a real coordinator and real node daemons on
libvirt's test driver. Each test host defines ``default`` (NAT on virbr0) and
``storage-isolated`` (isolated on virbr1, its netmask written as a prefix); a fourth host,
written here, adds a routed network and an isolated one with a DHCP range the others lack.
Every wait polls (tests.helpers)."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET

import grpc
import pytest

from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from domain.network_xml import describe
from localfleet.testhosts import write_test_host
from proto.quantix.v1 import common_pb2 as cpb
from tests.coordinator.pool_wire import phases
from tests.fleet_client import wait_registered
from tests.helpers import eventually

HOSTS = ["host-a", "host-b", "host-c"]


def by_name(found) -> dict[str, object]:
    return {network.name: network for network in found.networks}


async def discovered(client, accept, what):
    return by_name(
        await eventually(
            client.list_discovered_networks,
            lambda found: accept(by_name(found)),
            timeout_s=60,
            what=what,
        )
    )


async def network_xml(fleet, host, name) -> str:
    async with NodeClient(fleet.node_endpoint(host, "coordinator"), host) as node:
        return await node.get_network_xml(name)


def test_host_networks_are_discovered_and_adopted_as_they_are(fleet):
    async def main():
        await wait_registered(fleet.coordinator_endpoint(), fleet.nodes)
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            found = await discovered(
                client,
                lambda d: (
                    all(
                        [h.host for h in d[n].hosts] == HOSTS
                        for n in ("default", "storage-isolated")
                        if n in d
                    )
                    and {"default", "storage-isolated"} <= set(d)
                ),
                "both networks on every host",
            )
            before = {h: await network_xml(fleet, h, "default") for h in HOSTS}
            preview = await client.adopt_network("default", dry_run=True)
            after_preview = (
                (await client.list_networks()).networks,
                by_name(await client.list_discovered_networks()),
            )
            adopted = await client.adopt_network("default")
            ready = await eventually(
                lambda: client.get_network("default"),
                lambda n: n.realization.phase == cpb.PHASE_READY,
                timeout_s=60,
                what="default READY",
            )
            left = await discovered(client, lambda d: "default" not in d, "default not discovered")
            after = {h: await network_xml(fleet, h, "default") for h in HOSTS}
            # Adopted, it is Quantix's to change: an update redefines it on every host (it
            # never had Quantix's mark; the hosts where it is READY are told it is the
            # coordinator's).
            changed = cpb.NetworkSpec()
            changed.CopyFrom(ready.spec)
            changed.dhcp_start, changed.dhcp_end = "192.168.122.150", "192.168.122.199"
            await client.update_network(changed)
            await eventually(
                lambda: client.get_network("default"),
                lambda n: (
                    n.spec.dhcp_start == "192.168.122.150"
                    and n.realization.phase != cpb.PHASE_PENDING
                ),
                timeout_s=60,
                what="default updated",
            )
            updated = await client.get_network("default")
            redefined = {h: await network_xml(fleet, h, "default") for h in HOSTS}
            return (
                found,
                before,
                preview,
                after_preview,
                adopted,
                ready,
                left,
                after,
                (
                    updated,
                    redefined,
                ),
            )

    found, before, preview, (managed, still), adopted, ready, left, after, (updated, redefined) = (
        asyncio.run(main())
    )
    nat, isolated = found["default"], found["storage-isolated"]
    assert (nat.forward_mode, nat.bridge, list(nat.subnets)) == (
        "nat",
        "virbr0",
        ["192.168.122.1/24"],
    )
    assert (isolated.forward_mode, isolated.bridge, list(isolated.subnets)) == (
        "",
        "virbr1",
        ["10.10.0.1/24"],
    )
    assert nat.adoptable and isolated.adoptable and not nat.not_adoptable_reason
    assert all(h.active and h.persistent and h.uuid for h in nat.hosts)
    # A dry run shows the spec read back from the hosts and changes nothing.
    assert preview.spec.type == cpb.NETWORK_TYPE_NAT
    assert (preview.spec.subnet, preview.spec.gateway, preview.spec.bridge) == (
        "192.168.122.0/24",
        "192.168.122.1",
        "virbr0",
    )
    assert list(managed) == [] and "default" in still
    # Adopted: managed, READY everywhere, no longer discovered, defined on no host anew.
    assert adopted.realization.phase == cpb.PHASE_PENDING
    assert phases(ready) == dict.fromkeys(HOSTS, "READY")
    assert "storage-isolated" in left
    assert after == before
    assert phases(updated) == dict.fromkeys(HOSTS, "READY"), updated.realization.message
    for xml in redefined.values():
        assert describe(xml).dhcp == ("192.168.122.150", "192.168.122.199")


def _host_d(root: ET.Element) -> None:
    """host-d: a routed network, and storage-isolated with a DHCP range the others lack."""
    routed = ET.SubElement(root, "network")
    ET.SubElement(routed, "name").text = "routed-lab"
    ET.SubElement(routed, "forward", mode="route")
    ET.SubElement(routed, "bridge", name="virbr7")
    ET.SubElement(routed, "ip", address="10.77.0.1", netmask="255.255.255.0")
    isolated = next(n for n in root.findall("network") if n.findtext("name") == "storage-isolated")
    dhcp = ET.SubElement(isolated.find("ip"), "dhcp")
    ET.SubElement(dhcp, "range", start="10.10.0.100", end="10.10.0.200")


def test_an_unadoptable_network_and_one_that_differs_between_hosts_are_refused(fleet, tmp_path):
    uri = write_test_host(tmp_path / "own-hosts" / "host-d.xml", "host-d", 3, edit=_host_d)
    fleet.add_node("host-d", libvirt_uri=uri)

    async def main():
        await fleet.nodes["host-d"].wait_serving()
        await wait_registered(fleet.coordinator_endpoint(), fleet.nodes)
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            found = await discovered(
                client,
                lambda d: (
                    "routed-lab" in d
                    and "storage-isolated" in d
                    and len(d["storage-isolated"].hosts) == 4
                ),
                "host-d's networks",
            )
            errors = []
            for name in ("routed-lab", "storage-isolated"):
                with pytest.raises(grpc.aio.AioRpcError) as caught:
                    await client.adopt_network(name)
                errors.append((caught.value.code(), caught.value.details()))
            agreeing = await client.adopt_network("storage-isolated", HOSTS, dry_run=True)
            return found, errors, agreeing

    found, (routed, differing), agreeing = asyncio.run(main())
    assert not found["routed-lab"].adoptable
    assert [h.host for h in found["routed-lab"].hosts] == ["host-d"]
    reason = found["routed-lab"].not_adoptable_reason
    assert reason.startswith("route networks are shown, not managed: Quantix can adopt NAT")
    assert routed == (grpc.StatusCode.FAILED_PRECONDITION, f"network routed-lab: {reason}")
    assert differing[0] == grpc.StatusCode.FAILED_PRECONDITION
    assert differing[1].startswith(
        "network storage-isolated is defined differently on host-d than on host-a: "
        "dhcp: 10.10.0.100-10.10.0.200 on host-d, none on host-a"
    )
    # The hosts that agree can still adopt it.
    assert agreeing.spec.type == cpb.NETWORK_TYPE_ISOLATED
    assert (agreeing.spec.subnet, list(agreeing.spec.hosts)) == ("10.10.0.0/24", HOSTS)
