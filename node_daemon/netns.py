"""Host networking inside a named network namespace (``--netns``), one thread at a time.

A thread that calls ``setns(2)`` moves alone; the process (its gRPC server, libvirt) stays in
the namespace it started in. Every socket a thread opens belongs to the namespace the thread is
in at that moment, and keeps it. pyroute2 0.9's ``IPRoute`` opens its netlink socket lazily,
one per thread: so an ``IPRoute`` must be made, used and closed inside one ``entered`` block on
one thread, or its calls silently reach the root namespace. ``netlink()`` is that block.
(pyroute2's own ``IPRoute(netns=...)`` forks a helper process per socket instead, which a
process running gRPC threads should not do.)
"""

from __future__ import annotations

import contextlib
import ctypes
import os
from collections.abc import Iterator
from pathlib import Path

from pyroute2 import IPRoute

# Where `ip netns add` (and pyroute2) bind-mount named namespaces.
NETNS_DIR = Path("/run/netns")
_CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


class NamespaceMissing(Exception):
    """The named namespace does not exist (never made, or removed since)."""


def _setns(fd: int) -> None:
    if _libc.setns(fd, _CLONE_NEWNET) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"setns: {os.strerror(errno)}")


def namespace_path(name: str) -> Path:
    return NETNS_DIR / name


def namespace_exists(name: str) -> bool:
    return namespace_path(name).exists()


@contextlib.contextmanager
def entered(name: str) -> Iterator[None]:
    """The calling thread inside namespace ``name`` for the block ("": where it is)."""
    if not name:
        yield
        return
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        try:
            target = os.open(namespace_path(name), os.O_RDONLY)
        except FileNotFoundError:
            raise NamespaceMissing(f"network namespace {name} does not exist") from None
        try:
            _setns(target)
        finally:
            os.close(target)
        try:
            yield
        finally:
            # Back where it came from: a worker thread left in the namespace would take later
            # work (a libvirt call, another namespace's) to the wrong place.
            _setns(own)
    finally:
        os.close(own)


@contextlib.contextmanager
def netlink(name: str) -> Iterator[IPRoute]:
    """An ``IPRoute`` on namespace ``name`` ("": the thread's own), for this thread and block."""
    with entered(name), IPRoute() as ipr:
        yield ipr
