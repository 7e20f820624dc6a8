"""Virtual networks as ``quantix.v1.HostNetwork``.

``list_networks`` blocks (libvirt calls): run it through ``LibvirtConnection.call``. The XML
parsers are pure functions, unit-tested on their own.
"""

from __future__ import annotations

import ipaddress
import logging
import xml.etree.ElementTree as ET

import libvirt

from node_daemon import xmlutil
from node_daemon.libvirt_conn import error_text, is_connection_error
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)


def list_networks(conn: libvirt.virConnect) -> list[common_pb2.HostNetwork]:
    """Every virtual network libvirt knows on this host, sorted by name (blocking)."""
    networks = []
    for network in conn.listAllNetworks(0):
        entry = read_network(network)
        if entry is not None:
            networks.append(entry)
    return sorted(networks, key=lambda entry: entry.name)


def read_network(network: libvirt.virNetwork) -> common_pb2.HostNetwork | None:
    """One network; None if it vanished while being read. Partial if libvirt fails on part."""
    entry = common_pb2.HostNetwork(name=network.name(), uuid=network.UUIDString())
    try:
        entry.MergeFrom(network_from_xml(network.XMLDesc(0)))
        entry.active = bool(network.isActive())
        entry.persistent = bool(network.isPersistent())
        entry.autostart = bool(network.autostart())
    except libvirt.libvirtError as error:
        if is_connection_error(error):
            raise
        if error.get_error_code() == libvirt.VIR_ERR_NO_NETWORK:
            log.info("network %s vanished while listing; skipped", entry.name)
            return None
        log.warning("network %s: reading its details failed: %s", entry.name, error_text(error))
    return entry


# -- pure parsers ----------------------------------------------------------------------------


def network_from_xml(xml: str) -> common_pb2.HostNetwork:
    """Name, uuid, bridge, forward mode and IP CIDRs of a network from its XML."""
    root = xmlutil.parse(xml)
    forward = root.find("forward")
    return common_pb2.HostNetwork(
        name=xmlutil.text(root, "name"),
        uuid=xmlutil.text(root, "uuid"),
        bridge=xmlutil.attr(root, "bridge", "name"),
        # <forward/> without a mode is NAT (libvirt's default); no <forward> is isolated.
        forward_mode="" if forward is None else forward.get("mode", "nat"),
        ip_cidrs=[cidr for ip in root.findall("ip") if (cidr := ip_cidr(ip))],
    )


def ip_cidr(ip: ET.Element) -> str:
    """The CIDR of ``<ip address netmask|prefix>``, e.g. "192.168.122.1/24"; "" without address.

    Without netmask or prefix libvirt uses the classful default for IPv4 and /64 for IPv6;
    so do we, so the CIDR shown is the one libvirt applies.
    """
    address_text = ip.get("address", "")
    if not address_text:
        return ""
    try:
        address = ipaddress.ip_address(address_text)
    except ValueError:
        return address_text  # show what libvirt holds rather than drop it
    prefix = _prefix(ip, address)
    return f"{address}/{prefix}" if prefix is not None else str(address)


def _prefix(ip: ET.Element, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> int | None:
    if ip.get("prefix", "").isdigit():
        return int(ip.get("prefix", ""))
    netmask = ip.get("netmask", "")
    if netmask:
        try:
            return ipaddress.IPv4Network(f"0.0.0.0/{netmask}").prefixlen
        except ValueError:
            return None
    if address.version == 6:
        return 64
    first_octet = int(address) >> 24
    if first_octet < 128:
        return 8
    if first_octet < 192:
        return 16
    if first_octet < 224:
        return 24
    return None
