"""The images and tasks models from scripted Watch events (real quantix.v1 messages, as the
coordinator publishes them): rows and columns, managed and found images, phases, progress from
the image's task, filter tabs, kinds and search.

The builders here are shared by the other Images and transfers tests.
"""

from __future__ import annotations

from collections.abc import Iterable

from google.protobuf.duration_pb2 import Duration
from PySide6.QtCore import Qt

from console.images.image_text import PHASE_FOUND
from console.images.images_filter import ImagesFilterProxy, ImageTab, tab_counts
from console.images.images_model import PROGRESS_ROLE, Column, ImagesModel
from console.images.tasks_model import ROW_ROLE, TasksModel
from domain.images import image_key
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.console.storage_messages import ADDED, RESET, SYNCED, UPDATED

MiB = 1024**2
GiB = 1024**3

SHA = "9e" * 32


def task_id(number: int) -> str:
    return f"{number:016x}"


def make_image(
    name: str,
    *,
    pool: str = "images",
    host: str = "host-a",
    kind: int = cpb.IMAGE_KIND_ISO,
    phase: int = cpb.IMAGE_PHASE_READY,
    managed: bool = True,
    task: str = "",
    message: str = "",
    size: int = 0,
    virtual_size: int = 0,
    source: str = "",
    ovf: cpb.OvfFacts | None = None,
) -> pb.Image:
    facts = cpb.ImageFacts(
        format={cpb.IMAGE_KIND_ISO: "iso"}.get(kind, "qcow2") if size else "",
        size_bytes=size,
        virtual_size_bytes=virtual_size or size,
        allocated_bytes=size,
        sha256=SHA if size else "",
        path=f"/var/lib/quantix/pools/{pool}/{name}" if size else "",
    )
    if ovf is not None:
        facts.ovf.CopyFrom(ovf)
        facts.volumes.extend(d.volume for d in ovf.disks)
    return pb.Image(
        pool=pool,
        name=name,
        kind=kind,
        host=host,
        phase=phase,
        managed=managed,
        task_id=task,
        message=message,
        facts=facts,
        source=source or (name if managed else ""),
        created_by="admin" if managed else "",
    )


WEB_OVF = cpb.OvfFacts(
    name="web-01",
    os="Ubuntu Linux (64-bit)",
    cpus=2,
    memory_bytes=4 * GiB,
    disks=[
        cpb.OvfDisk(file="web-01-disk1.vmdk", volume="web-disk1.qcow2", capacity_bytes=20 * GiB)
    ],
    nics=[cpb.OvfNic(name="Ethernet 1", network="VM Network", model="E1000")],
    producer="VMware",
)


def ova_template() -> pb.Image:
    return make_image(
        "web",
        kind=cpb.IMAGE_KIND_OVA_TEMPLATE,
        size=1 * GiB,
        source="web-01.ova",
        ovf=WEB_OVF,
    )


