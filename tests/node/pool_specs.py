"""Wire specs of every backend and a way to call a node daemon and keep its failure."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc

from clients.channels import Endpoint
from clients.node import NodeClient
from proto.quantix.v1 import common_pb2 as cpb

T = TypeVar("T")

# A well-formed cephx key (base64 of 28 bytes) and a CHAP secret: the tests look for them in
# every reply, XML and log line, where they must never appear.
CEPH_KEY = base64.b64encode(bytes(range(7, 35))).decode()
CHAP_SECRET = "s3cret-Chap-Word"
CHAP_USER = "quantix-chap"
INITIATOR_IQN = "iqn.2024-01.com.example:node1"
TARGET_IQN = "iqn.2024-01.com.example:storage.t1"


def local_spec(name: str, path: str) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name, backend=cpb.POOL_BACKEND_LOCAL_DIR, local_dir=cpb.LocalDirSource(path=path)
    )


def nfs_spec(
    name: str,
    server: str = "nas.example.com",
    export: str = "",  # "": /export/<name> (libvirt refuses two pools on one source)
    version: str = "4.2",
    options: tuple[str, ...] = ("soft", "timeo=50"),
    mount_point: str = "",
) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_NFS,
        nfs=cpb.NfsSource(
            server=server,
            export_path=export or f"/export/{name}",
            version=version,
            mount_options=list(options),
            mount_point=mount_point,
        ),
    )


def ceph_spec(
    name: str,
    monitors: tuple[str, ...] = ("mon1.example.com", "mon2.example.com:6790", "10.0.0.3"),
    user: str = "quantix",
    key: str = CEPH_KEY,
    namespace: str = "",
    pool: str = "",  # "": the pool's own name (libvirt refuses two pools on one source)
) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_CEPH_RBD,
        ceph_rbd=cpb.CephRbdSource(
            monitors=list(monitors), pool=pool or name, user=user, key=key, namespace=namespace
        ),
    )


def iscsi_spec(
    name: str,
    portal: str = "san.example.com:3261",
    target: str = "",  # "": TARGET_IQN.<name> (libvirt refuses two pools on one source)
    initiator_iqn: str = INITIATOR_IQN,
    chap_user: str = CHAP_USER,
    chap_secret: str = CHAP_SECRET,
    userspace: bool = False,
) -> cpb.PoolSpec:
    return cpb.PoolSpec(
        name=name,
        backend=cpb.POOL_BACKEND_ISCSI,
        iscsi=cpb.IscsiSource(
            portal=portal,
            target_iqn=target or f"{TARGET_IQN}.{name}",
            initiator_iqn=initiator_iqn,
            chap_user=chap_user,
            chap_secret=chap_secret,
            initiator=(cpb.ISCSI_INITIATOR_USERSPACE if userspace else cpb.ISCSI_INITIATOR_KERNEL),
        ),
    )


@dataclass
class Failure:
    code: grpc.StatusCode
    details: str
    metadata: dict[str, str]

    @property
    def reason(self) -> str:
        return self.metadata.get("quantix-reason", "")

    @property
    def step(self) -> str:
        return self.metadata.get("quantix-step", "")


def failure_of(error: grpc.aio.AioRpcError) -> Failure:
    metadata = {
        key: value if isinstance(value, str) else value.decode()
        for key, value in (error.trailing_metadata() or ())
    }
    return Failure(error.code(), error.details() or "", metadata)


def call(endpoint: Endpoint, operation: Callable[[NodeClient], Awaitable[T]]) -> T:
    """``operation(client)`` against the daemon at ``endpoint``, from a synchronous test."""

    async def run() -> T:
        async with NodeClient(endpoint, name="node") as client:
            return await operation(client)

    return asyncio.run(run())


def call_fails(endpoint: Endpoint, operation: Callable[[NodeClient], Awaitable[Any]]) -> Failure:
    """The failure of ``operation`` (the test fails if it succeeds)."""

    async def run() -> Failure:
        async with NodeClient(endpoint, name="node") as client:
            try:
                reply = await operation(client)
            except grpc.aio.AioRpcError as error:
                return failure_of(error)
        raise AssertionError(f"expected a failure, got {reply!r}")

    return asyncio.run(run())
