"""Virtual networks: the realized-object lifecycle (coordinator.realized) for libvirt networks.

Each host defines and starts the network from the spec (InitNetwork; the node builds the XML
and compares it with what is there). A PORT GROUP network sits on a distributed switch's port
group: the coordinator tells each host which bridge that is (domain.switch_layout), since the
spec names the switch and the port group, not the host's interfaces. What only networks add:
the subnet overlap rule across networks that share a host, the switch and port group checks,
and an update that redefines the network on every host.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from coordinator import host_statuses as hs
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.realize import HostOutcome, Operation, Realizer, WorkKey
from coordinator.realized import RealizedManager
from coordinator.realized_errors import ObjectExists
from coordinator.store import Store
from domain.errors import ValidationError
from domain.networks import (
    NetworkSpec,
    NetworkType,
    check_no_overlap,
    check_port_group,
    validate_network,
)
from domain.pools import validate_pool_name
from domain.switch_layout import port_group_bridge
from domain.switches import PortGroup, SwitchSpec, vlan_text
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.network_codec import network_from_pb, network_to_pb
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

NOUN = "network"

# The switch a port group network names, as the switch manager knows it now (None: no such
# switch). A function, not the manager: switches and networks each know the other by name only.
SwitchLookup = Callable[[str], SwitchSpec | None]
# Adds a port group to a switch (a network named a new one).
AddPortGroup = Callable[[str, PortGroup], object]


class NetworkAdapter:
    """What networks add to the shared lifecycle."""

    noun = NOUN
    kind = pb.OBJECT_KIND_NETWORK
    message_type = pb.Network
    keep_note = ""
    left_alone = "its network is left as is"

    def __init__(self, switch_of: SwitchLookup) -> None:
        self._switch_of = switch_of
        # Told when an operation ended on a host (and which network it removed there): the
        # host's networks are asked for again (coordinator.network_reports).
        self.host_changed: Callable[[str, str], None] = lambda host, removed: None

    def validate_name(self, name: str) -> None:
        validate_pool_name(name, "name")

    def every_host(self, network: pb.Network) -> bool:
        return not network.spec.hosts

    def single_host(self, network: pb.Network) -> bool:
        return False

    def init_operation(self, network: pb.Network, replace: bool = False) -> Operation[Any]:
        spec = cpb.NetworkSpec()
        spec.CopyFrom(network.spec)
        bridge = self._port_group_bridge(network_from_pb(spec))
        return lambda client, timeout_s: client.init_network(spec, bridge, timeout_s, replace)

    def status_from_init(self, outcome: HostOutcome[Any], now: float) -> cpb.HostStatus:
        self.host_changed(outcome.host, "")
        if outcome.ok:
            return hs.ready(outcome.host, now)
        return hs.of_failure(outcome, now)

    async def destroy(
        self,
        realizer: Realizer,
        network: pb.Network,
        hosts: list[str],
        force: bool,
        before_destroy: Callable[[], None],
    ) -> list[HostOutcome[Any]]:
        # Nothing to check first: no guest of Quantix's uses a network yet (VMs come later,
        # and with them the check that none is attached).
        # A host whose network of that name is an admin's (CONFLICT at init) keeps it.
        name = network.spec.name
        settled = hs.not_ours(network, hosts, NOUN)
        before_destroy()
        outcomes = await realizer.run(
            WorkKey(NOUN, name),
            [h for h in hosts if h not in settled],
            lambda client, timeout_s: client.destroy_network(name, timeout_s),
        )
        for outcome in outcomes:
            self.host_changed(outcome.host, name if outcome.ok else "")
        by_host = {**settled, **{o.host: o for o in outcomes}}
        return [by_host[h] for h in hosts]

    def refresh_facts(self, network: pb.Network) -> None:
        pass  # a network's facts are its hosts' statuses

    def redact(self, name: str, text: str) -> str:
        return text  # networks carry no secret

    def forget(self, name: str) -> None:
        pass

    def deleted_response(self, results: list[cpb.HostStatus]) -> pb.DeleteNetworkResponse:
        return pb.DeleteNetworkResponse(deleted=True, results=results)

    def refused_response(
        self, results: list[cpb.HostStatus], network: pb.Network
    ) -> pb.DeleteNetworkResponse:
        return pb.DeleteNetworkResponse(deleted=False, results=results, network=network)

    def _port_group_bridge(self, spec: NetworkSpec) -> str:
        if spec.type is not NetworkType.PORT_GROUP:
            return ""
        switch = self._switch_of(spec.switch)
        if switch is None:
            return ""  # refused at create; a switch deleted since: the node says what is wrong
        return port_group_bridge(switch, spec.port_group)


class NetworkManager(RealizedManager[pb.Network]):
    def __init__(
        self,
        inventory: Inventory,
        store: Store,
        nodes: NodeRegistry,
        realizer: Realizer,
        switch_of: SwitchLookup,
        add_port_group: AddPortGroup,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.adapter = NetworkAdapter(switch_of)
        super().__init__(self.adapter, inventory, store, nodes, realizer, clock)
        self._switch_of = switch_of
        self._add_port_group = add_port_group

    def create(self, message: cpb.NetworkSpec) -> pb.Network:
        spec = self.checked(message)
        if self.exists(spec.name):
            raise ObjectExists(NOUN, spec.name)
        hosts = self.hosts_for(spec.hosts)
        switch = self._switch_of(spec.switch) if spec.type is NetworkType.PORT_GROUP else None
        if switch is not None and spec.port_group not in {g.name for g in switch.port_groups}:
            self._add_port_group(spec.switch, PortGroup(spec.port_group, spec.vlan))
        now = self._clock()
        network = pb.Network(
            spec=network_to_pb(spec), created_at=timestamp_of(now), updated_at=timestamp_of(now)
        )
        log.info(
            "network created", extra={"network": spec.name, "type": spec.type.value, "hosts": hosts}
        )
        return self.initialize(network, hosts)

    def update(self, message: cpb.NetworkSpec) -> pb.Network:
        """New settings for an existing network, redefined on every host it spans. Its hosts
        change with assign and unassign only, so the hosts given must be the ones it has."""
        current = self._changeable(message.name)
        self._refuse_busy_hosts(current, hs.host_names(current))
        spec = self.checked(message)
        if list(spec.hosts) != list(current.spec.hosts):
            raise ValidationError(
                "hosts", "an update keeps the network's hosts: assign or unassign hosts instead"
            )
        updated = hs.copy(current)
        updated.spec.CopyFrom(network_to_pb(spec))
        log.info("network updated", extra={"network": spec.name})
        # Where it is READY the network there is this one (created or adopted by Quantix): those
        # hosts redefine it even without Quantix's mark (an adopted one never had it); elsewhere
        # a network of that name may be an admin's, and stays refused.
        ours = [s.host for s in current.realization.hosts if s.phase == cpb.PHASE_READY]
        others = [h for h in hs.host_names(current) if h not in ours]
        saved = self.initialize(updated, ours, self.adapter.init_operation(updated, replace=True))
        return self.initialize(saved, others) if others else saved

    def checked(self, message: cpb.NetworkSpec) -> NetworkSpec:
        """Every rule: the spec's own, its switch and port group, no overlapping subnet on a
        host it shares with another network."""
        spec = network_from_pb(message)
        switch = None
        if spec.type is NetworkType.PORT_GROUP:
            switch = self._switch_of(spec.switch)
            if switch is None:
                validate_pool_name(spec.switch, "switch")
                raise ValidationError("switch", f"no distributed switch named {spec.switch!r}")
        spec = validate_network(spec, switch.mtu if switch else 0)
        if switch is not None:
            groups = {group.name: group.vlan for group in switch.port_groups}
            check_port_group(spec, groups)
            taken = next(
                (
                    g.name
                    for g in switch.port_groups
                    if g.vlan == spec.vlan and g.name != spec.port_group
                ),
                None,
            )
            if spec.port_group not in groups and taken is not None:
                raise ValidationError(
                    "vlan",
                    f"switch {switch.name} carries {vlan_text(spec.vlan)} on port group "
                    f"{taken}: put the network on {taken}, or choose another VLAN",
                )
        others = [network_from_pb(n.spec) for n in self.list()]
        check_no_overlap(spec, others, self._nodes.names())
        return spec

    def using_switch(self, switch: str) -> dict[str, list[str]]:
        """The networks on each port group of ``switch``: a port group (or switch) in use is
        not removed."""
        used: dict[str, list[str]] = {}
        for n in sorted(self.list(), key=lambda n: n.spec.name):
            if n.spec.type == cpb.NETWORK_TYPE_PORT_GROUP and n.spec.switch_name == switch:
                used.setdefault(n.spec.port_group, []).append(n.spec.name)
        return used
