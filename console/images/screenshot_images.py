"""Screenshots of the Images page and the transfers panel with scripted data (``python -m
console.screenshot DIR --only images``): no fleet is started; the window's models are fed real
quantix.v1 messages as Watch would deliver them (images of every kind and phase, volumes found
in a pool, an OVA template with its OVF facts, uploads and downloads running and finished), and
the dialogs are opened on the same pools. A development aid, not used by the console."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path

from google.protobuf.duration_pb2 import Duration
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLineEdit, QWidget

from clients.channels import Endpoint
from console.identity_store import IdentityStore
from console.images.download_dialog import DownloadDialog
from console.images.images_page import ImagesPage
from console.images.transfers_panel import TransfersDock
from console.main_window import MainWindow
from console.settings import ConsoleSettings
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

MiB, GiB = 1024**2, 1024**3
SHA = "5b0f8a6ce7d3f5e7cb1e0c3a49f1f0a7c2d3b4e5f60718293a4b5c6d7e8f9012"
# Nothing listens here: the actions are enabled as when connected, and nothing is called.
NOWHERE = Endpoint("127.0.0.1:1", None)


def _event(kind: int, key: str, field: str, message: object) -> pb.WatchEvent:
    event = pb.WatchEvent(type=pb.WatchEvent.TYPE_ADDED, kind=kind, key=key)
    getattr(event, field).CopyFrom(message)
    return event


def _image(
    name: str,
    kind: int,
    phase: int,
    *,
    size: int = 0,
    virtual: int = 0,
    pool: str = "images",
    host: str = "host-a",
    managed: bool = True,
    task: str = "",
    message: str = "",
    source: str = "",
    ovf: cpb.OvfFacts | None = None,
) -> pb.Image:
    facts = cpb.ImageFacts(
        format="iso" if kind == cpb.IMAGE_KIND_ISO else ("qcow2" if size else ""),
        size_bytes=size,
        virtual_size_bytes=virtual or size,
        allocated_bytes=size,
        sha256=SHA if size and managed else "",
        path=f"/var/lib/quantix/pools/{pool}/{name}" if size else "",
    )
    if ovf is not None:
        facts.ovf.CopyFrom(ovf)
        facts.volumes.extend(d.volume for d in ovf.disks)
    image = pb.Image(
        pool=pool,
        name=name,
        kind=kind,
        host=host,
        phase=phase,
        managed=managed,
        task_id=task,
        message=message,
        facts=facts,
        source=source or name,
        created_by="admin" if managed else "",
    )
    image.created_at.FromSeconds(1_764_000_000)
    return image


def _task(
    number: int,
    name: str,
    kind: int,
    phase: int,
    done: int,
    total: int,
    rate: float = 0,
    eta: int | None = None,
    step: str = "",
    message: str = "",
    pool: str = "images",
    host: str = "host-a",
) -> pb.Task:
    task = pb.Task(
        id=f"{number:016x}",
        kind=kind,
        object_name=name,
        pool=pool,
        host=host,
        phase=phase,
        step=step,
        bytes_done=done,
        bytes_total=total,
        rate_bytes_per_second=rate,
        message=message,
        started_by="admin",
    )
    task.created_at.FromSeconds(1_764_000_000 + number)
    if eta is not None:
        task.eta.CopyFrom(Duration(seconds=eta))
    return task


OVF = cpb.OvfFacts(
    name="web-01",
    os="Ubuntu Linux (64-bit)",
    cpus=2,
    memory_bytes=4 * GiB,
    producer="VMware",
    disks=[
        cpb.OvfDisk(file="web-01-disk1.vmdk", volume="web-disk1.qcow2", capacity_bytes=20 * GiB),
        cpb.OvfDisk(file="web-01-disk2.vmdk", volume="web-disk2.qcow2", capacity_bytes=100 * GiB),
    ],
    nics=[cpb.OvfNic(name="Ethernet 1", network="VM Network", model="VmxNet3")],
)
TASKS = [
    _task(
        1,
        "debian-12.7-netinst.iso",
        pb.TASK_KIND_UPLOAD,
        pb.TASK_PHASE_RUNNING,
        412 * MiB,
        631 * MiB,
        96 * MiB,
        3,
        "writing the volume",
    ),
    _task(
        2,
        "noble-server-cloudimg-amd64.img",
        pb.TASK_KIND_DOWNLOAD,
        pb.TASK_PHASE_RUNNING,
        180 * MiB,
        584 * MiB,
        22 * MiB,
        19,
        "downloading",
        pool="media",
        host="host-b",
    ),
    _task(
        3,
        "appliance",
        pb.TASK_KIND_OVA_IMPORT,
        pb.TASK_PHASE_RUNNING,
        9 * GiB,
        20 * GiB,
        140 * MiB,
        81,
        "converting disk 1 of 2",
    ),
    _task(
        4,
        "rocky-9-genericcloud.qcow2",
        pb.TASK_KIND_DOWNLOAD,
        pb.TASK_PHASE_SUCCEEDED,
        900 * MiB,
        900 * MiB,
    ),
    _task(
        5,
        "fedora-41.qcow2",
        pb.TASK_KIND_DOWNLOAD,
        pb.TASK_PHASE_FAILED,
        1229 * MiB,
        3500 * MiB,
        message="download on host-a stopped at 1.2 GiB of 3.4 GiB: "
        "https://mirror.example.com/fedora-41.qcow2: connection reset by peer",
    ),
    _task(
        6,
        "win-server-2022.iso",
        pb.TASK_KIND_UPLOAD,
        pb.TASK_PHASE_CANCELLED,
        2 * GiB,
        5 * GiB,
        message="cancelled by admin",
    ),
]
IMAGES = [
    _image(
        "ubuntu-24.04.1-live-server-amd64.iso",
        cpb.IMAGE_KIND_ISO,
        cpb.IMAGE_PHASE_READY,
        size=2757 * MiB,
    ),
    _image(
        "rocky-9-genericcloud.qcow2",
        cpb.IMAGE_KIND_DISK,
        cpb.IMAGE_PHASE_READY,
        size=900 * MiB,
        virtual=10 * GiB,
        source="https://dl.rockylinux.org/pub/rocky/9/images/x86_64/Rocky-9-GenericCloud.qcow2",
    ),
    _image(
        "debian-12.7-netinst.iso", cpb.IMAGE_KIND_ISO, cpb.IMAGE_PHASE_UPLOADING, task=f"{1:016x}"
    ),
    _image(
        "noble-server-cloudimg-amd64.img",
        cpb.IMAGE_KIND_DISK,
        cpb.IMAGE_PHASE_DOWNLOADING,
        pool="media",
        host="host-b",
        task=f"{2:016x}",
    ),
    _image(
        "appliance",
        cpb.IMAGE_KIND_OVA_TEMPLATE,
        cpb.IMAGE_PHASE_CONVERTING,
        task=f"{3:016x}",
        source="appliance.ova",
    ),
    _image(
        "fedora-41.qcow2",
        cpb.IMAGE_KIND_DISK,
        cpb.IMAGE_PHASE_ERROR,
        task=f"{5:016x}",
        message=TASKS[4].message,
        source="https://mirror.example.com/fedora-41.qcow2",
    ),
    _image(
        "web",
        cpb.IMAGE_KIND_OVA_TEMPLATE,
        cpb.IMAGE_PHASE_READY,
        size=1843 * MiB,
        source="web-01.ova",
        ovf=OVF,
    ),
    _image(
        "legacy-db.qcow2",
        cpb.IMAGE_KIND_DISK,
        cpb.IMAGE_PHASE_READY,
        size=40 * GiB,
        managed=False,
        pool="media",
        host="host-b",
    ),
]


def _pools() -> list[pb.Pool]:
    def status(host: str) -> cpb.HostStatus:
        return cpb.HostStatus(
            host=host,
            phase=cpb.PHASE_READY,
            storage=cpb.StorageUse(
                capacity_bytes=2048 * GiB, allocation_bytes=600 * GiB, available_bytes=1448 * GiB
            ),
        )

    local = cpb.PoolSpec(
        name="images",
        backend=cpb.POOL_BACKEND_LOCAL_DIR,
        hosts=["host-a"],
        local_dir=cpb.LocalDirSource(path="/var/lib/quantix/pools/images"),
    )
    nfs = cpb.PoolSpec(
        name="media",
        backend=cpb.POOL_BACKEND_NFS,
        hosts=["host-a", "host-b"],
        nfs=cpb.NfsSource(server="nas01.example.com", export_path="/export/media"),
    )
    return [
        pb.Pool(
            spec=local, realization=cpb.Realization(phase=cpb.PHASE_READY, hosts=[status("host-a")])
        ),
        pb.Pool(
            spec=nfs,
            realization=cpb.Realization(
                phase=cpb.PHASE_READY, hosts=[status("host-a"), status("host-b")]
            ),
        ),
    ]


def feed(window: MainWindow) -> None:
    """The events Watch would deliver, routed to the window's models as the window does."""
    events = [pb.WatchEvent(type=pb.WatchEvent.TYPE_RESET)]
    for host in ("host-a", "host-b"):
        events.append(
            _event(
                pb.OBJECT_KIND_NODE,
                host,
                "node",
                pb.Node(name=host, address="10.0.0.1:7501", status=pb.NODE_STATUS_CONNECTED),
            )
        )
    events += [_event(pb.OBJECT_KIND_POOL, p.spec.name, "pool", p) for p in _pools()]
    events += [_event(pb.OBJECT_KIND_TASK, t.id, "task", t) for t in TASKS]
    events += [_event(pb.OBJECT_KIND_IMAGE, f"{i.pool}/{i.name}", "image", i) for i in IMAGES]
    events.append(pb.WatchEvent(type=pb.WatchEvent.TYPE_SYNCED))
    for event in events:
        for spec in window.registry.models():
            if spec.takes(event.kind):
                window.models[spec.key].apply_event(event)  # type: ignore[attr-defined]


