"""Storage pools on a real libvirtd (qemu:///system), through a real node daemon over gRPC.

`make test` starts libvirtd (packaging/start-libvirtd.sh); without it these tests fail, never
skip. What is real here: a directory pool with its file system's capacity, a qcow2 volume
made by libvirt and one made by qemu-img, the real mount error of an NFS pool (this machine
has no NFS kernel client), real iSCSI failures (iscsiadm without iscsid, libiscsi against a
closed port), Ceph's real "failed to connect to the RADOS monitor", and a real iSCSI target
(tgt) that a user-space initiator logs into with CHAP, or is refused with a wrong secret.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import grpc
import libvirt
import pytest

from domain.pool_xml import build_pool_xml, describe_pool_xml
from domain.pools import validate_pool_spec
from proto.quantix.v1 import common_pb2 as cpb
from tests.node.conftest import NodeProcess, free_port
from tests.node.pool_specs import (
    CEPH_KEY,
    CHAP_SECRET,
    CHAP_USER,
    INITIATOR_IQN,
    call,
    call_fails,
    ceph_spec,
    iscsi_spec,
    local_spec,
    nfs_spec,
)
from wire.pool_codec import spec_from_pb

RUNNING = cpb.STORAGE_POOL_STATE_RUNNING
MiB = 1024**2


def libvirt_conn(uri: str) -> libvirt.virConnect:
    libvirt.registerErrorHandler(lambda _ctx, _error: None, None)
    return libvirt.open(uri)


def is_defined(uri: str, name: str) -> bool:
    conn = libvirt_conn(uri)
    try:
        conn.storagePoolLookupByName(name)
        return True
    except libvirt.libvirtError as error:
        assert error.get_error_code() == libvirt.VIR_ERR_NO_STORAGE_POOL
        return False
    finally:
        conn.close()


def secret_stored(uri: str, name: str) -> bool:
    conn = libvirt_conn(uri)
    try:
        for usage in (libvirt.VIR_SECRET_USAGE_TYPE_CEPH, libvirt.VIR_SECRET_USAGE_TYPE_ISCSI):
            try:
                conn.secretLookupByUsage(usage, f"quantix-pool-{name}")
                return True
            except libvirt.libvirtError as error:
                assert error.get_error_code() == libvirt.VIR_ERR_NO_SECRET
        return False
    finally:
        conn.close()


def listed(node: NodeProcess) -> set[str]:
    return {
        pool.name for pool in call(node.as_coordinator, lambda client: client.list_storage_pools())
    }


def data_dir(node: NodeProcess) -> Path:
    return node.log_path.parent / "data"


# --- a local directory -------------------------------------------------------------------------


def test_local_dir_is_active_with_the_real_capacity_of_its_file_system(
    system_node, system_pools, tmp_path: Path
) -> None:
    name = system_pools("dir")
    path = tmp_path / "images"  # does not exist yet: the build step makes it

    reply = call(
        system_node.as_coordinator, lambda c: c.init_storage_pool(local_spec(name, str(path)))
    )

    stat = os.statvfs(path)
    assert (reply.pool.type, reply.pool.state) == ("dir", RUNNING)
    assert reply.pool.autostart and reply.pool.persistent
    assert reply.pool.target_path == str(path)
    assert path.is_dir()
    assert reply.pool.capacity_bytes == stat.f_blocks * stat.f_frsize
    # libvirt counts free blocks (f_bfree: root may use the reserved ones too). Other processes
    # write to this file system meanwhile, so the free space may move a little.
    free = stat.f_bfree * stat.f_frsize
    assert abs(reply.pool.available_bytes - free) < 256 * MiB
    assert abs(reply.pool.allocation_bytes - (reply.pool.capacity_bytes - free)) < 256 * MiB
    assert list(reply.notes) == []


def test_destroy_refuses_while_real_volumes_exist_and_force_keeps_them(
    system_node, system_libvirt_uri, system_pools, tmp_path: Path
) -> None:
    name = system_pools("vols")
    path = tmp_path / "pool"
    call(system_node.as_coordinator, lambda c: c.init_storage_pool(local_spec(name, str(path))))
    conn = libvirt_conn(system_libvirt_uri)
    try:  # one volume made by libvirt (it runs qemu-img itself), one by qemu-img behind its back
        conn.storagePoolLookupByName(name).createXML(
            "<volume><name>disk1.qcow2</name><capacity unit='MiB'>64</capacity>"
            "<target><format type='qcow2'/></target></volume>",
            0,
        )
    finally:
        conn.close()
    subprocess.run(
        ["qemu-img", "create", "-q", "-f", "raw", str(path / "disk2.img"), "32M"], check=True
    )

    volumes = call(system_node.as_coordinator, lambda c: c.list_volumes(name))
    refused = call_fails(system_node.as_coordinator, lambda c: c.destroy_storage_pool(name))

    assert [(v.name, v.format, v.capacity_bytes) for v in volumes] == [
        ("disk1.qcow2", "qcow2", 64 * MiB)
    ]  # libvirt lists what it made; the destroy check rescans and finds the other one too
    assert volumes[0].path == str(path / "disk1.qcow2")
    assert refused.code == grpc.StatusCode.FAILED_PRECONDITION
    assert (refused.reason, refused.step) == ("HAS_VOLUMES", "check-volumes")
    assert refused.details == (
        f"host-real: pool {name} holds 2 volumes (disk1.qcow2, disk2.img): delete them or force"
    )
    assert name in listed(system_node)

    forced = call(system_node.as_coordinator, lambda c: c.destroy_storage_pool(name, force=True))

    assert forced.existed
    assert not is_defined(system_libvirt_uri, name)
    assert sorted(p.name for p in path.iterdir()) == ["disk1.qcow2", "disk2.img"]


def test_an_inactive_pool_with_the_same_settings_is_started_by_init(
    system_node, system_libvirt_uri, system_pools, tmp_path: Path
) -> None:
    name = system_pools("inactive")
    path = tmp_path / "inactive"
    path.mkdir()
    spec = local_spec(name, str(path))
    conn = libvirt_conn(system_libvirt_uri)
    try:  # defined (as the node would define it) but never started
        xml = build_pool_xml(validate_pool_spec(replace(spec_from_pb(spec), hosts=("h",))))
        conn.storagePoolDefineXML(xml, 0)
    finally:
        conn.close()

    refresh = call_fails(system_node.as_coordinator, lambda c: c.refresh_storage_pool(name))
    volumes = call_fails(system_node.as_coordinator, lambda c: c.list_volumes(name))
    reply = call(system_node.as_coordinator, lambda c: c.init_storage_pool(spec))

    assert refresh.code == volumes.code == grpc.StatusCode.FAILED_PRECONDITION
    assert refresh.details == (
        f"host-real: refreshing the pool failed: pool {name} is not active, so its storage "
        "cannot be rescanned: initialize it again to start it"
    )
    assert (reply.pool.state, reply.pool.autostart) == (RUNNING, True)
    assert list(call(system_node.as_coordinator, lambda c: c.list_volumes(name))) == []


# --- network storage that is not there: the real errors, and nothing left behind -------------


def test_nfs_fails_with_the_real_mount_error_and_leaves_nothing_defined(
    system_node, system_libvirt_uri, system_pools
) -> None:
    name = system_pools("nfs")
    spec = nfs_spec(name, server="127.0.0.1", export="/export", version="4.2")

    failure = call_fails(system_node.as_coordinator, lambda c: c.init_storage_pool(spec))

    assert failure.code == grpc.StatusCode.INTERNAL
    assert (failure.reason, failure.step) == ("MOUNT_FAILED", "start")
    assert failure.details.startswith("host-real: NFS mount failed: ")
    mount_point = data_dir(system_node) / "mnt" / name
    # libvirt's own text: the mount command it ran (with our options) and mount.nfs's answer.
    assert (
        f"-o nodev,nosuid,noexec,nfsvers=4.2,soft,timeo=50 -t nfs 127.0.0.1:/export {mount_point})"
    ) in failure.details
    assert "mount.nfs: " in failure.details
    assert not is_defined(system_libvirt_uri, name)
    assert name not in listed(system_node)
    assert not mount_point.exists()  # the mount point this call made is gone too


def test_kernel_iscsi_fails_with_iscsiadms_error_and_removes_its_chap_secret(
    system_node, system_libvirt_uri, system_pools
) -> None:
    name = system_pools("iscsi")
    # No initiator IQN: with one, libvirt 9.0 loses iscsiadm's message ("An error occurred,
    # but the cause is unknown"); without, it reports iscsiadm's own output.
    spec = iscsi_spec(name, portal=f"127.0.0.1:{free_port()}", initiator_iqn="")

    try:
        failure = call_fails(system_node.as_coordinator, lambda c: c.init_storage_pool(spec))
    finally:
        # libvirt's "iscsiadm --mode node --op new" record stays after a failed login: drop it,
        # so runs do not pile them up in /etc/iscsi/nodes.
        subprocess.run(
            ["iscsiadm", "--mode", "node", "--targetname", spec.iscsi.target_iqn, "--op", "delete"],
            capture_output=True,
            check=False,
        )

    assert failure.code == grpc.StatusCode.INTERNAL
    assert (failure.reason, failure.step) == ("ISCSI_LOGIN_FAILED", "start")
    assert failure.details.startswith("host-real: iSCSI login failed: ")
    assert "iscsiadm: " in failure.details
    assert CHAP_SECRET not in failure.details
    assert not is_defined(system_libvirt_uri, name)
    assert not secret_stored(system_libvirt_uri, name)


def test_userspace_iscsi_against_a_closed_port_fails_with_libiscsis_error(
    system_node, system_libvirt_uri, system_pools
) -> None:
    name = system_pools("iscsi-direct")
    spec = iscsi_spec(name, portal=f"127.0.0.1:{free_port()}", userspace=True)

    failure = call_fails(system_node.as_coordinator, lambda c: c.init_storage_pool(spec))

    assert (failure.reason, failure.step) == ("ISCSI_LOGIN_FAILED", "start")
    assert failure.details.startswith("host-real: iSCSI login failed: internal error: Failed to")
    assert not is_defined(system_libvirt_uri, name)
    assert not secret_stored(system_libvirt_uri, name)


def test_ceph_fails_to_reach_the_monitor_and_removes_its_secret(
    system_node, system_libvirt_uri, system_pools
) -> None:
    name = system_pools("ceph")
    port = free_port()
    spec = ceph_spec(name, monitors=(f"127.0.0.1:{port}",), namespace="tenant-a")

    failure = call_fails(system_node.as_coordinator, lambda c: c.init_storage_pool(spec))

    assert failure.code == grpc.StatusCode.INTERNAL
    assert (failure.reason, failure.step) == ("CEPH_CONNECT_FAILED", "start")
    assert failure.details.startswith(
        f"host-real: Ceph connection failed: failed to connect to the RADOS monitor on: "
        f"127.0.0.1:{port}"
    )
    assert CEPH_KEY not in failure.details
    assert not is_defined(system_libvirt_uri, name)
    assert not secret_stored(system_libvirt_uri, name)


# --- a real iSCSI target (tgt) with CHAP ---------------------------------------------------------

# tgtd answers its control socket within milliseconds; the bound only matters when it is broken.
TGT_START_S = 10.0
# tgtd stops within a second once its targets are gone; then it is killed.
TGT_STOP_S = 5.0
TGT_IQN = "iqn.2024-01.com.example:quantix.tgt"
LUN_BYTES = 64 * MiB
LUN_BLOCK = 512  # tgt's block size for a file-backed LUN


@dataclass(frozen=True)
class TgtTarget:
    portal: str
    iqn: str


def _tgtadm(control: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["tgtadm", "-C", str(control), "--lld", "iscsi", *args],
        capture_output=True,
        text=True,
        check=False,
    )


# tgtd's control sockets are /var/run/tgtd/socket.<N>, N from 0 to 32767 (tgtd -C).
TGT_SOCKETS = Path("/var/run/tgtd")
TGT_CONTROL_MAX = 32767


def _free_control_number(seed: int) -> int:
    """A control number whose socket does not exist: never talk to another tgtd."""
    for offset in range(TGT_CONTROL_MAX):
        number = 1 + (seed + offset) % TGT_CONTROL_MAX
        if not (TGT_SOCKETS / f"socket.{number}").exists():
            return number
    pytest.fail(f"every tgtd control socket in {TGT_SOCKETS} is taken")


@pytest.fixture(scope="module")
def tgt_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TgtTarget]:
    """tgtd on a free loopback port with one 64 MiB LUN that requires CHAP (CHAP_USER /
    CHAP_SECRET); its own control socket, so another tgtd on the machine is never touched."""
    if shutil.which("tgtd") is None or shutil.which("tgtadm") is None:
        pytest.fail("tgtd/tgtadm not found: install packaging/system-packages.txt (tgt)")
    directory = tmp_path_factory.mktemp("tgt")
    lun = directory / "lun.img"
    with lun.open("wb") as file:
        file.truncate(LUN_BYTES)
    port = free_port()
    control = _free_control_number(port)
    log = (directory / "tgtd.log").open("wb")
    proc = subprocess.Popen(
        ["tgtd", "-f", "-C", str(control), "--iscsi", f"portal=127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + TGT_START_S
        while _tgtadm(control, "--op", "show", "--mode", "target").returncode != 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"tgtd did not start: {(directory / 'tgtd.log').read_text()}")
            time.sleep(0.05)
        for args in (
            ("--op", "new", "--mode", "target", "--tid", "1", "-T", TGT_IQN),
            ("--op", "new", "--mode", "logicalunit", "--tid", "1", "--lun", "1", "-b", str(lun)),
            ("--op", "bind", "--mode", "target", "--tid", "1", "-I", "ALL"),
            ("--op", "new", "--mode", "account", "--user", CHAP_USER, "--password", CHAP_SECRET),
            ("--op", "bind", "--mode", "account", "--tid", "1", "--user", CHAP_USER),
        ):
            result = _tgtadm(control, *args)
            assert result.returncode == 0, f"tgtadm {args}: {result.stderr}"
        yield TgtTarget(f"127.0.0.1:{port}", TGT_IQN)
    finally:
        # SIGTERM does not stop tgtd (NOTES.md): take it offline, drop the target, stop it.
        _tgtadm(control, "--op", "update", "--mode", "sys", "--name", "State", "-v", "offline")
        _tgtadm(control, "--op", "delete", "--mode", "target", "--tid", "1", "--force")
        _tgtadm(control, "--op", "delete", "--mode", "system")
        try:
            proc.wait(TGT_STOP_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        for leftover in (f"socket.{control}", f"socket.{control}.lock"):
            (TGT_SOCKETS / leftover).unlink(missing_ok=True)


def test_userspace_iscsi_logs_into_a_real_target_with_chap_and_lists_its_lun(
    system_node, system_libvirt_uri, system_pools, tgt_target: TgtTarget
) -> None:
    name = system_pools("tgt")
    spec = iscsi_spec(name, portal=tgt_target.portal, target=tgt_target.iqn, userspace=True)

    reply = call(system_node.as_coordinator, lambda c: c.init_storage_pool(spec))
    volumes = call(system_node.as_coordinator, lambda c: c.list_volumes(name))
    xml = call(system_node.as_coordinator, lambda c: c.get_storage_pool_xml(name))

    assert (reply.pool.type, reply.pool.state) == ("iscsi-direct", RUNNING)
    # libvirt 9.0's iscsi-direct counts the last block's address, not the blocks: one short.
    assert LUN_BYTES - LUN_BLOCK <= reply.pool.capacity_bytes <= LUN_BYTES
    assert list(reply.notes) == []  # the CHAP secret is stored: libvirt used it to log in
    disks = [v for v in volumes if v.capacity_bytes]
    assert len(disks) == 1
    assert LUN_BYTES - LUN_BLOCK <= disks[0].capacity_bytes <= LUN_BYTES
    assert disks[0].path.endswith(f"{tgt_target.iqn}-lun-1")
    settings = describe_pool_xml(xml)
    assert settings.hosts == (tgt_target.portal,)
    assert (settings.device, settings.initiator_iqn) == (tgt_target.iqn, INITIATOR_IQN)
    assert (settings.auth_type, settings.auth_user) == ("chap", CHAP_USER)
    assert CHAP_SECRET not in xml and CHAP_SECRET not in str(reply)
    assert secret_stored(system_libvirt_uri, name)

    destroyed = call(system_node.as_coordinator, lambda c: c.destroy_storage_pool(name, force=True))

    assert destroyed.existed
    assert not secret_stored(system_libvirt_uri, name)


def test_a_wrong_chap_secret_is_a_real_authentication_failure(
    system_node, system_libvirt_uri, system_pools, tgt_target: TgtTarget
) -> None:
    name = system_pools("tgt-bad")
    spec = iscsi_spec(
        name,
        portal=tgt_target.portal,
        target=tgt_target.iqn,
        chap_secret="not-the-right-one",
        userspace=True,
    )

    failure = call_fails(system_node.as_coordinator, lambda c: c.init_storage_pool(spec))

    assert (failure.reason, failure.step) == ("ISCSI_LOGIN_FAILED", "start")
    assert failure.details == (
        "host-real: iSCSI login failed: internal error: Failed to login: "
        "Failed to log in to target. Status: Authentication failure(513)"
    )
    assert not is_defined(system_libvirt_uri, name)
    assert not secret_stored(system_libvirt_uri, name)


def test_no_secret_ever_reached_the_real_nodes_log(system_node) -> None:
    """Runs after the tests above (pytest keeps file order): every key and CHAP secret they
    sent, right or wrong."""
    log = system_node.log_text()
    for secret in (CEPH_KEY, CHAP_SECRET, "not-the-right-one"):
        assert secret not in log
