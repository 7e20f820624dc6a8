"""An upload's task on a real coordinator process: the node's reports reach it coalesced and
end on the exact last value, a cancel asked on the coordinator reaches the node in the answer
to its next report, and a node killed mid-upload removes the partial volume when it starts
again and fails the task saying so. The coordinator starts the tasks itself
(tests.coordinator.task_harness, as its upload manager will); the node runs on the real
libvirtd with a directory pool of the test's own."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest

from clients.channels import open_channel
from clients.coordinator import CoordinatorClient
from clients.image_upload import send_file
from localfleet.fleet import CoordinatorDaemon, coordinator_process, wait_registered
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import node_pb2 as npb
from proto.quantix.v1 import node_pb2_grpc as npb_grpc
from tests.coordinator.task_harness import ENV
from tests.node.conftest import NodeLauncher, NodeProcess, ticket_request
from tests.node.pool_specs import call, local_spec
from tests.node.test_image_upload import MiB, data_part, random_file, until

HOST = "host-up"
SIZE = 64 * MiB
TASKS = [
    {"object": "watched.img", "host": HOST, "total": SIZE},
    {"object": "stopped.img", "host": HOST, "total": SIZE},
    {"object": "killed.img", "host": HOST, "total": SIZE},
]
# Heartbeats are not what these tests are about.
HEARTBEAT_S = 60.0


@dataclass
class Site:
    coordinator: CoordinatorDaemon
    launcher: NodeLauncher
    node: NodeProcess
    data_dir: Path
    pool: str
    pool_dir: Path
    libvirt_uri: str

    def restart_node(self) -> NodeProcess:
        self.node = self.launcher.start(
            coordinator=self.coordinator.address,
            name=HOST,
            libvirt_uri=self.libvirt_uri,
            extra=("--data-dir", str(self.data_dir)),
        )
        return self.node


@pytest.fixture
def site(tmp_path: Path, system_libvirt_uri: str, system_pools) -> Iterator[Site]:
    coordinator = coordinator_process(tmp_path, HEARTBEAT_S)
    coordinator.module = "tests.coordinator.task_harness"
    coordinator.env[ENV] = json.dumps(TASKS)
    coordinator.spawn()
    launcher = NodeLauncher(tmp_path)  # the same directory: the coordinator's CA
    try:
        asyncio.run(coordinator.wait_serving())
        data_dir = tmp_path / "node-data"
        node = launcher.start(
            coordinator=coordinator.address,
            name=HOST,
            libvirt_uri=system_libvirt_uri,
            extra=("--data-dir", str(data_dir)),
        )
        asyncio.run(wait_registered(coordinator.endpoint("admin"), [HOST], timeout_s=30))
        pool, pool_dir = system_pools("tasks"), tmp_path / "pool"
        call(node.as_coordinator, lambda c: c.init_storage_pool(local_spec(pool, str(pool_dir))))
        yield Site(coordinator, launcher, node, data_dir, pool, pool_dir, system_libvirt_uri)
    finally:
        launcher.stop_all()
        coordinator.stop_now()


async def task_named(client: CoordinatorClient, name: str) -> pb.Task:
    return next(t for t in (await client.list_tasks()).tasks if t.object_name == name)


async def task_until(client: CoordinatorClient, task_id: str, phase: int) -> pb.Task:
    end = time.monotonic() + 30
    while (task := await client.get_task(task_id)).phase != phase:
        assert time.monotonic() < end, f"task {task_id} never became {pb.TaskPhase.Name(phase)}"
        await asyncio.sleep(0.02)
    return task


async def add_ticket(site: Site, task: pb.Task, volume: str) -> str:
    secret = secrets.token_urlsafe(32)
    channel = open_channel(site.node.as_coordinator)
    try:
        await npb_grpc.NodeDaemonStub(channel).AddTransferTicket(
            ticket_request(task.id, secret, site.pool, volume, SIZE)
        )
    finally:
        await channel.close()
    return secret


def test_progress_reaches_the_coordinator_coalesced_and_ends_on_the_stored_bytes(
    site: Site, tmp_path: Path
) -> None:
    source = tmp_path / "watched.img"
    digest = random_file(source, SIZE)

    async def run() -> tuple[list[pb.Task], float, str]:
        async with CoordinatorClient(site.coordinator.endpoint("viewer")) as viewer:
            task = await task_named(viewer, "watched.img")
            secret = await add_ticket(site, task, "watched.img")
            seen: list[pb.Task] = []

            async def watch() -> None:
                async for event in viewer.watch():
                    if event.kind == pb.OBJECT_KIND_TASK and event.key == task.id:
                        seen.append(event.task)
                        if event.task.phase == pb.TASK_PHASE_SUCCEEDED:
                            return

            watching = asyncio.create_task(watch())
            channel = open_channel(site.node.endpoint("operator"))
            started = time.monotonic()
            try:
                await send_file(channel, source, secret)
            finally:
                await channel.close()
            await asyncio.wait_for(watching, 30)
            return seen, time.monotonic() - started, task.id

    seen, elapsed, task_id = asyncio.run(run())

    final = seen[-1]
    assert final.phase == pb.TASK_PHASE_SUCCEEDED
    assert (final.bytes_done, final.bytes_total) == (SIZE, SIZE)
    assert final.step == "verifying the size and sha256"
    assert (site.pool_dir / "watched.img").stat().st_size == SIZE
    # The node sent a few reports a second, never one per 1 MiB part (64 of them).
    sent = len(re.findall(rf'"reported task {task_id}"', site.node.log_text()))
    assert 2 <= sent <= 4 * elapsed + 6, (sent, elapsed)
    assert digest  # the file's bytes were random: no hole shortcut made this fast


def test_a_cancel_on_the_coordinator_reaches_the_node_in_the_answer_to_its_report(
    site: Site, tmp_path: Path
) -> None:
    source = tmp_path / "stopped.img"
    random_file(source, SIZE)
    stored = site.pool_dir / "stopped.img"

    async def run() -> tuple[grpc.aio.AioRpcError, pb.Task, pb.Task]:
        async with (
            CoordinatorClient(site.coordinator.endpoint("operator")) as operator,
            CoordinatorClient(site.coordinator.endpoint("viewer")) as viewer,
        ):
            task = await task_named(viewer, "stopped.img")
            secret = await add_ticket(site, task, "stopped.img")
            channel = open_channel(site.node.endpoint("operator"))
            try:
                upload = npb_grpc.NodeDaemonStub(channel).UploadImage()
                await upload.write(npb.UploadImageRequest(ticket=secret))
                chunks = source.read_bytes()
                for offset in range(0, SIZE // 2, MiB):
                    await upload.write(data_part(chunks[offset : offset + MiB], offset))
                await task_until(viewer, task.id, pb.TASK_PHASE_RUNNING)
                cancelling = await operator.cancel_task(task.id)
                # One more part: its progress report is answered "cancel".
                await upload.write(data_part(chunks[SIZE // 2 : SIZE // 2 + MiB], SIZE // 2))
                with pytest.raises(grpc.aio.AioRpcError) as ended:
                    await upload
            finally:
                await channel.close()
            return (
                ended.value,
                cancelling,
                await task_until(viewer, task.id, pb.TASK_PHASE_CANCELLED),
            )

    ended, cancelling, cancelled = asyncio.run(run())

    assert cancelling.phase == pb.TASK_PHASE_CANCELLING
    assert ended.code() == grpc.StatusCode.CANCELLED
    assert re.fullmatch(
        r"upload to host-up stopped at [\d.]+ MiB of 64\.0 MiB: cancelled", ended.details()
    )
    assert cancelled.message == ended.details()
    assert not stored.exists()


def test_a_node_killed_mid_upload_removes_the_partial_volume_when_it_starts_again(
    site: Site, tmp_path: Path
) -> None:
    source = tmp_path / "killed.img"
    random_file(source, SIZE)
    stored = site.pool_dir / "killed.img"

    async def upload_half() -> str:
        async with CoordinatorClient(site.coordinator.endpoint("viewer")) as viewer:
            task = await task_named(viewer, "killed.img")
            secret = await add_ticket(site, task, "killed.img")
            channel = open_channel(site.node.endpoint("operator"))
            upload = npb_grpc.NodeDaemonStub(channel).UploadImage()
            await upload.write(npb.UploadImageRequest(ticket=secret))
            chunks = source.read_bytes()
            for offset in range(0, SIZE // 2, MiB):
                await upload.write(data_part(chunks[offset : offset + MiB], offset))
            await until(lambda: stored.exists() and stored.stat().st_size >= MiB, "bytes written")
            site.node.proc.kill()  # SIGKILL: no cleanup runs
            with pytest.raises(grpc.aio.AioRpcError):
                await upload
            await channel.close()
            return task.id

    task_id = asyncio.run(upload_half())
    assert stored.exists()  # what the killed daemon left
    journal = json.loads((site.data_dir / "transfers.json").read_text())
    assert [entry["task_id"] for entry in journal["transfers"]] == [task_id]

    site.restart_node()

    async def after() -> pb.Task:
        await until(lambda: not stored.exists(), "the partial volume is removed at start")
        async with CoordinatorClient(site.coordinator.endpoint("viewer")) as viewer:
            return await task_until(viewer, task_id, pb.TASK_PHASE_FAILED)

    failed = asyncio.run(after())

    assert failed.message == (
        "the node daemon restarted while it ran; the partial volume was removed"
    )
    assert json.loads((site.data_dir / "transfers.json").read_text()) == {"transfers": []}
    assert (site.data_dir / "transfers.json").stat().st_mode & 0o777 == 0o600