def make_task(
    number: int,
    name: str = "ubuntu.iso",
    *,
    kind: int = pb.TASK_KIND_UPLOAD,
    phase: int = pb.TASK_PHASE_RUNNING,
    done: int = 0,
    total: int = 0,
    rate: float = 0.0,
    eta_s: int | None = None,
    pool: str = "images",
    host: str = "host-a",
    step: str = "",
    message: str = "",
) -> pb.Task:
    task = pb.Task(
        id=task_id(number),
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
    task.created_at.FromSeconds(1_700_000_000 + number)
    if eta_s is not None:
        task.eta.CopyFrom(Duration(seconds=eta_s))
    return task


def image_event(kind: int, image: pb.Image) -> pb.WatchEvent:
    event = pb.WatchEvent(
        type=kind, kind=pb.OBJECT_KIND_IMAGE, key=image_key(image.pool, image.name)
    )
    event.image.CopyFrom(image)
    return event


def task_event(kind: int, task: pb.Task) -> pb.WatchEvent:
    event = pb.WatchEvent(type=kind, kind=pb.OBJECT_KIND_TASK, key=task.id)
    event.task.CopyFrom(task)
    return event


def snapshot(events: Iterable[pb.WatchEvent]) -> list[pb.WatchEvent]:
    return [pb.WatchEvent(type=RESET), *events, pb.WatchEvent(type=SYNCED)]


UPLOADING = make_image(
    "debian-12.iso", phase=cpb.IMAGE_PHASE_UPLOADING, task=task_id(1), source="debian-12.iso"
)
UPLOAD_TASK = make_task(
    1, "debian-12.iso", done=300 * MiB, total=600 * MiB, rate=50 * MiB, eta_s=6, step="writing"
)
FAILED_DOWNLOAD = make_image(
    "noble.img",
    kind=cpb.IMAGE_KIND_DISK,
    phase=cpb.IMAGE_PHASE_ERROR,
    task=task_id(2),
    source="https://cloud-images.ubuntu.com/noble/current/noble.img",
    message="download on host-a stopped at 1.2 GiB of 3.5 GiB: connection reset by peer",
)
IMAGES = [
    make_image("ubuntu-24.04.iso", size=3 * GiB),
    make_image("rocky-9.qcow2", kind=cpb.IMAGE_KIND_DISK, size=900 * MiB, virtual_size=10 * GiB),
    UPLOADING,
    FAILED_DOWNLOAD,
    ova_template(),
    make_image("old-vm.qcow2", kind=cpb.IMAGE_KIND_DISK, managed=False, size=5 * GiB),
]


def fed_models(qapp) -> tuple[ImagesModel, TasksModel]:
    tasks = TasksModel()
    images = ImagesModel()
    images.set_tasks(tasks)
    tasks.apply_events(snapshot([task_event(ADDED, UPLOAD_TASK)]))
    images.apply_events(snapshot(image_event(ADDED, image) for image in IMAGES))
    return images, tasks


def cell(model: ImagesModel, name: str, column: Column, role=Qt.ItemDataRole.DisplayRole):
    row = next(r for r in range(model.rowCount()) if model.item_at(r).name == name)
    return model.index(row, column).data(role)


def test_rows_show_kind_size_where_phase_and_message(qapp):
    images, _tasks = fed_models(qapp)
    assert [images.item_at(r).name for r in range(images.rowCount())] == [
        "debian-12.iso",
        "noble.img",
        "old-vm.qcow2",
        "rocky-9.qcow2",
        "ubuntu-24.04.iso",
        "web",
    ]
    assert cell(images, "ubuntu-24.04.iso", Column.KIND) == "ISO"
    assert cell(images, "ubuntu-24.04.iso", Column.SIZE) == "3.0 GiB"
    # A disk's size is what the guest sees, not the file's.
    assert cell(images, "rocky-9.qcow2", Column.SIZE) == "10.0 GiB"
    assert cell(images, "web", Column.KIND) == "OVA template"
    assert cell(images, "web", Column.PHASE) == "Ready"
    assert cell(images, "old-vm.qcow2", Column.PHASE) == "Found in pool"
    assert cell(images, "noble.img", Column.PHASE) == "Error"
    assert cell(images, "noble.img", Column.MESSAGE).endswith("connection reset by peer")
    assert (
        cell(images, "debian-12.iso", Column.POOL),
        cell(images, "debian-12.iso", Column.HOST),
    ) == (
        "images",
        "host-a",
    )


def test_progress_follows_the_images_task(qapp, qtbot):
    images, tasks = fed_models(qapp)
    assert cell(images, "debian-12.iso", Column.PROGRESS) == "50 %"
    assert cell(images, "debian-12.iso", Column.PROGRESS, PROGRESS_ROLE) == 0.5
    # Before the image's size is known, the transfer's total stands in for it.
    assert cell(images, "debian-12.iso", Column.SIZE) == "600.0 MiB"
    assert cell(images, "ubuntu-24.04.iso", Column.PROGRESS, PROGRESS_ROLE) is None

    moved = pb.Task()
    moved.CopyFrom(UPLOAD_TASK)
    moved.bytes_done = 540 * MiB
    with qtbot.waitSignal(images.dataChanged, timeout=2000) as changed:
        tasks.apply_event(task_event(UPDATED, moved))
    first, last = changed.args[0], changed.args[1]
    row = images.row_of("images/debian-12.iso")
    assert first.row() <= row <= last.row()
    assert first.column() <= Column.PROGRESS <= last.column()
    assert cell(images, "debian-12.iso", Column.PROGRESS) == "90 %"


def test_tabs_kinds_and_search_filter_the_rows(qapp):
    images, _tasks = fed_models(qapp)
    assert tab_counts(images.phase_counts()) == {
        ImageTab.ALL: 6,
        ImageTab.READY: 3,
        ImageTab.BUSY: 1,
        ImageTab.ERROR: 1,
        ImageTab.FOUND: 1,
    }
    assert images.phase_counts()[PHASE_FOUND] == 1
    proxy = ImagesFilterProxy(images)

    def shown() -> list[str]:
        return sorted(proxy.index(r, 0).data() for r in range(proxy.rowCount()))

    proxy.set_tab(ImageTab.FOUND)
    assert shown() == ["old-vm.qcow2"]
    proxy.set_tab(ImageTab.ALL)
    proxy.set_kind(cpb.IMAGE_KIND_DISK)
    assert shown() == ["noble.img", "old-vm.qcow2", "rocky-9.qcow2"]
    proxy.set_search("ROCKY")
    assert shown() == ["rocky-9.qcow2"]
    proxy.set_kind(cpb.IMAGE_KIND_UNSPECIFIED)
    proxy.set_search("host-a")  # the host is searched too
    assert len(shown()) == 6


def test_a_removed_image_leaves_and_counts_follow(qapp):
    images, _tasks = fed_models(qapp)
    event = pb.WatchEvent(
        type=pb.WatchEvent.TYPE_REMOVED, kind=pb.OBJECT_KIND_IMAGE, key="images/noble.img"
    )
    images.apply_event(event)
    images.flush()
    assert images.row_of("images/noble.img") is None
    assert tab_counts(images.phase_counts())[ImageTab.ERROR] == 0


def test_tasks_are_newest_first_with_their_words(qapp):
    tasks = TasksModel()
    done = make_task(
        3,
        "rocky-9.qcow2",
        kind=pb.TASK_KIND_DOWNLOAD,
        phase=pb.TASK_PHASE_SUCCEEDED,
        done=900 * MiB,
        total=900 * MiB,
    )
    failed = make_task(
        4,
        "web",
        kind=pb.TASK_KIND_OVA_IMPORT,
        phase=pb.TASK_PHASE_FAILED,
        message="disk file vm-disk1.vmdk named in the OVF is not in the archive",
    )
    tasks.apply_events(snapshot(task_event(ADDED, t) for t in (UPLOAD_TASK, done, failed)))
    rows = [tasks.index(r, 0).data(ROW_ROLE) for r in range(tasks.rowCount())]
    assert [row.title for row in rows] == [
        "OVA import web",
        "Download rocky-9.qcow2",
        "Upload debian-12.iso",
    ]
    assert rows[0].status == (
        "Failed: disk file vm-disk1.vmdk named in the OVF is not in the archive"
    )
    assert rows[1].status == "Done: images/rocky-9.qcow2 on host-a"
    assert rows[1].fraction == 1.0
    running = rows[2]
    assert running.fraction == 0.5
    assert running.figures == "300.0 MiB of 600.0 MiB · 50.0 MiB/s · 6 s left"
    assert running.status == "Writing"
    assert running.where == "pool images on host-a"
    assert tasks.running_count() == 1
