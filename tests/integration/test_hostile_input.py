"""Hostile input for every RPC of both servers that takes text, sent with the raw generated stubs
so any message can be built: a trailing newline, a non-ASCII digit, a 20 KB value, a 5 MB host
fact, an unknown enum value, a system directory.

Against one real coordinator and two real node daemons (libvirt test driver). Every case must
be refused (INVALID_ARGUMENT or FAILED_PRECONDITION) with details that start with the field
that is wrong, that are short (a huge value is never quoted in full), and must change nothing:
the same hosts at the same addresses, no pools, the same discovered pools and the same pools on
each host. A bad field of RegisterNode other than the hostname is sent under a NEW hostname, so
a wrongly accepted registration would show up as a third host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf.message import Message

from clients.channels import Endpoint, open_channel
from localfleet import LocalFleet
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from proto.quantix.v1 import coordinator_pb2_grpc as pb_grpc
from proto.quantix.v1 import node_pb2 as npb
from proto.quantix.v1 import node_pb2_grpc as npb_grpc
from tests.helpers import eventually

HOSTS = ("host-a", "host-b")
# The node daemon the node RPCs go to.
NODE = "host-a"
# A hostname no node uses: a wrongly accepted registration would add it as a third host.
INTRUDER = "intruder"
# A well-formed pool name of no pool, for the cases whose bad field is another one: validating
# the request must come before looking the pool up (INVALID_ARGUMENT, never NOT_FOUND).
NO_POOL = "vms"
# A pool every test host has (unmanaged, so discovered): AdoptPool's cases name it, so only
# the bad field can be the reason for a refusal.
DISCOVERED = "default"

KB20 = 20_000
MB5 = 5_000_000
# Details longer than this quote too much of a value (a 20 KB value is never quoted in full).
MAX_DETAILS = 300
REFUSED = (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION)

# The kinds of bad text, with readable ids: a trailing newline, a non-ASCII digit, 20 KB.
BAD_HOSTNAMES = (("newline", "host-a\n"), ("digit", "²"), ("20kb", "h" * KB20))
BAD_POOL_NAMES = (("newline", "fz9\n"), ("digit", "²"), ("20kb", "p" * KB20))


@dataclass(frozen=True)
class Case:
    server: str  # "coordinator" or "node"
    rpc: str
    build: Callable[[], Message]  # built when run: a 5 MB value is not kept per case
    field: str  # what the details must start with, before ": "


# --- valid requests, one field broken at a time ---------------------------------------------


def host_info(**cpu: str) -> cpb.HostInfo:
    return cpb.HostInfo(
        hostname=INTRUDER,
        cpu=cpb.CpuInfo(model=cpu.get("model", "Xeon"), arch="x86_64", logical_cpus=4),
        memory_bytes=2**30,
        hypervisor="TEST",
    )


def register(
    hostname: str = INTRUDER,
    address: str = "127.0.0.1:1",
    info: cpb.HostInfo | None = None,
    daemon_version: str = "0.1.0",
) -> pb.RegisterNodeRequest:
    return pb.RegisterNodeRequest(
        hostname=hostname,
        address=address,
        host_info=info if info is not None else host_info(),
        daemon_version=daemon_version,
    )


def with_nic_name(name: str) -> cpb.HostInfo:
    info = host_info()
    info.nics.add(name=name, mac="52:54:00:00:00:01")
    return info


def many_nics() -> cpb.HostInfo:
    info = host_info()
    for i in range(1001):
        info.nics.add(name=f"eth{i}")
    return info


def report(hostname: str = "host-a", **pool: str) -> pb.ReportStoragePoolsRequest:
    reported = {"name": "reported", "type": "dir", "target_path": "/srv/reported"}
    reported.update(pool)
    return pb.ReportStoragePoolsRequest(hostname=hostname, pools=[cpb.HostStoragePool(**reported)])


def many_reported() -> pb.ReportStoragePoolsRequest:
    return pb.ReportStoragePoolsRequest(
        hostname="host-a", pools=[cpb.HostStoragePool(name=f"p{i}") for i in range(1001)]
    )


def local(name: str = "fz9", path: str = "/srv/quantix/fz9", hosts=(NODE,)) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_LOCAL_DIR,
        hosts=list(hosts),
        local_dir=cpb.LocalDirSource(path=path),
    )


def nfs(name: str = "fz9", **fields: str) -> cpb.PoolSpec:
    source = {"server": "nas.lab", "export_path": "/export/fz9", "version": "4.2"}
    source.update(fields)
    return cpb.PoolSpec(name=name, backend=cpb.POOL_BACKEND_NFS, nfs=cpb.NfsSource(**source))


def iscsi(name: str = "fz9", **fields: object) -> cpb.PoolSpec:
    source: dict[str, object] = {
        "portal": "san.lab:3260",
        "target_iqn": "iqn.2024-01.lab.san:fz9",
        "initiator_iqn": "iqn.2024-01.lab.hosts:quantix",
    }
    source.update(fields)
    return cpb.PoolSpec(name=name, backend=cpb.POOL_BACKEND_ISCSI, iscsi=cpb.IscsiSource(**source))


def ceph(**fields: object) -> cpb.PoolSpec:
    source: dict[str, object] = {
        "monitors": ["mon1.lab"],
        "pool": "fz9",
        "user": "quantix",
        "key": "AQD0vW5mAAAAABAAmzRQ1Ix0r0JtQbJ5wrxqHw==",
    }
    source.update(fields)
    return cpb.PoolSpec(
        name="fz9", backend=cpb.POOL_BACKEND_CEPH_RBD, ceph_rbd=cpb.CephRbdSource(**source)
    )


def unknown_backend() -> cpb.PoolSpec:
    spec = local()
    spec.backend = 99  # type: ignore[assignment]  # an enum value this version does not know
    return spec


def with_description(description: str) -> cpb.PoolSpec:
    spec = nfs()
    spec.description = description
    return spec


# Bad pool specs, each with the field it must be refused for: CreatePool (coordinator) and
# InitStoragePool (node) apply the same rules.
BAD_SPECS: list[tuple[str, Callable[[], cpb.PoolSpec], str]] = [
    *[(f"name-{kind}", lambda v=v: local(name=v), "name") for kind, v in BAD_POOL_NAMES],
    ("backend-unknown", unknown_backend, "backend"),
    ("initiator-unknown", lambda: iscsi(initiator=77), "iscsi.initiator"),
    ("local-path-root", lambda: local(path="/"), "local.path"),
    ("local-path-etc", lambda: local(path="/etc"), "local.path"),
    ("local-path-newline", lambda: local(path="/srv/quantix/fz9\n"), "local.path"),
    ("local-path-20kb", lambda: local(path="/" + "d" * KB20), "local.path"),
    ("nfs-mount-point-proc", lambda: nfs(mount_point="/proc/x"), "nfs.mount_point"),
    ("nfs-server-newline", lambda: nfs(server="nas.lab\n"), "nfs.server"),
    ("nfs-server-20kb", lambda: nfs(server="n" * KB20), "nfs.server"),
    ("iscsi-portal-digit", lambda: iscsi(portal="san.lab:²"), "iscsi.portal"),
    ("iscsi-portal-newline", lambda: iscsi(portal="san.lab:3260\n"), "iscsi.portal"),
    ("iscsi-portal-20kb", lambda: iscsi(portal="s" * KB20), "iscsi.portal"),
    ("ceph-monitor-digit", lambda: ceph(monitors=["mon1.lab:²"]), "ceph.monitors[0]"),
    ("description-20kb", lambda: with_description("d" * KB20), "description"),
    *[(f"hosts-{kind}", lambda v=v: local(hosts=[v]), "hosts[0]") for kind, v in BAD_HOSTNAMES],
]


# --- the cases ------------------------------------------------------------------------------


def coordinator_cases() -> list[object]:
    cases: list[tuple[str, str, Callable[[], Message], str]] = []
    for kind, bad in BAD_HOSTNAMES:
        cases += [
            ("RegisterNode", f"hostname-{kind}", lambda v=bad: register(hostname=v), "hostname"),
            (
                "Heartbeat",
                f"hostname-{kind}",
                lambda v=bad: pb.HeartbeatRequest(hostname=v),
                "hostname",
            ),
            ("GetNode", f"name-{kind}", lambda v=bad: pb.GetNodeRequest(name=v), "name"),
            (
                "SetNodeMaintenance",
                f"name-{kind}",
                lambda v=bad: pb.SetNodeMaintenanceRequest(name=v, maintenance=True),
                "name",
            ),
            (
                "RemoveNode",
                f"name-{kind}",
                lambda v=bad: pb.RemoveNodeRequest(name=v, force=True),
                "name",
            ),
            (
                "ReportStoragePools",
                f"hostname-{kind}",
                lambda v=bad: report(hostname=v),
                "hostname",
            ),
        ]
        for rpc, request in (
            ("RetryPool", pb.RetryPoolRequest),
            ("AssignHosts", pb.AssignHostsRequest),
            ("UnassignHosts", pb.UnassignHostsRequest),
        ):
            cases.append(
                (
                    rpc,
                    f"hosts-{kind}",
                    lambda r=request, v=bad: r(name=NO_POOL, hosts=[v]),
                    "hosts[0]",
                )
            )
        cases.append(
            (
                "AdoptPool",
                f"hosts-{kind}",
                lambda v=bad: pb.AdoptPoolRequest(name=DISCOVERED, hosts=[v]),
                "hosts[0]",
            )
        )
    for kind, bad in BAD_POOL_NAMES:
        for rpc, request in (
            ("GetPool", pb.GetPoolRequest),
            ("RetryPool", pb.RetryPoolRequest),
            ("AssignHosts", pb.AssignHostsRequest),
            ("UnassignHosts", pb.UnassignHostsRequest),
            ("DeletePool", pb.DeletePoolRequest),
            ("AdoptPool", pb.AdoptPoolRequest),
        ):
            cases.append((rpc, f"name-{kind}", lambda r=request, v=bad: r(name=v), "name"))
    cases += [
        # RegisterNode: every field but the hostname under a new hostname.
        (
            "RegisterNode",
            "address-newline",
            lambda: register(address="127.0.0.1:7443\n"),
            "address",
        ),
        ("RegisterNode", "address-digit", lambda: register(address="127.0.0.1:²"), "address"),
        ("RegisterNode", "address-20kb", lambda: register(address="a" * KB20 + ":7443"), "address"),
        (
            "RegisterNode",
            "cpu-model-5mb",
            lambda: register(info=host_info(model="x" * MB5)),
            "host_info.cpu.model",
        ),
        (
            "RegisterNode",
            "cpu-model-newline",
            lambda: register(info=host_info(model="Xeon\n")),
            "host_info.cpu.model",
        ),
        (
            "RegisterNode",
            "nic-name-5mb",
            lambda: register(info=with_nic_name("n" * MB5)),
            "host_info.nics[0].name",
        ),
        ("RegisterNode", "nics-1001", lambda: register(info=many_nics()), "host_info.nics"),
        (
            "RegisterNode",
            "daemon-version-20kb",
            lambda: register(daemon_version="1" * KB20),
            "daemon_version",
        ),
        # ReportStoragePools: a registered host reporting bad pools (libvirt's own pool names
        # need not follow Quantix's rule, so "²" is a fine reported name: not a case).
        ("ReportStoragePools", "pool-name-5mb", lambda: report(name="p" * MB5), "pools[0].name"),
        ("ReportStoragePools", "pool-name-newline", lambda: report(name="fz9\n"), "pools[0].name"),
        (
            "ReportStoragePools",
            "target-path-20kb",
            lambda: report(target_path="/" + "t" * KB20),
            "pools[0].target_path",
        ),
        ("ReportStoragePools", "pools-1001", many_reported, "pools"),
        # AdoptPool's secret (a key or CHAP secret is at most 255 characters).
        (
            "AdoptPool",
            "secret-20kb",
            lambda: pb.AdoptPoolRequest(name=DISCOVERED, secret="s" * KB20),
            "secret",
        ),
        (
            "AdoptPool",
            "secret-newline",
            lambda: pb.AdoptPoolRequest(name=DISCOVERED, secret="chap-Secret-0123\n"),
            "secret",
        ),
    ]
    cases += [
        ("CreatePool", kind, lambda b=build: pb.CreatePoolRequest(spec=b()), field)
        for kind, build, field in BAD_SPECS
    ]
    return [
        pytest.param(Case("coordinator", rpc, build, field), id=f"coordinator-{rpc}-{kind}")
        for rpc, kind, build, field in cases
    ]


def node_cases() -> list[object]:
    cases: list[tuple[str, str, Callable[[], Message], str]] = [
        ("InitStoragePool", kind, lambda b=build: npb.InitStoragePoolRequest(spec=b()), field)
        for kind, build, field in BAD_SPECS
    ]
    # A bad spelling of a pool every host has: a wrongly accepted destroy would remove it.
    bad_names = (("newline", f"{DISCOVERED}\n"), *BAD_POOL_NAMES[1:])
    for kind, bad in bad_names:
        cases += [
            (
                "DestroyStoragePool",
                f"name-{kind}",
                lambda v=bad: npb.DestroyStoragePoolRequest(name=v, force=True),
                "name",
            ),
            (
                "RefreshStoragePool",
                f"name-{kind}",
                lambda v=bad: npb.RefreshStoragePoolRequest(name=v),
                "name",
            ),
            ("ListVolumes", f"pool-{kind}", lambda v=bad: npb.ListVolumesRequest(pool=v), "pool"),
            (
                "GetStoragePoolXml",
                f"name-{kind}",
                lambda v=bad: npb.GetStoragePoolXmlRequest(name=v),
                "name",
            ),
        ]
    return [
        pytest.param(Case("node", rpc, build, field), id=f"node-{rpc}-{kind}")
        for rpc, kind, build, field in cases
    ]


CASES = coordinator_cases() + node_cases()


# --- the fleet and what must not change -----------------------------------------------------


@dataclass(frozen=True)
class State:
    nodes: dict[str, str]  # name -> address
    pools: list[str]
    discovered: list[tuple[str, tuple[str, ...]]]  # key, hosts that report it
    on_hosts: dict[str, list[str]]


def reported_everything(state: State) -> bool:
    """Every pool on every host is a discovered pool listing that host (none is managed)."""
    listed = {(key.split("#")[0], host) for key, hosts in state.discovered for host in hosts}
    return listed == {(name, host) for host, names in state.on_hosts.items() for name in names}


async def read_state(fleet: LocalFleet) -> State:
    async with open_channel(fleet.coordinator_endpoint()) as channel:
        coordinator = pb_grpc.CoordinatorStub(channel)
        nodes = await coordinator.ListNodes(pb.ListNodesRequest())
        pools = await coordinator.ListPools(pb.ListPoolsRequest())
        discovered = await coordinator.ListDiscoveredPools(pb.ListDiscoveredPoolsRequest())
    on_hosts = {}
    for host in HOSTS:
        async with open_channel(fleet.node_endpoint(host)) as channel:
            reply = await npb_grpc.NodeDaemonStub(channel).ListStoragePools(
                npb.ListStoragePoolsRequest()
            )
        on_hosts[host] = sorted(p.name for p in reply.pools)
    return State(
        nodes={n.name: n.address for n in nodes.nodes},
        pools=sorted(p.spec.name for p in pools.pools),
        discovered=sorted(
            (p.key, tuple(sorted(h.host for h in p.hosts))) for p in discovered.pools
        ),
        on_hosts=on_hosts,
    )


@pytest.fixture(scope="module")
def hostile_fleet(tmp_path_factory):
    """One fleet for every case (each case changes nothing), and its state before them."""
    fleet = asyncio.run(
        LocalFleet.start(
            tmp_path_factory.mktemp("fleet"), node_names=HOSTS, heartbeat_interval_s=2.0
        )
    )
    expected_nodes = {host: fleet.node_address(host) for host in HOSTS}

    async def settled() -> State:
        # Registered, and each host's pools reported: a late report must not look like a change.
        return await eventually(
            lambda: read_state(fleet),
            lambda s: s.nodes == expected_nodes and reported_everything(s),
            what="both hosts registered and their pools reported",
        )

    try:
        yield fleet, asyncio.run(settled())
    finally:
        asyncio.run(fleet.stop())


# Called by node daemons, with their own certificate.
NODE_RPCS = {"RegisterNode", "Heartbeat", "ReportStoragePools"}


def caller(fleet: LocalFleet, case: Case) -> Endpoint:
    """Who may make the call: the bad input must meet the servicer, not the access check."""
    if case.server == "node":
        return fleet.node_endpoint(NODE, "coordinator")
    if case.rpc == "RegisterNode" and case.field != "hostname":
        # Sent under a new host name, by a node enrolled as that host (and never registered).
        return Endpoint(fleet.coordinator_address, fleet.trust.node_identity(INTRUDER))
    if case.rpc in NODE_RPCS:
        return fleet.as_node(NODE)
    return fleet.coordinator_endpoint()


async def call(fleet: LocalFleet, case: Case) -> grpc.aio.AioRpcError | Message:
    async with open_channel(caller(fleet, case)) as channel:
        if case.server == "coordinator":
            stub: object = pb_grpc.CoordinatorStub(channel)
        else:
            stub = npb_grpc.NodeDaemonStub(channel)
        try:
            return await getattr(stub, case.rpc)(case.build(), timeout=30)
        except grpc.aio.AioRpcError as error:
            return error


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(hostile_fleet, case):
    fleet, before = hostile_fleet

    async def main():
        # No wait for "anything wrongly started": an accepted request is stored before its
        # reply (inventory writes are synchronous), and hosts act only on what is stored.
        outcome = await call(fleet, case)
        return outcome, await read_state(fleet)

    outcome, after = asyncio.run(main())
    assert isinstance(outcome, grpc.aio.AioRpcError), f"accepted: {type(outcome).__name__}"
    details = outcome.details() or ""
    assert outcome.code() in REFUSED, (outcome.code(), details[:MAX_DETAILS])
    assert details.startswith(f"{case.field}: "), details[:MAX_DETAILS]
    assert len(details) < MAX_DETAILS, details[:MAX_DETAILS]
    if outcome.code() == grpc.StatusCode.INVALID_ARGUMENT:
        assert ("quantix-field", case.field) in tuple(outcome.trailing_metadata() or ())
    assert after == before


def test_after_every_case_the_fleet_is_as_it_was(hostile_fleet):
    """Runs after the cases (file order): the two hosts at their addresses, no pools, and each
    host's pools as before."""
    fleet, before = hostile_fleet
    after = asyncio.run(read_state(fleet))
    assert after.nodes == {host: fleet.node_address(host) for host in HOSTS}
    assert after.pools == []
    assert after.on_hosts == before.on_hosts
    assert after.discovered == before.discovered
