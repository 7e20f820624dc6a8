"""What the Create Network wizard is given, as plain data: it makes no calls of its own, so
whoever opens it (the Networks page, from Watch; a test; a screenshot script) fills these in."""

from __future__ import annotations

from dataclasses import dataclass

from domain.networks import NetworkSpec


@dataclass(frozen=True)
class HostInfo:
    name: str
    online: bool = True
    bridges: tuple[str, ...] = ()  # the host bridges it reports ("br0"), for bridged networks


@dataclass(frozen=True)
class PortGroupInfo:
    name: str
    vlan: int = 0  # 0: none


@dataclass(frozen=True)
class SwitchInfo:
    """A distributed switch: its MTU bounds a network's, its port groups may be joined."""

    name: str
    mtu: int = 1500
    port_groups: tuple[PortGroupInfo, ...] = ()

    def port_group_vlans(self) -> dict[str, int]:
        return {group.name: group.vlan for group in self.port_groups}


@dataclass(frozen=True)
class NetworkWizardInputs:
    hosts: tuple[HostInfo, ...] = ()
    switches: tuple[SwitchInfo, ...] = ()
    networks: tuple[NetworkSpec, ...] = ()  # the existing ones: names taken, subnets in use

    def host_names(self) -> tuple[str, ...]:
        """What "every host" means now (for the overlap rule)."""
        return tuple(host.name for host in self.hosts)

    def taken_names(self) -> set[str]:
        return {network.name for network in self.networks}

    def switch(self, name: str) -> SwitchInfo | None:
        return next((switch for switch in self.switches if switch.name == name), None)

    def bridges(self) -> dict[str, tuple[str, ...]]:
        """Each bridge name any host reports, with the hosts that have it."""
        found: dict[str, list[str]] = {}
        for host in self.hosts:
            for bridge in host.bridges:
                found.setdefault(bridge, []).append(host.name)
        return {bridge: tuple(sorted(hosts)) for bridge, hosts in sorted(found.items())}
