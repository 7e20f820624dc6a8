"""The audit log's bounds: a window of recent entries on Watch, the history in the store."""

from __future__ import annotations

import grpc

from coordinator import audit
from coordinator.audit import AuditLog
from coordinator.inventory import Inventory
from coordinator.secret_box import SecretBox
from coordinator.store import SQLiteStore
from coordinator.watch import WatchHub
from proto.quantix.v1 import coordinator_pb2 as pb
from serving.access import AuditedCall


def call(number: int) -> AuditedCall:
    return AuditedCall(
        "alice",
        "admin",
        "ipv4:10.0.0.7:5000",
        "DeletePool",
        f"pool p{number}",
        grpc.StatusCode.OK,
        "",
    )


def test_watch_carries_the_newest_entries_and_the_store_all_of_them(tmp_path):
    now = [1_800_000_000.0]
    store = SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key()))
    inventory = Inventory(store, WatchHub())
    log = AuditLog(store, inventory, clock=lambda: now[0])
    total = audit.WATCH_WINDOW + 20
    for number in range(total):
        log.record(call(number))
    on_watch = inventory.list(pb.OBJECT_KIND_AUDIT_ENTRY)
    assert len(on_watch) == audit.WATCH_WINDOW
    assert on_watch[-1].object == f"pool p{total - 1}" and on_watch[0].id == 21
    history = log.list(0, 10_000)
    assert len(history) == total and history[0].id == total  # newest first


def test_identical_calls_coalesce_only_within_the_window(tmp_path):
    now = [1_800_000_000.0]
    store = SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key()))
    log = AuditLog(store, Inventory(store, WatchHub()), clock=lambda: now[0])
    first = log.record(call(1))
    now[0] += audit.COALESCE_S
    assert log.record(call(1)).id == first.id and log.list(0, 10)[0].count == 2
    now[0] += audit.COALESCE_S + 1
    assert log.record(call(1)).id == first.id + 1
    assert log.record(call(2)).id == first.id + 2
    # A restarted coordinator continues the numbering.
    again = AuditLog(store, Inventory(store, WatchHub()), clock=lambda: now[0])
    assert again.record(call(3)).id == first.id + 3


def unauthenticated(number: int) -> AuditedCall:
    return AuditedCall(
        "",
        "",
        f"ipv4:10.0.0.9:{4000 + number}",
        ("Enrol", "DeletePool")[number % 2],
        f"host guess-{number}",
        (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED)[number % 2],
        f"join token abc{number:03d} is not known",
    )


def test_refusals_without_a_certificate_coalesce_whatever_they_call_or_name(tmp_path):
    now = [1_800_000_000.0]
    store = SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key()))
    log = AuditLog(store, Inventory(store, WatchHub()), clock=lambda: now[0])
    for number in range(50):
        log.record(unauthenticated(number))
    [entry] = log.list(0, 10)
    assert (entry.count, entry.rpc, entry.object) == (50, "Enrol", "host guess-0")


def test_without_access_checks_every_different_call_is_its_own_entry(tmp_path):
    # An --insecure coordinator: nobody has a certificate, so that says nothing about a caller.
    store = SQLiteStore(tmp_path / "db.sqlite", SecretBox(SecretBox.new_key()))
    log = AuditLog(store, Inventory(store, WatchHub()), enforced=False)
    for number in range(4):
        log.record(unauthenticated(number))
    assert [e.object for e in log.list(0, 10)] == [f"host guess-{n}" for n in (3, 2, 1, 0)]