async def images_tour(save: Callable[[QWidget, str], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="quantix-shots-") as work:
        settings = ConsoleSettings(
            QSettings(str(Path(work) / "console.ini"), QSettings.Format.IniFormat)
        )
        window = MainWindow(settings, IdentityStore())
        window.resize(1280, 800)
        window.show()
        try:
            page = window.page("images")
            assert isinstance(page, ImagesPage)
            # A picture of a connected page: its actions enabled (nothing is called).
            page._endpoint = lambda: NOWHERE
            feed(window)
            window.show_page_key("images")
            await asyncio.sleep(0.3)
            page.select_image("images", "web")
            dock = window.findChild(TransfersDock)
            assert dock is not None
            dock.show()
            dock.panel.select_task(f"{1:016x}")
            await asyncio.sleep(0.5)
            save(window, "images")
            dock.hide()
            page.select_image("images", "fedora-41.qcow2")
            await asyncio.sleep(0.3)
            save(window, "images-error")
            dock.show()
            dock.setFloating(True)
            dock.resize(760, 420)
            await asyncio.sleep(0.5)
            save(dock, "transfers-panel")
            dock.setFloating(False)
            dialog = page.open_upload_dialog()
            assert dialog is not None
            file = Path(work) / "debian-12.7.0-amd64-netinst.iso"
            file.write_bytes(b"\x00" * 4096)
            editor = dialog.file_row.editor if dialog.file_row is not None else None
            assert isinstance(editor, QLineEdit)
            editor.setText(str(file))
            await asyncio.sleep(0.4)
            save(dialog, "upload-dialog")
            dialog.name.set_text("debian..iso")
            await asyncio.sleep(0.2)
            save(dialog, "upload-dialog-invalid")
            dialog.reject()
            await asyncio.sleep(0.1)
            dialog = page.open_download_dialog()
            assert isinstance(dialog, DownloadDialog)
            dialog.url.set_text(
                "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img"
            )
            await asyncio.sleep(0.3)
            save(dialog, "download-dialog")
            dialog.reject()
        finally:
            window.close()
            await window.wait_closed()
