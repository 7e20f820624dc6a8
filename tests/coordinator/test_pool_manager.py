"""coordinator.pools.PoolManager over a real inventory and store, with scripted node clients.

The same behaviours run end to end against real node daemons in test_pools_fleet.py; here
each failure is scripted exactly (a reason code, a hang, volumes) and the checks are quick.
"""

import asyncio

import grpc
import pytest

from coordinator.inventory import Inventory
from coordinator.node_clients import NodeClients
from coordinator.nodes import NodeRegistry
from coordinator.pools import PoolManager
from coordinator.realize import Realizer
from coordinator.realized_errors import ObjectExists, ObjectNotFound, Refused
from coordinator.secret_box import SecretBox
from coordinator.store import SQLiteStore
from coordinator.watch import WatchHub
from domain.errors import ValidationError
from domain.pools import (
    Backend,
    CephSource,
    IscsiSource,
    LocalDirSource,
    NfsSource,
    PoolSpec,
)
from domain.realization import no_hosts_message
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import node_pb2
from tests.helpers import eventually
from wire.pool_codec import spec_to_pb

CEPH_KEY = "AQBzZXJ2aWNlLWtleS1mb3ItdGVzdHMtMDAxMjM0=="[:38] + "=="
CHAP_SECRET = "chap-secret-0123"
HANG = "hang"


