"""OVF descriptors and manifests: what an OVA says of the machine it holds, read safely.

An OVA comes from anyone's export (VMware's ovftool, VirtualBox, appliance vendors' build
scripts), so its descriptor is parsed with defusedxml: a DTD (and with it every entity
declaration: "billion laughs", external entities reading host files) is refused before any
expansion, and the text is bounded before it is parsed. What is read is bounded too (disks,
NICs, file references, every string), and each error says what is wrong in the descriptor's
own terms ("disk vmdisk1 refers to file file2, which References does not list").

OVF 1.x and 2.x envelopes both parse. Hardware items are matched by their elements' local
names, so OVF 1.0's ``rasd:`` items and OVF 2.0's ``StorageItem``/``EthernetPortItem``
(``sasd:``/``epasd:``) read alike. Qt-free, gRPC-free, libvirt-free: the node imports with it,
and anyone may show what it read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from domain.limits import MAX_SHORT_TEXT, has_control_characters, is_ascii_digits, quoted

# --- bounds ----------------------------------------------------------------------------------

# A real descriptor is a few KB (ovftool's for a VM with 10 disks and 10 NICs is ~30 KB; long
# EULAs in a ProductSection reach ~200 KB). 1 MiB takes any of them, while the parsed tree of
# hostile input (ElementTree takes ~10x the text in memory) stays small on a busy host.
OVF_DESCRIPTOR_MAX = 1 << 20
# A manifest is one line per file (~100 bytes each): 1 MiB is ten thousand files.
MANIFEST_MAX = 1 << 20
# A manifest line per file and algorithm: every file an OVF may reference and the descriptor,
# each with up to the three digests read here, fit four times over.
MANIFEST_MAX_ENTRIES = 1024
# VMware's largest VM takes 60 SCSI + 120 SATA/NVMe disks... an appliance has a handful. 64
# disks keeps one import from filling a pool by accident while taking any real appliance.
OVF_MAX_DISKS = 64
# VMware allows 10 NICs per VM, VirtualBox 36 (ICH9 chipset): 64 takes both.
OVF_MAX_NICS = 64
# Files an OVF may reference (disks, ISOs, NVRAM): the disks' bound and room for the rest.
OVF_MAX_FILES = 256
# Hardware items (CPU, memory, controllers, disks, NICs, CD-ROMs, ...): a large VM has ~40.
OVF_MAX_ITEMS = 1000
# QEMU's largest x86 machine type (q35 since QEMU 8.1) takes 4096 vCPUs: more is not a VM.
OVF_MAX_CPUS = 4096
# VMware's VMDK maximum is 62 TB and the largest x86 hosts hold 24 TiB of memory: any disk
# capacity or memory size above 64 TiB is a mistake (or an attack on arithmetic), not a VM.
OVF_MAX_BYTES = 64 << 40
# A file name in an archive or an href is one name per directory level (ext4/XFS: 255 bytes)
# and a path at most a few levels deep; 1,024 is far beyond any real export.
ARCHIVE_NAME_MAX = 255
ARCHIVE_PATH_MAX = 1024
# Digits of a unit's exponent ("byte * 2^30"): two digits reach 2^99; more is refused before
# the power is computed, so "2^99999999" costs nothing.
_EXPONENT_DIGITS_MAX = 2

# --- namespaces ------------------------------------------------------------------------------

_ENVELOPE_NAMESPACES = (
    "http://schemas.dmtf.org/ovf/envelope/1",  # OVF 1.0 and 1.1 (VMware, VirtualBox "OVF 1.0")
    "http://schemas.dmtf.org/ovf/envelope/2",  # OVF 2.0 (VirtualBox "OVF 2.0", newer tools)
)
_VMWARE_NAMESPACE = "http://www.vmware.com/schema/ovf"
_VIRTUALBOX_NAMESPACE = "http://www.virtualbox.org/ovf/machine"

# CIM ResourceType values (DSP1041 / CIM_ResourceAllocationSettingData).
_RESOURCE_CPU = "3"
_RESOURCE_MEMORY = "4"
_RESOURCE_ETHERNET = "10"

# Named units seen in the wild: VirtualBox writes "MegaBytes" for memory; old VMware exports
# "MB"; CIM's programmatic form ("byte * 2^20") is parsed separately.
_NAMED_UNITS: dict[str, int] = {
    "byte": 1,
    "bytes": 1,
    "kilobytes": 1 << 10,
    "kb": 1 << 10,
    "megabytes": 1 << 20,
    "mb": 1 << 20,
    "gigabytes": 1 << 30,
    "gb": 1 << 30,
    "terabytes": 1 << 40,
    "tb": 1 << 40,
}
_PROGRAMMATIC_UNIT_RE = re.compile(r"byte(?:\s*\*\s*([0-9]+)\s*\^\s*([0-9]+))?", re.IGNORECASE)

# Disk formats qemu-img converts, by the format URL in ovf:format. The URL names the format,
# and qemu-img is always told it: probing an untrusted file's format lets a "disk" that is
# really a qcow2 with a backing file read any file on the host into the template.
_FORMAT_BY_URL_PART: tuple[tuple[str, str], ...] = (
    ("vmdk.html", "vmdk"),  # VMware's and VirtualBox's streamOptimized (or sparse) VMDK
    ("qcow-image-format", "qcow2"),  # oVirt/virt-v2v exports
)

# "http://...", "file:/...": a scheme, then a '/'. (A file named "a:b.vmdk" is still a file.)
_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:/")

_MANIFEST_LINE_RE = re.compile(r"(SHA1|SHA256|SHA512)\s*\((.+)\)\s*=\s*([0-9A-Fa-f]+)")
DIGEST_HEX_LENGTH: dict[str, int] = {"sha1": 40, "sha256": 64, "sha512": 128}


class OvfError(ValueError):
    """The descriptor or manifest is unusable; ``str()`` says what is wrong, for the user."""


# --- what a descriptor says ------------------------------------------------------------------


@dataclass(frozen=True)
class OvfFile:
    file_id: str  # ovf:id in References, e.g. "file1"
    href: str  # the file's path in the package, e.g. "vm-disk1.vmdk"
    size: int | None  # ovf:size: the file's bytes in the package, when the descriptor says


@dataclass(frozen=True)
class OvfDisk:
    disk_id: str  # ovf:diskId, e.g. "vmdisk1"
    file: OvfFile
    capacity_bytes: int  # the virtual disk's size
    format_url: str  # ovf:format, e.g. ".../vmdk.html#streamOptimized"
    source_format: str  # what qemu-img reads it as: "vmdk" or "qcow2"


@dataclass(frozen=True)
class OvfNic:
    name: str  # ElementName (or Caption), e.g. "Network adapter 1"
    network: str  # Connection: the OVF network it plugs into
    model: str  # ResourceSubType, e.g. "VmxNet3", "E1000"


@dataclass(frozen=True)
class OvfDescriptor:
    name: str
    os: str
    cpus: int  # 0 when the descriptor does not say
    memory_bytes: int  # 0 when the descriptor does not say
    disks: tuple[OvfDisk, ...]
    nics: tuple[OvfNic, ...]
    producer: str  # "VMware", "VirtualBox", or the ProductSection's vendor; "" when unknown
    files: tuple[OvfFile, ...]  # every file References lists (disks, ISOs, NVRAM, ...)


@dataclass(frozen=True)
class ManifestEntry:
    algorithm: str  # "sha1", "sha256" or "sha512" (hashlib's names)
    path: str
    digest: str  # hex, lower case


# --- paths -----------------------------------------------------------------------------------


def archive_path(text: str, what: str) -> str:
    """A file's path inside an OVA, as a tar member name or an ovf:href, checked and
    normalised ("./vm.ovf" -> "vm.ovf"). ``what`` names it in the error ("member '../x'").

    Only relative paths of plain names pass: nothing may lead out of the directory the
    archive is unpacked into, whatever the tar tool or descriptor says.
    """
    if len(text) > ARCHIVE_PATH_MAX:
        raise OvfError(f"{what} has a path of {len(text)} characters (at most {ARCHIVE_PATH_MAX})")
    if has_control_characters(text) or "\x00" in text:
        raise OvfError(f"{what} has control characters in its name")
    if "\\" in text:
        raise OvfError(f"{what} has a '\\' in its name (paths in an OVA use '/')")
    if text.startswith("/"):
        raise OvfError(f"{what} is an absolute path: it would be written outside the work area")
    if _URL_RE.match(text):
        raise OvfError(f"{what} is a URL: only files inside the OVA are imported")
    path = text
    while path.startswith("./"):
        path = path[2:]
    parts = path.split("/")
    if ".." in parts:
        raise OvfError(f"{what} has a '..' part: it would be written outside the work area")
    if not path or any(part in ("", ".") for part in parts):
        raise OvfError(f"{what} is not a file name (empty or '.' parts)")
    for part in parts:
        if len(part.encode("utf-8", "surrogateescape")) > ARCHIVE_NAME_MAX:
            raise OvfError(f"{what} has a name longer than {ARCHIVE_NAME_MAX} bytes")
    return path


# --- the descriptor --------------------------------------------------------------------------


def parse_ovf(data: bytes) -> OvfDescriptor:
    """Read a descriptor's machine: name, OS, CPUs, memory, disks (with their files), NICs,
    producer. Raises ``OvfError`` saying what is wrong."""
    if len(data) > OVF_DESCRIPTOR_MAX:
        raise OvfError(
            f"the OVF descriptor is {len(data)} bytes; at most {OVF_DESCRIPTOR_MAX} are read "
            "(real descriptors are a few KB; the bound keeps a hostile one from exhausting "
            "the host's memory)"
        )
    root = _parse_xml(data)
    namespace, local = _split(root.tag)
    if local != "Envelope" or namespace not in _ENVELOPE_NAMESPACES:
        raise OvfError(
            f"the descriptor's root element is {quoted(root.tag)}, not an OVF Envelope "
            "(OVF 1.x or 2.x)"
        )
    reader = _Reader(root, namespace)
    return reader.descriptor()


def _parse_xml(data: bytes) -> Element:
    # Imported here: defusedxml is a node dependency (pyproject's "node" extra), and the rest
    # of this module (paths, manifests, units) must import on a console-only install too.
    import defusedxml.ElementTree as safe_xml
    from defusedxml import (
        DefusedXmlException,
        DTDForbidden,
        EntitiesForbidden,
        ExternalReferenceForbidden,
    )

    try:
        return safe_xml.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except (DTDForbidden, EntitiesForbidden):
        raise OvfError(
            "the OVF descriptor declares a DTD or entities, which are refused: entities can "
            "expand to gigabytes (billion laughs) or read files on the host"
        ) from None
    except ExternalReferenceForbidden:
        raise OvfError("the OVF descriptor refers to external XML, which is refused") from None
    except DefusedXmlException as error:
        raise OvfError(f"the OVF descriptor uses refused XML features: {error}") from None
    except ParseError as error:
        raise OvfError(f"the OVF descriptor is not well-formed XML: {error}") from None


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _local(tag: str) -> str:
    return _split(tag)[1]


def _children(element: Element, local: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == local]


def _child(element: Element, local: str) -> Element | None:
    found = _children(element, local)
    return found[0] if found else None


def _text(element: Element | None, what: str) -> str:
    """An element's text, whitespace collapsed, bounded."""
    if element is None or element.text is None:
        return ""
    return _bounded(" ".join(element.text.split()), what)


