"""Build a distributed switch on this host from its layout, and remove it (pyroute2, blocking:
run inside ``node_daemon.netns.netlink`` on a worker thread).

Everything made carries the switch's alias (``domain.switch_layout.owner_alias``): a name that
exists without it is someone else's and is never changed; removal takes exactly what carries it.
NICs are the host's: they are enslaved and released, given the switch's MTU, brought up, never
deleted.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable
from dataclasses import dataclass, field

from pyroute2 import IPRoute
from pyroute2.netlink.exceptions import NetlinkError

from domain.switch_layout import OWNER_ALIAS_PREFIX, SwitchLayout, VlanPort, owner_alias
from node_daemon.host_links import Link, read_links

# linux/if_bonding.h: BOND_MODE_ACTIVEBACKUP.
_ACTIVE_BACKUP = 1

# SwitchErrorReason names (node.proto), carried as "quantix-reason".
NIC_MISSING = "NIC_MISSING"
NIC_IN_USE = "NIC_IN_USE"
NAME_TAKEN = "NAME_TAKEN"
NO_BONDING = "NO_BONDING"
NO_VLAN = "NO_VLAN"
NETLINK_FAILED = "NETLINK_FAILED"

# Steps, as "quantix-step" tokens.
STEP_CHECK = "check"
STEP_BRIDGE = "bridge"
STEP_BOND = "bond"
STEP_VLAN = "vlan"
STEP_PRUNE = "prune"
STEP_DESTROY = "destroy"


class SwitchRefused(Exception):
    """The host cannot build the switch as asked; ``message`` names the exact problem."""

    def __init__(self, reason: str, step: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.step = step
        self.message = message


@dataclass
class _Build:
    """One InitSwitch: what it made (undone if it fails) and what it could not set."""

    ipr: IPRoute
    layout: SwitchLayout
    made: list[str] = field(default_factory=list)
    enslaved: list[str] = field(default_factory=list)

    def links(self) -> dict[str, Link]:
        return read_links(self.ipr)

    def index(self, name: str) -> int:
        found = self.ipr.link_lookup(ifname=name)
        if not found:
            raise SwitchRefused(NETLINK_FAILED, STEP_CHECK, f"{name} vanished while building")
        return found[0]


def init_switch(ipr: IPRoute, layout: SwitchLayout) -> None:
    """The switch as ``layout`` says; idempotent. Raises SwitchRefused after undoing what this
    call made."""
    build = _Build(ipr, layout)
    try:
        _check(build)
        _realize(build)
    except BaseException:
        _undo(build)
        raise


def _check(build: _Build) -> None:
    """Refuse before changing anything: a missing or busy NIC, a name that is not ours."""
    layout, links = build.layout, build.links()
    ours = {links[name].index for name in layout.names if name in links}
    for name in layout.names:
        link = links.get(name)
        if link is not None and link.alias != layout.alias:
            raise SwitchRefused(
                NAME_TAKEN,
                STEP_CHECK,
                f"{name} exists and is not switch {layout.switch}'s "
                f"({_owner_text(link)}): Quantix leaves it alone",
            )
    by_index = {link.index: link for link in links.values()}
    for uplink in layout.uplinks:
        nic = links.get(uplink.nic)
        where = f"{uplink.uplink} -> {uplink.nic}"
        if nic is None:
            raise SwitchRefused(NIC_MISSING, STEP_CHECK, f"{where}: no such interface")
        if nic.loopback:
            raise SwitchRefused(NIC_IN_USE, STEP_CHECK, f"{where}: is the loopback interface")
        if nic.quantix_made:
            raise SwitchRefused(
                NIC_IN_USE, STEP_CHECK, f"{where}: is an interface Quantix made ({nic.alias})"
            )
        # A NIC with a global address is how the host talks to its network (maybe to the
        # coordinator): enslaving it would move that address off the wire and cut the host off.
        addresses = [
            f"{a.get_attr('IFA_ADDRESS')}/{a['prefixlen']}"
            for a in build.ipr.get_addr(index=nic.index)
            if a["scope"] == 0  # RT_SCOPE_UNIVERSE: not link- or host-local
        ]
        if addresses and not nic.master:
            raise SwitchRefused(
                NIC_IN_USE,
                STEP_CHECK,
                f"{where}: carries {addresses[0]}, the host's own address: move it off the NIC "
                "first (the switch would take the NIC off the network)",
            )
        if nic.master and nic.master not in ours:
            master = by_index.get(nic.master)
            raise SwitchRefused(
                NIC_IN_USE,
                STEP_CHECK,
                f"{where}: already a port of {master.name if master else nic.master}, which is "
                f"not switch {layout.switch}'s",
            )


def _realize(build: _Build) -> None:
    layout = build.layout
    bridge = _ensure(build, STEP_BRIDGE, layout.bridge, {"kind": "bridge"}, _no_check)
    if layout.bond is not None:
        bond = _ensure_bond(build)
        for uplink in layout.uplinks:
            _enslave(build, uplink.nic, bond, down_first=True)
        build.ipr.link(
            "set", index=bond, kind="bond", bond_primary=build.index(layout.bond.primary)
        )
        _set_mtu(build, layout.bond.name, layout.mtu)
        _enslave(build, layout.bond.name, bridge)
    else:
        _set_mtu(build, layout.port, layout.mtu)
        _enslave(build, layout.port, bridge)
    for uplink in layout.uplinks:
        _set_mtu(build, uplink.nic, layout.mtu)
    _set_mtu(build, layout.bridge, layout.mtu)
    for port in layout.vlans:
        _ensure_vlan(build, port)
    _prune(build)
    for uplink in layout.uplinks:
        _up(build, uplink.nic)
    for name in layout.names:
        _up(build, name)


def _no_check(_link: Link) -> str:
    return ""


def _ensure(
    build: _Build, step: str, name: str, spec: dict[str, object], differs: Callable[[Link], str]
) -> int:
    """``name`` made with ``spec`` if missing (or remade if ``differs(link)`` says why it is
    not what the layout needs); its index."""
    link = build.links().get(name)
    if link is not None and differs(link):
        build.ipr.link("del", index=link.index)
        link = None
    if link is None:
        try:
            build.ipr.link("add", ifname=name, **spec)
        except NetlinkError as error:
            raise _refusal(step, name, error) from None
        build.made.append(name)
        build.ipr.link("set", index=build.index(name), ifalias=build.layout.alias)
    return build.index(name)


def _ensure_bond(build: _Build) -> int:
    def differs(link: Link) -> str:
        return "" if link.bond_mode == "active-backup" else f"mode {link.bond_mode}"

    bond = build.layout.bond
    assert bond is not None
    return _ensure(
        build, STEP_BOND, bond.name, {"kind": "bond", "bond_mode": _ACTIVE_BACKUP}, differs
    )


def _ensure_vlan(build: _Build, port: VlanPort) -> None:
    parent = build.index(port.parent)

    def differs(link: Link) -> str:
        wrong = link.vlan_id != port.vlan or link.vlan_parent != parent
        return f"VLAN {link.vlan_id} of {link.vlan_parent}" if wrong else ""

    try:
        _ensure(
            build,
            STEP_VLAN,
            port.interface,
            {"kind": "vlan", "link": parent, "vlan_id": port.vlan},
            differs,
        )
    except SwitchRefused as refused:
        if refused.reason == NO_VLAN:
            refused.message = f"port group {port.port_group} (VLAN {port.vlan}): {refused.message}"
            refused.args = (refused.message,)
        raise
    bridge = _ensure(build, STEP_VLAN, port.bridge, {"kind": "bridge"}, _no_check)
    _set_mtu(build, port.interface, port.mtu)
    _enslave(build, port.interface, bridge)
    _set_mtu(build, port.bridge, port.mtu)


def _enslave(build: _Build, name: str, master: int, down_first: bool = False) -> None:
    link = build.links()[name]
    if link.master == master:
        return
    if down_first:  # the bonding driver takes only NICs that are down
        build.ipr.link("set", index=link.index, state="down")
    try:
        build.ipr.link("set", index=link.index, master=master)
    except NetlinkError as error:
        raise SwitchRefused(
            NETLINK_FAILED, STEP_BRIDGE, f"{name}: cannot be enslaved: {error.args[-1]}"
        ) from None
    build.enslaved.append(name)


def _set_mtu(build: _Build, name: str, mtu: int) -> None:
    """Best effort: a NIC that cannot take the MTU keeps its own, and health reports the
    mismatch (the switch still works for smaller frames)."""
    link = build.links()[name]
    if link.mtu == mtu:
        return
    # Reported by health when refused: "uplink1 -> eth1: MTU 1500, the switch's is 9000".
    with contextlib.suppress(NetlinkError):
        build.ipr.link("set", index=link.index, mtu=mtu)


def _up(build: _Build, name: str) -> None:
    link = build.links()[name]
    if not link.up:
        build.ipr.link("set", index=link.index, state="up")


def _prune(build: _Build) -> None:
    """Remove what the switch made and its layout no longer has (a port group or bond taken
    away); release NICs that are no longer its uplinks."""
    layout = build.layout
    links = build.links()
    wanted = set(layout.names)
    stale = [
        link for link in links.values() if link.alias == layout.alias and link.name not in wanted
    ]
    # VLAN sub-interfaces before what they sit on.
    for link in sorted(stale, key=lambda link: link.kind != "vlan"):
        build.ipr.link("del", index=link.index)
    links = build.links()
    holders = {links[name].index for name in wanted if name in links}
    nics = {uplink.nic for uplink in layout.uplinks}
    for link in links.values():
        # Guests' taps (libvirt plugs a port group network's guests into these bridges) stay:
        # only a NIC that stopped being an uplink is released.
        if link.kind == "tun":
            continue
        if link.master in holders and link.name not in wanted and link.name not in nics:
            build.ipr.link("set", index=link.index, master=0)


def _undo(build: _Build) -> None:
    links = build.links()
    for name in reversed(build.enslaved):
        if name in links and name not in build.made:
            build.ipr.link("set", index=links[name].index, master=0)
    for name in reversed(build.made):
        if name in links:
            build.ipr.link("del", index=links[name].index)


def destroy_switch(ipr: IPRoute, switch: str) -> list[str]:
    """Delete every interface carrying the switch's alias (VLAN sub-interfaces first); the
    names removed. Deleting a bridge or bond releases its NICs."""
    alias = owner_alias(switch)
    links = [link for link in read_links(ipr).values() if link.alias == alias]
    order = {"vlan": 0, "bridge": 2}
    removed = []
    for link in sorted(links, key=lambda link: (order.get(link.kind, 1), link.name)):
        try:
            ipr.link("del", index=link.index)
        except NetlinkError as error:
            if error.code != errno.ENODEV:  # gone already: what was wanted
                raise
        removed.append(link.name)
    return removed


def _refusal(step: str, name: str, error: NetlinkError) -> SwitchRefused:
    text = error.args[-1] if error.args else str(error)
    if error.code == errno.EOPNOTSUPP and step == STEP_BOND:
        return SwitchRefused(
            NO_BONDING,
            step,
            f"this host's kernel cannot make bonds (no bonding driver): creating {name}: {text}",
        )
    if error.code == errno.EOPNOTSUPP and step == STEP_VLAN:
        return SwitchRefused(
            NO_VLAN,
            step,
            f"this host's kernel cannot make 802.1Q VLAN sub-interfaces (no 8021q): creating "
            f"{name}: {text}",
        )
    return SwitchRefused(NETLINK_FAILED, step, f"creating {name}: {text}")


def _owner_text(link: Link) -> str:
    if link.alias.startswith(OWNER_ALIAS_PREFIX):
        return f"it is switch {link.alias.removeprefix(OWNER_ALIAS_PREFIX)}'s"
    return f"alias {link.alias!r}" if link.alias else "no Quantix alias"
