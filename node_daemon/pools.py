"""Storage pools as ``quantix.v1.HostStoragePool``, whatever their backend.

``list_pools`` blocks (libvirt calls): run it through ``LibvirtConnection.call``. The XML
parsers are pure functions, unit-tested on their own.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import libvirt

from node_daemon import xmlutil
from node_daemon.libvirt_conn import error_text, is_connection_error
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)

State = common_pb2.StoragePoolState

# virStoragePoolState -> quantix.v1.StoragePoolState. An int libvirt adds later maps to
# UNSPECIFIED rather than to a wrong state.
_STATES: dict[int, common_pb2.StoragePoolState.ValueType] = {
    libvirt.VIR_STORAGE_POOL_INACTIVE: State.STORAGE_POOL_STATE_INACTIVE,
    libvirt.VIR_STORAGE_POOL_BUILDING: State.STORAGE_POOL_STATE_BUILDING,
    libvirt.VIR_STORAGE_POOL_RUNNING: State.STORAGE_POOL_STATE_RUNNING,
    libvirt.VIR_STORAGE_POOL_DEGRADED: State.STORAGE_POOL_STATE_DEGRADED,
    libvirt.VIR_STORAGE_POOL_INACCESSIBLE: State.STORAGE_POOL_STATE_INACCESSIBLE,
}

# An iSCSI portal without a port attribute listens on the IANA-registered iSCSI port, which is
# what libvirt itself connects to.
ISCSI_DEFAULT_PORT = 3260


def list_pools(conn: libvirt.virConnect) -> list[common_pb2.HostStoragePool]:
    """Every pool libvirt knows on this host, sorted by name (blocking)."""
    pools = []
    for pool in conn.listAllStoragePools(0):
        entry = read_pool(pool)
        if entry is not None:
            pools.append(entry)
    return sorted(pools, key=lambda entry: entry.name)


def read_pool(pool: libvirt.virStoragePool) -> common_pb2.HostStoragePool | None:
    """One pool; None if it vanished while being read. Partial if libvirt fails on part of it.

    A connection loss still raises, so that the connection is reopened and the listing retried.
    """
    # name() and UUIDString() read the local handle and do not fail once listed.
    entry = common_pb2.HostStoragePool(name=pool.name(), uuid=pool.UUIDString())
    try:
        facts = pool_facts_from_xml(pool.XMLDesc(0))
        entry.type, entry.target_path, entry.source = facts.type, facts.target_path, facts.source
        state, capacity, allocation, available = pool.info()
        entry.state = pool_state(state)
        entry.capacity_bytes, entry.allocation_bytes = capacity, allocation
        entry.available_bytes = available
        entry.autostart = bool(pool.autostart())
        entry.persistent = bool(pool.isPersistent())
    except libvirt.libvirtError as error:
        if is_connection_error(error):
            raise
        if error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL:
            log.info("storage pool %s vanished while listing; skipped", entry.name)
            return None
        # One broken pool must not hide the others: list what was read, say why in the log.
        log.warning(
            "storage pool %s: reading its details failed: %s", entry.name, error_text(error)
        )
    return entry


def pool_state(value: int) -> common_pb2.StoragePoolState.ValueType:
    return _STATES.get(value, State.STORAGE_POOL_STATE_UNSPECIFIED)


# -- pure parsers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolXmlFacts:
    type: str
    target_path: str
    source: str


def pool_facts_from_xml(xml: str) -> PoolXmlFacts:
    """Type (as libvirt wrote it, even unknown), target path and source summary of a pool."""
    root = xmlutil.parse(xml)
    pool_type = root.get("type", "")
    return PoolXmlFacts(
        type=pool_type,
        target_path=xmlutil.text(root, "target/path"),
        source=source_summary(pool_type, root.find("source")),
    )


def source_summary(pool_type: str, source: ET.Element | None) -> str:
    """One line saying where a pool's storage lives, e.g. "nas:/export"; "" when it has none."""
    if source is None:
        return ""
    name = xmlutil.text(source, "name")
    directory = xmlutil.attr(source, "dir", "path")
    devices = ",".join(d.get("path", "") for d in source.findall("device") if d.get("path"))
    if pool_type in ("dir", "mpath"):
        return ""  # a local directory / every multipath device: the target path says it all
    if pool_type in ("iscsi", "iscsi-direct"):
        portal = _hosts(source, default_port=ISCSI_DEFAULT_PORT)
        return " ".join(part for part in (portal, devices) if part)
    if pool_type in ("rbd", "sheepdog"):
        return _joined(_hosts(source), name, "/")
    if pool_type == "netfs":
        return _joined(_hosts(source), directory, ":")
    if pool_type == "gluster":
        volume = name + (directory if directory not in ("", "/") else "")
        return _joined(_hosts(source), volume, ":")
    if pool_type in ("logical", "zfs", "vstorage"):
        return name or devices
    if pool_type in ("disk", "fs"):
        return devices
    if pool_type == "scsi":
        return _adapter_summary(source.find("adapter"))
    return _generic_summary(source, name, directory, devices)


def _hosts(source: ET.Element, default_port: int | None = None) -> str:
    """The ``<host name port>`` elements of a source as "mon1:6789,mon2:6789"."""
    hosts = []
    for host in source.findall("host"):
        name = host.get("name", "")
        if not name:
            continue
        port = host.get("port") or (str(default_port) if default_port else "")
        hosts.append(f"{name}:{port}" if port else name)
    return ",".join(hosts)


def _joined(left: str, right: str, separator: str) -> str:
    return separator.join(part for part in (left, right) if part)


def _adapter_summary(adapter: ET.Element | None) -> str:
    if adapter is None:
        return ""
    if adapter.get("type") == "fc_host":
        wwnn, wwpn = adapter.get("wwnn", ""), adapter.get("wwpn", "")
        return f"fc_host wwnn={wwnn} wwpn={wwpn}"
    if adapter.get("name"):
        return adapter.get("name", "")
    address = adapter.find("parentaddr/address")
    if address is not None:
        pci = "{}:{}:{}.{}".format(
            *(
                _hex(address.get(part, "0"), width)
                for part, width in (("domain", 4), ("bus", 2), ("slot", 2), ("function", 1))
            )
        )
        return f"scsi_host at PCI {pci}"
    return ""


def _hex(value: str, width: int) -> str:
    try:
        return f"{int(value, 0):0{width}x}"
    except ValueError:
        return value


def _generic_summary(source: ET.Element, name: str, directory: str, devices: str) -> str:
    """For a pool type this version does not know: whatever locates its storage."""
    return " ".join(part for part in (_hosts(source), directory, name, devices) if part)
