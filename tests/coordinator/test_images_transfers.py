"""Image transfers end to end, each through a real coordinator and a real node daemon on the
real libvirtd (qemu:///system) with a dir pool of the test's own (tests.coordinator.
transfer_site), a real HTTP server on loopback (tests.http_server) and the real qemu-img:

- a node killed (SIGKILL) mid-upload: what the image says while the host is down, and ERROR
  naming the host and why once it is back, with nothing of it left in the pool;
- downloads through CreateDownload: a redirect, a 404, a connection cut halfway and resumed
  with a Range request by RetryImage, the publisher's SHA256SUMS, a checksum mismatch, a
  cancel mid-way;
- an OVA uploaded and imported, its phases in order on Watch, the template's facts and
  volumes, a malformed OVA, deleting a template;
- a sparse upload that arrives sparse, whose ticket no log line of either daemon carries.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from pathlib import Path

import grpc
import pytest

from clients.image_upload import send_file
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.test_pools_libvirtd import HOST, pool_name
from tests.coordinator.transfer_site import (
    ImageWatch,
    MiB,
    Site,
    open_site,
    settled,
    start_upload,
    task_until,
)
from tests.helpers import eventually
from tests.node.ova_builder import build_ova, qemu_img, sample_ova
from tests.node.test_image_download import server

__all__ = ["open_site", "pool_name", "server"]  # fixtures used by name

OPERATOR = "local-operator"  # the fleet's operator identity, as the coordinator names it


@pytest.fixture
def site(open_site) -> Site:
    return open_site()


def qemu_info(path: Path) -> dict[str, object]:
    return json.loads(qemu_img("info", "--output=json", path))


def random_bytes_file(path: Path, size: int) -> str:
    data = os.urandom(size)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


# --- a node killed mid-upload ------------------------------------------------------------------


def test_a_node_killed_mid_upload_leaves_the_image_error_naming_the_host_and_nothing_in_the_pool(
    open_site, tmp_path: Path
) -> None:
    # Heartbeats every 0.5 s: the coordinator sees the host go OFFLINE within seconds.
    site = open_site(heartbeat_interval_s=0.5)
    size = 64 * MiB
    data = os.urandom(size)
    stored = site.directory / "killed.iso"

    async def main():
        async with site.client() as operator:
            answer = await operator.create_upload(
                pb.CreateUploadRequest(
                    pool=site.pool, name="killed.iso", kind=cpb.IMAGE_KIND_ISO, size_bytes=size
                )
            )
            channel, call = await start_upload(site, answer, data, size // 2)
            running = await eventually(
                lambda: operator.get_task(answer.task.id),
                lambda t: t.phase == pb.TASK_PHASE_RUNNING and t.bytes_done >= MiB,
                what="the upload running on the coordinator",
            )
            assert stored.exists()
            await site.fleet.kill_node(HOST)  # SIGKILL: no cleanup runs
            with pytest.raises(grpc.aio.AioRpcError):
                await call
            await channel.close()
            while_down = await eventually(
                lambda: operator.get_image(site.pool, "killed.iso"),
                lambda i: i.message != "",
                what="the image saying its host is away",
            )
            task_while_down = await operator.get_task(answer.task.id)
            left_while_down = site.files()
            await site.fleet.start_node(HOST)
            failed = await settled(operator, site.pool, "killed.iso")
            task = await task_until(operator, answer.task.id, pb.TASK_PHASE_FAILED)
            return running, while_down, task_while_down, left_while_down, failed, task

    running, while_down, task_while_down, left_while_down, failed, task = asyncio.run(main())
    assert running.bytes_total == size
    # While the host is down: the image still moving, saying where it is and what can be done;
    # the task is not ended by guesswork (the daemon may be working still).
    assert while_down.phase == cpb.IMAGE_PHASE_UPLOADING
    assert while_down.message == (
        f"{HOST} went offline during the transfer: it goes on if {HOST} is still working on "
        "it, or cancel its task to give up"
    )
    assert task_while_down.phase == pb.TASK_PHASE_RUNNING
    assert "killed.iso" in left_while_down  # what the killed daemon left, until it restarts
    # Once back: the restarted daemon removed the partial file and said so.
    assert failed.phase == cpb.IMAGE_PHASE_ERROR
    assert task.bytes_done >= MiB  # how far it got, as last reported, not forgotten
    assert failed.message == (
        f"upload to {HOST} stopped at {format_bytes(task.bytes_done)} of 64.0 MiB: the node "
        "daemon restarted while it ran; the partial volume was removed"
    )
    assert task.message == "the node daemon restarted while it ran; the partial volume was removed"
    assert "killed.iso" not in site.files()
    assert "killed.iso" not in site.volumes()


# --- downloads ---------------------------------------------------------------------------------


def qcow2_image(tmp_path: Path, virtual_size: int = 64 * MiB) -> bytes:
    """A real qcow2 made by qemu-img from a sparse raw disk with a few MiB of data."""
    raw = tmp_path / "cloud.raw"
    with raw.open("wb") as disk:
        disk.truncate(virtual_size)
        disk.write(os.urandom(3 * MiB))
        disk.seek(virtual_size // 2)
        disk.write(os.urandom(2 * MiB))
    qcow2 = tmp_path / "cloud.qcow2"
    qemu_img("convert", "-f", "raw", "-O", "qcow2", raw, qcow2)
    return qcow2.read_bytes()


def download(site: Site, name: str, url: str, **fields: str) -> pb.CreateDownloadRequest:
    return pb.CreateDownloadRequest(pool=site.pool, name=name, url=url, **fields)


def test_a_download_through_a_redirect_lands_ready_with_the_sha256_and_qemu_imgs_facts(
    site: Site, server, tmp_path: Path
) -> None:
    image = qcow2_image(tmp_path)
    target = server.serve("/mirror/noble.qcow2", image)
    url = server.redirect("/latest/noble.qcow2", target)

    async def main():
        async with site.client() as operator:
            started = await operator.create_download(download(site, "noble.qcow2", url))
            return started, await settled(operator, site.pool, "noble.qcow2")

    started, ready = asyncio.run(main())
    assert (started.phase, started.source, started.kind) == (
        cpb.IMAGE_PHASE_DOWNLOADING,
        url,
        cpb.IMAGE_KIND_DISK,
    )
    assert (ready.phase, ready.message) == (cpb.IMAGE_PHASE_READY, "")
    stored = site.directory / "noble.qcow2"
    assert ready.facts == cpb.ImageFacts(
        format="qcow2",
        size_bytes=len(image),
        virtual_size_bytes=64 * MiB,
        allocated_bytes=stored.stat().st_blocks * 512,
        sha256=hashlib.sha256(image).hexdigest(),
        path=str(stored),
    )
    assert stored.read_bytes() == image
    assert qemu_info(stored)["format"] == "qcow2"
    assert [r.path for r in server.requests] == ["/latest/noble.qcow2", "/mirror/noble.qcow2"]
    assert "noble.qcow2" in site.volumes()


def test_a_404_leaves_the_image_error_naming_the_url_and_the_status(site: Site, server) -> None:
    url = server.url("/gone/cloud.img")

    async def main():
        async with site.client() as operator, site.client("admin") as admin:
            await operator.create_download(download(site, "gone.img", url))
            failed = await settled(operator, site.pool, "gone.img")
            task = await operator.get_task(failed.task_id)
            await admin.delete_image(site.pool, "gone.img")  # the failed record goes on request
            return failed, task, (await admin.list_images()).images

    failed, task, images = asyncio.run(main())
    assert failed.phase == cpb.IMAGE_PHASE_ERROR
    assert failed.message == f"download on {HOST} stopped at 0 B: GET {url}: 404 Not Found"
    assert (task.phase, task.message) == (pb.TASK_PHASE_FAILED, failed.message)
    assert list(images) == []
    assert site.files() == set()
    assert site.volumes() == set()


def test_a_connection_cut_halfway_is_resumed_by_retry_with_a_range_request(
    site: Site, server
) -> None:
    size = 8 * MiB
    data = os.urandom(size)
    url = server.serve("/cloud.img", data, cut_at=size // 2)
    partial = site.directory / "cut.img"

    async def main():
        async with site.client() as operator:
            await operator.create_download(download(site, "cut.img", url))
            cut = await settled(operator, site.pool, "cut.img")
            kept = partial.stat().st_size
            retried = await operator.retry_image(site.pool, "cut.img")
            return cut, kept, retried, await settled(operator, site.pool, "cut.img")

    cut, kept, retried, ready = asyncio.run(main())
    assert cut.phase == cpb.IMAGE_PHASE_ERROR
    assert cut.message.startswith(f"download on {HOST} stopped at 4.0 MiB of 8.0 MiB: ")
    assert url in cut.message, cut.message
    assert kept == size // 2  # what arrived is kept for the retry
    assert retried.phase == cpb.IMAGE_PHASE_DOWNLOADING
    assert retried.task_id != cut.task_id
    first, second = server.requests_for("/cloud.img")
    assert "range" not in first.headers
    assert second.headers["range"] == f"bytes={size // 2}-"
    assert (ready.phase, ready.facts.sha256) == (
        cpb.IMAGE_PHASE_READY,
        hashlib.sha256(data).hexdigest(),
    )
    assert partial.read_bytes() == data


def test_the_checksum_comes_from_the_publishers_file_and_a_mismatch_leaves_nothing(
    site: Site, server
) -> None:
    good, bad = os.urandom(3 * MiB), os.urandom(3 * MiB)
    good_sha = hashlib.sha256(good).hexdigest()
    sums = f"{good_sha} *good.img\n{'0' * 64} *bad.img\n".encode()
    checksum_url = server.serve("/SHA256SUMS", sums, content_type="text/plain")

    async def main():
        async with site.client() as operator:
            for name, data in (("good.img", good), ("bad.img", bad)):
                await operator.create_download(
                    download(site, name, server.serve(f"/{name}", data), checksum_url=checksum_url)
                )
            return (
                await settled(operator, site.pool, "good.img"),
                await settled(operator, site.pool, "bad.img"),
            )

    verified, mismatch = asyncio.run(main())
    assert (verified.phase, verified.facts.sha256) == (cpb.IMAGE_PHASE_READY, good_sha)
    assert verified.checksum_url == checksum_url
    assert mismatch.phase == cpb.IMAGE_PHASE_ERROR
    assert mismatch.message == (
        f"download on {HOST} stopped at 3.0 MiB of 3.0 MiB: checksum mismatch: bad.img has "
        f"SHA-256 {hashlib.sha256(bad).hexdigest()[:16]}…, but SHA256SUMS at {checksum_url} "
        f"says {'0' * 16}…"
    )
    assert "bad.img" not in site.files()
    assert site.volumes() == {"good.img"}


def test_a_download_cancelled_mid_way_ends_cancelled_and_leaves_no_file(site: Site, server) -> None:
    size = 8 * MiB
    url = server.serve("/slow.img", os.urandom(size), stall_at=size // 2)

    async def main():
        async with site.client() as operator:
            image = await operator.create_download(download(site, "slow.img", url))
            await eventually(
                lambda: operator.get_task(image.task_id),
                lambda t: t.bytes_done >= MiB,
                what="the download moving",
            )
            cancelling = await operator.cancel_task(image.task_id)
            cancelled = await task_until(operator, image.task_id, pb.TASK_PHASE_CANCELLED)
            return cancelling, cancelled, await settled(operator, site.pool, "slow.img")

    cancelling, cancelled, failed = asyncio.run(main())
    assert cancelling.phase == pb.TASK_PHASE_CANCELLING
    # The task keeps the node's account of where it stopped; the image adds who asked.
    assert cancelled.message.startswith(f"download on {HOST} stopped at ")
    assert cancelled.message.endswith(" of 8.0 MiB: cancelled"), cancelled.message
    assert failed.phase == cpb.IMAGE_PHASE_ERROR
    assert failed.message.startswith(f"download on {HOST} stopped at ")
    assert failed.message.endswith(f" of 8.0 MiB: cancelled by {OPERATOR}"), failed.message
    server.wait_for_disconnects(1)  # the node closed its connection
    assert "slow.img" not in site.files()
    assert "slow.img" not in site.volumes()


# --- OVA templates -----------------------------------------------------------------------------


async def upload_file(
    site: Site, path: Path, name: str, kind: int
) -> tuple[pb.CreateUploadResponse, list[int], pb.Image]:
    """CreateUpload, then the file sent with clients.image_upload; the image's phases on Watch
    and the image once settled."""
    size = (await asyncio.to_thread(path.stat)).st_size
    async with site.client() as operator:
        watch = await ImageWatch(operator, site.pool, name).start()
        answer = await operator.create_upload(
            pb.CreateUploadRequest(pool=site.pool, name=name, kind=kind, size_bytes=size)
        )
        channel = site.node_channel()
        try:
            await send_file(channel, path, answer.ticket)
        except grpc.aio.AioRpcError:
            pass  # the image says why
        finally:
            await channel.close()
        phases = await watch.ended()
        return answer, phases, await settled(operator, site.pool, name)


def test_an_ova_goes_through_its_phases_to_a_template_whose_disks_are_qcow2_volumes(
    site: Site, tmp_path: Path
) -> None:
    sample = sample_ova(tmp_path, "vmware", sizes=(16 * MiB, 8 * MiB))

    answer, phases, template = asyncio.run(
        upload_file(site, sample.path, "web01", cpb.IMAGE_KIND_OVA_TEMPLATE)
    )
    assert answer.task.kind == pb.TASK_KIND_OVA_IMPORT
    assert [cpb.ImagePhase.Name(p) for p in phases] == [
        "IMAGE_PHASE_UPLOADING",
        "IMAGE_PHASE_EXTRACTING",
        "IMAGE_PHASE_VERIFYING",
        "IMAGE_PHASE_CONVERTING",
        "IMAGE_PHASE_REGISTERING",
        "IMAGE_PHASE_READY",
    ]
    assert (template.kind, template.message) == (cpb.IMAGE_KIND_OVA_TEMPLATE, "")
    facts = template.facts
    assert (facts.size_bytes, facts.sha256) == (
        sample.path.stat().st_size,
        hashlib.sha256(sample.path.read_bytes()).hexdigest(),
    )
    assert list(facts.volumes) == ["web01-disk1.qcow2", "web01-disk2.qcow2"]
    ovf = facts.ovf
    assert (ovf.name, ovf.os, ovf.cpus, ovf.memory_bytes) == (
        "web01",
        "Debian GNU/Linux 11 (64-bit)",
        2,
        4096 * MiB,
    )
    assert [(d.file, d.volume, d.capacity_bytes) for d in ovf.disks] == [
        ("web01-disk1.vmdk", "web01-disk1.qcow2", 16 * MiB),
        ("web01-disk2.vmdk", "web01-disk2.qcow2", 8 * MiB),
    ]
    assert [(n.name, n.network, n.model) for n in ovf.nics] == [
        ("Network adapter 1", "VM Network", "VmxNet3")
    ]
    for disk in sample.disks:
        volume = site.directory / disk.vmdk.name.replace(".vmdk", ".qcow2")
        details = qemu_info(volume)
        assert (details["format"], details["virtual-size"]) == ("qcow2", disk.virtual_size)
    assert site.volumes() == {"web01-disk1.qcow2", "web01-disk2.qcow2"}
    assert site.files() == {"web01-disk1.qcow2", "web01-disk2.qcow2"}  # no archive, no work

    async def delete():
        async with site.client("admin") as admin:
            await admin.delete_image(site.pool, "web01")
            return (await admin.list_images()).images

    images = asyncio.run(delete())
    assert list(images) == []
    assert site.volumes() == set()
    assert site.files() == set()


def test_a_malformed_ova_is_refused_saying_what_is_wrong_and_leaves_nothing(
    site: Site, tmp_path: Path
) -> None:
    sample = sample_ova(tmp_path, "virtualbox", sizes=(8 * MiB, 4 * MiB))
    members = [m for m in sample.members if not (isinstance(m, tuple) and m[0].endswith("2.vmdk"))]
    broken = build_ova(tmp_path / "broken.ova", members)

    _answer, phases, failed = asyncio.run(
        upload_file(site, broken, "broken", cpb.IMAGE_KIND_OVA_TEMPLATE)
    )
    assert phases[0] == cpb.IMAGE_PHASE_UPLOADING
    assert phases[-1] == cpb.IMAGE_PHASE_ERROR
    assert failed.message == (
        f"import of broken on {HOST} failed: checking the archive's contents: disk file "
        "web01-disk2.vmdk named in the OVF is not in the archive"
    )
    assert site.files() == set()
    assert site.volumes() == set()


# --- sparse uploads and tickets ----------------------------------------------------------------


def test_a_sparse_upload_arrives_sparse_and_its_ticket_is_in_no_log_line(
    site: Site, tmp_path: Path
) -> None:
    source = tmp_path / "sparse.raw"
    with source.open("wb") as disk:
        disk.truncate(1 << 30)
        for offset in (0, 300 * MiB, 1000 * MiB):
            disk.seek(offset)
            disk.write(os.urandom(8 * MiB // 3))

    answer, _phases, ready = asyncio.run(
        upload_file(site, source, "sparse.raw", cpb.IMAGE_KIND_DISK)
    )
    assert ready.phase == cpb.IMAGE_PHASE_READY, ready.message
    assert (ready.facts.format, ready.facts.size_bytes) == ("raw", 1 << 30)
    assert ready.facts.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    stored = site.directory / "sparse.raw"
    assert ready.facts.allocated_bytes == stored.stat().st_blocks * 512
    assert ready.facts.allocated_bytes <= 16 * MiB  # 8 MiB of data, not 1 GiB
    secret = answer.ticket.encode()
    assert secret not in site.fleet.coordinator.log_file.read_bytes()
    assert secret not in site.fleet.nodes[HOST].log_file.read_bytes()
