"""Fixtures for the node daemon tests: a test-driver host file and real daemon processes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pytest

from clients.channels import Endpoint, node_endpoint, open_channel
from localfleet.process import DaemonProcess, ProcessFailed
from localfleet.trust import FleetTrust
from proto.quantix.v1 import node_pb2_grpc as npb_grpc
from tests.node.pool_specs import call, local_spec

# Starting a daemon takes well under a second here; the deadline is generous for a loaded CI
# machine and only matters when the daemon is broken (the test then fails with its log).
START_DEADLINE_S = 20.0

# One simulated host: the libvirt test driver reads it from test:///<abs path>. It has a pool
# of every type the console must show, two NICs (one with link facts, one without) and three
# networks (NAT, isolated, IPv6 routed).
HOST_XML = """\
<node>
  <cpu>
    <mhz>2400</mhz><model>Intel Xeon</model><nodes>1</nodes><sockets>2</sockets>
    <cores>4</cores><threads>2</threads><active>16</active>
  </cpu>
  <memory>16777216</memory>
  <pool type='dir'><name>default</name><uuid>35bb2ad9-388a-cdfe-461a-b8907f6e53fe</uuid>
    <capacity unit='GiB'>100</capacity><allocation unit='GiB'>30</allocation>
    <available unit='GiB'>70</available><target><path>/var/lib/libvirt/images</path></target>
  </pool>
  <pool type='netfs'><name>nfs1</name>
    <source><host name='nas'/><dir path='/export'/><format type='nfs'/></source>
    <target><path>/mnt/nfs1</path></target></pool>
  <pool type='disk'><name>disk1</name><source><device path='/dev/sdb'/></source>
    <target><path>/dev</path></target></pool>
  <pool type='mpath'><name>mp1</name><target><path>/dev/mapper</path></target></pool>
  <pool type='logical'><name>vg1</name><source><name>vg1</name></source>
    <target><path>/dev/vg1</path></target></pool>
  <pool type='zfs'><name>zfs1</name><source><name>tank</name></source></pool>
  <pool type='gluster'><name>gl1</name>
    <source><host name='gl'/><dir path='/'/><name>vol</name></source></pool>
  <pool type='scsi'><name>scsi1</name><source><adapter type='scsi_host' name='host0'/></source>
    <target><path>/dev/disk/by-path</path></target></pool>
  <pool type='rbd'><name>rbd1</name>
    <source><host name='mon1' port='6789'/><name>rbdpool</name></source></pool>
  <pool type='iscsi'><name>isc1</name>
    <source><host name='portal'/><device path='iqn.2024-01.com.example:t1'/></source>
    <target><path>/dev/disk/by-path</path></target></pool>
  <network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>
    <ip address='192.168.122.1' netmask='255.255.255.0'/></network>
  <network><name>isolated</name><bridge name='virbr1'/>
    <ip address='10.10.0.1' prefix='16'/></network>
  <network><name>v6</name><forward mode='route'/><bridge name='virbr2'/>
    <ip family='ipv6' address='fd00:1::1' prefix='64'/></network>
  <interface type='ethernet' name='eth0'><start mode='onboot'/>
    <mac address='aa:bb:cc:dd:ee:ff'/><mtu size='1500'/><link speed='1000' state='up'/>
  </interface>
  <interface type='ethernet' name='eth1'><start mode='onboot'/>
    <mac address='aa:bb:cc:dd:ee:01'/></interface>