def _bounded(text: str, what: str) -> str:
    """Text the descriptor gives, fit for a one-line message or a card: bounded, one line
    (character references such as "&#10;" can put control characters in an attribute)."""
    if len(text) > MAX_SHORT_TEXT:
        raise OvfError(f"{what} is {len(text)} characters long (at most {MAX_SHORT_TEXT})")
    if has_control_characters(text):
        raise OvfError(f"{what} has control characters (got {quoted(text)})")
    return text


class _Reader:
    """One descriptor's tree, read with its envelope's namespace for ``ovf:`` attributes."""

    def __init__(self, root: Element, namespace: str) -> None:
        self.root = root
        self.ns = namespace

    def attr(self, element: Element, name: str, what: str) -> str:
        """``ovf:name`` (or an unqualified ``name``, which some generators write)."""
        value = element.get(f"{{{self.ns}}}{name}")
        if value is None:
            value = element.get(name, "")
        return _bounded(value.strip(), what)

    def descriptor(self) -> OvfDescriptor:
        system = self._virtual_system()
        files = self._files()
        disks = self._disks(files)
        configuration = self._default_configuration()
        items = self._items(system, configuration)
        cpus = self._cpus(items)
        memory = self._memory(items)
        nics = self._nics(items)
        name = _text(_child(system, "Name"), "the VirtualSystem's Name") or self.attr(
            system, "id", "the VirtualSystem's ovf:id"
        )
        return OvfDescriptor(
            name=name,
            os=self._os(system),
            cpus=cpus,
            memory_bytes=memory,
            disks=disks,
            nics=nics,
            producer=self._producer(system),
            files=tuple(files.values()),
        )

    def _virtual_system(self) -> Element:
        systems = _children(self.root, "VirtualSystem")
        collections = _children(self.root, "VirtualSystemCollection")
        if collections:
            count = sum(1 for element in self.root.iter() if _local(element.tag) == "VirtualSystem")
            raise OvfError(
                f"the OVF describes a collection of {count} virtual machines; a template is "
                "one machine (export each VM as an OVA of its own)"
            )
        if len(systems) != 1:
            raise OvfError(
                f"the OVF describes {len(systems)} virtual machines (VirtualSystem "
                "elements); a template is exactly one"
            )
        return systems[0]

    def _files(self) -> dict[str, OvfFile]:
        references = _child(self.root, "References")
        elements = _children(references, "File") if references is not None else []
        if len(elements) > OVF_MAX_FILES:
            raise OvfError(
                f"References lists {len(elements)} files; at most {OVF_MAX_FILES} are imported"
            )
        files: dict[str, OvfFile] = {}
        for element in elements:
            file_id = self.attr(element, "id", "a File's ovf:id")
            if not file_id:
                raise OvfError("a File in References has no ovf:id")
            if file_id in files:
                raise OvfError(f"References lists file {quoted(file_id)} twice")
            href = self.attr(element, "href", f"file {file_id}'s ovf:href")
            if not href:
                raise OvfError(f"file {file_id} in References has no ovf:href")
            href = archive_path(href, f"file {file_id}'s ovf:href {quoted(href)}")
            size_text = self.attr(element, "size", f"file {file_id}'s ovf:size")
            size = self._count(size_text, f"file {file_id}'s ovf:size") if size_text else None
            files[file_id] = OvfFile(file_id, href, size)
        return files

    def _disks(self, files: dict[str, OvfFile]) -> tuple[OvfDisk, ...]:
        section = _child(self.root, "DiskSection")
        elements = _children(section, "Disk") if section is not None else []
        if not elements:
            raise OvfError("the OVF names no disks (DiskSection); a template needs at least one")
        if len(elements) > OVF_MAX_DISKS:
            raise OvfError(f"the OVF names {len(elements)} disks; at most {OVF_MAX_DISKS}")
        disks: list[OvfDisk] = []
        seen: set[str] = set()
        for element in elements:
            disk_id = self.attr(element, "diskId", "a Disk's ovf:diskId")
            if not disk_id:
                raise OvfError("a Disk in DiskSection has no ovf:diskId")
            if disk_id in seen:
                raise OvfError(f"DiskSection lists disk {quoted(disk_id)} twice")
            seen.add(disk_id)
            file_ref = self.attr(element, "fileRef", f"disk {disk_id}'s ovf:fileRef")
            if not file_ref:
                raise OvfError(
                    f"disk {disk_id} has no file (ovf:fileRef): blank disks are not imported"
                )
            file = files.get(file_ref)
            if file is None:
                raise OvfError(
                    f"disk {disk_id} refers to file {file_ref}, which References does not list"
                )
            format_url = self.attr(element, "format", f"disk {disk_id}'s ovf:format")
            disks.append(
                OvfDisk(
                    disk_id=disk_id,
                    file=file,
                    capacity_bytes=self._capacity(element, disk_id),
                    format_url=format_url,
                    source_format=disk_source_format(format_url, disk_id),
                )
            )
        return tuple(disks)

    def _capacity(self, disk: Element, disk_id: str) -> int:
        what = f"disk {disk_id}'s ovf:capacity"
        text = self.attr(disk, "capacity", what)
        if not text:
            raise OvfError(f"disk {disk_id} has no ovf:capacity")
        if text.startswith("${"):
            raise OvfError(
                f"{what} is a property reference ({quoted(text)}); only a number is imported"
            )
        units = self.attr(disk, "capacityAllocationUnits", f"disk {disk_id}'s units") or "byte"
        return self._scaled(text, units, what)

    def _default_configuration(self) -> str:
        """The deployment option in force: the one marked default, else the first; "" when
        the descriptor has none (then items for any configuration do not exist)."""
        section = _child(self.root, "DeploymentOptionSection")
        if section is None:
            return ""
        options = _children(section, "Configuration")
        for option in options:
            if self.attr(option, "default", "a Configuration's ovf:default") == "true":
                return self.attr(option, "id", "a Configuration's ovf:id")
        return self.attr(options[0], "id", "a Configuration's ovf:id") if options else ""

    def _items(self, system: Element, configuration: str) -> list[Element]:
        sections = _children(system, "VirtualHardwareSection")
        if not sections:
            raise OvfError("the VirtualSystem has no VirtualHardwareSection")
        # Several sections describe the machine for several virtual system types; the first
        # is the one the producer wrote for itself (the others are alternatives).
        items = [
            child
            for child in sections[0]
            if _local(child.tag) in ("Item", "StorageItem", "EthernetPortItem")
        ]
        if len(items) > OVF_MAX_ITEMS:
            raise OvfError(
                f"the VirtualHardwareSection has {len(items)} items; at most {OVF_MAX_ITEMS}"
            )
        return [item for item in items if self._in_configuration(item, configuration)]

    def _in_configuration(self, item: Element, configuration: str) -> bool:
        wanted = self.attr(item, "configuration", "an Item's ovf:configuration")
        return not wanted or configuration in wanted.split()

    def _of_type(self, items: list[Element], resource_type: str) -> list[Element]:
        return [
            item
            for item in items
            if _text(_child(item, "ResourceType"), "an Item's ResourceType") == resource_type
        ]

    def _cpus(self, items: list[Element]) -> int:
        found = self._of_type(items, _RESOURCE_CPU)
        if not found:
            return 0
        text = _text(_child(found[0], "VirtualQuantity"), "the CPU item's VirtualQuantity")
        cpus = self._count(text, "the CPU item's VirtualQuantity")
        if not 1 <= cpus <= OVF_MAX_CPUS:
            raise OvfError(f"the OVF asks for {cpus} CPUs (1 to {OVF_MAX_CPUS} are imported)")
        return cpus

    def _memory(self, items: list[Element]) -> int:
        found = self._of_type(items, _RESOURCE_MEMORY)
        if not found:
            return 0
        what = "the memory item's VirtualQuantity"
        text = _text(_child(found[0], "VirtualQuantity"), what)
        # Every producer writes AllocationUnits; when one does not, MiB is the unit all of
        # them use for memory (a "4096" without units means 4 GiB, never 4 KiB).
        units = _text(_child(found[0], "AllocationUnits"), "the memory item's AllocationUnits")
        return self._scaled(text, units or "byte * 2^20", what)

    def _nics(self, items: list[Element]) -> tuple[OvfNic, ...]:
        found = self._of_type(items, _RESOURCE_ETHERNET)
        if len(found) > OVF_MAX_NICS:
            raise OvfError(f"the OVF has {len(found)} network adapters; at most {OVF_MAX_NICS}")
        nics: list[OvfNic] = []
        for index, item in enumerate(found, start=1):
            what = f"network adapter {index}"
            name = _text(_child(item, "ElementName"), f"{what}'s ElementName") or _text(
                _child(item, "Caption"), f"{what}'s Caption"
            )
            nics.append(
                OvfNic(
                    name=name or f"adapter {index}",
                    network=_text(_child(item, "Connection"), f"{what}'s Connection"),
                    model=_text(_child(item, "ResourceSubType"), f"{what}'s ResourceSubType"),
                )
            )
        return tuple(nics)

    def _os(self, system: Element) -> str:
        section = _child(system, "OperatingSystemSection")
        if section is None:
            return ""
        description = _text(_child(section, "Description"), "the OS Description")
        if description:
            return description
        # VMware writes vmw:osType ("debian10_64Guest"), OVF 2.0 ovf:osType; VirtualBox
        # writes a vbox:OSType element too.
        for key, value in section.attrib.items():
            if _local(key) == "osType" and value.strip():
                return _bounded(value.strip(), "the OS type")
        return _text(_child(section, "OSType"), "the OS type")

    def _producer(self, system: Element) -> str:
        namespaces: set[str] = set()
        for element in self.root.iter():
            namespaces.add(_split(element.tag)[0])
            namespaces.update(_split(key)[0] for key in element.attrib)
        system_types = [
            _text(element, "VirtualSystemType").lower()
            for element in system.iter()
            if _local(element.tag) == "VirtualSystemType"
        ]
        if _VMWARE_NAMESPACE in namespaces or any(t.startswith("vmx-") for t in system_types):
            return "VMware"
        if _VIRTUALBOX_NAMESPACE in namespaces or any(
            t.startswith("virtualbox") for t in system_types
        ):
            return "VirtualBox"
        product = _child(system, "ProductSection")
        if product is not None:
            return _text(_child(product, "Vendor"), "the ProductSection's Vendor")
        return ""

    def _count(self, text: str, what: str) -> int:
        if not is_ascii_digits(text) or len(text) > len(str(OVF_MAX_BYTES)):
            raise OvfError(f"{what} is not a whole number (got {quoted(text)})")
        return int(text)

    def _scaled(self, text: str, units: str, what: str) -> int:
        value = self._count(text, what) * allocation_unit_bytes(units, what)
        if value > OVF_MAX_BYTES:
            raise OvfError(
                f"{what} is {value} bytes; more than {OVF_MAX_BYTES >> 40} TiB is not a real VM"
            )
        return value


