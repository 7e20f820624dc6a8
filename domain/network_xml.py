"""libvirt network XML, built from a validated NetworkSpec with ElementTree, and read back.

Never string formatting: every value goes through ElementTree, which escapes it. ``describe``
reads back the settings Quantix wrote, so a node can tell an existing network that already is
what the spec asks for (idempotent define) from one that differs, naming the difference, and a
test can check what libvirt kept.

Bridge names: libvirt needs one per NAT or isolated network; Quantix derives it from the network
name (``qx-`` and a hash, 15 characters at most, IFNAMSIZ) so it is the same on every host and
never collides with an admin's own bridges.
"""

from __future__ import annotations

import hashlib
import ipaddress
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from domain.network_addressing import StaticLease
from domain.networks import NetworkSpec, NetworkType

BRIDGE_PREFIX = "qx-"
# Quantix marks every network it defines in the XML's <metadata>: a node then knows a network
# of that name is one Quantix made (and may redefine it with new settings, UpdateNetwork) and
# never touches one an admin made, which only ever differs by name.
MANAGED_NS = "https://quantix.invalid/xmlns/network/1"
MANAGED_TAG = f"{{{MANAGED_NS}}}managed"
# 12 hex characters of a SHA-256: "qx-" + 12 = 15, the longest Linux interface name.
_BRIDGE_HASH_CHARS = 12


def bridge_name(network: str) -> str:
    """The Linux bridge libvirt makes for a NAT or isolated network: stable per name."""
    digest = hashlib.sha256(network.encode()).hexdigest()[:_BRIDGE_HASH_CHARS]
    return BRIDGE_PREFIX + digest


def _sub(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items() if v})


def build_network_xml(spec: NetworkSpec, port_group_bridge: str = "") -> str:
    """The ``<network>`` for ``spec`` (validated). ``port_group_bridge``: for a PORT GROUP, the
    host bridge its switch realized the port group on (a node knows it, the spec does not)."""
    root = ET.Element("network")
    _sub(root, "name").text = spec.name
    ET.register_namespace("quantix", MANAGED_NS)
    ET.SubElement(_sub(root, "metadata"), MANAGED_TAG)
    if spec.mtu:
        _sub(root, "mtu", size=str(spec.mtu))
    if spec.type is NetworkType.NAT:
        _sub(root, "forward", mode="nat")
    elif spec.type is NetworkType.BRIDGED:
        _sub(root, "forward", mode="bridge")
        _sub(root, "bridge", name=spec.bridge)
    elif spec.type is NetworkType.PORT_GROUP:
        _sub(root, "forward", mode="bridge")
        _sub(root, "bridge", name=port_group_bridge)
    if spec.type.has_addressing:
        # An adopted network keeps the bridge it has (virbr0); one Quantix creates gets its own.
        _sub(root, "bridge", name=spec.bridge or bridge_name(spec.name), stp="on", delay="0")
        if spec.dns_servers or spec.dns_domain:
            dns = _sub(root, "dns")
            for server in spec.dns_servers:
                _sub(dns, "forwarder", addr=server)
        if spec.dns_domain:
            _sub(root, "domain", name=spec.dns_domain)
        network = ipaddress.IPv4Network(spec.subnet)
        ip = _sub(root, "ip", address=spec.gateway, netmask=str(network.netmask))
        if spec.dhcp_start or spec.leases:
            dhcp = _sub(ip, "dhcp")
            if spec.dhcp_start:
                _sub(dhcp, "range", start=spec.dhcp_start, end=spec.dhcp_end)
            for lease in spec.leases:
                _sub(dhcp, "host", mac=lease.mac, ip=lease.ip, name=lease.name)
        if spec.ipv6_prefix:
            v6 = ipaddress.IPv6Network(spec.ipv6_prefix)
            _sub(
                root,
                "ip",
                family="ipv6",
                address=str(v6.network_address + 1),
                prefix=str(v6.prefixlen),
            )
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")


