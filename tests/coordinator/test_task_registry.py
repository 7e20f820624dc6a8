"""The task registry on a real SQLite store and Watch hub (in-process: what no RPC reaches
yet — cancel hooks, a host going offline mid-cancel, the bounded history)."""

from __future__ import annotations

import asyncio

import pytest

from coordinator.inventory import Inventory
from coordinator.realize import HostRoute
from coordinator.secret_box import SecretBox
from coordinator.store import SQLiteStore
from coordinator.tasks import KIND, TaskRegistry
from coordinator.watch import WatchHub
from domain.tasks import TaskKind, TaskPhase, TaskRefused
from proto.quantix.v1 import coordinator_pb2 as pb


class Routes:
    def __init__(self) -> None:
        self.offline: set[str] = set()

    def __call__(self, host: str) -> HostRoute | None:
        return HostRoute("127.0.0.1:1", offline=host in self.offline)


@pytest.fixture
def registry(tmp_path):
    store = SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key()))
    inventory = Inventory(store, WatchHub())
    routes = Routes()
    yield TaskRegistry(inventory, routes, history=3), inventory, routes
    store.close()


def test_cancel_calls_the_hook_and_a_host_gone_offline_fails_the_cancel(registry):
    tasks, inventory, _ = registry
    asked: list[str] = []

    async def run() -> None:
        task = tasks.start(TaskKind.UPLOAD, "a.iso", "host-a", "vms", "alice", 100, asked.append)
        cancelling = tasks.cancel(task.id, "bob")
        assert asked == [task]  # the hook gets the CANCELLING task
        assert cancelling.phase == pb.TASK_PHASE_CANCELLING
        with pytest.raises(TaskRefused, match="already being cancelled"):
            tasks.cancel(task.id, "bob")
        tasks.node_offline(pb.Node(name="host-a"))
        stored = inventory.get(KIND, task.id)
        assert stored.phase == pb.TASK_PHASE_FAILED
        assert stored.message == "cancelled, but host-a went offline before it confirmed"

    asyncio.run(run())


def test_cancel_while_the_host_is_offline_fails_at_once_without_the_hook(registry):
    tasks, _, routes = registry
    routes.offline.add("host-a")
    asked: list[pb.Task] = []

    async def run() -> None:
        task = tasks.start(TaskKind.DOWNLOAD, "b.img", "host-a", "vms", "alice", 0, asked.append)
        failed = tasks.cancel(task.id, "bob")
        assert failed.phase == pb.TASK_PHASE_FAILED
        assert failed.message.startswith("cancelled by bob while host-a is offline")
        assert asked == []

    asyncio.run(run())


def test_only_the_last_finished_tasks_are_kept_and_running_ones_never_pruned(registry):
    tasks, inventory, _ = registry

    async def run() -> None:
        running = tasks.start(TaskKind.OVA_IMPORT, "r.ova", "host-a", "vms", "alice")
        finished = []
        for i in range(5):
            task = tasks.start(TaskKind.UPLOAD, f"{i}.iso", "host-a", "vms", "alice")
            tasks.finish(task.id, TaskPhase.SUCCEEDED)
            finished.append(task.id)
        kept = {t.id for t in inventory.list(KIND)}
        assert kept == {running.id, *finished[-3:]}

    asyncio.run(run())


def test_a_finish_is_published_at_once_even_right_after_a_publish(registry):
    tasks, inventory, _ = registry

    async def run() -> None:
        task = tasks.start(TaskKind.UPLOAD, "a.iso", "host-a", "vms", "alice", 100)
        tasks.report("host-a", task.id, TaskPhase.RUNNING, "", 10, 0)
        tasks.report("host-a", task.id, None, "", 50, 0)  # held: too soon after the last
        assert inventory.get(KIND, task.id).bytes_done == 10
        tasks.finish(task.id, TaskPhase.FAILED, "disk full")
        stored = inventory.get(KIND, task.id)
        assert (stored.phase, stored.bytes_done, stored.message) == (
            pb.TASK_PHASE_FAILED,
            50,
            "disk full",
        )

    asyncio.run(run())