def allocation_unit_bytes(units: str, what: str = "the allocation units") -> int:
    """Bytes in one unit: "byte * 2^20", "byte*10^9", "MegaBytes", "GB", "byte"."""
    text = " ".join(units.split())
    named = _NAMED_UNITS.get(text.lower())
    if named is not None:
        return named
    match = _PROGRAMMATIC_UNIT_RE.fullmatch(text)
    if match is None:
        raise OvfError(f"{what} has units {quoted(units)}, which are not a size in bytes")
    base, exponent = match.groups()
    if base is None or exponent is None:
        return 1
    if len(exponent) > _EXPONENT_DIGITS_MAX or base not in ("2", "10"):
        raise OvfError(f"{what} has units {quoted(units)}: only 2^n and 10^n bytes are sizes")
    return int(base) ** int(exponent)


def disk_source_format(format_url: str, disk_id: str) -> str:
    """The qemu-img format a disk's ovf:format names; refused when it names none we read."""
    if not format_url:
        raise OvfError(f"disk {disk_id} has no ovf:format: its disk format is unknown")
    lowered = format_url.lower()
    for part, image_format in _FORMAT_BY_URL_PART:
        if part in lowered:
            return image_format
    raise OvfError(
        f"disk {disk_id} has format {quoted(format_url)}; VMDK and qcow2 disks are imported"
    )