@dataclass(frozen=True)
class NetworkXmlSettings:
    """What Quantix sets in a network's XML, as libvirt keeps it."""

    name: str
    forward: str  # "nat", "bridge" or "" (isolated)
    bridge: str
    mtu: int
    gateway: str
    netmask: str
    dhcp: tuple[str, str] | None
    leases: tuple[StaticLease, ...]
    dns_servers: tuple[str, ...]
    dns_domain: str
    ipv6: str  # "fd00:20::1/64" or ""


def made_by_quantix(xml: str) -> bool:
    """Whether a network's XML carries Quantix's mark (build_network_xml)."""
    return ET.fromstring(xml).find(f"metadata/{MANAGED_TAG}") is not None


def describe(xml: str) -> NetworkXmlSettings:
    root = ET.fromstring(xml)
    forward = root.find("forward")
    bridge = root.find("bridge")
    mtu = root.find("mtu")
    ipv4 = next((ip for ip in root.findall("ip") if ip.get("family", "ipv4") == "ipv4"), None)
    ipv6 = next((ip for ip in root.findall("ip") if ip.get("family") == "ipv6"), None)
    dhcp_range = ipv4.find("dhcp/range") if ipv4 is not None else None
    hosts = ipv4.findall("dhcp/host") if ipv4 is not None else []
    domain = root.find("domain")
    return NetworkXmlSettings(
        name=root.findtext("name", ""),
        # <forward/> without a mode is NAT (libvirt's default); no <forward> is isolated.
        forward=forward.get("mode", "nat") if forward is not None else "",
        bridge=bridge.get("name", "") if bridge is not None else "",
        mtu=int(mtu.get("size", "0")) if mtu is not None else 0,
        gateway=ipv4.get("address", "") if ipv4 is not None else "",
        netmask=_netmask(ipv4) if ipv4 is not None else "",
        dhcp=(dhcp_range.get("start", ""), dhcp_range.get("end", ""))
        if dhcp_range is not None
        else None,
        leases=tuple(
            StaticLease(h.get("mac", "").lower(), h.get("ip", ""), h.get("name", "")) for h in hosts
        ),
        dns_servers=tuple(f.get("addr", "") for f in root.findall("dns/forwarder")),
        dns_domain=domain.get("name", "") if domain is not None else "",
        ipv6=f"{ipv6.get('address', '')}/{ipv6.get('prefix', '')}" if ipv6 is not None else "",
    )


def _netmask(ip: ET.Element) -> str:
    """An IPv4 ``<ip>``'s netmask; libvirt also takes ``prefix='24'`` for the same thing, so
    both read back alike (an admin's network written either way compares as equal)."""
    prefix = ip.get("prefix", "")
    if not ip.get("netmask") and prefix.isascii() and prefix.isdigit() and int(prefix) <= 32:
        return str(ipaddress.IPv4Network(f"0.0.0.0/{prefix}").netmask)
    return ip.get("netmask", "")


def differences(
    wanted: NetworkXmlSettings,
    actual: NetworkXmlSettings,
    wanted_label: str = "wanted",
    actual_label: str = "found",
) -> list[str]:
    """``"dhcp: 10.20.0.100-10.20.0.200 wanted, 10.20.0.50-10.20.0.60 found"``, one per field
    that differs (empty: the network already is what the spec asks for). The labels say whose
    each value is (``"on host-b"``, ``"on host-a"`` when two hosts are compared)."""
    found = []
    for name in NetworkXmlSettings.__dataclass_fields__:
        want, have = getattr(wanted, name), getattr(actual, name)
        if want != have:
            found.append(f"{name}: {_shown(want)} {wanted_label}, {_shown(have)} {actual_label}")
    return found


def _shown(value: object) -> str:
    if value is None or value == "" or value == () or value == 0:
        return "none"
    if isinstance(value, tuple) and value and isinstance(value[0], StaticLease):
        return ", ".join(f"{lease.mac}={lease.ip}" for lease in value)
    if isinstance(value, tuple):
        return (
            "-".join(value)
            if len(value) == 2 and all("." in v for v in value)
            else ", ".join(value)
        )
    return str(value)
