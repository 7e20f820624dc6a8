"""Images on a real coordinator and real node daemons (libvirt's test driver): volumes already
in a managed pool are found images; bad input and impossible placements are refused naming
the field or the reason, storing nothing; a host that does not answer leaves an upload
refused (nothing stored), a download ERROR with its task FAILED (retry starts a new task), a
a failed download that made nothing there deleted as a record alone."""

from __future__ import annotations

import asyncio

import grpc
import pytest

from clients.coordinator import CoordinatorClient
from domain.units import format_bytes
from localfleet.fleet import wait_registered
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.image_fleet import (
    DEADLINE_S,
    GIB,
    HOSTS,
    OPTIONS,
    POOL_DIR,
    adopt_default,
    ready,
)
from tests.coordinator.pool_wire import iscsi, nfs
from tests.helpers import eventually

UPLOAD = {"pool": "default", "name": "new.iso", "kind": cpb.IMAGE_KIND_ISO, "size_bytes": GIB}
DOWNLOAD = {"pool": "default", "name": "cloud.qcow2", "url": "https://images.lab/cloud.qcow2"}

BAD_UPLOADS = [
    ({"name": ""}, "name: is required"),
    ({"name": "a..b.iso"}, "name: must not contain '..'"),
    ({"name": "a/b.iso"}, "name: must not contain a path separator"),
    ({"name": "x" * 201}, "name: must be at most 200 characters"),
    ({"name": ".hidden.iso"}, "name: may contain only letters"),
    ({"pool": ""}, "pool: is required"),
    ({"kind": cpb.IMAGE_KIND_UNSPECIFIED}, "kind: is required"),
    ({"size_bytes": 0}, "size_bytes: must be more than 0 bytes"),
    ({"size_bytes": (16 << 40) + 1}, "size_bytes: must be at most 16.0 TiB"),
    ({"sha256": "xyz"}, "sha256: must be 64 hex digits"),
    ({"sha256": "g" * 64}, "sha256: must be hex digits"),
    ({"host": "not a host!"}, "host: "),
    ({"source": "a\nb.iso"}, "source: "),
]
BAD_DOWNLOADS = [
    ({"url": ""}, "url: is required"),
    ({"url": "ftp://images.lab/x.qcow2"}, "url: must start with http:// or https://"),
    ({"url": "https:///x.qcow2"}, "url: must name a host"),
    ({"checksum_url": "file:///etc/passwd"}, "checksum_url: must start with http://"),
    ({"kind": cpb.IMAGE_KIND_OVA_TEMPLATE}, "kind: a download is a DISK or an ISO"),
    ({"sha256": "12"}, "sha256: must be 64 hex digits"),
    ({"name": "a/b"}, "name: must not contain a path separator"),
    ({"url": "", "catalog_id": "no-such-entry"}, "catalog_id: is not an image of th"),
    ({"catalog_id": "no-such-entry"}, "catalog_id: give a catalog entry or a URL, not both"),
]


async def refusal(call) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value


