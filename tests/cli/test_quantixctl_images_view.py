"""How quantixctl (and the console, through clients.present_images) words images, from real
protobuf messages: the table with a transfer's progress, every fact of a template including
its OVF facts, and JSON with numbers kept as numbers."""

from __future__ import annotations

import json

from clients.cli_format import format_table
from clients.cli_images_view import (
    IMAGE_HEADERS,
    image_json,
    image_rows,
    image_text,
    ordered_images,
)
from clients.present import clock_time
from clients.present_images import FOUND_IN_POOL
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

GIB = 1024**3
MIB = 1024**2
NOW = 1_800_000_000.0
SHA = "3f2a" + "0" * 60


def cells(line):
    return [cell.strip() for cell in line.split("  ") if cell.strip()]


def uploading_iso():
    return pb.Image(
        pool="isos",
        name="alpine.iso",
        kind=cpb.IMAGE_KIND_ISO,
        host="host-a",
        phase=cpb.IMAGE_PHASE_UPLOADING,
        task_id="a1b2c3d4e5f60718",
        source="alpine-virt-3.20.iso",
        managed=True,
    )


def template():
    image = pb.Image(
        pool="vms",
        name="appliance",
        kind=cpb.IMAGE_KIND_OVA_TEMPLATE,
        host="host-b",
        phase=cpb.IMAGE_PHASE_READY,
        task_id="0011223344556677",
        source="appliance.ova",
        managed=True,
        created_by="local-admin",
        facts=cpb.ImageFacts(
            format="qcow2",
            size_bytes=700 * MIB,
            virtual_size_bytes=20 * GIB,
            allocated_bytes=650 * MIB,
            sha256=SHA,
            path="/var/lib/vms/appliance-disk1.qcow2",
            volumes=["appliance-disk1.qcow2", "appliance-disk2.qcow2"],
            ovf=cpb.OvfFacts(
                name="Appliance VM",
                os="Debian GNU/Linux 12 (64-bit)",
                cpus=2,
                memory_bytes=4 * GIB,
                producer="VirtualBox",
                disks=[
                    cpb.OvfDisk(
                        file="vm-disk1.vmdk",
                        volume="appliance-disk1.qcow2",
                        capacity_bytes=20 * GIB,
                    ),
                    cpb.OvfDisk(file="vm-disk2.vmdk", volume="appliance-disk2.qcow2"),
                ],
                nics=[
                    cpb.OvfNic(name="Ethernet 1", network="VM Network", model="E1000"),
                    cpb.OvfNic(name="Ethernet 2"),
                ],
            ),
        ),
    )
    image.created_at.FromSeconds(int(NOW - 3600))
    image.updated_at.FromSeconds(int(NOW - 60))
    return image


def found_volume():
    return pb.Image(
        pool="isos",
        name="old.iso",
        kind=cpb.IMAGE_KIND_ISO,
        host="host-a",
        phase=cpb.IMAGE_PHASE_READY,
        managed=False,
        facts=cpb.ImageFacts(format="iso", size_bytes=300 * MIB),
    )


def test_the_list_shows_each_images_phase_size_and_a_running_transfers_progress():
    task = pb.Task(id="a1b2c3d4e5f60718", bytes_done=GIB, bytes_total=4 * GIB)
    failed = pb.Image(
        pool="isos",
        name="broken.iso",
        kind=cpb.IMAGE_KIND_ISO,
        host="host-a",
        phase=cpb.IMAGE_PHASE_ERROR,
        task_id="9999999999999999",
        message="upload to host-a stopped at 1.2 GiB of 4.0 GiB: connection lost",
        managed=True,
    )
    images = ordered_images([template(), found_volume(), uploading_iso(), failed])
    table = format_table(image_rows(images, {task.id: task}), IMAGE_HEADERS)
    header, *rows = table.splitlines()
    assert header.split() == [*IMAGE_HEADERS]
    assert [cells(row) for row in rows] == [
        ["isos", "alpine.iso", "ISO", "—", "host-a", "UPLOADING", "25 %"],
        ["isos", "broken.iso", "ISO", "—", "host-a", "ERROR", "—", failed.message],
        ["isos", "old.iso", "ISO", "300.0 MiB", "host-a", "READY", "—", FOUND_IN_POOL],
        [
            "vms",
            "appliance",
            "OVA template",
            "700.0 MiB (virtual 20.0 GiB)",
            "host-b",
            "READY",
            "—",
        ],
    ]


