"""coordinator.realize: fan-out, deadlines, per-host outcomes, supersession (in process)."""

import asyncio
import socket

import grpc
import pytest

from clients.node import NodeClient
from coordinator.node_clients import NodeClients
from coordinator.realize import HostRoute, Realizer, WorkKey
from domain.realization import Phase
from tests.helpers import eventually


class Fake:
    def __init__(self, name):
        self.name = name
        self.address = f"fake:{name}"


def realizer(routes, deadline_s=5.0):
    clients = NodeClients(deadline_s, factory=lambda address, name, _d: Fake(name))
    return Realizer(routes.get, clients, deadline_s)


ONLINE = {h: HostRoute(f"127.0.0.1:{i + 1}") for i, h in enumerate(("host-a", "host-b", "host-c"))}


def rpc_error(code, details, reason=""):
    trailing = grpc.aio.Metadata(("quantix-reason", reason)) if reason else grpc.aio.Metadata()
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), trailing, details)


def test_each_outcome_is_reported_as_it_arrives():
    gates = {h: asyncio.Event() for h in ONLINE}
    seen = []

    async def operation(client, timeout_s):
        await gates[client.name].wait()
        return client.name.upper()

    async def main():
        r = realizer(ONLINE)
        r.start(WorkKey("pool", "pool"), list(ONLINE), operation, seen.append)
        gates["host-b"].set()
        await eventually(lambda: asyncio.sleep(0, seen), bool)
        first = list(seen)
        gates["host-a"].set()
        gates["host-c"].set()
        await eventually(lambda: asyncio.sleep(0, seen), lambda s: len(s) == 3)
        return first

    first = asyncio.run(main())
    assert [(o.host, o.phase, o.result) for o in first] == [("host-b", Phase.READY, "HOST-B")]
    assert {o.host for o in seen} == set(ONLINE)
    assert all(o.ok and o.message == "" for o in seen)


def test_a_host_that_does_not_answer_gets_the_timeout_message():
    async def operation(client, timeout_s):
        if client.name == "host-b":
            await asyncio.sleep(60)
        return "ok"

    outcomes = asyncio.run(realizer(ONLINE, 0.2).run("pool", list(ONLINE), operation))
    by_host = {o.host: o for o in outcomes}
    assert by_host["host-a"].ok and by_host["host-c"].ok
    assert by_host["host-b"].phase is Phase.ERROR
    assert by_host["host-b"].message == "host-b did not answer within 0.2 s"
    assert by_host["host-b"].reason == "TIMEOUT"


def test_offline_and_unknown_hosts_are_not_tried():
    routes = {
        "host-a": HostRoute("127.0.0.1:1", offline=True, offline_since=1000.0),
        "host-b": HostRoute("127.0.0.1:2"),
    }
    tried = []

    async def operation(client, timeout_s):
        tried.append(client.name)

    outcomes = asyncio.run(realizer(routes).run("pool", ["host-a", "host-b", "ghost"], operation))
    assert tried == ["host-b"]
    assert outcomes[0].offline_since == 1000.0  # the fact, worded by whoever shows it
    assert [(o.host, o.phase, o.message, o.reason) for o in outcomes] == [
        ("host-a", Phase.OFFLINE, "host-a is offline", "OFFLINE"),
        ("host-b", Phase.READY, "", ""),
        (
            "ghost",
            Phase.OFFLINE,
            "ghost is offline: it is not registered with this coordinator",
            "OFFLINE",
        ),
    ]


@pytest.mark.parametrize(
    ("error", "message", "reason"),
    [
        (
            rpc_error(
                grpc.StatusCode.INTERNAL,
                "host-a: NFS mount failed: mount.nfs: access denied by server",
                "MOUNT_FAILED",
            ),
            "NFS mount failed: mount.nfs: access denied by server",
            "MOUNT_FAILED",
        ),
        (
            rpc_error(grpc.StatusCode.UNAVAILABLE, "libvirt is down", "LIBVIRT_UNAVAILABLE"),
            "libvirt is down",
            "LIBVIRT_UNAVAILABLE",
        ),
        (
            rpc_error(grpc.StatusCode.UNAVAILABLE, "failed to connect to all addresses"),
            "host-a unreachable: failed to connect to all addresses",
            "UNREACHABLE",
        ),
        (
            rpc_error(grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded"),
            "host-a did not answer within 5 s",
            "TIMEOUT",
        ),
        (
            rpc_error(grpc.StatusCode.UNIMPLEMENTED, "Method not found!"),
            "host-a does not support this call: Method not found!",
            "UNIMPLEMENTED",
        ),
    ],
)
def test_grpc_errors_become_the_nodes_message_and_reason(error, message, reason):
    async def operation(client, timeout_s):
        raise error

    (outcome,) = asyncio.run(realizer(ONLINE).run("pool", ["host-a"], operation))
    assert (outcome.phase, outcome.message, outcome.reason) == (Phase.ERROR, message, reason)


def test_newer_work_supersedes_older_work_on_the_same_host():
    seen = []
    release = asyncio.Event()

    async def slow(client, timeout_s):
        await release.wait()
        return "old"

    async def fast(client, timeout_s):
        return "new"

    async def main():
        r = realizer(ONLINE)
        first = asyncio.create_task(
            r.run(WorkKey("pool", "pool"), ["host-a", "host-b"], slow, seen.append)
        )
        await eventually(
            lambda: asyncio.sleep(0, r.in_flight(WorkKey("pool", "pool"))),
            lambda s: s == {"host-a", "host-b"},
        )
        newer = await r.run(WorkKey("pool", "pool"), ["host-a"], fast, seen.append)
        release.set()
        return await first, newer

    older, newer = asyncio.run(main())
    assert [(o.host, o.result) for o in seen] == [("host-a", "new"), ("host-b", "old")]
    assert older[0].phase is Phase.ERROR and "superseded" in older[0].message
    assert newer[0].result == "new"


def test_other_objects_work_is_independent():
    seen = []

    async def operation(client, timeout_s):
        await asyncio.sleep(0.05)
        return "done"

    async def main():
        r = realizer(ONLINE)
        r.start(WorkKey("pool", "pool-1"), ["host-a"], operation, seen.append)
        r.start(WorkKey("pool", "pool-2"), ["host-a"], operation, seen.append)
        # Same name, another kind: another object, whose work never cancels the pool's.
        r.start(WorkKey("network", "pool-1"), ["host-a"], operation, seen.append)
        await eventually(lambda: asyncio.sleep(0, seen), lambda s: len(s) == 3)

    asyncio.run(main())
    assert [o.host for o in seen] == ["host-a", "host-a", "host-a"]


def test_real_grpc_closed_port_is_unreachable_and_silent_peer_times_out():
    """Real channels: nothing listening, and a socket that accepts but never speaks."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    routes = {
        "host-a": HostRoute(f"127.0.0.1:{closed_port}"),
        "host-b": HostRoute(f"127.0.0.1:{silent.getsockname()[1]}"),
    }

    async def main():
        clients = NodeClients(1.0)
        r = Realizer(routes.get, clients, 1.0)
        try:
            return await r.run(
                "pool", ["host-a", "host-b"], lambda c, t: NodeClient.get_host_info(c)
            )
        finally:
            await clients.close()

    try:
        closed_outcome, silent_outcome = asyncio.run(main())
    finally:
        silent.close()
    assert closed_outcome.phase is Phase.ERROR
    assert closed_outcome.message.startswith("host-a unreachable: ")
    assert closed_outcome.reason == "UNREACHABLE"
    assert silent_outcome.message == "host-b did not answer within 1 s"
