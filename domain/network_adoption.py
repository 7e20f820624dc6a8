"""Adopting a network Quantix did not create: which libvirt forward modes it can manage, and
the spec a network's own XML gives (read back with ``domain.network_xml.describe``, the parser
the node's idempotent-init check uses, so an adopted network initializes as "already there"
and is never redefined).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from domain.errors import ValidationError
from domain.network_xml import NetworkXmlSettings, build_network_xml, describe, differences
from domain.networks import NetworkSpec, NetworkType, validate_network

# libvirt forward mode -> the type Quantix manages it as ("": no <forward>, isolated).
ADOPTABLE_MODES: dict[str, NetworkType] = {
    "nat": NetworkType.NAT,
    "": NetworkType.ISOLATED,
    "bridge": NetworkType.BRIDGED,
}
# How a mode is named in a sentence.
_MODE_LABELS = {"": "isolated", "nat": "NAT", "bridge": "bridge"}


def _label(mode: str) -> str:
    return _MODE_LABELS.get(mode, mode)


def adoptable(forward_mode: str, bridge: str) -> bool:
    """A bridge-mode network without a bridge puts guests straight on a NIC (macvtap): not one
    Quantix can describe."""
    return forward_mode in ADOPTABLE_MODES and (forward_mode != "bridge" or bool(bridge))


def not_adoptable_reason(forward_mode: str, bridge: str) -> str:
    """ "" for a network Quantix manages; otherwise the sentence the console and CLI show."""
    if adoptable(forward_mode, bridge):
        return ""
    kinds = ", ".join(_label(mode) for mode in ADOPTABLE_MODES)
    what = (
        "bridge networks without a bridge (macvtap)"
        if forward_mode == "bridge"
        else f"{_label(forward_mode)} networks"
    )
    return (
        f"{what} are shown, not managed: Quantix can adopt {kinds} networks "
        "(a bridge network on a host bridge)"
    )


def _spec(settings: NetworkXmlSettings, hosts: Sequence[str]) -> NetworkSpec:
    kind = ADOPTABLE_MODES[settings.forward]
    if not kind.has_addressing:
        return NetworkSpec(
            settings.name, kind, hosts=tuple(hosts), mtu=settings.mtu, bridge=settings.bridge
        )
    subnet = ipv6 = ""
    if settings.gateway and settings.netmask:
        try:
            subnet = str(
                ipaddress.IPv4Network(f"{settings.gateway}/{settings.netmask}", strict=False)
            )
        except ValueError:
            raise ValidationError(
                "subnet", f"{settings.gateway}/{settings.netmask} is not an IPv4 network"
            ) from None
    if settings.ipv6:
        try:
            ipv6 = str(ipaddress.IPv6Network(settings.ipv6, strict=False))
        except ValueError:
            raise ValidationError(
                "ipv6.prefix", f"{settings.ipv6} is not an IPv6 network"
            ) from None
    dhcp_start, dhcp_end = settings.dhcp or ("", "")
    return NetworkSpec(
        settings.name,
        kind,
        hosts=tuple(hosts),
        subnet=subnet,
        gateway=settings.gateway,
        dhcp_start=dhcp_start,
        dhcp_end=dhcp_end,
        leases=settings.leases,
        dns_servers=settings.dns_servers,
        dns_domain=settings.dns_domain,
        ipv6_prefix=ipv6,
        mtu=settings.mtu,
        bridge=settings.bridge,
    )


def spec_from_xml(xml: str, hosts: Sequence[str]) -> NetworkSpec:
    """The Quantix spec of a network as libvirt defines it (validated), for ``hosts``.

    Raises ValidationError naming the field when the network breaks a Quantix rule (no subnet,
    a /31, a name Quantix cannot use...) or has a forward mode Quantix does not manage.
    """
    settings = describe(xml)
    if not adoptable(settings.forward, settings.bridge):
        raise ValidationError("forward", not_adoptable_reason(settings.forward, settings.bridge))
    return validate_network(_spec(settings, hosts))


def host_differences(host: str, xml: str, other_host: str, other_xml: str) -> list[str]:
    """How two hosts' definitions differ (none when they agree):
    ``["dhcp: 10.10.0.100-10.10.0.200 on host-d, none on host-a"]``."""
    return differences(describe(other_xml), describe(xml), f"on {other_host}", f"on {host}")


def unwritable_differences(host: str, xml: str, spec: NetworkSpec) -> list[str]:
    """What Quantix would write differently for the spec read from ``xml`` (none when it
    would write the same): a node would refuse to initialize such a network as an admin's
    with other settings, so it is refused here, naming the setting."""
    return differences(
        describe(build_network_xml(spec)), describe(xml), "Quantix would set", f"{host} has"
    )