</node>
"""


def write_host_xml(directory: Path) -> Path:
    path = directory / "host.xml"
    path.write_text(HOST_XML, encoding="utf-8")
    return path


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class NodeProcess:
    proc: DaemonProcess  # send_signal(), wait(timeout_s)
    name: str
    trust: FleetTrust

    @property
    def address(self) -> str:
        return self.proc.address

    def endpoint(self, role: str = "admin") -> Endpoint:
        """This daemon, dialled with an identity of ``role`` ("coordinator": the
        coordinator's own, which the mutating RPCs require)."""
        return node_endpoint(self.address, self.name, self.trust.identity(role))

    @property
    def as_coordinator(self) -> Endpoint:
        """This daemon, dialled as the coordinator (the only caller of the mutating RPCs)."""
        return self.endpoint("coordinator")

    @property
    def log_path(self) -> Path:
        return self.proc.log_file

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class NodeLauncher:
    """Starts node daemons as real processes; ``stop_all`` always runs in teardown."""

    directory: Path
    processes: list[DaemonProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The CA these nodes are enrolled with, as a coordinator's data directory holds it.
        self.trust = FleetTrust(self.directory)

    def start(
        self,
        coordinator: str | None = None,
        name: str | None = "host-a",
        libvirt_uri: str | None = None,
        extra: tuple[str, ...] = (),
    ) -> NodeProcess:
        """A serving daemon (logging at debug to ``node<N>.log``), enrolled as ``name`` (or
        this machine's host name, which libvirt reports); the test fails with its log if it
        exits or does not serve within START_DEADLINE_S."""
        uri = libvirt_uri or f"test://{write_host_xml(self.directory)}"
        if "--data-dir" in extra:
            data_dir = Path(extra[extra.index("--data-dir") + 1])
        else:
            data_dir = self.directory / f"data-{len(self.processes)}"
            extra = (*extra, "--data-dir", str(data_dir))
        coordinator = coordinator or f"127.0.0.1:{free_port()}"
        self.trust.enrol_offline(name or socket.gethostname(), data_dir, coordinator)
        args = [
            "--libvirt-uri",
            uri,
            "--listen",
            "127.0.0.1:0",
            "--coordinator",
            coordinator,
            "--log-level",
            "debug",
            *(["--name", name] if name else []),
            *extra,
        ]
        process = DaemonProcess(f"node{len(self.processes)}", "node_daemon", args, self.directory)
        self.processes.append(process)
        process.spawn()
        try:
            asyncio.run(process.wait_serving(START_DEADLINE_S))
        except ProcessFailed as error:
            pytest.fail(str(error), pytrace=False)
        return NodeProcess(process, name or socket.gethostname(), self.trust)

    def stop_all(self) -> None:
        # SIGTERM to all first, so that they stop side by side rather than one after another.
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            process.stop_now()


@pytest.fixture
def host_uri(tmp_path: Path) -> str:
    """``test:///<tmp>/host.xml``: a libvirt test-driver host of this test's own."""
    return f"test://{write_host_xml(tmp_path)}"


@pytest.fixture
def unused_port() -> int:
    """A loopback port where no coordinator listens (yet)."""
    return free_port()


@pytest.fixture
def node_launcher(tmp_path: Path) -> Iterator[NodeLauncher]:
    launcher = NodeLauncher(tmp_path)
    try:
        yield launcher
    finally:
        launcher.stop_all()


@pytest.fixture(scope="module")
def shared_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """One daemon for the read-only RPC tests of a module (starting one per test is slower)."""
    launcher = NodeLauncher(tmp_path_factory.mktemp("node"))
    try:
        yield launcher.start()
    finally:
        launcher.stop_all()


# --- storage pools ----------------------------------------------------------------------------


def unique_pool_name(prefix: str) -> str:
    """A pool name no other test (or earlier run on this libvirtd) uses."""
    return f"qt-{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def pool_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """A daemon on a test-driver host of its own, with a data dir of its own, for a module."""
    directory = tmp_path_factory.mktemp("pool-node")
    launcher = NodeLauncher(directory)
    try:
        yield launcher.start(name="host-t", extra=("--data-dir", str(directory / "data")))
    finally:
        launcher.stop_all()


@pytest.fixture(scope="session")
def system_node(
    system_libvirt_uri: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[NodeProcess]:
    """A daemon on the real libvirtd (qemu:///system), shared by the session; fails, never
    skips, when libvirtd does not answer (see ``system_libvirt_uri``)."""
    directory = tmp_path_factory.mktemp("system-node")
    launcher = NodeLauncher(directory)
    try:
        yield launcher.start(
            name="host-real",
            libvirt_uri=system_libvirt_uri,
            extra=("--data-dir", str(directory / "data")),
        )
    finally:
        launcher.stop_all()


@pytest.fixture
def system_pools(system_libvirt_uri: str) -> Iterator[Callable[[str], str]]:
    """``new(prefix)``: a unique pool name; every pool so named (and its Quantix secret) is
    stopped and undefined on the real libvirtd after the test, passed or failed."""
    import libvirt

    names: list[str] = []

    def new(prefix: str) -> str:
        names.append(unique_pool_name(prefix))
        return names[-1]

    try:
        yield new
    finally:
        conn = libvirt.open(system_libvirt_uri)
        try:
            for name in names:
                _remove_pool(conn, name)
        finally:
            conn.close()


def _remove_pool(conn: Any, name: str) -> None:
    import libvirt

    try:
        pool = conn.storagePoolLookupByName(name)
        if pool.isActive():
            pool.destroy()
        if pool.isPersistent():
            pool.undefine()
    except libvirt.libvirtError as error:
        if error.get_error_code() != libvirt.VIR_ERR_NO_STORAGE_POOL:
            raise
    for usage in (libvirt.VIR_SECRET_USAGE_TYPE_CEPH, libvirt.VIR_SECRET_USAGE_TYPE_ISCSI):
        try:
            conn.secretLookupByUsage(usage, f"quantix-pool-{name}").undefine()
        except libvirt.libvirtError as error:
            if error.get_error_code() != libvirt.VIR_ERR_NO_SECRET:
                raise


# --- images ------------------------------------------------------------------------------------

# A ticket's lifetime in the image tests: long enough for any upload here, as the coordinator's.
TICKET_TTL_S = 600.0


def new_task_id() -> str:
    """A task id as the coordinator makes them (16 hex digits)."""
    return uuid.uuid4().hex[:16]


def ticket_request(
    task_id: str,
    secret: str,
    pool: str,
    volume: str,
    size: int,
    identity: str = "local-operator",
    kind: int = 2,  # IMAGE_KIND_DISK
    expected_sha256: str = "",
    expires_in_s: float = TICKET_TTL_S,
) -> Any:
    """The AddTransferTicket the coordinator sends for an upload by ``identity`` (the
    certificate name of the fleet's operator identity by default)."""
    import hashlib
    import time

    from proto.quantix.v1 import node_pb2
    from wire.proto_time import timestamp_of

    return node_pb2.AddTransferTicketRequest(
        task_id=task_id,
        secret_sha256=hashlib.sha256(secret.encode()).hexdigest(),
        identity=identity,
        pool=pool,
        volume=volume,
        kind=kind,  # type: ignore[arg-type]
        size_bytes=size,
        expected_sha256=expected_sha256,
        expires_at=timestamp_of(time.time() + expires_in_s),
    )


@pytest.fixture
def dir_pool(
    system_node: NodeProcess, system_pools: Callable[[str], str], tmp_path: Path
) -> tuple[str, Path]:
    """A directory pool of this test's own on the real libvirtd (removed after the test)."""
    name = system_pools("img")
    path = tmp_path / "pool"
    call(system_node.as_coordinator, lambda c: c.init_storage_pool(local_spec(name, str(path))))
    return name, path


@contextlib.asynccontextmanager
async def uploader_channel(
    node: NodeProcess, uploader: str = "operator"
) -> AsyncIterator[grpc.aio.Channel]:
    """A channel to ``node`` as ``uploader``: what clients.image_upload.send_file streams over
    (the console and quantixctl open theirs the same way)."""
    channel = open_channel(node.endpoint(uploader))
    try:
        yield channel
    finally:
        await channel.close()


@contextlib.asynccontextmanager
async def node_stubs(
    node: NodeProcess, uploader: str = "operator"
) -> AsyncIterator[tuple[npb_grpc.NodeDaemonStub, npb_grpc.NodeDaemonStub]]:
    """(as the coordinator, as ``uploader``) on channels of their own."""
    coordinator = open_channel(node.as_coordinator)
    sender = open_channel(node.endpoint(uploader))
    try:
        yield npb_grpc.NodeDaemonStub(coordinator), npb_grpc.NodeDaemonStub(sender)
    finally:
        await coordinator.close()
        await sender.close()
