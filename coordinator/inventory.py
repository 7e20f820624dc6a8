"""The coordinator's objects in memory, written through to the store and published on Watch.

Every change goes through ``put`` or ``remove``: that assigns the next revision, persists the
object together with its Watch event in one transaction, and hands the event to the hub. No
other code writes objects, so Watch can never miss a change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from google.protobuf.message import Message

from coordinator.store import Store, StoredEvent, StoredObject
from coordinator.watch import WatchHub
from proto.quantix.v1 import coordinator_pb2 as pb

Event = pb.WatchEvent


@dataclass(frozen=True)
class KindInfo:
    field: str  # name of the WatchEvent.object oneof field
    message_type: type[Message]


# Each kind of object the coordinator holds, and how it travels in a WatchEvent.
KINDS: dict[int, KindInfo] = {
    pb.OBJECT_KIND_NODE: KindInfo("node", pb.Node),
    pb.OBJECT_KIND_POOL: KindInfo("pool", pb.Pool),
    pb.OBJECT_KIND_DISCOVERED_POOL: KindInfo("discovered_pool", pb.DiscoveredPool),
    pb.OBJECT_KIND_AUDIT_ENTRY: KindInfo("audit_entry", pb.AuditEntry),
    pb.OBJECT_KIND_NETWORK: KindInfo("network", pb.Network),
    pb.OBJECT_KIND_SWITCH: KindInfo("switch", pb.Switch),
    pb.OBJECT_KIND_DISCOVERED_NETWORK: KindInfo("discovered_network", pb.DiscoveredNetwork),
    pb.OBJECT_KIND_TASK: KindInfo("task", pb.Task),
    pb.OBJECT_KIND_IMAGE: KindInfo("image", pb.Image),
    pb.OBJECT_KIND_CLUSTER: KindInfo("cluster", pb.Cluster),
}


class Inventory:
    def __init__(self, store: Store, hub: WatchHub) -> None:
        self._store = store
        self._hub = hub
        self._revision = store.current_revision()
        self._objects: dict[int, dict[str, tuple[int, Message]]] = {}
        for kind, info in KINDS.items():
            table: dict[str, tuple[int, Message]] = {}
            for stored in store.load_objects(kind):
                message = info.message_type()
                message.ParseFromString(stored.payload)
                table[stored.key] = (stored.revision, message)
            self._objects[kind] = table
        self._listeners: dict[int, list[Callable[[], None]]] = {}

    def on_change(self, kind: int, listener: Callable[[], None]) -> None:
        """Call ``listener`` after every stored change of an object of ``kind`` (e.g. the
        discovered pools follow the managed ones)."""
        self._listeners.setdefault(kind, []).append(listener)

    def _changed(self, kind: int) -> None:
        for listener in self._listeners.get(kind, ()):
            listener()

    @property
    def revision(self) -> int:
        return self._revision

    def get(self, kind: int, key: str) -> Message | None:
        entry = self._objects[kind].get(key)
        return entry[1] if entry else None

    def list(self, kind: int) -> list[Message]:
        table = self._objects[kind]
        return [table[key][1] for key in sorted(table)]

    def put(self, kind: int, key: str, message: Message) -> Event:
        """Add or replace an object; returns the published event."""
        table = self._objects[kind]
        event_type = Event.TYPE_UPDATED if key in table else Event.TYPE_ADDED
        revision = self._revision + 1
        event = self._event(event_type, revision, kind, key, message)
        stored = StoredObject(kind, key, revision, message.SerializeToString())
        self._store.commit_change(stored, None, StoredEvent(revision, event.SerializeToString()))
        self._revision = revision
        table[key] = (revision, message)
        self._hub.publish(event)
        self._changed(kind)
        return event

    def put_quietly(self, kind: int, key: str, message: Message) -> None:
        """Persist a change that Watch clients need not hear about (a heartbeat's last_seen).

        The object keeps its revision, so a Watch snapshot later carries the fresh value.
        """
        revision, _ = self._objects[kind][key]
        self._store.update_object_quietly(
            StoredObject(kind, key, revision, message.SerializeToString())
        )
        self._objects[kind][key] = (revision, message)

    def remove(self, kind: int, key: str) -> Event | None:
        if key not in self._objects[kind]:
            return None
        revision = self._revision + 1
        event = self._event(Event.TYPE_REMOVED, revision, kind, key, None)
        self._store.commit_change(
            None, (kind, key), StoredEvent(revision, event.SerializeToString())
        )
        self._revision = revision
        del self._objects[kind][key]
        self._hub.publish(event)
        self._changed(kind)
        return event

    def snapshot(self) -> list[Event]:
        """ADDED events for every object, as of the current revision."""
        events = []
        for kind, table in self._objects.items():
            for key in sorted(table):
                revision, message = table[key]
                events.append(self._event(Event.TYPE_ADDED, revision, kind, key, message))
        return events

    def events_after(self, revision: int) -> list[Event] | None:
        """The logged events after ``revision``, or None when that history is gone."""
        if revision > self._revision:
            return None  # a revision from another database (or a restored backup): resync
        if revision == self._revision:
            return []
        oldest = self._store.oldest_event_revision()
        if oldest is None or oldest > revision + 1:
            return None
        events = []
        for stored in self._store.events_after(revision):
            event = Event()
            event.ParseFromString(stored.payload)
            events.append(event)
        return events

    @staticmethod
    def _event(
        event_type: int, revision: int, kind: int, key: str, message: Message | None
    ) -> Event:
        event = Event(type=event_type, revision=revision, kind=kind, key=key)
        if message is not None:
            getattr(event, KINDS[kind].field).CopyFrom(message)
        return event
