"""Storage pools end to end: a real coordinator and real node daemons (libvirt's test driver)
as processes on loopback. Never timings: every wait polls with tests.helpers.eventually."""

import asyncio

from clients.coordinator import CoordinatorClient
from clients.node import NodeClient
from localfleet.testhosts import HostPool
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from tests.coordinator.pool_wire import ceph, iscsi, local, nfs, phases
from tests.helpers import eventually

PENDING = cpb.PHASE_PENDING


async def wait_connected(client, count):
    async def probe():
        return (await client.list_nodes()).nodes

    await eventually(
        probe,
        lambda nodes: (
            len(nodes) == count and all(n.status == pb.NODE_STATUS_CONNECTED for n in nodes)
        ),
        timeout_s=90,
        what=f"{count} nodes CONNECTED",
    )


async def settled(
    client, name, accept=lambda p: p.realization.phase != PENDING, timeout_s=60.0, what=""
):
    return await eventually(
        lambda: client.get_pool(name), accept, timeout_s, what or f"pool {name} settled"
    )


async def node_pool_names(fleet, host):
    async with NodeClient(fleet.node_endpoint(host), host) as node:
        return {p.name: p.type for p in await node.list_storage_pools()}


def test_every_backend_is_ready_on_three_hosts_with_each_hosts_notes(fleet, tmp_path):
    hosts = ("host-a", "host-b", "host-c")
    specs = [
        nfs(),
        ceph(),
        iscsi(),
        iscsi("san-direct", initiator=1, chap_user="", chap_secret=""),
        *(local(f"local-{h}", h, str(tmp_path / h)) for h in hosts),
    ]

    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_connected(client, 3)
            events = []
            synced = asyncio.Event()

            async def watch():
                async for event in client.watch(0):
                    events.append(event)
                    if event.type == pb.WatchEvent.TYPE_SYNCED:
                        synced.set()

            watcher = asyncio.create_task(watch())
            # Subscribed before anything is created: otherwise, on a loaded machine, the
            # stream's snapshot can arrive after a pool is READY and its PENDING is never seen.
            await asyncio.wait_for(synced.wait(), 30)
            created = [await client.create_pool(spec) for spec in specs]
            pools = [
                await settled(client, spec.name, lambda p: p.realization.phase == cpb.PHASE_READY)
                for spec in specs
            ]
            await eventually(
                lambda: asyncio.sleep(0, events),
                lambda e: sum(x.pool.realization.phase == cpb.PHASE_READY for x in e) >= len(specs),
                what="READY pools on Watch",
            )
            watcher.cancel()
            on_nodes = {h: await node_pool_names(fleet, h) for h in hosts}
            return created, pools, events, on_nodes

    created, pools, events, on_nodes = asyncio.run(main())
    assert all(p.realization.phase == PENDING for p in created)
    by_name = {p.spec.name: p for p in pools}
    for name in ("nfs-vms", "rbd-vms", "san-vms", "san-direct"):
        assert phases(by_name[name]) == dict.fromkeys(hosts, "READY")
        assert by_name[name].realization.message == ""
        assert by_name[name].capacity_bytes > 0
    for h in hosts:
        assert phases(by_name[f"local-{h}"]) == {h: "READY"}
    # The test driver keeps no secrets: each host says so in its own notes.
    for name in ("rbd-vms", "san-vms"):
        for status in by_name[name].realization.hosts:
            assert any("keeps no secrets" in note for note in status.notes), status
    assert by_name["rbd-vms"].spec.ceph_rbd.has_key
    assert by_name["rbd-vms"].spec.ceph_rbd.key == ""
    for h in hosts:
        assert on_nodes[h]["nfs-vms"] == "netfs"
        assert on_nodes[h]["rbd-vms"] == "rbd"
        assert on_nodes[h]["san-vms"] == "iscsi"
        assert on_nodes[h]["san-direct"] == "iscsi-direct"
        assert on_nodes[h][f"local-{h}"] == "dir"
        assert not {f"local-{o}" for o in hosts if o != h} & set(on_nodes[h])
    nfs_events = [e for e in events if e.key == "nfs-vms"]
    assert nfs_events[0].type == pb.WatchEvent.TYPE_ADDED
    assert nfs_events[0].pool.realization.phase == PENDING


def test_twenty_nodes_one_hung_one_killed_end_degraded_naming_both(start_fleet):
    names = [f"node-{i:02d}" for i in range(20)]
    # Heartbeats every 10 s: the hung node is not OFFLINE (30 s) before the 5 s deadline hits,
    # so its status is the deadline's own message.
    fleet = start_fleet(names, heartbeat_interval_s=10.0, coordinator_args=("--pool-deadline", "5"))

    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_connected(client, 20)
            fleet.pause_node("node-07")
            await fleet.kill_node("node-13")
            created = await client.create_pool(nfs("fleet-nfs"))
            return created, await settled(client, "fleet-nfs")

    created, pool = asyncio.run(main())
    assert len(created.realization.hosts) == 20
    assert pool.realization.phase == cpb.PHASE_DEGRADED
    by_host = {h.host: h for h in pool.realization.hosts}
    assert by_host["node-07"].message == "node-07 did not answer within 5 s"
    assert by_host["node-07"].reason == "TIMEOUT"
    assert by_host["node-13"].message.startswith("node-13 unreachable: ")
    assert by_host["node-13"].reason == "UNREACHABLE"
    ready = [h for h in names if by_host[h].phase == cpb.PHASE_READY]
    assert sorted(set(names) - set(ready)) == ["node-07", "node-13"]
    assert pool.realization.message.startswith("Ready on 18 of 20 hosts; not on node-07, node-13: ")
    assert "node-07 did not answer within 5 s" in pool.realization.message
    assert "node-13 unreachable: " in pool.realization.message