def reply(capacity=100, notes=()):
    return node_pb2.InitStoragePoolResponse(
        pool=cpb.HostStoragePool(capacity_bytes=capacity, available_bytes=capacity // 2),
        notes=list(notes),
    )


def failure(details, reason):
    return grpc.aio.AioRpcError(
        grpc.StatusCode.INTERNAL,
        grpc.aio.Metadata(),
        grpc.aio.Metadata(("quantix-reason", reason)),
        details,
    )


class FakeNode:
    """A node daemon's pool RPCs, scripted per host through the World."""

    def __init__(self, name, world):
        self.name = name
        self.address = world.addresses.get(name, "")
        self.world = world

    async def _act(self, behaviour, default):
        if behaviour == HANG:
            await asyncio.sleep(3600)
        if isinstance(behaviour, Exception):
            raise behaviour
        return default if behaviour is None else behaviour

    async def init_storage_pool(self, spec, timeout_s=None):
        self.world.calls.append(("init", self.name, spec))
        return await self._act(self.world.init.get(self.name), reply())

    async def destroy_storage_pool(self, name, force=False, timeout_s=None):
        self.world.calls.append(("destroy", self.name, force))
        return await self._act(
            self.world.destroy.get(self.name), node_pb2.DestroyStoragePoolResponse(existed=True)
        )

    async def list_volumes(self, pool):
        self.world.calls.append(("volumes", self.name, pool))
        count = self.world.volumes.get(self.name, 0)
        return [cpb.Volume(name=f"v{i}") for i in range(count)]


class World:
    def __init__(self, tmp_path, deadline_s=0.5):
        self.tmp_path = tmp_path
        self.deadline_s = deadline_s
        self.now = 1_000_000.0
        self.init, self.destroy, self.volumes, self.addresses = {}, {}, {}, {}
        self.calls = []
        self.events = []
        self.box = SecretBox(SecretBox.new_key())  # the coordinator's key survives its restarts
        self.open()

    def open(self):
        self.store = SQLiteStore(self.tmp_path / "c.sqlite", self.box)
        self.hub = WatchHub()
        self.hub.publish = self.events.append
        self.inventory = Inventory(self.store, self.hub)
        self.nodes = NodeRegistry(self.inventory, 5.0, clock=lambda: self.now)
        clients = NodeClients(self.deadline_s, factory=lambda _a, name, _d: FakeNode(name, self))
        self.realizer = Realizer(self.nodes.route, clients, self.deadline_s)
        self.pools = PoolManager(
            self.inventory, self.store, self.nodes, self.realizer, clock=lambda: self.now
        )

    async def crash(self):
        """Stop without a word (work in flight is dropped), then start over the same db."""
        await self.realizer.close()
        self.store.close()
        self.open()

    def register(self, *names):
        for name in names:
            self.addresses.setdefault(name, f"127.0.0.1:{7500 + len(self.addresses)}")
            self.nodes.register(pb.RegisterNodeRequest(hostname=name, address=self.addresses[name]))

    def go_offline(self, *names):
        self.now += 60
        for node in self.nodes.list():
            if node.status != pb.NODE_STATUS_OFFLINE and node.name not in names:
                self.nodes.heartbeat(node.name)
        self.nodes.sweep()

    async def settled(self, name, accept=None):
        async def probe():
            return self.pools.get(name)

        return await eventually(
            probe,
            accept or (lambda p: p.realization.phase != cpb.PHASE_PENDING),
            timeout_s=10,
            what=f"pool {name} settled",
        )

    def calls_of(self, kind):
        return [c for c in self.calls if c[0] == kind]


def nfs(name="nfs-a", hosts=()):
    return spec_to_pb(
        PoolSpec(name, Backend.NFS, NfsSource("nas.lab", "/export/vms"), hosts=tuple(hosts)),
        include_secrets=True,
    )


def ceph(name="ceph-a"):
    source = CephSource(("mon1.lab",), "vms", "admin", CEPH_KEY)
    return spec_to_pb(PoolSpec(name, Backend.CEPH_RBD, source), include_secrets=True)


def iscsi(name="san-a"):
    source = IscsiSource(
        "san.lab",
        "iqn.2024-01.lab.san:vms",
        chap_user="vmhost",
        chap_secret=CHAP_SECRET,
    )
    return spec_to_pb(PoolSpec(name, Backend.ISCSI, source), include_secrets=True)


def local(name="local-a", host="host-a", path="/srv/vms"):
    return spec_to_pb(
        PoolSpec(name, Backend.LOCAL_DIR, LocalDirSource(path), hosts=(host,)),
        include_secrets=True,
    )


def run(tmp_path, body, **kwargs):
    async def main():
        world = World(tmp_path, **kwargs)
        try:
            return await body(world)
        finally:
            await world.pools.close()
            await world.realizer.close()
            world.store.close()

    return asyncio.run(main())


def host_view(pool):
    return {h.host: (cpb.Phase.Name(h.phase), h.message, h.reason) for h in pool.realization.hosts}


def test_create_stores_pending_returns_at_once_then_ready_everywhere(tmp_path):
    async def body(w):
        w.register("host-a", "host-b", "host-c")
        created = w.pools.create(nfs())
        return created, await w.settled("nfs-a"), w.events

    created, ready, events = run(tmp_path, body)
    assert created.realization.phase == cpb.PHASE_PENDING
    assert created.realization.message == "Initializing on 3 of 3 hosts"
    assert all(h.deadline.seconds > 0 for h in created.realization.hosts)
    assert ready.realization.phase == cpb.PHASE_READY and ready.realization.message == ""
    assert [h.host for h in ready.realization.hosts] == ["host-a", "host-b", "host-c"]
    assert all(
        h.storage.capacity_bytes == 100 and not h.HasField("deadline")
        for h in ready.realization.hosts
    )
    assert ready.capacity_bytes == 100
    pool_events = [e for e in events if e.kind == pb.OBJECT_KIND_POOL]
    assert pool_events[0].type == pb.WatchEvent.TYPE_ADDED
    assert pool_events[-1].pool.realization.phase == cpb.PHASE_READY


def test_a_ready_host_shows_at_once_while_another_is_still_working(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.init["host-b"] = HANG
        w.pools.create(nfs())
        return await w.settled("nfs-a", lambda p: p.realization.hosts[0].phase == cpb.PHASE_READY)

    pool = run(tmp_path, body, deadline_s=30.0)
    assert host_view(pool)["host-b"] == ("PHASE_PENDING", "", "")
    assert pool.realization.phase == cpb.PHASE_PENDING
    assert pool.realization.message == "Initializing on 1 of 2 hosts"


def test_failing_and_hung_hosts_degrade_the_pool_with_their_own_messages(tmp_path):
    async def body(w):
        w.register("host-a", "host-b", "host-c")
        w.init["host-b"] = failure(
            "host-b: NFS mount failed: mount.nfs: access denied by server", "MOUNT_FAILED"
        )
        w.init["host-c"] = HANG
        w.pools.create(nfs())
        return await w.settled("nfs-a")

    pool = run(tmp_path, body)
    assert pool.realization.phase == cpb.PHASE_DEGRADED
    assert host_view(pool) == {
        "host-a": ("PHASE_READY", "", ""),
        "host-b": (
            "PHASE_ERROR",
            "NFS mount failed: mount.nfs: access denied by server",
            "MOUNT_FAILED",
        ),
        "host-c": ("PHASE_ERROR", "host-c did not answer within 0.5 s", "TIMEOUT"),
    }
    assert pool.realization.message == (
        "Ready on 1 of 3 hosts; not on host-b, host-c: host-b: NFS mount failed: mount.nfs: "
        "access denied by server; host-c did not answer within 0.5 s"
    )


def test_no_connected_host_is_an_error_with_the_exact_message(tmp_path):
    async def body(w):
        return w.pools.create(nfs())

    pool = run(tmp_path, body)
    assert pool.realization.phase == cpb.PHASE_ERROR
    assert pool.realization.message == no_hosts_message("pool nfs-a")
    assert pool.realization.message == (
        "No connected nodes available to initialize pool nfs-a: register a node or bring one online"
    )


def test_a_host_registering_later_joins_a_pool_meant_for_every_host(tmp_path):
    async def body(w):
        w.pools.create(nfs())
        w.register("host-a")
        return await w.settled("nfs-a", lambda p: p.realization.phase == cpb.PHASE_READY)

    pool = run(tmp_path, body)
    assert [h.host for h in pool.realization.hosts] == ["host-a"]
    assert list(pool.spec.hosts) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: setattr(s, "name", ""), "name"),
        (lambda s: setattr(s, "name", "a'><x"), "name"),
        (lambda s: setattr(s, "name", "x" * 65), "name"),
        (lambda s: setattr(s.nfs, "server", ""), "nfs.server"),
        (lambda s: setattr(s.nfs, "export_path", "../../etc"), "nfs.export_path"),
        (lambda s: s.nfs.mount_options.append("vers=3"), "nfs.mount_options"),
        (lambda s: s.hosts.append("no_such_host!"), "hosts[0]"),
        (lambda s: s.hosts.append("ghost"), "hosts[0]"),
    ],
)
def test_bad_input_names_the_field_and_stores_and_calls_nothing(tmp_path, change, field):
    async def body(w):
        w.register("host-a")
        spec = nfs()
        change(spec)
        with pytest.raises(ValidationError) as info:
            w.pools.create(spec)
        # Work on a host is launched within create() itself: none may be in flight.
        return info.value, w.pools.list(), w.calls, w.realizer.in_flight(spec.name)

    error, pools, calls, in_flight = run(tmp_path, body)
    assert error.field == field
    assert pools == [] and calls == [] and in_flight == set()