def test_found_volumes_bad_input_and_impossible_placements(start_fleet):
    fleet = start_fleet(HOSTS, **OPTIONS)

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), HOSTS)
        async with CoordinatorClient(fleet.coordinator_endpoint("operator")) as operator:
            async with CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin:
                found = await adopt_default(admin)
                await admin.create_pool(iscsi("san", ["host-a"], chap_user="", chap_secret=""))
                await admin.create_pool(nfs("shared"))
                await ready(admin, "san")
                await ready(admin, "shared", hosts=2)
            before = (await operator.list_images()).images
            bad = []
            for change, _ in BAD_UPLOADS:
                request = pb.CreateUploadRequest(**{**UPLOAD, **change})
                bad.append(await refusal(operator.create_upload(request)))
            for change, _ in BAD_DOWNLOADS:
                request = pb.CreateDownloadRequest(**{**DOWNLOAD, **change})
                bad.append(await refusal(operator.create_download(request)))
            pool = await operator.get_pool("default")
            placed = {}
            for label, change in {
                "no pool": {"pool": "nope"},
                "shared, no host": {"pool": "shared"},
                "not its host": {"host": "host-b"},
                "no uploads": {"pool": "san"},
                "no room": {"size_bytes": 200 * GIB},
                "found volume": {"name": "found.iso"},
                "template disk": {"name": "found.iso", "kind": cpb.IMAGE_KIND_DISK},
            }.items():
                request = pb.CreateUploadRequest(**{**UPLOAD, **change})
                placed[label] = await refusal(operator.create_upload(request))
            download_on_san = await refusal(
                operator.create_download(pb.CreateDownloadRequest(**{**DOWNLOAD, "pool": "san"}))
            )
            after = (await operator.list_images()).images
            tasks = (await operator.list_tasks()).tasks
            return found, bad, pool, placed, download_on_san, before, after, tasks

    found, bad, pool, placed, download_on_san, before, after, tasks = asyncio.run(main())
    by_name = {i.name: i for i in found}
    assert set(by_name) == {"found.iso", "disk.qcow2"}  # "Bad Name.img" cannot be one
    iso, disk = by_name["found.iso"], by_name["disk.qcow2"]
    assert (iso.managed, iso.phase, iso.kind, iso.host, iso.pool) == (
        False,
        cpb.IMAGE_PHASE_READY,
        cpb.IMAGE_KIND_ISO,
        "host-a",
        "default",
    )
    assert iso.facts == cpb.ImageFacts(
        format="raw",
        virtual_size_bytes=GIB,
        allocated_bytes=GIB // 2,
        path=f"{POOL_DIR}/found.iso",
    )
    assert (disk.kind, disk.facts.format, disk.facts.virtual_size_bytes) == (
        cpb.IMAGE_KIND_DISK,
        "qcow2",
        10 * GIB,
    )
    expected = [rule for _, rule in BAD_UPLOADS + BAD_DOWNLOADS]
    assert [
        (e.code(), e.details()[: len(rule)]) for e, rule in zip(bad, expected, strict=True)
    ] == [(grpc.StatusCode.INVALID_ARGUMENT, rule) for rule in expected]
    free = pool.realization.hosts[0].storage.available_bytes
    assert {label: (e.code(), e.details()) for label, e in placed.items()} == {
        "no pool": (grpc.StatusCode.NOT_FOUND, "no pool named 'nope'"),
        "shared, no host": (
            grpc.StatusCode.INVALID_ARGUMENT,
            "host: is required: pool shared is on 2 hosts; choose one of its ready hosts "
            "(host-a, host-b)",
        ),
        "not its host": (
            grpc.StatusCode.INVALID_ARGUMENT,
            "host: host-b is not a host of pool default (its ready hosts: host-a)",
        ),
        "no uploads": (
            grpc.StatusCode.FAILED_PRECONDITION,
            "pool san cannot take images: an iSCSI pool's volumes are the target's LUNs; "
            "libvirt cannot create one",
        ),
        "no room": (
            grpc.StatusCode.FAILED_PRECONDITION,
            f"pool default on host-a has {format_bytes(free)} free, less than the 200.0 GiB "
            "of the file",
        ),
        "found volume": (
            grpc.StatusCode.ALREADY_EXISTS,
            "pool default already has an image or volume named found.iso: choose another name",
        ),
        "template disk": (
            grpc.StatusCode.ALREADY_EXISTS,
            "pool default already has an image or volume named found.iso: choose another name",
        ),
    }
    assert download_on_san.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert download_on_san.details().startswith("pool san cannot take images: ")
    assert after == before
    assert list(tasks) == []


def test_a_pool_not_ready_on_the_host_is_refused_with_its_reason(start_fleet):
    fleet = start_fleet(HOSTS, **OPTIONS)

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), HOSTS)
        async with CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin:
            fleet.pause_node("host-b")
            try:
                await admin.create_pool(nfs("late"))
                await eventually(
                    lambda: admin.get_pool("late"),
                    lambda p: (
                        {h.phase for h in p.realization.hosts} == {cpb.PHASE_READY, cpb.PHASE_ERROR}
                    ),
                    timeout_s=60,
                    what="late READY on host-a, ERROR on host-b",
                )
                request = pb.CreateUploadRequest(**{**UPLOAD, "pool": "late", "host": "host-b"})
                refused = await refusal(admin.create_upload(request))
            finally:
                fleet.resume_node("host-b")
            return refused, (await admin.list_images()).images

    refused, images = asyncio.run(main())
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refused.details() == (
        f"pool late is not ready on host-b (error): host-b did not answer within {DEADLINE_S} s"
    )
    assert list(images) == []


