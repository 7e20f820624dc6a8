"""Images end to end with a node daemon that takes tickets, starts downloads, cancels jobs and
deletes volumes (NodeDaemon.AddTransferTicket, StartDownload, CancelJob, DeleteVolumes).

What the coordinator does without those calls is tested in test_images_fleet.py and
test_images_tasks.py.
"""

from __future__ import annotations

import asyncio
import time

import grpc

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


def test_a_failed_download_is_deleted_with_its_file_and_a_found_volume_is_not_deleted(
    start_fleet,
):
    fleet = start_fleet(HOSTS, **OPTIONS)

    async def volumes() -> set[str]:
        async with NodeClient(fleet.node_endpoint("host-a", "coordinator"), "host-a") as node:
            return {v.name for v in await node.list_volumes("default")}

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), HOSTS)
        async with CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin:
            await adopt_default(admin)
            download = await admin.create_download(
                pb.CreateDownloadRequest(
                    pool="default", name="cloud.qcow2", url="http://127.0.0.1:1/cloud.qcow2"
                )
            )
            failed = await eventually(
                lambda: admin.get_image("default", "cloud.qcow2"),
                lambda i: i.phase == cpb.IMAGE_PHASE_ERROR,
                what="the download failed (nothing listens on port 1)",
            )
            await admin.delete_image("default", "cloud.qcow2")
            try:
                await admin.delete_image("default", "found.iso")
            except grpc.aio.AioRpcError as error:
                refused = error
            return download, failed, await volumes(), refused, await admin.list_images()

    download, failed, after, refused, images = asyncio.run(main())
    assert download.phase == cpb.IMAGE_PHASE_DOWNLOADING
    assert download.source == "http://127.0.0.1:1/cloud.qcow2"
    assert failed.volume_made and "127.0.0.1:1" in failed.message, failed.message
    # The failed download's file is Quantix's (kept for a retry), so deleting the image asks
    # the host to delete it (removing it is a real libvirt's part: the test driver lists only
    # the volumes of its XML); the record is gone.
    assert "cloud.qcow2" not in {i.name for i in images.images}
    # A volume Quantix did not put there is never deleted by it.
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refused.details() == (
        "found.iso in pool default: a volume found in the pool: Quantix did not put it there "
        "and does not delete it"
    )
    assert "found.iso" in after
    assert "found.iso" in {i.name for i in images.images}
