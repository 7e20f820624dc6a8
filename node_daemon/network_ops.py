"""Define, start and remove virtual networks on this host (blocking libvirt calls: run them
through ``LibvirtConnection.call``). The XML comes from ``domain.network_xml``."""

from __future__ import annotations

from dataclasses import dataclass

import libvirt

from domain.network_xml import build_network_xml, describe, differences, made_by_quantix
from domain.networks import NetworkSpec
from node_daemon.networks import read_network
from proto.quantix.v1 import common_pb2


@dataclass(frozen=True)
class Initialized:
    """The network as it is now, or why it was left alone (a network of that name with other
    settings: ``refused`` names each difference). Returned, not raised: the connection
    manager turns anything raised into a libvirt failure."""

    network: common_pb2.HostNetwork | None
    refused: str = ""


def _lookup(conn: libvirt.virConnect, name: str) -> libvirt.virNetwork | None:
    try:
        return conn.networkLookupByName(name)
    except libvirt.libvirtError as error:
        if error.get_error_code() == libvirt.VIR_ERR_NO_NETWORK:
            return None
        raise


def init_network(
    conn: libvirt.virConnect, spec: NetworkSpec, port_group_bridge: str = "", replace: bool = False
) -> Initialized:
    """The network as ``spec`` (validated) says, defined if missing, active, autostarted.
    Idempotent: an existing network with the same settings is only started if it is not; one
    Quantix made with other settings (an update) is redefined and restarted, and so is one the
    coordinator says is its own (``replace``: an adopted network); one an admin made is left
    alone, naming each difference."""
    xml = build_network_xml(spec, port_group_bridge)
    network = _lookup(conn, spec.name)
    if network is None:
        network = conn.networkDefineXML(xml)
    else:
        existing = network.XMLDesc(0)
        found = differences(describe(xml), describe(existing))
        if found and not (replace or made_by_quantix(existing)):
            return Initialized(
                None,
                f"a network named {spec.name} exists with other settings ({'; '.join(found)}); "
                "Quantix leaves it alone: remove or rename it first",
            )
        if found:
            destroy_network(conn, spec.name)
            network = conn.networkDefineXML(xml)
    if not network.isActive():
        network.create()
    network.setAutostart(1)
    return Initialized(read_network(network))


def destroy_network(conn: libvirt.virConnect, name: str) -> None:
    network = _lookup(conn, name)
    if network is None:
        return
    if network.isActive():
        network.destroy()
    network.undefine()


def network_xml(conn: libvirt.virConnect, name: str) -> str | None:
    """The network's XML, or None when there is no network of that name."""
    network = _lookup(conn, name)
    return network.XMLDesc(0) if network is not None else None
