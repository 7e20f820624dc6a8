"""Builds real OVAs for the import tests: raw disks with a known pattern, streamOptimized
VMDKs made from them by the real qemu-img, OVF descriptors as VMware's ovftool and VirtualBox
write them (their namespaces, units and item styles), manifests in both tools' line styles,
and the tar with the descriptor first. Hostile members (links, devices, traversal) are added
as raw tar headers, the way an attacker's tool would write them.
"""

from __future__ import annotations

import hashlib
import io
import random
import subprocess
import tarfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

QEMU_IMG = "/usr/bin/qemu-img"
MIB = 1 << 20
# Bytes of pattern written at each marked offset of a source disk: enough to catch a block
# that moved or went missing, small enough that building a disk takes milliseconds.
PATTERN_BLOCK = 64 << 10


@dataclass(frozen=True)
class SourceDisk:
    raw: Path  # the disk as the guest wrote it: holes, and pattern blocks at known offsets
    vmdk: Path  # the same disk as a streamOptimized VMDK, made by qemu-img
    virtual_size: int

    @property
    def href(self) -> str:
        return self.vmdk.name


def make_disk(
    directory: Path, name: str, virtual_size: int, seed: int, *, filled: bool = False
) -> SourceDisk:
    """A sparse raw disk with seeded random blocks at its start, middle and end (``filled``:
    random data throughout, so that qemu-img has every byte to convert), and its
    streamOptimized VMDK (``qemu-img convert -O vmdk -o subformat=streamOptimized``)."""
    raw = directory / f"{name}.raw"
    rng = random.Random(seed)
    with raw.open("wb") as file:
        if filled:
            file.write(rng.randbytes(virtual_size))
        file.truncate(virtual_size)
        for offset in (0, virtual_size // 2, virtual_size - PATTERN_BLOCK):
            file.seek(offset)
            file.write(rng.randbytes(PATTERN_BLOCK))
    vmdk = directory / f"{name}.vmdk"
    qemu_img("convert", "-f", "raw", "-O", "vmdk", "-o", "subformat=streamOptimized", raw, vmdk)
    return SourceDisk(raw, vmdk, virtual_size)


def qemu_img(*args: str | Path) -> str:
    result = subprocess.run(
        [QEMU_IMG, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"qemu-img {args[0]} failed: {result.stderr}")
    return result.stdout


def qemu_img_processes(marker: Path) -> set[int]:
    """Running qemu-img processes whose command line names ``marker`` (a test's own dir)."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # it ended meanwhile
            continue
        if argv and argv[0].endswith(b"qemu-img") and any(str(marker).encode() in a for a in argv):
            found.add(int(entry.name))
    return found


def raw_contents(image: Path, image_format: str, scratch: Path) -> bytes:
    """What a guest would read from ``image``: converted back to raw by qemu-img."""
    raw = scratch / f"{image.name}.back.raw"
    qemu_img("convert", "-f", image_format, "-O", "raw", image, raw)
    try:
        return raw.read_bytes()
    finally:
        raw.unlink()


# --- descriptors -----------------------------------------------------------------------------

OVF1 = "http://schemas.dmtf.org/ovf/envelope/1"
OVF2 = "http://schemas.dmtf.org/ovf/envelope/2"
RASD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
VSSD = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CIM = "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2"
# ovftool declares these, in this order, on its Envelope.
VMWARE_XMLNS = " ".join(
    [
        f'xmlns="{OVF1}"',
        'xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common"',
        f'xmlns:ovf="{OVF1}"',
        f'xmlns:rasd="{RASD}"',
        'xmlns:vmw="http://www.vmware.com/schema/ovf"',
        f'xmlns:vssd="{VSSD}"',
        f'xmlns:xsi="{XSI}"',
    ]
)


def virtualbox_xmlns(envelope: str) -> str:
    """VirtualBox declares these on its Envelope (epasd/sasd for OVF 2.0's items)."""
    return " ".join(
        [
            f'xmlns="{envelope}"',
            f'xmlns:ovf="{envelope}"',
            f'xmlns:rasd="{RASD}"',
            f'xmlns:vssd="{VSSD}"',
            f'xmlns:xsi="{XSI}"',
            'xmlns:vbox="http://www.virtualbox.org/ovf/machine"',
            f'xmlns:epasd="{CIM}/CIM_EthernetPortAllocationSettingData.xsd"',
            f'xmlns:sasd="{CIM}/CIM_StorageAllocationSettingData.xsd"',
        ]
    )


VMDK_STREAM = "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"


def vmware_ovf(name: str, disks: Sequence[SourceDisk], *, memory_mib: int = 4096) -> str:
    """As ovftool 4.4 exports a vSphere VM: OVF 1.0, vmw: namespace, capacities in
    "byte * 2^20", memory in "byte * 2^20", a VmxNet3 NIC, CPUs in an Item."""
    files = "\n".join(
        f'    <File ovf:href="{disk.href}" ovf:id="file{i}" ovf:size="{disk.vmdk.stat().st_size}"/>'
        for i, disk in enumerate(disks, 1)
    )
    disk_elements = "\n".join(
        f'    <Disk ovf:capacity="{disk.virtual_size // (1 << 20)}" '
        f'ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk{i}" '
        f'ovf:fileRef="file{i}" ovf:format="{VMDK_STREAM}" ovf:populatedSize="{3 * 65536}"/>'
        for i, disk in enumerate(disks, 1)
    )
    disk_items = "\n".join(
        f"""      <Item>
        <rasd:AddressOnParent>{i - 1}</rasd:AddressOnParent>
        <rasd:ElementName>Hard disk {i}</rasd:ElementName>
        <rasd:HostResource>ovf:/disk/vmdisk{i}</rasd:HostResource>
        <rasd:InstanceID>{10 + i}</rasd:InstanceID>
        <rasd:Parent>3</rasd:Parent>
        <rasd:ResourceType>17</rasd:ResourceType>
        <vmw:Config ovf:required="false" vmw:key="backing.writeThrough" vmw:value="false"/>
      </Item>"""
        for i, _disk in enumerate(disks, 1)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!--Generated by VMware ovftool 4.4.3 (build-18663434), UTC time: 2024-03-05T10:11:12.131415Z-->
<Envelope vmw:buildId="build-18663434" {VMWARE_XMLNS}>
  <References>
{files}
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
{disk_elements}
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="VM Network">
      <Description>The VM Network network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="{name}">
    <Info>A virtual machine</Info>
    <Name>{name}</Name>
    <OperatingSystemSection ovf:id="96" ovf:version="11" vmw:osType="debian11_64Guest">
      <Info>The kind of installed guest operating system</Info>
      <Description>Debian GNU/Linux 11 (64-bit)</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>{name}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-19</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>
        <rasd:Description>Number of Virtual CPUs</rasd:Description>
        <rasd:ElementName>2 virtual CPU(s)</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>2</rasd:VirtualQuantity>
        <vmw:CoresPerSocket ovf:required="false">2</vmw:CoresPerSocket>
      </Item>
      <Item>
        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>{memory_mib}MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>{memory_mib}</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Description>SCSI Controller</rasd:Description>
        <rasd:ElementName>SCSI controller 0</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID>
        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>
        <rasd:ResourceType>6</rasd:ResourceType>
      </Item>
{disk_items}
      <Item>
        <rasd:AddressOnParent>7</rasd:AddressOnParent>
        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>
        <rasd:Connection>VM Network</rasd:Connection>
        <rasd:Description>VmxNet3 ethernet adapter on &quot;VM Network&quot;</rasd:Description>
        <rasd:ElementName>Network adapter 1</rasd:ElementName>
        <rasd:InstanceID>7</rasd:InstanceID>
        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType>
        <vmw:Config ovf:required="false" vmw:key="wakeOnLanEnabled" vmw:value="true"/>
      </Item>
      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"""


def virtualbox_ovf(name: str, disks: Sequence[SourceDisk], *, version: str = "2.0") -> str:
    """As VirtualBox 7 exports an appliance: OVF 1.0 ("Open Virtualization Format 1.0") or
    2.0; capacities in bytes without units, memory in "MegaBytes", Captions (no ElementName)
    in 2.0's StorageItem/EthernetPortItem, and a vbox:Machine section."""
    ns = OVF2 if version == "2.0" else OVF1
    storage, ethernet, disk_ns, nic_ns = (
        ("StorageItem", "EthernetPortItem", "sasd", "epasd")
        if version == "2.0"
        else ("Item", "Item", "rasd", "rasd")
    )
    files = "\n".join(
        f'    <File ovf:id="file{i}" ovf:href="{disk.href}"/>' for i, disk in enumerate(disks, 1)
    )
    disk_elements = "\n".join(
        f'    <Disk ovf:capacity="{disk.virtual_size}" ovf:diskId="vmdisk{i}" '
        f'ovf:fileRef="file{i}" ovf:format="{VMDK_STREAM}" '
        f'vbox:uuid="0d3c2a4e-5b1f-4c77-9a0e-00000000000{i}"/>'
        for i, disk in enumerate(disks, 1)
    )
    disk_items = "\n".join(
        f"""      <{storage}>
        <{disk_ns}:AddressOnParent>{i - 1}</{disk_ns}:AddressOnParent>
        <{disk_ns}:Caption>disk{i}</{disk_ns}:Caption>
        <{disk_ns}:Description>Disk Image</{disk_ns}:Description>
        <{disk_ns}:HostResource>/disk/vmdisk{i}</{disk_ns}:HostResource>
        <{disk_ns}:InstanceID>{8 + i}</{disk_ns}:InstanceID>
        <{disk_ns}:Parent>5</{disk_ns}:Parent>
        <{disk_ns}:ResourceType>17</{disk_ns}:ResourceType>
      </{storage}>"""
        for i, _disk in enumerate(disks, 1)
    )
    return f"""<?xml version="1.0"?>
<Envelope ovf:version="{version}" xml:lang="en-US" {virtualbox_xmlns(ns)}>
  <References>
{files}
  </References>
  <DiskSection>
    <Info>List of the virtual disks used in the package</Info>
{disk_elements}
  </DiskSection>
  <NetworkSection>
    <Info>Logical networks used in the package</Info>
    <Network ovf:name="NAT">
      <Description>Logical network used by this appliance.</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="{name}">
    <Info>A virtual machine</Info>
    <OperatingSystemSection ovf:id="94">
      <Info>The kind of installed guest operating system</Info>
      <Description>Ubuntu_64</Description>
      <vbox:OSType ovf:required="false">Ubuntu_64</vbox:OSType>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements for a virtual machine</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>{name}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>virtualbox-2.2</vssd:VirtualSystemType>
      </System>
      <Item>
        <rasd:Caption>1 virtual CPU</rasd:Caption>
        <rasd:Description>Number of virtual CPUs</rasd:Description>
        <rasd:ElementName>1 virtual CPU</rasd:ElementName>
        <rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType>
        <rasd:VirtualQuantity>1</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:AllocationUnits>MegaBytes</rasd:AllocationUnits>
        <rasd:Caption>2048 MB of memory</rasd:Caption>
        <rasd:Description>Memory Size</rasd:Description>
        <rasd:ElementName>2048 MB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>2048</rasd:VirtualQuantity>
      </Item>
      <Item>
        <rasd:Address>0</rasd:Address>
        <rasd:Caption>sataController0</rasd:Caption>
        <rasd:Description>SATA Controller</rasd:Description>
        <rasd:ElementName>sataController0</rasd:ElementName>
        <rasd:InstanceID>5</rasd:InstanceID>
        <rasd:ResourceSubType>AHCI</rasd:ResourceSubType>
        <rasd:ResourceType>20</rasd:ResourceType>
      </Item>
{disk_items}
      <{ethernet}>
        <{nic_ns}:AutomaticAllocation>true</{nic_ns}:AutomaticAllocation>
        <{nic_ns}:Caption>Ethernet adapter on 'NAT'</{nic_ns}:Caption>
        <{nic_ns}:Connection>NAT</{nic_ns}:Connection>
        <{nic_ns}:InstanceID>10</{nic_ns}:InstanceID>
        <{nic_ns}:ResourceSubType>E1000</{nic_ns}:ResourceSubType>
        <{nic_ns}:ResourceType>10</{nic_ns}:ResourceType>
      </{ethernet}>
    </VirtualHardwareSection>
    <vbox:Machine ovf:required="false" version="1.19-linux" name="{name}" OSType="Ubuntu_64"
        uuid="{{8a1c1c0e-0000-4000-8000-000000000001}}">
      <ovf:Info>Complete VirtualBox machine configuration in VirtualBox format</ovf:Info>
      <Hardware>
        <CPU count="1"/>
        <Memory RAMSize="2048"/>
      </Hardware>
    </vbox:Machine>
  </VirtualSystem>
</Envelope>
"""


# The classic entity bomb: a few hundred bytes that expand to gigabytes in a naive parser.
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Envelope [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><VirtualSystem>&lol9;</VirtualSystem>
</Envelope>
"""


# --- manifests and archives ------------------------------------------------------------------


def digest(data: bytes, algorithm: str) -> str:
    return hashlib.new(algorithm, data).hexdigest()


def manifest(files: Sequence[tuple[str, bytes]], algorithm: str, *, style: str) -> bytes:
    """ovftool writes "SHA256(vm.ovf)= hex"; VirtualBox "SHA256 (vm.ovf) = hex"."""
    label = algorithm.upper()
    lines = [
        f"{label}({name})= {digest(data, algorithm)}"
        if style == "ovftool"
        else f"{label} ({name}) = {digest(data, algorithm)}"
        for name, data in files
    ]
    return ("\n".join(lines) + "\n").encode()


Member = tuple[str, bytes] | tarfile.TarInfo


def build_ova(path: Path, members: Sequence[Member]) -> Path:
    """A tar (ustar, uncompressed) of ``members`` in the order given: a (name, data) pair is
    a regular file; a TarInfo is written as it is (links, devices, FIFOs, odd names)."""
    with tarfile.open(path, "w:", format=tarfile.USTAR_FORMAT) as tar:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                tar.addfile(member)
                continue
            name, data = member
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return path


def special(name: str, kind: bytes, linkname: str = "") -> tarfile.TarInfo:
    """A tar header of type ``kind`` (tarfile.SYMTYPE, LNKTYPE, CHRTYPE, FIFOTYPE, ...)."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    info.mode = 0o644
    if kind in (tarfile.CHRTYPE, tarfile.BLKTYPE):
        info.devmajor, info.devminor = 1, 3  # /dev/null's numbers
    return info


@dataclass(frozen=True)
class SampleOva:
    path: Path
    disks: list[SourceDisk]
    descriptor: bytes
    members: list[Member]  # as archived, so a test can rebuild it with a change


def sample_ova(
    directory: Path,
    producer: str,
    *,
    sizes: Sequence[int] = (16 * MIB, 8 * MIB),
    name: str = "web01",
    algorithm: str = "sha256",
    with_manifest: bool = True,
    filled: bool = False,
) -> SampleOva:
    """An OVA as ``producer`` ("vmware" or "virtualbox") exports it: the descriptor first,
    then the manifest (of the descriptor and every disk), then the disks."""
    source = directory / "source"
    source.mkdir(exist_ok=True)
    disks = [
        make_disk(source, f"{name}-disk{i}", size, seed=i, filled=filled)
        for i, size in enumerate(sizes, 1)
    ]
    if producer == "vmware":
        descriptor = vmware_ovf(name, disks).encode()
        style = "ovftool"
    else:
        descriptor = virtualbox_ovf(name, disks).encode()
        style = "virtualbox"
    files = [(f"{name}.ovf", descriptor)] + [(disk.href, disk.vmdk.read_bytes()) for disk in disks]
    members: list[Member] = [files[0], *files[1:]]
    if with_manifest:
        members.insert(1, (f"{name}.mf", manifest(files, algorithm, style=style)))
    path = build_ova(directory / f"{name}-{producer}.ova", members)
    return SampleOva(path, disks, descriptor, members)