def test_a_host_that_does_not_answer(start_fleet):
    fleet = start_fleet(HOSTS, **OPTIONS)
    silent = f"host-a did not answer within {DEADLINE_S} s"

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), HOSTS)
        async with (
            CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin,
            CoordinatorClient(fleet.coordinator_endpoint("operator")) as operator,
        ):
            await adopt_default(admin)
            fleet.pause_node("host-a")
            try:
                upload = await refusal(operator.create_upload(pb.CreateUploadRequest(**UPLOAD)))
                images_after_upload = (await admin.list_images()).images
                tasks_after_upload = (await admin.list_tasks()).tasks
                download = await refusal(
                    operator.create_download(pb.CreateDownloadRequest(**DOWNLOAD))
                )
                failed = await admin.get_image("default", "cloud.qcow2")
                failed_task = await admin.get_task(failed.task_id)
                retried = await refusal(operator.retry_image("default", "cloud.qcow2"))
                again = await admin.get_image("default", "cloud.qcow2")
                found = await refusal(operator.retry_image("default", "found.iso"))
                # Nothing of it reached the host: forgotten without asking the (silent) host.
                await admin.delete_image("default", "cloud.qcow2")
                deleted = await refusal(admin.get_image("default", "cloud.qcow2"))
                kept = None
                operator_delete = await refusal(operator.delete_image("default", "found.iso"))
            finally:
                fleet.resume_node("host-a")
            audit = await admin.list_audit_entries()
            return (
                upload,
                images_after_upload,
                tasks_after_upload,
                download,
                failed,
                failed_task,
                retried,
                again,
                found,
                deleted,
                kept,
                operator_delete,
                audit,
            )

    (
        upload,
        images_after_upload,
        tasks_after_upload,
        download,
        failed,
        failed_task,
        retried,
        again,
        found,
        deleted,
        kept,
        operator_delete,
        audit,
    ) = asyncio.run(main())
    # An upload the host could not prepare: refused, nothing stored.
    assert upload.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert upload.details() == f"host-a: could not prepare the upload: {silent}"
    assert "new.iso" not in {i.name for i in images_after_upload}
    assert list(tasks_after_upload) == []
    # A download the host could not start: its record stays ERROR (retry), its task FAILED.
    message = f"host-a: could not start the download: {silent}"
    assert (download.code(), download.details()) == (grpc.StatusCode.FAILED_PRECONDITION, message)
    assert (failed.phase, failed.message, failed.managed) == (
        cpb.IMAGE_PHASE_ERROR,
        message,
        True,
    )
    assert (failed.source, failed.created_by) == (DOWNLOAD["url"], "local-operator")
    assert (failed_task.phase, failed_task.kind, failed_task.message) == (
        pb.TASK_PHASE_FAILED,
        pb.TASK_KIND_DOWNLOAD,
        message,
    )
    # Retry starts a new task (which fails the same way here).
    assert retried.details() == message
    assert again.task_id != failed.task_id
    assert again.phase == cpb.IMAGE_PHASE_ERROR
    assert found.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert found.details() == (
        "found.iso in pool default is a volume found there, not put there by Quantix: there is "
        "nothing to retry"
    )
    # A failed download that never made its file is deleted as a record alone.
    assert deleted.code() == grpc.StatusCode.NOT_FOUND
    assert kept is None
    assert operator_delete.code() == grpc.StatusCode.PERMISSION_DENIED
    # The audit log names each image with its pool.
    objects = {(e.rpc, e.object, e.code) for e in audit}
    assert ("CreateUpload", "image default/new.iso", "FAILED_PRECONDITION") in objects
    assert ("DeleteImage", "image default/cloud.qcow2", "OK") in objects


def test_a_managed_pool_that_gains_a_host_lists_its_volumes_there_and_forgets_them_when_gone(
    start_fleet,
):
    fleet = start_fleet(HOSTS, **OPTIONS)

    async def main():
        await wait_registered(fleet.coordinator_endpoint(), HOSTS)
        async with CoordinatorClient(fleet.coordinator_endpoint("admin")) as admin:
            await adopt_default(admin)
            await admin.delete_pool("default", force=True)
            return await eventually(
                admin.list_images, lambda r: not r.images, timeout_s=60, what="found images gone"
            )

    assert list(asyncio.run(main()).images) == []
