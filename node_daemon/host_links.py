"""The host's network interfaces as netlink (pyroute2) reports them, and link speed from the
driver (ethtool). Blocking: run inside ``node_daemon.netns.netlink`` on a worker thread."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import socket
import struct
from dataclasses import dataclass
from typing import Any

from pyroute2 import IPRoute

from domain.switch_layout import OWNER_ALIAS_PREFIX
from proto.quantix.v1 import common_pb2

_IFF_UP = 0x1
_IFF_LOOPBACK = 0x8
# linux/if_bonding.h: IFLA_BOND_MODE values.
BOND_MODES = {
    0: "balance-rr",
    1: "active-backup",
    2: "balance-xor",
    3: "broadcast",
    4: "802.3ad",
    5: "balance-tlb",
    6: "balance-alb",
}


@dataclass(frozen=True)
class Link:
    index: int
    name: str
    kind: str  # "bridge", "bond", "vlan", "veth"...; "" for a plain NIC
    mtu: int
    operstate: str  # "UP", "DOWN", "UNKNOWN"... as the kernel says
    carrier: bool
    up: bool  # administratively (IFF_UP)
    loopback: bool
    master: int  # 0: none
    alias: str
    mac: str
    bond_mode: str = ""
    bond_primary: int = 0
    vlan_id: int = 0
    vlan_parent: int = 0  # IFLA_LINK of a VLAN sub-interface

    @property
    def quantix_made(self) -> bool:
        return self.alias.startswith(OWNER_ALIAS_PREFIX)

    @property
    def link_up(self) -> bool:
        """Up and with a carrier. Not operstate: the kernel derives it from the carrier later,
        in its link-watch work (up to a second after), so a link read just after it came up
        would look down for no reason."""
        return self.up and self.carrier


def read_links(ipr: IPRoute) -> dict[str, Link]:
    """Every interface of the namespace, by name."""
    links = {}
    for message in ipr.get_links():
        link = _link(message)
        links[link.name] = link
    return links


def _link(message: Any) -> Link:
    kind = message.get_nested("IFLA_LINKINFO", "IFLA_INFO_KIND") or ""
    data = message.get_nested("IFLA_LINKINFO", "IFLA_INFO_DATA")
    bond_mode, bond_primary, vlan_id = "", 0, 0
    if data is not None and kind == "bond":
        mode = data.get("IFLA_BOND_MODE")
        bond_mode = BOND_MODES.get(mode, str(mode)) if mode is not None else ""
        bond_primary = data.get("IFLA_BOND_PRIMARY") or 0
    elif data is not None and kind == "vlan":
        vlan_id = data.get("IFLA_VLAN_ID") or 0
    flags = message["flags"]
    return Link(
        index=message["index"],
        name=message.get("IFLA_IFNAME") or "",
        kind=kind,
        mtu=message.get("IFLA_MTU") or 0,
        operstate=message.get("IFLA_OPERSTATE") or "",
        carrier=bool(message.get("IFLA_CARRIER")),
        up=bool(flags & _IFF_UP),
        loopback=bool(flags & _IFF_LOOPBACK),
        master=message.get("IFLA_MASTER") or 0,
        alias=message.get("IFLA_IFALIAS") or "",
        mac=message.get("IFLA_ADDRESS") or "",
        bond_mode=bond_mode,
        bond_primary=bond_primary,
        vlan_id=vlan_id,
        vlan_parent=(message.get("IFLA_LINK") or 0) if kind == "vlan" else 0,
    )


# --- link speed (ethtool) -----------------------------------------------------------------------

_SIOCETHTOOL = 0x8946
_ETHTOOL_GSET = 0x1
# struct ethtool_cmd (linux/ethtool.h): 44 bytes; speed (low 16 bits) at offset 12, speed_hi
# at offset 28.
_ETHTOOL_CMD_SIZE = 44
# ethtool's SPEED_UNKNOWN is (u32)-1; 0 and 0xFFFF (a 16-bit -1 in old drivers) say the same.
_UNKNOWN_SPEEDS = frozenset({0, 0xFFFF, 0xFFFFFFFF})


def link_speed_mbps(name: str) -> int:
    """The speed the NIC's driver reports (Mb/s), 0 when it reports none or cannot be asked.

    The socket is opened here, so it belongs to the thread's namespace (``netns.entered``);
    sysfs cannot be used for that: /sys/class/net shows the namespace sysfs was mounted in.
    """
    command = ctypes.create_string_buffer(struct.pack("I", _ETHTOOL_GSET), _ETHTOOL_CMD_SIZE)
    # struct ifreq: the name (16 bytes), then a pointer to the command in a 24-byte union.
    request = struct.pack("16sP", name.encode()[:15], ctypes.addressof(command)).ljust(40, b"\0")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            fcntl.ioctl(sock.fileno(), _SIOCETHTOOL, request)
        except OSError as error:
            if error.errno in (errno.EOPNOTSUPP, errno.ENODEV, errno.EINVAL, errno.EPERM):
                return 0
            raise
    low = struct.unpack_from("H", command.raw, 12)[0]
    high = struct.unpack_from("H", command.raw, 28)[0]
    speed = (high << 16) | low
    return 0 if speed in _UNKNOWN_SPEEDS else speed


# --- the NICs a host reports ----------------------------------------------------------------------


def host_nics(ipr: IPRoute) -> list[common_pb2.NetworkInterface]:
    """The namespace's NICs for ``HostInfo.nics``: every interface but loopback and the ones
    Quantix made for switches (they are not NICs an admin can map). Speed -1 when unknown, as
    ``HostInfo`` has it."""
    nics = []
    for link in read_links(ipr).values():
        if link.loopback or link.quantix_made:
            continue
        speed = link_speed_mbps(link.name)
        nics.append(
            common_pb2.NetworkInterface(
                name=link.name,
                mac=link.mac,
                mtu=link.mtu,
                speed_mbps=speed or -1,
                link_state=link.operstate.lower(),
                active=link.up,
            )
        )
    return sorted(nics, key=lambda nic: nic.name)
