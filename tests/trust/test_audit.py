"""The audit log as an admin reads it: real fleets, real refusals, quantixctl as a process."""

from __future__ import annotations

import asyncio
import json

import grpc
import pytest

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from clients.present_audit import from_text
from localfleet.fleet import LocalFleet
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.fleet_client import all_registered, quantixctl, refused


def audit(fleet: LocalFleet, *args: str) -> list[dict]:
    result = quantixctl(fleet, "audit", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_viewer_refused_three_times_is_one_entry_with_a_count(fleet):
    all_registered(fleet)
    viewer = fleet.coordinator_endpoint("viewer")
    for _ in range(3):
        asyncio.run(refused(viewer, lambda c: c.delete_pool("vms")))
    [entry] = [e for e in audit(fleet) if e["rpc"] == "DeletePool"]
    assert entry["who"] == "local-viewer" and entry["role"] == "viewer"
    assert (entry["rpc"], entry["object"], entry["code"]) == (
        "DeletePool",
        "pool vms",
        "PERMISSION_DENIED",
    )
    assert (
        entry["message"] == "DeletePool needs the admin role; local-viewer (viewer) may not call it"
    )
    assert entry["count"] == 3
    assert entry["peer"].startswith("ipv4:127.0.0.1:")

    table = quantixctl(fleet, "audit").stdout.splitlines()
    assert table[0].split() == ["TIME", "WHO", "FROM", "CALL", "OBJECT", "RESULT"]
    [row] = [line for line in table if "DeletePool" in line]
    assert "(×3 until" in row and "local-viewer (viewer)  127.0.0.1" in row
    assert "PERMISSION_DENIED: DeletePool needs the admin role" in row


def test_changes_are_audited_with_their_outcome_and_survive_a_restart(fleet):
    all_registered(fleet)

    async def changes() -> None:
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await client.set_maintenance("host-a", True)
            with pytest.raises(grpc.aio.AioRpcError):
                await client.set_maintenance("host-z", True)

    asyncio.run(changes())
    newest = [e for e in audit(fleet) if e["rpc"] == "SetNodeMaintenance"]
    assert [(e["rpc"], e["object"], e["code"]) for e in newest] == [
        ("SetNodeMaintenance", "host host-z", "NOT_FOUND"),
        ("SetNodeMaintenance", "host host-a", "OK"),
    ]
    assert newest[0]["message"] and newest[1]["message"] == ""
    # Reads are not audited; the enrolments and registrations of the start are.
    rpcs = {entry["rpc"] for entry in audit(fleet)}
    assert {"CreateJoinToken", "Enrol", "RegisterNode"} <= rpcs
    # Which token was made, and which one each host enrolled with (IDs, never secrets).
    made = {e["object"] for e in audit(fleet) if e["rpc"] == "CreateJoinToken"}
    enrolled = {e["object"] for e in audit(fleet) if e["rpc"] == "Enrol"}
    assert all(o.startswith("join token ") and len(o) == len("join token abc123") for o in made)
    assert {o.split(" (")[0] for o in enrolled} == {"host host-a", "host host-b", "host host-c"}
    assert all(o.endswith(")") and "join token " in o for o in enrolled)
    assert not rpcs & {"ListNodes", "GetNode", "Watch", "Heartbeat"}

    asyncio.run(fleet.restart_coordinator())
    assert [e for e in audit(fleet) if e["rpc"] == "SetNodeMaintenance"] == newest


def test_a_forged_registration_for_an_enrolled_name_is_refused_and_audited(fleet):
    forger = Endpoint(fleet.coordinator_address, fleet.trust.node_identity("host-b"))
    request = pb.RegisterNodeRequest(hostname="host-b", address="127.0.0.1:9")
    error = asyncio.run(refused(forger, lambda c: c.register_node(request)))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    # (Other hosts may register meanwhile: the refusal is the one entry that is not OK.)
    [entry] = [e for e in audit(fleet) if e["code"] != "OK"]
    assert (entry["who"], entry["role"], entry["rpc"], entry["object"]) == (
        "host-b",
        "node",
        "RegisterNode",
        "host host-b",
    )
    assert entry["message"] == "host-b is enrolled with another certificate; remove it first"


def test_new_entries_reach_admins_on_watch_and_never_other_roles(fleet):
    async def first_audit_events(role: str) -> list[pb.WatchEvent]:
        async with CoordinatorClient(fleet.coordinator_endpoint(role)) as client:
            events: list[pb.WatchEvent] = []
            async for event in client.watch():
                events.append(event)
                if event.type == pb.WatchEvent.TYPE_SYNCED:
                    break
        return [e for e in events if e.kind == pb.OBJECT_KIND_AUDIT_ENTRY]

    admin_sees = asyncio.run(first_audit_events("admin"))
    assert admin_sees and all(e.audit_entry.rpc for e in admin_sees)
    assert asyncio.run(first_audit_events("operator")) == []
    assert asyncio.run(first_audit_events("viewer")) == []


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_only_admins_read_the_audit_log(fleet, role):
    result = quantixctl(fleet, "audit", role=role)
    assert result.returncode == 1
    assert f"ListAuditEntries needs the admin role; local-{role} ({role})" in result.stderr


def test_since_filters_and_bad_values_name_the_flag(fleet):
    assert audit(fleet, "--since", "1h")
    assert audit(fleet, "--since", "2999-01-01") == []
    assert quantixctl(fleet, "audit", "--since", "2999-01-01").stdout.strip() == (
        "No audit entries."
    )
    for bad in ("yesterday", "2026-13-01", "1h\n"):
        result = quantixctl(fleet, "audit", "--since", bad)
        assert result.returncode == 2 and "--since: " in result.stderr
    result = quantixctl(fleet, "audit", "--limit", "0")
    assert result.returncode == 2 and "--limit: must be a whole number 1-10000" in result.stderr


@pytest.mark.parametrize(
    ("peer", "shown"),
    [
        ("ipv4:10.0.0.7:51234", "10.0.0.7"),
        ("ipv6:[fd00::7]:51234", "fd00::7"),
        ("ipv6:%5B::1%5D:51234", "::1"),
        ("unix:/run/q.sock", "unix:/run/q.sock"),
    ],
)
def test_where_a_call_came_from_reads_as_an_address(peer, shown):
    assert from_text(pb.AuditEntry(peer=peer)) == shown
