"""quantixctl images end to end: a real quantixctl process, a real coordinator, a node daemon
on the real libvirtd (qemu:///system) with a dir pool, a real HTTP server on loopback, real
qemu-img for an OVA's disk.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import http.server
import io
import json
import os
import pty
import subprocess
import sys
import tarfile
import threading
import time
import uuid

import pytest

from domain.images import image_key
from tests.cli.test_progress_bar import resize
from tests.cli.test_quantixctl_pools import one_line_error
from tests.cli.test_quantixctl_tasks import READ_TIMEOUT_S, read_until
from tests.coordinator.test_pools_libvirtd import HOST, registered
from tests.fleet_client import quantixctl

MIB = 1024 * 1024


def run(fleet, *args, stdin=None):
    return quantixctl(fleet, *args, stdin=stdin)


@pytest.fixture
def real_node(start_fleet, start_system_node):
    """A coordinator and one node daemon on the real libvirtd (test_pools_libvirtd's host)."""
    fleet = start_fleet((), heartbeat_interval_s=600.0)
    asyncio.run(start_system_node(fleet, HOST))
    asyncio.run(registered(fleet.coordinator_endpoint()))
    return fleet


def make_pool(fleet, directory):
    """A dir pool on the real libvirtd, made with quantixctl and READY; its name, which no
    other test uses."""
    name = f"qt-cli-{uuid.uuid4().hex[:8]}"
    created = run(
        fleet, "pools", "create", name, "--backend", "local", "--path", str(directory),
        "--host", HOST, "--wait",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    return name


@pytest.fixture
def pool(real_node, tmp_path):
    """A READY dir pool on the real libvirtd, made with quantixctl under a name no other test
    uses; (name, directory). Deleted with quantixctl afterwards (--force: whatever volumes a
    failed test left)."""
    directory = tmp_path / "pool"
    name = make_pool(real_node, directory)
    yield name, directory
    deleted = run(real_node, "pools", "delete", name, "--force")
    assert deleted.returncode == 0, deleted.stderr


def test_a_volume_found_in_a_pool_is_listed_and_shown_as_not_quantixs(real_node, tmp_path):
    directory = tmp_path / "pool"
    directory.mkdir()
    sha = random_file(directory / "found.iso", MIB)
    name = make_pool(real_node, directory)
    try:
        deadline = time.monotonic() + READ_TIMEOUT_S
        while not json.loads(run(real_node, "images", "list", "--json").stdout):
            assert time.monotonic() < deadline, "the found volume was never listed"
            time.sleep(0.1)  # the coordinator asks the host for its volumes in the background
        (found,) = json.loads(run(real_node, "images", "list", "--json").stdout)
        assert (found["key"], found["managed"], found["kind"], found["phase"]) == (
            f"{name}/found.iso",
            False,
            "ISO",
            "READY",
        )
        table = run(real_node, "images", "list", "--kind", "iso").stdout.splitlines()
        assert table[1].split()[:2] == [name, "found.iso"]
        assert table[1].endswith("found in the pool (not put there by Quantix)")
        assert run(real_node, "images", "list", "--kind", "ova").stdout.strip() == "No images."
        shown = run(real_node, "images", "show", f"{name}/found.iso").stdout.splitlines()
        assert "Managed           no: found in the pool (not put there by Quantix)" in shown
        assert f"Path              {directory / 'found.iso'}" in shown
        cancel = run(real_node, "images", "cancel", f"{name}/found.iso")
        one_line_error(cancel, 1, f"quantixctl: image {name}/found.iso is READY: no transfer")
        # The bytes were never Quantix's: listing and showing left them as they were.
        assert hashlib.sha256((directory / "found.iso").read_bytes()).hexdigest() == sha
    finally:
        run(real_node, "pools", "delete", name, "--force")


def random_file(path, size):
    data = os.urandom(size)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def test_an_upload_waits_until_ready_and_list_show_and_tasks_say_so(real_node, pool, tmp_path):
    name, directory = pool
    iso = tmp_path / "alpine-virt.iso"
    sha = random_file(iso, 8 * MIB)
    uploaded = run(
        real_node, "images", "upload", str(iso), "--pool", name, "--sha256", sha, "--json"
    )
    assert uploaded.returncode == 0, uploaded.stderr
    image = json.loads(uploaded.stdout)
    assert (image["name"], image["kind"], image["phase"]) == ("alpine-virt.iso", "ISO", "READY")
    assert (image["facts"]["sha256"], image["facts"]["size_bytes"]) == (sha, 8 * MIB)
    assert (directory / "alpine-virt.iso").read_bytes() == iso.read_bytes()
    # Piped stderr: no bar, a line per phase; the ticket is never shown.
    assert "\r" not in uploaded.stderr
    assert uploaded.stderr.splitlines()[0] == f"upload {name}/alpine-virt.iso: uploading"

    listing = run(real_node, "images", "list", "--pool", name)
    assert listing.returncode == 0, listing.stderr
    (row,) = [line.split() for line in listing.stdout.splitlines()[1:]]
    assert row[:5] == [name, "alpine-virt.iso", "ISO", "8.0", "MiB"]
    assert "READY" in row
    shown = run(real_node, "images", "show", image_key(name, "alpine-virt.iso"))
    assert f"SHA-256           {sha}" in shown.stdout.splitlines()
    tasks = json.loads(run(real_node, "tasks", "list", "--json").stdout)
    assert [(t["kind"], t["object"], t["phase"], t["percent"]) for t in tasks] == [
        ("UPLOAD", "alpine-virt.iso", "SUCCEEDED", 100.0)
    ]

    # The same name again: refused by the coordinator before a byte moves.
    again = run(real_node, "images", "upload", str(iso), "--pool", name)
    one_line_error(again, 1, f"quantixctl: coordinator {real_node.coordinator_address} already")

    deleted = run(real_node, "images", "delete", image_key(name, "alpine-virt.iso"), stdin="y\n")
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout.strip() == f"Image {name}/alpine-virt.iso deleted."
    assert not (directory / "alpine-virt.iso").exists()


def test_a_checksum_mismatch_exits_1_with_the_reason_and_leaves_no_volume(
    real_node, pool, tmp_path
):
    name, directory = pool
    disk = tmp_path / "disk.raw"
    random_file(disk, 4 * MIB)
    wrong = "0" * 64
    result = run(
        real_node, "images", "upload", str(disk), "--pool", name, "--sha256", wrong, "--wait"
    )
    assert result.returncode == 1, result.stdout
    assert "checksum mismatch" in result.stderr.splitlines()[-1]
    assert not (directory / "disk.raw").exists()
    shown = json.loads(run(real_node, "images", "show", f"{name}/disk.raw", "--json").stdout)
    assert shown["phase"] == "ERROR" and "checksum mismatch" in shown["message"]
    # A failed upload has no transfer left to cancel.
    cancel = run(real_node, "images", "cancel", f"{name}/disk.raw")
    one_line_error(cancel, 1, f"quantixctl: image {name}/disk.raw is ERROR: no transfer")


def test_an_upload_on_a_terminal_draws_the_bar_to_100_percent(real_node, pool, tmp_path):
    name, _directory = pool
    disk = tmp_path / "big.raw"
    random_file(disk, 64 * MIB)
    master, slave = pty.openpty()
    resize(slave, 120)
    command = ["images", "upload", str(disk), "--pool", name, "--json"]
    try:
        with subprocess.Popen(
            quantixctl_command(real_node, *command), stdout=subprocess.PIPE, stderr=slave
        ) as uploading:
            os.close(slave)
            slave = -1
            seen: list[str] = []
            # The pty is read while the upload runs (a full pty buffer would stall it); the
            # bar's line is ended once the image has settled.
            terminal = read_until(
                master,
                seen,
                lambda text: "100 %" in text and text.endswith("\n"),
                "the bar at 100 %",
            )
            stdout = uploading.stdout.read()
            uploading.wait(timeout=READ_TIMEOUT_S)
    finally:
        os.close(master)
        if slave != -1:
            os.close(slave)
    assert uploading.returncode == 0, terminal
    last = [d for d in terminal.split("\r") if d.strip()][-1]  # a pty ends lines in \r\n
    assert last.startswith(f"upload {name}/big.raw [{'#' * 30}] 100 %  64.0 MiB of 64.0 MiB")
    assert json.loads(stdout)["phase"] == "READY"


def quantixctl_command(fleet, *args):
    return [sys.executable, "-m", "clients.cli", *fleet.cli_args("admin"), *args]


def test_refused_flags_record_nothing_on_a_real_coordinator(real_node, pool, tmp_path):
    name, directory = pool
    iso = tmp_path / "ok.iso"
    random_file(iso, MIB)
    for args in (
        ("upload", str(iso), "--pool", name, "--name", "../escape.iso"),
        ("upload", str(iso), "--pool", name, "--sha256", "nope"),
        ("upload", str(tmp_path / "missing.iso"), "--pool", name),
        ("download", "ftp://example.org/x.img", "--pool", name),
    ):
        result = run(real_node, "images", *args)
        assert result.returncode == 2, result.stderr
    assert json.loads(run(real_node, "images", "list", "--json").stdout) == []
    assert json.loads(run(real_node, "tasks", "list", "--json").stdout) == []
    assert list(directory.iterdir()) == []


@pytest.fixture
def http_server(tmp_path):
    """A real HTTP server on loopback serving ``tmp_path/www``; its base URL."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_download_with_the_publishers_checksum_file_and_a_404(real_node, pool, http_server):
    name, directory = pool
    root, base = http_server
    sha = random_file(root / "cloud.img", 6 * MIB)
    (root / "SHA256SUMS").write_text(f"{sha} *cloud.img\n")
    downloaded = run(
        real_node,
        "images",
        "download",
        f"{base}/cloud.img",
        "--pool",
        name,
        "--checksum-url",
        f"{base}/SHA256SUMS",
        "--wait",
        "--json",
    )
    assert downloaded.returncode == 0, downloaded.stderr
    image = json.loads(downloaded.stdout)
    assert (image["phase"], image["kind"], image["facts"]["sha256"]) == ("READY", "DISK", sha)
    assert image["checksum_url"] == f"{base}/SHA256SUMS"
    assert (directory / "cloud.img").read_bytes() == (root / "cloud.img").read_bytes()

    missing = run(real_node, "images", "download", f"{base}/gone.img", "--pool", name, "--wait")
    assert missing.returncode == 1
    last = missing.stderr.splitlines()[-1]
    assert last.startswith(f"quantixctl: image {name}/gone.img is ERROR: ")
    assert "404" in last and f"{base}/gone.img" in last


OVF = """<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
    xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData">
  <References><File ovf:id="file1" ovf:href="vm-disk1.vmdk"/></References>
  <DiskSection><Info>Virtual disks</Info>
    <Disk ovf:diskId="vmdisk1" ovf:capacity="67108864" ovf:fileRef="file1"
      ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>
  </DiskSection>
  <NetworkSection><Info>Networks</Info><Network ovf:name="NAT"/></NetworkSection>
  <VirtualSystem ovf:id="appliance">
    <Info>A virtual machine</Info>
    <OperatingSystemSection ovf:id="96"><Info>OS</Info><Description>Debian_64</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection><Info>Hardware</Info>
      <Item><rasd:ElementName>2 virtual CPU</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID>
        <rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>MegaBytes</rasd:AllocationUnits>
        <rasd:ElementName>1024 MB of memory</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID>
        <rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity>
      </Item>
      <Item><rasd:Connection>NAT</rasd:Connection><rasd:ElementName>Ethernet 1</rasd:ElementName>
        <rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>E1000</rasd:ResourceSubType>
        <rasd:ResourceType>10</rasd:ResourceType></Item>
      <Item><rasd:ElementName>disk1</rasd:ElementName><rasd:HostResource>/disk/vmdisk1</rasd:HostResource>
        <rasd:InstanceID>4</rasd:InstanceID><rasd:ResourceType>17</rasd:ResourceType></Item>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
"""


def make_ova(tmp_path):
    """An OVA as VirtualBox exports one: the OVF first, a streamOptimized VMDK made by the real
    qemu-img from a raw disk with some data, and a SHA256 manifest."""
    raw = tmp_path / "disk.raw"
    with raw.open("wb") as disk:
        disk.truncate(64 * MIB)
        disk.write(os.urandom(MIB))
    vmdk = tmp_path / "vm-disk1.vmdk"
    subprocess.run(
        ["/usr/bin/qemu-img", "convert", "-f", "raw", "-O", "vmdk", "-o",
         "subformat=streamOptimized", str(raw), str(vmdk)],
        check=True,
        timeout=120,
    )  # fmt: skip
    members = {"appliance.ovf": OVF.encode(), "vm-disk1.vmdk": vmdk.read_bytes()}
    manifest = "".join(
        f"SHA256({member})= {hashlib.sha256(data).hexdigest()}\n"
        for member, data in members.items()
    )
    members["appliance.mf"] = manifest.encode()
    ova = tmp_path / "appliance.ova"
    with tarfile.open(ova, "w", format=tarfile.USTAR_FORMAT) as archive:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return ova


def test_import_ova_waits_for_the_template_and_show_prints_its_ovf_facts(real_node, pool, tmp_path):
    name, directory = pool
    ova = make_ova(tmp_path)
    imported = run(real_node, "images", "import-ova", str(ova), "--pool", name, "--wait")
    assert imported.returncode == 0, imported.stderr
    phases = [line.rsplit(": ", 1)[-1] for line in imported.stderr.splitlines()]
    assert phases[0] == "uploading"
    shown = run(real_node, "images", "show", f"{name}/appliance")
    lines = shown.stdout.splitlines()
    assert "Kind              OVA template" in lines
    assert "Phase             READY" in lines
    assert "Machine           2 CPUs, 1.0 GiB memory" in lines
    assert "NIC 1             Ethernet 1: E1000 on NAT" in lines
    assert "Disk 1            vm-disk1.vmdk → appliance-disk1.qcow2 (64.0 MiB)" in lines
    assert (directory / "appliance-disk1.qcow2").exists()


def test_the_catalog_lists_well_known_cloud_images(real_node):
    listed = run(real_node, "images", "catalog", "--json")
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    assert len({e["id"] for e in entries}) == len(entries) >= 5
    assert all(e["url"].startswith("https://") and e["checksum_url"] for e in entries)
    table = run(real_node, "images", "catalog").stdout.splitlines()
    assert table[0].split() == ["ID", "LABEL", "OS", "FORMAT", "URL"]
    unknown = run(real_node, "images", "download", "--catalog", "nope-1.0", "--pool", "p")
    one_line_error(unknown, 2, "quantixctl: --catalog: ")
