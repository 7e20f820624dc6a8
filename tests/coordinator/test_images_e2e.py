"""Images end to end with a node daemon that takes tickets, starts downloads, cancels jobs and
deletes volumes (NodeDaemon.AddTransferTicket, StartDownload, CancelJob, DeleteVolumes).

What the coordinator does without those calls is tested in test_images_fleet.py and
test_images_tasks.py.
"""

from __future__ import annotations

import asyncio
import time

from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.image_fleet import GIB, HOSTS, OPTIONS, adopt_default
from tests.fleet_client import wait_registered
from tests.helpers import eventually

UPLOAD = pb.CreateUploadRequest(
    pool="default", name="new.iso", kind=cpb.IMAGE_KIND_ISO, size_bytes=GIB, source="new.iso"
)


async def _events(client: CoordinatorClient, into: list[pb.WatchEvent]) -> None:
    async for event in client.watch():
        into.append(event)


def test_create_upload_gives_the_host_a_ticket_that_no_read_watch_audit_or_log_carries(
    start_fleet,
):
    fleet = start_fleet(HOSTS, **OPTIONS)

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), HOSTS)
        async with (
            CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin,
            CoordinatorClient(fleet.coordinator_endpoint("operator")) as operator,
        ):
            await adopt_default(admin)
            events: list[pb.WatchEvent] = []
            watching = asyncio.create_task(_events(admin, events))
            answer = await operator.create_upload(UPLOAD)
            await eventually(
                lambda: asyncio.sleep(0, events),
                lambda seen: any(
                    e.kind == pb.OBJECT_KIND_IMAGE and e.key == "default/new.iso" for e in seen
                ),
                what="the image on Watch",
            )
            watching.cancel()
            reads = [
                await admin.get_image("default", "new.iso"),
                await admin.list_images(),
                await admin.list_tasks(),
                await admin.get_task(answer.task.id),
            ]
            audit = await admin.list_audit_entries()
            return answer, events, reads, audit

    answer, events, reads, audit = asyncio.run(main())
    secret = answer.ticket.encode()
    assert len(answer.ticket) >= 43
    assert answer.host == "host-a"
    assert answer.node_address == fleet.node_address("host-a")
    assert answer.expires_at.seconds > time.time()
    assert (answer.image.phase, answer.image.created_by) == (
        cpb.IMAGE_PHASE_UPLOADING,
        "local-operator",
    )
    assert (answer.task.kind, answer.task.bytes_total) == (pb.TASK_KIND_UPLOAD, GIB)
    for carrier in [*events, *reads, *audit]:
        assert secret not in carrier.SerializeToString()
    assert secret not in fleet.coordinator.log_file.read_bytes()


def test_cancel_of_an_upload_not_begun_asks_the_host_and_ends_cancelled(start_fleet):
    fleet = start_fleet(HOSTS, **OPTIONS)

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), HOSTS)
        async with CoordinatorClient(fleet.coordinator_endpoint("operator")) as operator:
            async with CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin:
                await adopt_default(admin)
            answer = await operator.create_upload(UPLOAD)
            await operator.cancel_task(answer.task.id)
            task = await eventually(
                lambda: operator.get_task(answer.task.id),
                lambda t: t.phase == pb.TASK_PHASE_CANCELLED,
                what="the task cancelled",
            )
            return task, await operator.get_image("default", "new.iso")

    task, image = asyncio.run(main())
    assert task.message == "cancelled by local-operator"
    assert image.phase == cpb.IMAGE_PHASE_ERROR
    assert (
        image.message == "upload to host-a stopped at 0 B of 1.0 GiB: cancelled by local-operator"
    )


def test_a_download_starts_on_the_host_and_a_found_volume_is_deleted_there(start_fleet):
    fleet = start_fleet(HOSTS, **OPTIONS)

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), HOSTS)
        async with CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin:
            await adopt_default(admin)
            download = await admin.create_download(
                pb.CreateDownloadRequest(
                    pool="default", name="cloud.qcow2", url="http://127.0.0.1:1/cloud.qcow2"
                )
            )
            await admin.delete_image("default", "found.iso")
            async with NodeClient(fleet.node_endpoint("host-a", "coordinator"), "host-a") as node:
                left = {v.name for v in await node.list_volumes("default")}
            return download, left, (await admin.list_images()).images

    download, left, images = asyncio.run(main())
    assert download.phase == cpb.IMAGE_PHASE_DOWNLOADING
    assert download.source == "http://127.0.0.1:1/cloud.qcow2"
    assert "found.iso" not in left
    assert "found.iso" not in {i.name for i in images}