# --- the manifest ----------------------------------------------------------------------------


def parse_manifest(data: bytes) -> tuple[ManifestEntry, ...]:
    """A manifest's digests: ovftool writes "SHA256(vm.ovf)= hex", VirtualBox
    "SHA256 (vm.ovf) = hex"; SHA1, SHA256 and SHA512 are read. Blank lines are skipped;
    anything else is refused with its line number."""
    if len(data) > MANIFEST_MAX:
        raise OvfError(f"the manifest is {len(data)} bytes; at most {MANIFEST_MAX} are read")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise OvfError("the manifest is not UTF-8 text") from None
    entries: list[ManifestEntry] = []
    seen: set[tuple[str, str]] = set()
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line:
            continue
        match = _MANIFEST_LINE_RE.fullmatch(line)
        if match is None:
            raise OvfError(
                f"manifest line {number} is not 'SHA256(file)= digest' (got {quoted(line)})"
            )
        algorithm = match.group(1).lower()
        path = archive_path(match.group(2).strip(), f"the manifest's file {quoted(match.group(2))}")
        digest = match.group(3).lower()
        if len(digest) != DIGEST_HEX_LENGTH[algorithm]:
            raise OvfError(
                f"manifest line {number}: a {algorithm.upper()} digest has "
                f"{DIGEST_HEX_LENGTH[algorithm]} hex digits (got {len(digest)})"
            )
        if len(entries) == MANIFEST_MAX_ENTRIES:
            raise OvfError(f"the manifest lists more than {MANIFEST_MAX_ENTRIES} digests")
        if (algorithm, path) in seen:
            raise OvfError(f"the manifest gives the {algorithm.upper()} of {path} twice")
        seen.add((algorithm, path))
        entries.append(ManifestEntry(algorithm, path, digest))
    if not entries:
        raise OvfError("the manifest lists no files")
    return tuple(entries)
