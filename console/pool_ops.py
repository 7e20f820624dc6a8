"""The console's calls to the coordinator (pools, adopting a pool, removing and adding a
host), each returning a value or a described failure. Qt-free.

Each call opens its own client on the running loop and closes it after: pool actions are
rare (a click), and a channel per action means no connection outlives a coordinator switch.
A failure keeps everything a user or the wizard needs: the full text (who refused, and the
server's own words), the status code, and the field the coordinator named, if any.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import grpc

from clients.channels import Endpoint
from clients.coordinator import CoordinatorClient
from clients.errors import describe_rpc_error
from domain.join import JoinString
from domain.pools import PoolSpec
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.metadata import FIELD_KEY, REASON_KEY, trailing
from wire.pool_codec import spec_to_pb

T = TypeVar("T")

# "nfs.server: must be ..." — how ValidationError reads, for a server that names the field
# only in its message.
_FIELD_PREFIX = re.compile(r"^((?:spec\.)?[a-z_]+(?:\.[a-z_]+)*(?:\[\d+\])?): ")


@dataclass(frozen=True)
class Failure:
    text: str  # what to show: "coordinator 127.0.0.1:7443 refused: ..."
    code: grpc.StatusCode | None = None
    details: str = ""  # the server's own message
    field: str = ""  # the field the server named ("nfs.server"), "" if none
    reason: str = ""  # a PoolErrorReason name, "" if none


@dataclass(frozen=True)
class Result(Generic[T]):
    value: T | None = None
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def field_of(error: grpc.aio.AioRpcError) -> str:
    """The field an INVALID_ARGUMENT names, from metadata or from the message."""
    named = trailing(error, FIELD_KEY)
    if named or error.code() != grpc.StatusCode.INVALID_ARGUMENT:
        return named
    match = _FIELD_PREFIX.match(error.details() or "")
    return match.group(1) if match else ""


def failure_of(error: BaseException, target: str, doing: str = "") -> Failure:
    prefix = f"{doing}: " if doing else ""
    if isinstance(error, grpc.aio.AioRpcError):
        return Failure(
            text=prefix + describe_rpc_error(error, target),
            code=error.code(),
            details=error.details() or "",
            field=field_of(error),
            reason=trailing(error, REASON_KEY),
        )
    return Failure(text=f"{prefix}{target}: {type(error).__name__}: {error}")


async def call_coordinator(
    endpoint: Endpoint | None, call: Callable[[CoordinatorClient], Awaitable[T]], doing: str = ""
) -> Result[T]:
    if endpoint is None:
        return Result(failure=Failure("Not connected to a coordinator (File › Connect…)"))
    target = f"coordinator {endpoint.address}"
    try:
        async with CoordinatorClient(endpoint) as client:
            return Result(value=await call(client))
    except Exception as error:
        # Anything (an RPC error, a channel that could not be made) becomes text shown to
        # the user; nothing is swallowed silently.
        return Result(failure=failure_of(error, target, doing))


async def create_pool(endpoint: Endpoint | None, spec: PoolSpec) -> Result[pb.Pool]:
    message = spec_to_pb(spec, include_secrets=True)  # CreatePool is where secrets go in
    return await call_coordinator(endpoint, lambda client: client.create_pool(message))


async def retry_pool(
    endpoint: Endpoint | None, name: str, hosts: Sequence[str] = ()
) -> Result[pb.Pool]:
    return await call_coordinator(endpoint, lambda client: client.retry_pool(name, hosts))


async def delete_pool(
    endpoint: Endpoint | None, name: str, force: bool
) -> Result[pb.DeletePoolResponse]:
    return await call_coordinator(endpoint, lambda client: client.delete_pool(name, force))


async def change_hosts(
    endpoint: Endpoint | None,
    name: str,
    add: Sequence[str],
    remove: Sequence[str],
    force: bool = False,
) -> Result[pb.Pool]:
    """AssignHosts, then UnassignHosts: adding first, so a pool is never left on fewer hosts
    than the user asked for because the second call failed."""

    async def run(client: CoordinatorClient) -> pb.Pool | None:
        pool: pb.Pool | None = None
        if add:
            pool = await client.assign_hosts(name, add)
        if remove:
            pool = await client.unassign_hosts(name, remove, force)
        return pool

    if not add and not remove:
        return Result()
    doing = "Assigning and unassigning hosts" if add and remove else ""
    return await call_coordinator(endpoint, run, doing)


async def adopt_pool(
    endpoint: Endpoint | None, name: str, hosts: Sequence[str], dry_run: bool, secret: str = ""
) -> Result[pb.Pool]:
    """AdoptPool: with ``dry_run`` the pool as it would be adopted (nothing stored, no host
    touched), for the review; without, the pool Quantix now manages."""
    return await call_coordinator(
        endpoint, lambda client: client.adopt_pool(name, hosts, secret, dry_run)
    )


async def remove_node(
    endpoint: Endpoint | None, name: str, force: bool
) -> Result[pb.RemoveNodeResponse]:
    """RemoveNode: forget a host that is gone (refused while pools are assigned, unless
    ``force``)."""
    return await call_coordinator(endpoint, lambda client: client.remove_node(name, force))


async def create_join_token(
    endpoint: Endpoint | None, ttl_s: int, address: str
) -> Result[tuple[JoinString, pb.JoinToken]]:
    """CreateJoinToken: a token for a new host and its join string, naming ``address`` as
    where the host reaches the coordinator."""
    return await call_coordinator(endpoint, lambda client: client.create_join_token(ttl_s, address))