def test_show_prints_every_fact_of_a_template_with_its_ovf_facts():
    lines = image_text(template(), NOW).splitlines()
    expected = [
        "Image             vms/appliance",
        "Kind              OVA template",
        "Phase             READY",
        "Message           —",
        "Host              host-b",
        "Managed           yes",
        "Source            appliance.ova",
        "Format            qcow2",
        "Size              700.0 MiB",
        "Virtual size      20.0 GiB",
        "Allocated         650.0 MiB",
        f"SHA-256           {SHA}",
        "Expected SHA-256  —",
        "Path              /var/lib/vms/appliance-disk1.qcow2",
        "Task              0011223344556677",
        "Created by        local-admin",
        "Volumes           appliance-disk1.qcow2, appliance-disk2.qcow2",
        "OVF name          Appliance VM",
        "OS                Debian GNU/Linux 12 (64-bit)",
        "Machine           2 CPUs, 4.0 GiB memory",
        "Producer          VirtualBox",
        "Disk 1            vm-disk1.vmdk → appliance-disk1.qcow2 (20.0 GiB)",
        "Disk 2            vm-disk2.vmdk → appliance-disk2.qcow2",
        "NIC 1             Ethernet 1: E1000 on VM Network",
        "NIC 2             Ethernet 2: model not given",
        f"Created           {clock_time(NOW - 3600, NOW)}",
        f"Updated           {clock_time(NOW - 60, NOW)}",
    ]
    assert lines == expected
    # A volume Quantix found in the pool says so, and has no OVF lines.
    found = image_text(found_volume(), NOW)
    assert f"Managed           no: {FOUND_IN_POOL}" in found.splitlines()
    assert "OVF name" not in found


def test_json_keeps_every_field_with_numbers_as_numbers():
    shown = json.loads(json.dumps(image_json(template())))
    assert shown["key"] == "vms/appliance"
    assert (shown["kind"], shown["phase"], shown["managed"]) == ("OVA_TEMPLATE", "READY", True)
    assert shown["created_at"] == "2027-01-15T07:00:00Z"
    facts = shown["facts"]
    assert (facts["size_bytes"], facts["virtual_size_bytes"]) == (700 * MIB, 20 * GIB)
    assert facts["volumes"] == ["appliance-disk1.qcow2", "appliance-disk2.qcow2"]
    assert facts["ovf"] == {
        "name": "Appliance VM",
        "os": "Debian GNU/Linux 12 (64-bit)",
        "cpus": 2,
        "memory_bytes": 4 * GIB,
        "producer": "VirtualBox",
        "disks": [
            {
                "file": "vm-disk1.vmdk",
                "volume": "appliance-disk1.qcow2",
                "capacity_bytes": 20 * GIB,
            },
            {"file": "vm-disk2.vmdk", "volume": "appliance-disk2.qcow2", "capacity_bytes": 0},
        ],
        "nics": [
            {"name": "Ethernet 1", "network": "VM Network", "model": "E1000"},
            {"name": "Ethernet 2", "network": "", "model": ""},
        ],
    }
    # An ISO has no OVF facts: null, not an empty template.
    uploading = image_json(uploading_iso())
    assert uploading["facts"]["ovf"] is None
    assert (uploading["phase"], uploading["task_id"]) == ("UPLOADING", "a1b2c3d4e5f60718")
