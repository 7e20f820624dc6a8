"""The inventory, its SQLite store and the Watch hub, in process (no gRPC)."""

import asyncio

from coordinator.inventory import Inventory
from coordinator.secret_box import SecretBox
from coordinator.store import EVENT_LOG_SIZE, SQLiteStore
from coordinator.watch import WatchHub
from proto.quantix.v1 import coordinator_pb2 as pb

NODE = pb.OBJECT_KIND_NODE
Event = pb.WatchEvent


def make(tmp_path):
    hub = WatchHub()
    store = SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key()))
    return Inventory(store, hub), hub, store


def node(name, status=pb.NODE_STATUS_CONNECTED):
    return pb.Node(name=name, address="127.0.0.1:1", status=status)


def backlog_for(inventory):
    def backlog(since):
        events = inventory.events_after(since) if since else None
        if events is not None:
            return events, inventory.revision, False
        return inventory.snapshot(), inventory.revision, True

    return backlog


async def flattened(batches):
    async for batch in batches:
        for event in batch:
            yield event


async def collect(hub, inventory, since, until_synced=True, then=None, count_after=0):
    events = []
    stream = flattened(hub.stream(since, backlog_for(inventory)))
    async for event in stream:
        events.append(event)
        if event.type == Event.TYPE_SYNCED:
            if then:
                then()
            if count_after == 0:
                break
        elif count_after and any(e.type == Event.TYPE_SYNCED for e in events):
            count_after -= 1
            if count_after == 0:
                break
    await stream.aclose()
    return events


def test_every_change_gets_the_next_revision_and_survives_restart(tmp_path):
    inventory, _, store = make(tmp_path)
    assert inventory.put(NODE, "a", node("a")).type == Event.TYPE_ADDED
    assert inventory.put(NODE, "a", node("a", pb.NODE_STATUS_OFFLINE)).type == Event.TYPE_UPDATED
    assert inventory.put(NODE, "b", node("b")).revision == 3
    assert inventory.remove(NODE, "b").type == Event.TYPE_REMOVED
    store.close()

    reopened, _, _ = make(tmp_path)
    assert reopened.revision == 4
    assert [n.name for n in reopened.list(NODE)] == ["a"]
    assert reopened.get(NODE, "a").status == pb.NODE_STATUS_OFFLINE


def test_watch_from_zero_is_reset_snapshot_synced_then_live(tmp_path):
    inventory, hub, _ = make(tmp_path)
    inventory.put(NODE, "a", node("a"))
    inventory.put(NODE, "b", node("b"))

    events = asyncio.run(
        collect(hub, inventory, 0, then=lambda: inventory.put(NODE, "c", node("c")), count_after=1)
    )
    kinds = [(Event.Type.Name(e.type), e.key, e.revision) for e in events]
    assert kinds == [
        ("TYPE_RESET", "", 2),
        ("TYPE_ADDED", "a", 1),
        ("TYPE_ADDED", "b", 2),
        ("TYPE_SYNCED", "", 2),
        ("TYPE_ADDED", "c", 3),
    ]


def test_watch_resumes_from_a_revision_without_a_snapshot(tmp_path):
    inventory, hub, _ = make(tmp_path)
    inventory.put(NODE, "a", node("a"))
    inventory.put(NODE, "b", node("b"))
    inventory.put(NODE, "a", node("a", pb.NODE_STATUS_OFFLINE))
    inventory.remove(NODE, "b")

    events = asyncio.run(collect(hub, inventory, 2))
    kinds = [(Event.Type.Name(e.type), e.key, e.revision) for e in events]
    assert kinds == [("TYPE_UPDATED", "a", 3), ("TYPE_REMOVED", "b", 4), ("TYPE_SYNCED", "", 4)]
    assert events[0].node.status == pb.NODE_STATUS_OFFLINE


def test_watch_from_a_forgotten_or_foreign_revision_resyncs(tmp_path):
    inventory, hub, _ = make(tmp_path)
    inventory.put(NODE, "a", node("a"))
    events = asyncio.run(collect(hub, inventory, 99))  # newer than this database knows
    assert events[0].type == Event.TYPE_RESET
    assert [e.key for e in events if e.type == Event.TYPE_ADDED] == ["a"]


def test_event_log_is_bounded_and_old_history_means_resync(tmp_path):
    inventory, hub, store = make(tmp_path)
    for i in range(EVENT_LOG_SIZE + 5):
        inventory.put(NODE, "a", node("a", pb.NODE_STATUS_CONNECTED if i % 2 else 2))
    assert store.oldest_event_revision() == 6
    assert inventory.events_after(1) is None
    assert len(inventory.events_after(5)) == EVENT_LOG_SIZE
    events = asyncio.run(collect(hub, inventory, 1))
    assert events[0].type == Event.TYPE_RESET
