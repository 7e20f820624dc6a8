"""Host facts (CPU, memory, NICs, versions, pool types) as ``quantix.v1.HostInfo``.

``read_host_info`` blocks (libvirt calls): run it through ``LibvirtConnection.call``. The
parsers below it are pure functions of libvirt's XML, unit-tested on their own.
"""

from __future__ import annotations

import logging

import libvirt

from domain.pool_types import POOL_TYPE_LABELS
from node_daemon import xmlutil
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)

MiB = 1024 * 1024

# Where supported_pool_types came from when libvirt reported them itself.
SOURCE_LIBVIRT = "libvirt"


def read_host_info(conn: libvirt.virConnect, uri: str) -> common_pb2.HostInfo:
    """Everything ``GetHostInfo`` answers, read from ``conn`` (blocking)."""
    # virNodeInfo: [model, memory MiB, active cpus, mhz, numa nodes, sockets per node,
    # cores per socket, threads per core]
    model, memory_mib, cpus, mhz, nodes, sockets, cores, threads = conn.getInfo()
    hypervisor = conn.getType()
    pool_types, pool_types_source = _supported_pool_types(conn, hypervisor)
    return common_pb2.HostInfo(
        hostname=conn.getHostname(),
        cpu=common_pb2.CpuInfo(
            model=model,
            arch=arch_from_capabilities(conn.getCapabilities()),
            sockets=max(nodes, 1) * sockets,
            cores_per_socket=cores,
            threads_per_core=threads,
            logical_cpus=cpus,
            mhz=mhz,
        ),
        memory_bytes=memory_mib * MiB,
        nics=_nics(conn),
        libvirt_version=format_version(conn.getLibVersion()),
        hypervisor=hypervisor,
        hypervisor_version=_hypervisor_version(conn),
        supported_pool_types=pool_types,
        pool_types_source=pool_types_source,
        libvirt_uri=uri,
    )


def _hypervisor_version(conn: libvirt.virConnect) -> str:
    """The hypervisor's version, or why it is unknown.

    The QEMU driver answers virConnectGetVersion by running the emulator; on a host without
    one ("Cannot find suitable emulator for x86_64") the host is still worth registering: its
    storage and networks work. Say why the version is missing instead of failing the facts.
    """
    try:
        return format_version(conn.getVersion())
    except libvirt.libvirtError as error:
        log.warning("hypervisor version unknown", extra={"error": error.get_error_message()})
        return f"unknown ({error.get_error_message()})"


def _supported_pool_types(conn: libvirt.virConnect, hypervisor: str) -> tuple[list[str], str]:
    try:
        xml = conn.getStoragePoolCapabilities()
    except libvirt.libvirtError as error:
        if error.get_error_code() != libvirt.VIR_ERR_NO_SUPPORT:
            raise
        log.debug("storage pool capabilities not supported: %s", error.get_error_message())
        return assumed_pool_types(hypervisor)
    return pool_types_from_capabilities(xml), SOURCE_LIBVIRT


def assumed_pool_types(hypervisor: str) -> tuple[list[str], str]:
    """Every pool type Quantix knows, and the honest sentence saying it is a guess."""
    source = f"assumed: the {hypervisor} driver does not report storage pool capabilities"
    return list(POOL_TYPE_LABELS), source


def _nics(conn: libvirt.virConnect) -> list[common_pb2.NetworkInterface]:
    try:
        interfaces = conn.listAllInterfaces()
    except libvirt.libvirtError as error:
        if error.get_error_code() != libvirt.VIR_ERR_NO_SUPPORT:
            raise
        # A host without libvirt's interface driver: no NICs to report, not a failure.
        log.debug("listing host interfaces not supported: %s", error.get_error_message())
        return []
    nics = []
    for iface in interfaces:
        try:
            nic = nic_from_xml(iface.XMLDesc(0), active=bool(iface.isActive()))
        except libvirt.libvirtError as error:
            if error.get_error_code() != libvirt.VIR_ERR_NO_INTERFACE:
                raise
            log.info("host interface %s vanished while listing; skipped", iface.name())
            continue
        nics.append(nic)
    return sorted(nics, key=lambda nic: nic.name)


# -- pure parsers ----------------------------------------------------------------------------


def format_version(number: int) -> str:
    """libvirt's packed version (major * 1,000,000 + minor * 1,000 + micro) as "9.0.0"."""
    return f"{number // 1_000_000}.{number // 1000 % 1000}.{number % 1000}"


def arch_from_capabilities(xml: str) -> str:
    """The host CPU architecture from ``virConnectGetCapabilities`` XML ("" if absent)."""
    return xmlutil.text(xmlutil.parse(xml), "host/cpu/arch")


def pool_types_from_capabilities(xml: str) -> list[str]:
    """Pool types marked ``supported='yes'`` in ``virConnectGetStoragePoolCapabilities``."""
    root = xmlutil.parse(xml)
    return [
        pool.get("type", "")
        for pool in root.findall("pool")
        if pool.get("supported") == "yes" and pool.get("type")
    ]


def nic_from_xml(xml: str, active: bool) -> common_pb2.NetworkInterface:
    """A host NIC from its ``virInterfaceGetXMLDesc`` XML.

    MTU 0, speed -1 and link state "" when libvirt does not report them.
    """
    root = xmlutil.parse(xml)
    return common_pb2.NetworkInterface(
        name=root.get("name", ""),
        mac=xmlutil.attr(root, "mac", "address"),
        mtu=max(xmlutil.int_or(xmlutil.attr(root, "mtu", "size"), 0), 0),
        speed_mbps=xmlutil.int_or(xmlutil.attr(root, "link", "speed"), -1),
        link_state=xmlutil.attr(root, "link", "state"),
        active=active,
    )