def test_coordinator_crash_mid_initialization_leaves_no_pool_pending(start_fleet):
    fleet = start_fleet(heartbeat_interval_s=10.0)

    async def before():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_connected(client, 3)
            fleet.pause_node("host-b")
            await client.create_pool(nfs())
            return await settled(
                client,
                "nfs-vms",
                lambda p: phases(p) == {"host-a": "READY", "host-b": "PENDING", "host-c": "READY"},
                what="host-b in flight, the others READY",
            )

    in_flight = asyncio.run(before())
    assert in_flight.realization.phase == PENDING

    async def after():
        await fleet.kill_coordinator()
        await fleet.restart_coordinator()
        fleet.resume_node("host-b")
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            return await settled(client, "nfs-vms")

    pool = asyncio.run(after())
    assert phases(pool) == dict.fromkeys(("host-a", "host-b", "host-c"), "READY")
    (old,) = [h for h in in_flight.realization.hosts if h.host == "host-b"]
    assert old.deadline.seconds > 0


def test_killed_and_restarted_node_gets_its_pools_again(fleet):
    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_connected(client, 3)
            await client.create_pool(nfs())
            await client.create_pool(local("local-b", "host-b", "/srv/quantix/b"))
            await settled(client, "nfs-vms", lambda p: p.realization.phase == cpb.PHASE_READY)
            await fleet.kill_node("host-b")
            offline = await settled(
                client,
                "nfs-vms",
                lambda p: phases(p)["host-b"] == "OFFLINE",
                what="host-b OFFLINE in the pool",
            )
            local_offline = await client.get_pool("local-b")
            await fleet.start_node("host-b")
            back = await settled(
                client, "nfs-vms", lambda p: p.realization.phase == cpb.PHASE_READY
            )
            local_back = await settled(
                client, "local-b", lambda p: p.realization.phase == cpb.PHASE_READY
            )
            return offline, local_offline, back, local_back, await node_pool_names(fleet, "host-b")

    offline, local_offline, back, local_back, on_b = asyncio.run(main())
    (status,) = [h for h in offline.realization.hosts if h.host == "host-b"]
    assert status.message == "host-b is offline" and status.offline_since.seconds > 0
    assert (
        offline.realization.phase == cpb.PHASE_DEGRADED and "host-b" in offline.realization.message
    )
    assert local_offline.realization.phase == cpb.PHASE_ERROR
    assert back.realization.message == "" and local_back.realization.message == ""
    # The test driver forgot everything when the daemon died: both were made again.
    assert on_b["nfs-vms"] == "netfs" and on_b["local-b"] == "dir"


def test_retry_clears_the_error_once_its_cause_is_gone(start_fleet):
    clash = HostPool("nfs-vms", "dir", target="/srv/someone-elses")
    fleet = start_fleet(heartbeat_interval_s=2.0, pools={"host-b": (clash,)})

    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_connected(client, 3)
            await client.create_pool(nfs())
            failed = await settled(client, "nfs-vms")
            # Standing in for virsh on the host (the test driver's state is in the node's
            # process): the node takes it only with the coordinator's certificate.
            as_coordinator = fleet.node_endpoint("host-b", "coordinator")
            async with NodeClient(as_coordinator, "host-b") as node:
                await node.destroy_storage_pool("nfs-vms", force=True)
            retrying = await client.retry_pool("nfs-vms")
            return failed, retrying, await settled(client, "nfs-vms")

    failed, retrying, ready = asyncio.run(main())
    assert failed.realization.phase == cpb.PHASE_DEGRADED
    (status,) = [h for h in failed.realization.hosts if h.host == "host-b"]
    assert status.reason == "CONFLICT"
    assert status.message and not status.message.startswith("host-b: ")
    assert failed.realization.message.startswith("Ready on 2 of 3 hosts; not on host-b: host-b: ")
    assert phases(retrying)["host-b"] == "PENDING"
    assert phases(retrying)["host-a"] == "READY"
    assert ready.realization.phase == cpb.PHASE_READY
    assert ready.realization.message == ""
    assert all(h.message == "" and h.reason == "" for h in ready.realization.hosts)


def test_assign_unassign_and_delete_on_real_nodes(fleet):
    async def main():
        async with CoordinatorClient(fleet.coordinator_endpoint()) as client:
            await wait_connected(client, 3)
            await client.create_pool(nfs(hosts=["host-a"]))
            await settled(client, "nfs-vms")
            await client.assign_hosts("nfs-vms", ["host-b", "host-c"])
            assigned = await settled(client, "nfs-vms")
            unassigned = await client.unassign_hosts("nfs-vms", ["host-c"])
            on_c = await node_pool_names(fleet, "host-c")
            deleted = await client.delete_pool("nfs-vms")
            listing = await client.list_pools()
            on_a = await node_pool_names(fleet, "host-a")
            return assigned, unassigned, on_c, deleted, listing, on_a

    assigned, unassigned, on_c, deleted, listing, on_a = asyncio.run(main())
    assert phases(assigned) == dict.fromkeys(("host-a", "host-b", "host-c"), "READY")
    assert list(unassigned.spec.hosts) == ["host-a", "host-b"]
    assert "nfs-vms" not in on_c
    assert deleted.deleted
    assert [(r.host, r.message) for r in deleted.results] == [
        ("host-a", "removed"),
        ("host-b", "removed"),
    ]
    assert list(listing.pools) == []
    assert "nfs-vms" not in on_a
