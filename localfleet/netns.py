"""Network namespaces that stand in for hosts' NICs, so tests and the demo never touch the
machine's own interfaces (needs root).

``HostNet`` makes, per node, a namespace whose NICs ``eth1``..``ethK`` are veth ends; their
peers sit in one shared "fabric" namespace, up, so each NIC has a carrier like a cabled port.
A node daemon started with ``--netns <node's namespace>`` does its host networking there. Names
carry a random run id so parallel runs never collide; ``close`` removes every namespace (which
destroys every interface in it), also after a failure.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import secrets
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyroute2 import netns as pyroute2_netns

from node_daemon.netns import NETNS_DIR, namespace_path, netlink

_CLONE_NEWNET = 0x40000000
_MS_BIND = 4096
_MS_REC = 16384
_MS_SHARED = 1 << 20
_libc = ctypes.CDLL(None, use_errno=True)
# Ethernet's MTU, what a veth gets unless asked otherwise.
DEFAULT_NIC_MTU = 1500
# Bytes of randomness in namespace names: 4 hex pairs make a clash between two runs on one
# machine a one-in-four-billion event, and keep names short in `ip netns` listings.
_RUN_ID_BYTES = 4


def _check(result: int, doing: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{doing}: {os.strerror(errno)}")


def _share_netns_dir() -> None:
    """/run/netns as a shared mount (as `ip netns add` makes it), so a namespace bound there
    is seen by every mount namespace."""
    NETNS_DIR.mkdir(parents=True, exist_ok=True)
    if _libc.mount(b"", str(NETNS_DIR).encode(), b"none", _MS_SHARED | _MS_REC, None) != 0:
        _check(
            _libc.mount(
                str(NETNS_DIR).encode(), str(NETNS_DIR).encode(), b"none", _MS_BIND | _MS_REC, None
            ),
            f"bind-mounting {NETNS_DIR}",
        )
        _check(
            _libc.mount(b"", str(NETNS_DIR).encode(), b"none", _MS_SHARED | _MS_REC, None),
            f"sharing {NETNS_DIR}",
        )


def create_namespace(name: str) -> Path:
    """A new, empty network namespace /run/netns/``name``. A thread of its own unshares and
    binds it, then ends: no other thread, and no process, changes namespace."""
    _share_netns_dir()
    path = namespace_path(name)
    path.touch(exist_ok=False)
    failure: list[BaseException] = []

    def make() -> None:
        try:
            _check(_libc.unshare(_CLONE_NEWNET), "unshare")
            _check(
                _libc.mount(
                    b"/proc/thread-self/ns/net", str(path).encode(), b"none", _MS_BIND, None
                ),
                f"binding {path}",
            )
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=make, name=f"netns-{name}")
    thread.start()
    thread.join()
    if failure:
        path.unlink(missing_ok=True)
        raise failure[0]
    return path


def remove_namespace(name: str) -> None:
    """Unbind and remove; the kernel destroys its interfaces (and their veth peers) once no
    process holds it."""
    if namespace_path(name).exists():
        pyroute2_netns.remove(name)


@dataclass(frozen=True)
class Nic:
    name: str
    mtu: int = DEFAULT_NIC_MTU


@dataclass
class HostNet:
    """Namespaces for some nodes and their veth NICs; ``close()`` removes them all."""

    run_id: str = field(default_factory=lambda: secrets.token_hex(_RUN_ID_BYTES))
    namespaces: list[str] = field(default_factory=list)

    @property
    def fabric(self) -> str:
        return f"qx-{self.run_id}-fabric"

    def namespace(self, node: str) -> str:
        return f"qx-{self.run_id}-{node}"

    def add_host(self, node: str, nics: Sequence[Nic | str] = ("eth1", "eth2")) -> str:
        """The node's namespace, with ``nics`` as veth ends (their peers up in the fabric)."""
        if self.fabric not in self.namespaces:
            create_namespace(self.fabric)
            self.namespaces.append(self.fabric)
        name = self.namespace(node)
        create_namespace(name)
        self.namespaces.append(name)
        for nic in nics:
            self.add_nic(node, nic if isinstance(nic, Nic) else Nic(nic))
        return name

    def add_nic(self, node: str, nic: Nic) -> None:
        # The peer's name must be unique in the fabric: node index + NIC name, cut to 15.
        peer = f"p{self.namespaces.index(self.namespace(node))}-{nic.name}"[:15]
        with netlink(self.fabric) as fabric:
            fabric.link(
                "add",
                ifname=peer,
                kind="veth",
                mtu=nic.mtu,
                peer={"ifname": nic.name, "mtu": nic.mtu, "net_ns_fd": self.namespace(node)},
            )
            fabric.link("set", index=fabric.link_lookup(ifname=peer)[0], state="up")

    def close(self) -> None:
        """Remove every namespace made (the fabric last); errors are raised after trying all."""
        errors: list[BaseException] = []
        for name in reversed(self.namespaces):
            try:
                remove_namespace(name)
            except OSError as error:
                errors.append(error)
        self.namespaces.clear()
        if errors:
            raise errors[0]


@contextlib.contextmanager
def host_networks() -> Iterator[HostNet]:
    hosts = HostNet()
    try:
        yield hosts
    finally:
        hosts.close()
