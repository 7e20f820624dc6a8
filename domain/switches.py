"""Distributed switches: a switch spans hosts, each host lends it NICs as its uplinks.

A switch has a name, an MTU, uplinks named ``uplink1``..``uplinkN``, a teaming order (the active
uplinks in order, then the standby ones), port groups (each a VLAN, or none) and, for every host
it spans, which NIC is which uplink there. Every rule is here, for the console's wizard,
quantixctl and both servers alike; what a host builds from a spec is ``domain.switch_layout``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import ValidationError
from domain.limits import MAX_HOSTS, MAX_PORT_GROUPS, MAX_SWITCH_UPLINKS, quoted
from domain.networks import MTU_MAX, MTU_MIN, validate_interface_name, validate_mtu, validate_vlan
from domain.pools import validate_description, validate_pool_name
from domain.validation import validate_hostname

UPLINK_PREFIX = "uplink"
# Ethernet's own MTU: what a switch gets when nobody asks for jumbo frames.
DEFAULT_SWITCH_MTU = 1500
# Names Quantix gives the interfaces it makes (domain.switch_layout): a NIC so named is one of
# Quantix's own, never a host's uplink.
QUANTIX_IFNAME_PREFIX = "qs-"
_UPLINK_RE = re.compile(r"uplink[1-9][0-9]?")


def uplink_names(count: int) -> tuple[str, ...]:
    """``uplink1``..``uplink<count>``: the only names a switch's uplinks have."""
    return tuple(f"{UPLINK_PREFIX}{number}" for number in range(1, count + 1))


@dataclass(frozen=True)
class PortGroup:
    name: str
    vlan: int = 0  # 0: none (untagged, on the switch's own bridge)
    mtu: int = 0  # 0: the switch's


@dataclass(frozen=True)
class UplinkNic:
    """On one host: the NIC that serves as ``uplink``."""

    uplink: str
    nic: str


@dataclass(frozen=True)
class HostUplinks:
    """Which NIC is which uplink on ``host``; every uplink of the switch is mapped."""

    host: str
    nics: tuple[UplinkNic, ...]

    def nic_of(self, uplink: str) -> str:
        return next((entry.nic for entry in self.nics if entry.uplink == uplink), "")


@dataclass(frozen=True)
class SwitchSpec:
    name: str
    uplinks: tuple[str, ...]  # uplink1..uplinkN, in order
    active: tuple[str, ...]  # in failover order; the first carries traffic
    standby: tuple[str, ...] = ()  # used only when every active uplink is down
    mtu: int = DEFAULT_SWITCH_MTU
    port_groups: tuple[PortGroup, ...] = ()
    hosts: tuple[HostUplinks, ...] = ()  # the hosts the switch spans, with their NICs
    description: str = ""

    @property
    def teaming(self) -> tuple[str, ...]:
        """Every uplink in failover order: the active ones, then the standby ones."""
        return self.active + self.standby

    def host(self, name: str) -> HostUplinks | None:
        return next((entry for entry in self.hosts if entry.host == name), None)


def validate_switch_mtu(mtu: int, field: str = "mtu") -> int:
    """A switch always has an MTU (no "default": every host must agree on one)."""
    if not MTU_MIN <= mtu <= MTU_MAX:
        raise ValidationError(field, f"must be {MTU_MIN}-{MTU_MAX} (got {mtu})")
    return mtu


def validate_uplinks(uplinks: Sequence[str], field: str = "uplinks") -> tuple[str, ...]:
    if not uplinks:
        raise ValidationError(field, "a switch needs at least one uplink")
    if len(uplinks) > MAX_SWITCH_UPLINKS:
        raise ValidationError(
            field, f"must be at most {MAX_SWITCH_UPLINKS} uplinks (got {len(uplinks)})"
        )
    for index, (got, wanted) in enumerate(zip(uplinks, uplink_names(len(uplinks)), strict=True)):
        if got != wanted:
            raise ValidationError(
                f"{field}[{index}]",
                f"must be {wanted!r}: uplinks are named uplink1..uplinkN in order "
                f"(got {quoted(got)})",
            )
    return tuple(uplinks)


def validate_teaming(spec: SwitchSpec) -> None:
    """Every uplink in exactly one of ``active`` and ``standby``; at least one active."""
    known = set(spec.uplinks)
    placed: dict[str, str] = {}
    for field, names in (("active", spec.active), ("standby", spec.standby)):
        if len(names) > MAX_SWITCH_UPLINKS:
            raise ValidationError(
                field, f"must list at most {MAX_SWITCH_UPLINKS} uplinks (got {len(names)})"
            )
        for index, name in enumerate(names):
            where = f"{field}[{index}]"
            if name not in known:
                raise ValidationError(
                    where, f"{quoted(name)} is not an uplink of this switch ({_listed(known)})"
                )
            if name in placed:
                raise ValidationError(
                    where, f"{name} is already in {placed[name]}: an uplink is active or standby"
                )
            placed[name] = field
    if not spec.active:
        raise ValidationError("active", "at least one uplink must be active")
    missing = [name for name in spec.uplinks if name not in placed]
    if missing:
        raise ValidationError(
            "standby", f"{', '.join(missing)} is neither active nor standby: place every uplink"
        )


