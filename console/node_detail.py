"""Host detail, read straight from a host's node daemon (not through the coordinator). Qt-free.

The three reads run at once and fail independently: a host whose pools cannot be listed still
shows its CPU and NICs, with the pool error next to them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

import grpc

from clients.channels import node_endpoint
from clients.errors import describe_rpc_error
from clients.node import NodeClient
from proto.quantix.v1 import common_pb2
from trust.credentials import Identity

T = TypeVar("T")


@dataclass
class HostDetail:
    name: str
    address: str
    fetched_at: float = 0.0  # time.time() when the replies came in
    host_info: common_pb2.HostInfo | None = None
    pools: list[common_pb2.HostStoragePool] | None = None
    networks: list[common_pb2.HostNetwork] | None = None
    # One full sentence per cause of failure: what was read, from where, and the server's text.
    errors: list[str] = field(default_factory=list)


async def fetch_host_detail(name: str, address: str, identity: Identity | None) -> HostDetail:
    """GetHostInfo, ListStoragePools and ListNetworks from the node daemon at ``address``,
    presenting ``identity`` (the console's; None when not connected)."""
    detail = HostDetail(name, address)
    if not address:
        detail.errors.append(f"{name}: the coordinator has no node daemon address for this host")
        return detail
    if identity is None:
        detail.errors.append(f"{name}: not connected to a coordinator (File › Connect…)")
        return detail
    async with NodeClient(node_endpoint(address, name, identity), name) as client:
        info, pools, networks = await asyncio.gather(
            _attempt(client.get_host_info()),
            _attempt(client.list_storage_pools()),
            _attempt(client.list_networks()),
        )
        detail.fetched_at = time.time()
        # Reads that failed for the same reason (a node daemon that is down fails all three
        # alike) are reported once: "Reading host facts, storage pools and networks: ...".
        failures: dict[str, list[str]] = {}
        for what, outcome in (
            ("host facts", info),
            ("storage pools", pools),
            ("networks", networks),
        ):
            if isinstance(outcome, BaseException):
                failures.setdefault(_describe(outcome, client.target), []).append(what)
        for reason, whats in failures.items():
            detail.errors.append(f"Reading {_join(whats)}: {reason}")
    detail.host_info = None if isinstance(info, BaseException) else info
    detail.pools = None if isinstance(pools, BaseException) else pools
    detail.networks = None if isinstance(networks, BaseException) else networks
    return detail


async def _attempt(call: Awaitable[T]) -> T | Exception:
    try:
        return await call
    except Exception as error:
        return error


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _describe(error: BaseException, target: str) -> str:
    if isinstance(error, grpc.RpcError):
        return describe_rpc_error(error, target)
    return f"{target}: {type(error).__name__}: {error}"
