"""Distributed switches: the realized-object lifecycle (coordinator.realized) for switches.

A switch spans the hosts its spec maps (uplink -> NIC per host); each builds its part
(InitSwitch: a bridge, a bond of the NICs, VLAN sub-interfaces) and answers with the health it
checked, kept as the host's status facts: a host READY only when nothing it checked is wrong,
otherwise ERROR naming each problem ("uplink1 -> eth1: MTU 1400, the switch's is 9000").
What only switches add: the mapping is the host list (no "every host"), an update rebuilds
every host's part, and a switch a network uses is not deleted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc

from clients.node import NodeClient
from coordinator import host_statuses as hs
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.realize import HostOutcome, Operation, Realizer, WorkKey
from coordinator.realized import RealizedManager, destroy_on
from coordinator.realized_errors import ObjectExists, Refused
from coordinator.store import Store
from domain.errors import ValidationError
from domain.pools import validate_pool_name
from domain.realization import Phase
from domain.switches import PortGroup, SwitchSpec, validate_switch
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.metadata import REASON_KEY, trailing
from wire.proto_time import timestamp_of
from wire.switch_codec import switch_from_pb, switch_to_pb

log = logging.getLogger(__name__)

NOUN = "switch"


@dataclass(frozen=True)
class Built:
    """A host's answer to InitSwitch: the health it checked, and its refusal if it could not
    build the switch (then ``health`` is what GetSwitchHealth found after it)."""

    health: cpb.SwitchHostHealth
    refusal: grpc.aio.AioRpcError | None = None


class SwitchAdapter:
    """What switches add to the shared lifecycle."""

    noun = NOUN
    kind = pb.OBJECT_KIND_SWITCH
    message_type = pb.Switch
    keep_note = ""
    left_alone = "its interfaces are left as they are"

    def validate_name(self, name: str) -> None:
        validate_pool_name(name, "name")

    def every_host(self, switch: pb.Switch) -> bool:
        return False  # a switch is where its mapping says

    def single_host(self, switch: pb.Switch) -> bool:
        return False

    def init_operation(self, switch: pb.Switch) -> Operation[Any]:
        spec = cpb.SwitchSpec()
        spec.CopyFrom(switch.spec)

        async def build(client: NodeClient, timeout_s: float) -> Built:
            try:
                return Built(await client.init_switch(spec, timeout_s))
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.FAILED_PRECONDITION:
                    raise
                # The host could not build it (a missing NIC, no 8021q): what it checked
                # still says what is there, shown beside the refusal.
                try:
                    health = await client.get_switch_health(spec)
                except grpc.aio.AioRpcError:
                    raise error from None
                return Built(health, error)

        return build

    def status_from_init(self, outcome: HostOutcome[Any], now: float) -> cpb.HostStatus:
        if not outcome.ok or outcome.result is None:
            return hs.of_failure(outcome, now)
        built: Built = outcome.result
        health = built.health
        if built.refusal is not None:
            details = (built.refusal.details() or "").removeprefix(f"{outcome.host}: ")
            reason = trailing(built.refusal, REASON_KEY) or "FAILED_PRECONDITION"
            status = hs.failed(outcome.host, Phase.ERROR, details, reason, now)
        elif health.problems:
            status = hs.failed(
                outcome.host, Phase.ERROR, "; ".join(health.problems), "UNHEALTHY", now
            )
        else:
            status = hs.ready(outcome.host, now)
        status.switch_health.CopyFrom(health)
        return status

    async def destroy(
        self,
        realizer: Realizer,
        switch: pb.Switch,
        hosts: list[str],
        force: bool,
        before_destroy: Callable[[], None],
    ) -> list[HostOutcome[Any]]:
        name = switch.spec.name
        return await destroy_on(
            realizer,
            WorkKey(NOUN, name),
            hosts,
            lambda client, timeout_s: client.destroy_switch(name, timeout_s),
            before_destroy,
        )

    def refresh_facts(self, switch: pb.Switch) -> None:
        pass  # a switch's facts are its hosts' health

    def redact(self, name: str, text: str) -> str:
        return text

    def forget(self, name: str) -> None:
        pass

    def deleted_response(self, results: list[cpb.HostStatus]) -> pb.DeleteSwitchResponse:
        return pb.DeleteSwitchResponse(deleted=True, results=results)

    def refused_response(
        self, results: list[cpb.HostStatus], switch: pb.Switch
    ) -> pb.DeleteSwitchResponse:
        return pb.DeleteSwitchResponse(deleted=False, results=results, switch=switch)


class SwitchManager(RealizedManager[pb.Switch]):
    def __init__(
        self,
        inventory: Inventory,
        store: Store,
        nodes: NodeRegistry,
        realizer: Realizer,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(SwitchAdapter(), inventory, store, nodes, realizer, clock)
        # Set by the server once both exist: the networks on each port group of a switch.
        self.networks_using: Callable[[str], dict[str, list[str]]] = lambda _name: {}

    def spec_of(self, name: str) -> SwitchSpec | None:
        """The switch as its stored spec says, or None (for the network manager)."""
        switch = self._inventory.get(self._kind, name)
        return switch_from_pb(switch.spec) if isinstance(switch, pb.Switch) else None

    def create(self, message: cpb.SwitchSpec) -> pb.Switch:
        spec = self._checked(message)
        if self.exists(spec.name):
            raise ObjectExists(NOUN, spec.name)
        hosts = self._registered([entry.host for entry in spec.hosts])
        now = self._clock()
        switch = pb.Switch(
            spec=switch_to_pb(spec), created_at=timestamp_of(now), updated_at=timestamp_of(now)
        )
        log.info("switch created", extra={"switch": spec.name, "hosts": hosts})
        return self.initialize(switch, hosts)

    async def update(self, message: cpb.SwitchSpec) -> pb.Switch:
        """New settings (MTU, teaming, port groups, each host's NICs): every host it keeps or
        gains rebuilds its part; a host no longer mapped has its part removed."""
        current = self._changeable(message.name)
        self._refuse_busy_hosts(current, hs.host_names(current))
        spec = self._checked(message)
        wanted = [entry.host for entry in spec.hosts]
        self._registered(wanted)
        dropped = [h for h in hs.host_names(current) if h not in wanted]
        self._refuse_used_port_groups(current, spec)
        if dropped:
            current = await self.unassign(spec.name, dropped)
        updated = hs.copy(current)
        updated.spec.CopyFrom(switch_to_pb(spec))
        log.info("switch updated", extra={"switch": spec.name, "hosts": wanted})
        return self.initialize(updated, wanted)

    def add_port_group(self, name: str, group: PortGroup) -> pb.Switch:
        """A network named a new port group: the switch gains it on every host."""
        current = self._changeable(name)
        self._refuse_busy_hosts(current, hs.host_names(current))
        spec = switch_from_pb(current.spec)
        changed = cpb.SwitchSpec()
        changed.CopyFrom(current.spec)
        changed.port_groups.append(cpb.SwitchPortGroup(name=group.name, vlan=group.vlan))
        self._checked(changed)
        updated = hs.copy(current)
        updated.spec.CopyFrom(changed)
        log.info("port group added", extra={"switch": spec.name, "port_group": group.name})
        return self.initialize(updated, hs.host_names(current))

    async def delete(self, name: str, force: bool = False) -> Any:
        self.get(name)
        users = sorted(n for names in self.networks_using(name).values() for n in names)
        if users:
            raise Refused(
                f"switch {name} carries network{'s' if len(users) != 1 else ''} "
                f"{', '.join(users)}: delete them first"
            )
        return await super().delete(name, force)

    def _checked(self, message: cpb.SwitchSpec) -> SwitchSpec:
        spec = validate_switch(switch_from_pb(message))
        if not spec.hosts:
            raise ValidationError("hosts", "map the uplinks of at least one host")
        return spec

    def _refuse_used_port_groups(self, current: pb.Switch, spec: SwitchSpec) -> None:
        kept = {group.name: group.vlan for group in spec.port_groups}
        for group, networks in sorted(self.networks_using(spec.name).items()):
            was = next((g.vlan for g in current.spec.port_groups if g.name == group), 0)
            if group not in kept or kept[group] != was:
                raise Refused(
                    f"port group {group} of switch {spec.name} carries "
                    f"{', '.join(networks)}: keep it (and its VLAN), or delete them first"
                )