def validate_port_groups(
    groups: Sequence[PortGroup], switch_mtu: int, field: str = "port_groups"
) -> tuple[PortGroup, ...]:
    """Names valid and unique; one port group per VLAN (none counts as one); MTU not above the
    switch's."""
    if len(groups) > MAX_PORT_GROUPS:
        raise ValidationError(
            field, f"must be at most {MAX_PORT_GROUPS} port groups (got {len(groups)})"
        )
    names: set[str] = set()
    by_vlan: dict[int, str] = {}
    for index, group in enumerate(groups):
        where = f"{field}[{index}]"
        validate_pool_name(group.name, f"{where}.name")
        if group.name in names:
            raise ValidationError(f"{where}.name", f"{group.name} is listed twice")
        names.add(group.name)
        validate_vlan(group.vlan, f"{where}.vlan")
        if group.vlan in by_vlan:
            raise ValidationError(
                f"{where}.vlan",
                f"{vlan_text(group.vlan)} is both {by_vlan[group.vlan]}'s and {group.name}'s: "
                "one port group per VLAN on a switch",
            )
        by_vlan[group.vlan] = group.name
        validate_mtu(group.mtu, switch_mtu, f"{where}.mtu")
    return tuple(groups)


def validate_host_uplinks(entry: HostUplinks, uplinks: Sequence[str], field: str) -> HostUplinks:
    """One host's mapping: every uplink mapped once, to a NIC no other uplink has there."""
    validate_hostname(entry.host, f"{field}.host")
    if len(entry.nics) > MAX_SWITCH_UPLINKS:
        raise ValidationError(
            f"{field}.nics",
            f"must map at most {MAX_SWITCH_UPLINKS} uplinks (got {len(entry.nics)})",
        )
    uplink_of: dict[str, str] = {}
    mapped: set[str] = set()
    for index, pair in enumerate(entry.nics):
        where = f"{field}.nics[{index}]"
        if pair.uplink not in uplinks:
            raise ValidationError(
                f"{where}.uplink",
                f"{quoted(pair.uplink)} is not an uplink of this switch ({_listed(uplinks)})",
            )
        if pair.uplink in mapped:
            raise ValidationError(
                f"{where}.uplink", f"{pair.uplink} is mapped twice on {entry.host}"
            )
        mapped.add(pair.uplink)
        validate_interface_name(pair.nic, f"{where}.nic")
        if pair.nic.startswith(QUANTIX_IFNAME_PREFIX):
            raise ValidationError(
                f"{where}.nic",
                f"{pair.nic} is named like Quantix's own switch interfaces "
                f"({QUANTIX_IFNAME_PREFIX}...): an uplink is a host NIC",
            )
        if pair.nic in uplink_of:
            raise ValidationError(
                f"{where}.nic",
                f"{pair.nic} is already {uplink_of[pair.nic]} on {entry.host}: a NIC serves "
                "one uplink",
            )
        uplink_of[pair.nic] = pair.uplink
    unmapped = [name for name in uplinks if name not in mapped]
    if unmapped:
        raise ValidationError(
            f"{field}.nics", f"{', '.join(unmapped)} has no NIC on {entry.host}: map every uplink"
        )
    return entry


def validate_switch(spec: SwitchSpec) -> SwitchSpec:
    """``spec`` checked field by field (the first broken rule is raised, naming its field)."""
    validate_pool_name(spec.name, "name")
    validate_description(spec.description)
    validate_switch_mtu(spec.mtu)
    validate_uplinks(spec.uplinks)
    validate_teaming(spec)
    validate_port_groups(spec.port_groups, spec.mtu)
    if len(spec.hosts) > MAX_HOSTS:
        raise ValidationError(
            "hosts", f"must list at most {MAX_HOSTS} hosts (got {len(spec.hosts)})"
        )
    seen: set[str] = set()
    for index, entry in enumerate(spec.hosts):
        validate_host_uplinks(entry, spec.uplinks, f"hosts[{index}]")
        if entry.host in seen:
            raise ValidationError(f"hosts[{index}].host", f"{entry.host} is listed twice")
        seen.add(entry.host)
    return spec


def vlan_text(vlan: int) -> str:
    return f"VLAN {vlan}" if vlan else "VLAN none"


def _listed(names: Sequence[str] | set[str]) -> str:
    return ", ".join(sorted(names, key=_uplink_order)) or "none"


def _uplink_order(name: str) -> tuple[int, str]:
    return (int(name[len(UPLINK_PREFIX) :]), name) if _UPLINK_RE.fullmatch(name) else (0, name)