def test_duplicate_name_is_refused_and_unknown_pool_is_not_found(tmp_path):
    async def body(w):
        w.register("host-a")
        w.pools.create(nfs())
        with pytest.raises(ObjectExists, match="'nfs-a' already exists"):
            w.pools.create(nfs())
        with pytest.raises(ObjectNotFound, match="'nope'"):
            w.pools.get("nope")

    run(tmp_path, body)


@pytest.mark.parametrize(
    ("spec", "secret", "field"),
    [(ceph, CEPH_KEY, "ceph_rbd"), (iscsi, CHAP_SECRET, "iscsi")],
)
def test_secrets_reach_the_nodes_but_never_the_pool_or_watch(tmp_path, spec, secret, field):
    async def body(w):
        w.register("host-a", "host-b")
        created = w.pools.create(spec())
        pool = await w.settled(created.spec.name)
        await w.crash()  # a restart must still have the secret to send
        w.init.clear()
        w.register("host-a")  # re-registers: initialized again, secret included
        await w.settled(created.spec.name, lambda p: p.realization.phase == cpb.PHASE_READY)
        return created, pool, w

    created, pool, w = run(tmp_path, body)
    for message in [created, pool, *[e for e in w.events]]:
        assert secret not in str(message)
        assert secret.encode() not in message.SerializeToString()
    assert pool.spec.WhichOneof("source") == field
    assert pool.spec.ceph_rbd.has_key or pool.spec.iscsi.has_chap_secret
    sent = [c[2] for c in w.calls_of("init")]
    assert len(sent) == 3
    assert all(secret in (s.ceph_rbd.key + s.iscsi.chap_secret) for s in sent)


