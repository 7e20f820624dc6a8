"""Host description files for libvirt's test driver: one simulated hypervisor per file.

``test:///abs/path/host.xml`` gives a node daemon a host of its own with the CPU, memory,
NICs, storage pools and networks written here. Built with ElementTree from plain data, never
by string formatting.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class HostVolume:
    """A volume already in a test host's pool (the test driver lists it; it stores no bytes)."""

    name: str
    capacity_bytes: int
    allocation_bytes: int = 0
    format: str = "raw"


@dataclass(frozen=True)
class HostPool:
    name: str
    type: str
    source: dict[str, str] = field(default_factory=dict)
    target: str = ""
    volumes: tuple[HostVolume, ...] = ()


# A spread of backends per host so the demo shows every kind of pool a fleet may have, including
# types Quantix does not create itself (disk, mpath, logical, zfs, gluster, scsi).
DEMO_POOLS: tuple[tuple[HostPool, ...], ...] = (
    (
        HostPool("default", "dir", target="/var/lib/libvirt/images"),
        HostPool("nfs-isos", "netfs", {"host": "nas.lab", "dir": "/export/isos"}, "/mnt/isos"),
        HostPool("ceph-vms", "rbd", {"host": "mon1.lab", "port": "6789", "name": "vms"}),
        HostPool("vg-fast", "logical", {"name": "vg-fast"}, "/dev/vg-fast"),
    ),
    (
        HostPool("default", "dir", target="/var/lib/libvirt/images"),
        HostPool(
            "san-lun",
            "iscsi",
            {"host": "san.lab", "device": "iqn.2024-01.lab.san:vms"},
            "/dev/disk/by-path",
        ),
        HostPool("sdb", "disk", {"device": "/dev/sdb"}, "/dev"),
        HostPool("multipath", "mpath", target="/dev/mapper"),
    ),
    (
        HostPool("default", "dir", target="/var/lib/libvirt/images"),
        HostPool("tank", "zfs", {"name": "tank"}),
        HostPool("gluster-vol", "gluster", {"host": "gluster.lab", "dir": "/", "name": "vol0"}),
        HostPool("hba0", "scsi", {"adapter": "host0"}, "/dev/disk/by-path"),
    ),
)

ALL_POOL_TYPES = (
    "dir",
    "netfs",
    "rbd",
    "iscsi",
    "logical",
    "disk",
    "mpath",
    "scsi",
    "zfs",
    "gluster",
)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _pool_element(parent: ET.Element, pool: HostPool, host_name: str) -> None:
    element = _sub(parent, "pool", type=pool.type)
    _sub(element, "name", pool.name)
    _sub(element, "uuid", str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{host_name}/{pool.name}")))
    source = _sub(element, "source")
    spec = pool.source
    if "host" in spec:
        host_attrs = {"name": spec["host"]}
        if "port" in spec:
            host_attrs["port"] = spec["port"]
        _sub(source, "host", **host_attrs)
    if "dir" in spec:
        _sub(source, "dir", path=spec["dir"])
    if "device" in spec:
        _sub(source, "device", path=spec["device"])
    if "adapter" in spec:
        _sub(source, "adapter", type="scsi_host", name=spec["adapter"])
    if "name" in spec:
        _sub(source, "name", spec["name"])
    if pool.type == "netfs":
        _sub(source, "format", type="nfs")
    if pool.target:
        target = _sub(element, "target")
        _sub(target, "path", pool.target)
    for volume in pool.volumes:
        _volume_element(element, volume)


def _volume_element(pool: ET.Element, volume: HostVolume) -> None:
    element = _sub(pool, "volume")
    _sub(element, "name", volume.name)
    _sub(element, "capacity", str(volume.capacity_bytes), unit="bytes")
    _sub(element, "allocation", str(volume.allocation_bytes), unit="bytes")
    target = _sub(element, "target")
    _sub(target, "format", type=volume.format)


def host_xml(name: str, index: int, pools: tuple[HostPool, ...]) -> ET.Element:
    node = ET.Element("node")
    cpu = _sub(node, "cpu")
    sockets, cores, threads = (1, 8, 2) if index % 2 else (2, 8, 2)
    for tag, value in (
        ("mhz", "2400"),
        ("model", "x86_64"),
        ("nodes", "1"),
        ("sockets", str(sockets)),
        ("cores", str(cores)),
        ("threads", str(threads)),
        ("active", str(sockets * cores * threads)),
    ):
        _sub(cpu, tag, value)
    _sub(node, "memory", str((64 + 64 * (index % 3)) * 1024 * 1024))  # KiB
    for pool in pools:
        _pool_element(node, pool, name)
    network = _sub(node, "network")
    _sub(network, "name", "default")
    _sub(network, "forward", mode="nat")
    _sub(network, "bridge", name="virbr0")
    _sub(network, "ip", address="192.168.122.1", netmask="255.255.255.0")
    isolated = _sub(node, "network")
    _sub(isolated, "name", "storage-isolated")
    _sub(isolated, "bridge", name="virbr1")
    _sub(isolated, "ip", address="10.10.0.1", prefix="24")
    for nic_index, (speed, state) in enumerate((("10000", "up"), ("1000", "down"))):
        interface = _sub(node, "interface", type="ethernet", name=f"eno{nic_index + 1}")
        _sub(interface, "start", mode="onboot")
        _sub(interface, "mac", address=f"52:54:00:{index:02x}:00:{nic_index + 1:02x}")
        _sub(interface, "mtu", size="9000" if nic_index == 0 else "1500")
        _sub(interface, "link", speed=speed, state=state)
    return node


def write_test_host(
    path: Path,
    name: str,
    index: int = 0,
    pools: tuple[HostPool, ...] | None = None,
    edit: Callable[[ET.Element], None] | None = None,
) -> str:
    """Write a host file and return its libvirt URI (``test:///abs/path``); ``edit`` may
    change the host's XML first (a test's unusual host)."""
    chosen = DEMO_POOLS[index % len(DEMO_POOLS)] if pools is None else pools
    root = host_xml(name, index, chosen)
    if edit is not None:
        edit(root)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="unicode")
    return f"test://{path.resolve()}"
