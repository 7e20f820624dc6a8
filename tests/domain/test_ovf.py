"""OVF descriptors and manifests as VMware's ovftool and VirtualBox write them, and the ones
an import must refuse: entities (billion laughs), malformed XML, oversized text, references
that point nowhere or out of the package, units that are not sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.ovf import (
    OVF_DESCRIPTOR_MAX,
    OvfError,
    allocation_unit_bytes,
    archive_path,
    parse_manifest,
    parse_ovf,
)
from tests.node.ova_builder import (
    BILLION_LAUGHS,
    MIB,
    SourceDisk,
    digest,
    manifest,
    virtualbox_ovf,
    vmware_ovf,
)


def disks_of(tmp_path: Path, *sizes: int) -> list[SourceDisk]:
    """Stand-ins for converted disks: the descriptor only needs their names and file sizes."""
    disks = []
    for i, size in enumerate(sizes, 1):
        vmdk = tmp_path / f"app-disk{i}.vmdk"
        vmdk.write_bytes(b"x" * (1000 * i))
        disks.append(SourceDisk(tmp_path / f"app-disk{i}.raw", vmdk, size))
    return disks


def test_a_vmware_descriptor_gives_the_machine_its_disks_and_nics(tmp_path: Path) -> None:
    descriptor = parse_ovf(vmware_ovf("web01", disks_of(tmp_path, 16 * MIB, 2048 * MIB)).encode())

    assert descriptor.name == "web01"
    assert descriptor.os == "Debian GNU/Linux 11 (64-bit)"
    assert descriptor.cpus == 2
    assert descriptor.memory_bytes == 4096 * MIB
    assert descriptor.producer == "VMware"
    assert [(d.disk_id, d.file.href, d.file.size) for d in descriptor.disks] == [
        ("vmdisk1", "app-disk1.vmdk", 1000),
        ("vmdisk2", "app-disk2.vmdk", 2000),
    ]
    assert [d.capacity_bytes for d in descriptor.disks] == [16 * MIB, 2048 * MIB]
    assert {d.source_format for d in descriptor.disks} == {"vmdk"}
    assert [(n.name, n.network, n.model) for n in descriptor.nics] == [
        ("Network adapter 1", "VM Network", "VmxNet3")
    ]


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_a_virtualbox_descriptor_of_either_ovf_version_reads_alike(
    tmp_path: Path, version: str
) -> None:
    disks = disks_of(tmp_path, 10 * MIB)
    descriptor = parse_ovf(virtualbox_ovf("ubuntu-desk", disks, version=version).encode())

    assert descriptor.name == "ubuntu-desk"  # no <Name>: the VirtualSystem's ovf:id
    assert descriptor.os == "Ubuntu_64"
    assert descriptor.cpus == 1
    assert descriptor.memory_bytes == 2048 * MIB  # "MegaBytes"
    assert descriptor.producer == "VirtualBox"
    assert [(d.file.href, d.file.size, d.capacity_bytes) for d in descriptor.disks] == [
        ("app-disk1.vmdk", None, 10 * MIB)  # VirtualBox writes no ovf:size; bytes, no units
    ]
    # OVF 2.0's EthernetPortItem carries a Caption, no ElementName.
    assert [(n.name, n.network, n.model) for n in descriptor.nics] == [
        ("Ethernet adapter on 'NAT'", "NAT", "E1000")
    ]


@pytest.mark.parametrize(
    ("units", "factor"),
    [
        ("byte", 1),
        ("byte * 2^20", 1 << 20),
        ("byte*2^30", 1 << 30),
        ("byte * 10^9", 10**9),
        ("MegaBytes", 1 << 20),
        ("GB", 1 << 30),
        ("  byte  *  2^10 ", 1 << 10),
    ],
)
def test_allocation_units_in_every_form_producers_write(units: str, factor: int) -> None:
    assert allocation_unit_bytes(units) == factor


@pytest.mark.parametrize("units", ["hertz * 10^6", "byte * 3^2", "byte * 2^100", "percent", ""])
def test_units_that_are_not_a_size_in_bytes_are_refused(units: str) -> None:
    with pytest.raises(OvfError, match="units"):
        allocation_unit_bytes(units, "disk vmdisk1's ovf:capacity")


EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Envelope [<!ENTITY host SYSTEM "file:///etc/passwd">]>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"><Name>&host;</Name></Envelope>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "file"])
def test_entities_and_dtds_are_refused_before_any_expansion(document: bytes) -> None:
    with pytest.raises(OvfError, match="declares a DTD or entities, which are refused"):
        parse_ovf(document)


def test_malformed_xml_says_where(tmp_path: Path) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB)).replace("</DiskSection>", "", 1)
    with pytest.raises(OvfError, match=r"not well-formed XML: mismatched tag: line \d+"):
        parse_ovf(text.encode())


def test_an_oversized_descriptor_is_refused_with_the_bound_and_why() -> None:
    with pytest.raises(OvfError) as refused:
        parse_ovf(b" " * (OVF_DESCRIPTOR_MAX + 1))
    assert f"at most {OVF_DESCRIPTOR_MAX} are read" in str(refused.value)
    assert "memory" in str(refused.value)


def test_a_document_that_is_not_an_ovf_envelope_is_refused() -> None:
    with pytest.raises(OvfError, match="not an OVF Envelope"):
        parse_ovf(b'<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"/>')


def test_a_disk_whose_file_references_does_not_list_is_refused(tmp_path: Path) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB)).replace(
        'ovf:fileRef="file1"', 'ovf:fileRef="file2"'
    )
    with pytest.raises(OvfError) as refused:
        parse_ovf(text.encode())
    assert str(refused.value) == (
        "disk vmdisk1 refers to file file2, which References does not list"
    )


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("../../etc/shadow", "'..' part"),
        ("/etc/shadow", "absolute path"),
        ("http://evil.example/disk.vmdk", "is a URL"),
        ("disks\\\\disk.vmdk", "'\\\\'"),
    ],
)
def test_hrefs_that_leave_the_package_are_refused(tmp_path: Path, href: str, reason: str) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB)).replace(
        'ovf:href="app-disk1.vmdk"', f'ovf:href="{href}"'
    )
    with pytest.raises(OvfError, match=reason):
        parse_ovf(text.encode())


def test_a_disk_format_qemu_img_is_not_told_to_read_is_refused(tmp_path: Path) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB)).replace(
        "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized",
        "http://technet.microsoft.com/virtualization/bb676673.aspx",
    )
    with pytest.raises(OvfError, match=r"disk vmdisk1 has format .*VMDK and qcow2"):
        parse_ovf(text.encode())


def test_several_machines_are_refused_with_their_count(tmp_path: Path) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB))
    system = text[text.index("  <VirtualSystem ") : text.index("</Envelope>")]
    with pytest.raises(OvfError, match="describes 2 virtual machines"):
        parse_ovf(text.replace("</Envelope>", system + "</Envelope>").encode())
    collection = f"<VirtualSystemCollection ovf:id='c'>{system}{system}</VirtualSystemCollection>"
    with pytest.raises(OvfError, match="collection of 2 virtual machines"):
        parse_ovf(text.replace(system, collection).encode())


def test_an_os_description_beyond_the_text_bound_is_refused_naming_it(tmp_path: Path) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB)).replace(
        "Debian GNU/Linux 11 (64-bit)", "D" * 300
    )
    with pytest.raises(OvfError, match="the OS Description is 300 characters long"):
        parse_ovf(text.encode())


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "<rasd:VirtualQuantity>2</rasd:VirtualQuantity>",
            "<rasd:VirtualQuantity>100000</rasd:VirtualQuantity>",
            "asks for 100000 CPUs",
        ),
        (
            "<rasd:VirtualQuantity>4096</rasd:VirtualQuantity>",
            "<rasd:VirtualQuantity>99999999999</rasd:VirtualQuantity>",
            "not a real VM",
        ),
        (
            "<rasd:VirtualQuantity>4096</rasd:VirtualQuantity>",
            "<rasd:VirtualQuantity>4e3</rasd:VirtualQuantity>",
            "not a whole number",
        ),
    ],
)
def test_figures_no_machine_has_are_refused(
    tmp_path: Path, old: str, new: str, reason: str
) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB)).replace(old, new)
    with pytest.raises(OvfError, match=reason):
        parse_ovf(text.encode())


def test_the_default_deployment_option_decides_the_memory(tmp_path: Path) -> None:
    memory_item = "<Item>\n        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>"
    text = vmware_ovf("web01", disks_of(tmp_path, MIB), memory_mib=1024)
    assert memory_item in text
    options = """<DeploymentOptionSection>
    <Info>Sizes</Info>
    <Configuration ovf:id="small"><Label>Small</Label><Description>1 GB</Description>
    </Configuration>
    <Configuration ovf:default="true" ovf:id="large"><Label>Large</Label>
      <Description>8 GB</Description></Configuration>
  </DeploymentOptionSection>
  <VirtualSystem """
    large_memory = """<Item ovf:configuration="large">
        <rasd:AllocationUnits>byte * 2^30</rasd:AllocationUnits>
        <rasd:ElementName>8 GB of memory</rasd:ElementName>
        <rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType>
        <rasd:VirtualQuantity>8</rasd:VirtualQuantity>
      </Item>
      """
    small_memory = memory_item.replace("<Item>", '<Item ovf:configuration="small">')
    text = text.replace("<VirtualSystem ", options, 1)
    text = text.replace(memory_item, large_memory + small_memory, 1)

    assert parse_ovf(text.encode()).memory_bytes == 8 << 30
    # Without the default mark, the first configuration is in force.
    first = text.replace('ovf:default="true" ', "")
    assert parse_ovf(first.encode()).memory_bytes == 1024 * MIB


def test_an_id_with_a_line_break_is_refused(tmp_path: Path) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB)).replace(
        'ovf:diskId="vmdisk1"', 'ovf:diskId="vm&#10;disk1"'
    )
    with pytest.raises(OvfError, match=r"a Disk's ovf:diskId has control characters"):
        parse_ovf(text.encode())


def test_a_disk_without_a_file_is_refused(tmp_path: Path) -> None:
    text = vmware_ovf("web01", disks_of(tmp_path, MIB)).replace('ovf:fileRef="file1" ', "")
    with pytest.raises(OvfError, match="disk vmdisk1 has no file"):
        parse_ovf(text.encode())


# --- manifests -------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["ovftool", "virtualbox"])
@pytest.mark.parametrize("algorithm", ["sha1", "sha256", "sha512"])
def test_manifests_in_both_tools_line_styles(style: str, algorithm: str) -> None:
    files = [("vm.ovf", b"<Envelope/>"), ("vm-disk1.vmdk", b"disk")]
    entries = parse_manifest(manifest(files, algorithm, style=style))
    assert [(e.algorithm, e.path, e.digest) for e in entries] == [
        (algorithm, name, digest(data, algorithm)) for name, data in files
    ]


def test_upper_case_digests_are_read_in_lower_case() -> None:
    line = f"SHA1(vm.ovf)= {'AB' * 20}\n".encode()
    assert parse_manifest(line)[0].digest == "ab" * 20


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"SHA256(vm.ovf)= abc\n", "a SHA256 digest has 64 hex digits"),
        (b"\nMD5(vm.ovf)= " + b"a" * 32 + b"\n", "manifest line 2 is not"),
        (b"SHA1(vm.ovf)= " + b"a" * 40 + b"\nSHA1(vm.ovf)= " + b"b" * 40, "SHA1 of vm.ovf twice"),
        (b"SHA1(../x)= " + b"a" * 40, "'..' part"),
        (b"\n\n", "lists no files"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_manifests_that_cannot_be_trusted_are_refused(text: bytes, reason: str) -> None:
    with pytest.raises(OvfError, match=reason):
        parse_manifest(text)


# --- paths -----------------------------------------------------------------------------------


def test_member_paths_are_normalised() -> None:
    assert archive_path("./vm.ovf", "member") == "vm.ovf"
    assert archive_path("disks/vm-disk1.vmdk", "member") == "disks/vm-disk1.vmdk"


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("", "not a file name"),
        ("a//b", "not a file name"),
        ("a/./b", "not a file name"),
        ("a/../../b", "'..' part"),
        ("/abs", "absolute path"),
        ("file:/etc/passwd", "is a URL"),
        ("a\nb", "control characters"),
        ("x" * 256, "longer than 255 bytes"),
        ("a/" * 600, "at most 1024"),
    ],
)
def test_member_paths_that_are_not_plain_relative_files_are_refused(path: str, reason: str) -> None:
    with pytest.raises(OvfError, match=reason):
        archive_path(path, "member")