def test_a_secret_echoed_in_a_node_error_is_redacted(tmp_path):
    async def body(w):
        w.register("host-a")
        w.init["host-a"] = failure(f"bad key {CEPH_KEY} refused", "CEPH_CONNECT_FAILED")
        w.pools.create(ceph())
        return await w.settled("ceph-a")

    pool = run(tmp_path, body)
    assert CEPH_KEY not in str(pool)
    assert pool.realization.hosts[0].message == "bad key [secret] refused"


def test_offline_host_is_marked_and_reinitialized_when_it_comes_back(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.pools.create(nfs())
        await w.settled("nfs-a")
        w.go_offline("host-b")
        offline = w.pools.get("nfs-a")
        inits_before = len(w.calls_of("init"))
        w.nodes.heartbeat("host-b")  # back from OFFLINE
        back = await w.settled("nfs-a", lambda p: p.realization.phase == cpb.PHASE_READY)
        return offline, back, len(w.calls_of("init")) - inits_before

    offline, back, again = run(tmp_path, body)
    assert offline.realization.phase == cpb.PHASE_DEGRADED
    (status,) = [h for h in offline.realization.hosts if h.host == "host-b"]
    assert status.phase == cpb.PHASE_OFFLINE
    assert status.message == "host-b is offline"  # timeless: the time is a fact beside it
    assert status.offline_since.seconds > 0
    assert status.reason == "OFFLINE"
    assert "host-b" in offline.realization.message
    assert again == 1
    assert back.realization.message == ""


def test_retry_reinitializes_hosts_not_ready_and_success_clears_the_message(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.init["host-b"] = failure("START failed: boom", "START_FAILED")
        w.pools.create(nfs())
        failed = await w.settled("nfs-a")
        del w.init["host-b"]
        before = len(w.calls_of("init"))
        retrying = w.pools.retry("nfs-a")
        ready = await w.settled("nfs-a")
        retried = [c[1] for c in w.calls_of("init")[before:]]
        with pytest.raises(ValidationError, match=r"hosts\[0\]: host-z is not assigned"):
            w.pools.retry("nfs-a", ["host-z"])
        return failed, retrying, ready, retried

    failed, retrying, ready, retried = run(tmp_path, body)
    assert failed.realization.phase == cpb.PHASE_DEGRADED
    assert retrying.realization.phase == cpb.PHASE_PENDING
    assert retried == ["host-b"]
    assert ready.realization.phase == cpb.PHASE_READY and ready.realization.message == ""
    assert all(h.message == "" and h.reason == "" for h in ready.realization.hosts)


def test_restart_resumes_pending_hosts_with_a_fresh_deadline(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.init["host-b"] = HANG
        w.pools.create(nfs())
        await eventually(
            lambda: asyncio.sleep(0, w.pools.get("nfs-a")),
            lambda p: {h.host: h.phase for h in p.realization.hosts}["host-a"] == cpb.PHASE_READY,
            what="host-a ready",
        )
        await w.crash()
        left = w.pools.get("nfs-a")
        w.now += 100
        del w.init["host-b"]
        w.pools.resume()
        resumed = w.pools.get("nfs-a")
        return left, resumed, await w.settled("nfs-a")

    left, resumed, ready = run(tmp_path, body)
    assert left.realization.phase == cpb.PHASE_PENDING
    (pending,) = [h for h in resumed.realization.hosts if h.phase == cpb.PHASE_PENDING]
    (old,) = [h for h in left.realization.hosts if h.host == "host-b"]
    assert pending.host == "host-b"
    assert pending.deadline.ToSeconds() > old.deadline.ToSeconds()
    assert ready.realization.phase == cpb.PHASE_READY


def test_local_dir_lives_on_exactly_one_host(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.pools.create(local())
        await w.settled("local-a")
        with pytest.raises(ValidationError, match="one host"):
            w.pools.assign("local-a", ["host-b"])
        with pytest.raises(Refused, match="delete the pool instead"):
            await w.pools.unassign("local-a", ["host-a"])
        spec = local("local-b")
        spec.hosts.append("host-b")
        with pytest.raises(ValidationError, match="exactly one"):
            w.pools.create(spec)
        return w.calls_of("init")

    inits = run(tmp_path, body)
    assert [c[1] for c in inits] == ["host-a"]


def test_assign_and_unassign_hosts(tmp_path):
    async def body(w):
        w.register("host-a", "host-b", "host-c")
        w.pools.create(nfs(hosts=["host-a"]))
        await w.settled("nfs-a")
        assigned = w.pools.assign("nfs-a", ["host-b", "host-c"])
        await w.settled("nfs-a")
        w.destroy["host-c"] = failure("destroying the pool failed: busy", "DESTROY_FAILED")
        after = await w.pools.unassign("nfs-a", ["host-b", "host-c"])
        return assigned, after, w.calls_of("destroy")

    assigned, after, destroys = run(tmp_path, body)
    assert list(assigned.spec.hosts) == ["host-a", "host-b", "host-c"]
    assert sorted(c[1] for c in destroys) == ["host-b", "host-c"]
    assert list(after.spec.hosts) == ["host-a", "host-c"]
    assert host_view(after)["host-c"] == (
        "PHASE_ERROR",
        "Unassign failed: destroying the pool failed: busy",
        "DESTROY_FAILED",
    )


def test_unassign_from_a_pool_for_every_host_keeps_the_host_off(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.pools.create(nfs())
        await w.settled("nfs-a")
        await w.pools.unassign("nfs-a", ["host-b"])
        w.register("host-b")  # re-initialization would be launched within this call
        return w.pools.get("nfs-a"), w.realizer.in_flight("nfs-a")

    pool, in_flight = run(tmp_path, body)
    assert in_flight == set()
    assert [h.host for h in pool.realization.hosts] == ["host-a"]
    assert list(pool.spec.hosts) == ["host-a"]


def test_delete_refuses_while_volumes_exist_unless_forced(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.pools.create(ceph())
        await w.settled("ceph-a")
        w.volumes["host-b"] = 3
        with pytest.raises(Refused) as info:
            await w.pools.delete("ceph-a")
        still = w.pools.get("ceph-a")
        destroys_before = list(w.calls_of("destroy"))
        assert w.store.secret_scopes() == ["pool/ceph-a"]
        deleted = await w.pools.delete("ceph-a", force=True)
        return info.value, still, destroys_before, deleted, w, w.store.secret_scopes()

    refused, still, destroys_before, deleted, w, scopes = run(tmp_path, body)
    assert "host-b has 3 volumes" in str(refused)
    assert still.realization.phase == cpb.PHASE_READY
    assert destroys_before == []
    assert deleted.deleted
    assert [(r.host, r.message) for r in deleted.results] == [
        ("host-a", "removed"),
        ("host-b", "removed"),
    ]
    assert [c[2] for c in w.calls_of("destroy")] == [True, True]
    assert w.pools.list() == []
    assert w.events[-1].type == pb.WatchEvent.TYPE_REMOVED
    assert scopes == []


def test_delete_with_failures_keeps_the_pool_marked_and_reports_every_host(tmp_path):
    async def body(w):
        w.register("host-a", "host-b", "host-c")
        w.pools.create(nfs())
        await w.settled("nfs-a")
        w.destroy["host-b"] = HANG
        w.destroy["host-c"] = failure("undefining the pool failed: locked", "UNDEFINE_FAILED")
        reply = await w.pools.delete("nfs-a")
        phases = [e.pool.realization.phase for e in w.events if e.kind == pb.OBJECT_KIND_POOL]
        return reply, phases

    reply, phases = run(tmp_path, body)
    assert cpb.PHASE_DELETING in phases
    assert not reply.deleted
    assert [(r.host, r.reason) for r in reply.results] == [
        ("host-a", ""),
        ("host-b", "TIMEOUT"),
        ("host-c", "UNDEFINE_FAILED"),
    ]
    assert [h.host for h in reply.pool.realization.hosts] == ["host-b", "host-c"]
    assert host_view(reply.pool)["host-b"][1] == "Delete failed: host-b did not answer within 0.5 s"
    assert reply.pool.realization.phase == cpb.PHASE_ERROR
    assert "host-b" in reply.pool.realization.message and "host-c" in reply.pool.realization.message


def test_delete_supersedes_an_initialization_in_flight(tmp_path):
    async def body(w):
        w.register("host-a")
        w.init["host-a"] = HANG
        w.pools.create(nfs())
        reply = await w.pools.delete("nfs-a")
        # The init was cancelled, not left to its deadline: nothing can come back to life.
        return reply, w.pools.list(), w.realizer.in_flight("nfs-a")

    reply, pools, in_flight = run(tmp_path, body)
    assert reply.deleted
    assert pools == [] and in_flight == set()


def test_delete_leaves_another_pool_of_the_same_name_alone(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.init["host-b"] = failure("a pool named nfs-a already exists", "CONFLICT")
        w.pools.create(nfs())
        await w.settled("nfs-a")
        w.volumes["host-b"] = 5  # that other pool's volumes are none of this pool's business
        return await w.pools.delete("nfs-a"), w.calls

    reply, calls = run(tmp_path, body)
    assert reply.deleted
    assert [c[1] for c in calls if c[0] in ("destroy", "volumes")] == ["host-a", "host-a"]
    (other,) = [r for r in reply.results if r.host == "host-b"]
    assert other.message.startswith("left alone: the pool named nfs-a on host-b")


def test_a_pool_for_every_host_is_degraded_naming_a_host_that_is_offline_at_creation(tmp_path):
    async def body(w):
        w.register("host-a", "host-b", "host-c")
        w.go_offline("host-c")
        w.pools.create(nfs())
        return await w.settled("nfs-a")

    pool = run(tmp_path, body)
    # One aggregation for both placements: an offline host counts, as in an explicit list.
    assert pool.realization.phase == cpb.PHASE_DEGRADED
    assert pool.realization.message == "Ready on 2 of 3 hosts; not on host-c: host-c is offline"
    (status,) = [h for h in pool.realization.hosts if h.host == "host-c"]
    assert (status.phase, status.reason) == (cpb.PHASE_OFFLINE, "OFFLINE")
    assert status.offline_since.seconds > 0  # when it went silent, worded by whoever shows it
    assert not pool.spec.hosts  # still a pool for every host


def test_a_restart_finishes_an_unassign_and_the_initialization_it_interrupted(tmp_path):
    async def body(w):
        w.register("host-a", "host-b", "host-c")
        w.pools.create(nfs())
        await w.settled("nfs-a")
        w.init["host-d"] = HANG
        w.register("host-d")  # joins the pool for every host: PENDING, never answers
        w.destroy["host-c"] = HANG
        unassign = asyncio.create_task(w.pools.unassign("nfs-a", ["host-c"], force=True))
        await eventually(lambda: asyncio.sleep(0, w.calls_of("destroy")), bool)
        await w.crash()
        unassign.cancel()
        w.init.clear()
        w.destroy.clear()
        w.pools.resume()
        return await w.settled(
            "nfs-a",
            lambda p: (
                {h.host: h.phase for h in p.realization.hosts}
                == dict.fromkeys(("host-a", "host-b", "host-d"), cpb.PHASE_READY)
            ),
        )

    pool = run(tmp_path, body)
    assert "host-c" not in list(pool.spec.hosts)


def test_forcing_out_a_pools_only_host_forgets_the_pool_instead_of_widening_it(tmp_path):
    async def body(w):
        w.register("host-a", "host-b")
        w.pools.create(nfs(hosts=["host-a"]))
        await w.settled("nfs-a")
        released = w.pools.forget_host("host-a", force=True)
        return released, w.pools.list()

    released, pools = run(tmp_path, body)
    # Emptying its list would have made it a pool for every host (host-b would mount it).
    assert released == ["nfs-a"] and pools == []
