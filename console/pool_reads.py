"""A pool's volumes and libvirt XML, read straight from one host's node daemon. Qt-free.

Both reads run at once and fail independently: a host whose volumes cannot be listed still
shows the XML, with the volume error next to it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import grpc

from clients.channels import node_endpoint
from clients.errors import describe_rpc_error
from clients.node import NodeClient
from proto.quantix.v1 import common_pb2
from trust.credentials import Identity


@dataclass
class PoolHostRead:
    host: str
    address: str
    pool: str
    fetched_at: float = 0.0
    volumes: list[common_pb2.Volume] | None = None
    xml: str | None = None
    # One full sentence per failure: what was read, from where, and the server's own text.
    volumes_error: str = ""
    xml_error: str = ""
    errors: list[str] = field(default_factory=list)  # every failure, the two above included


def _describe(error: BaseException, target: str) -> str:
    if isinstance(error, grpc.RpcError):
        return describe_rpc_error(error, target)
    return f"{target}: {type(error).__name__}: {error}"


def _failed(read: PoolHostRead, text: str) -> PoolHostRead:
    """Nothing could be read: the same reason for both."""
    read.volumes_error = read.xml_error = text
    read.errors.append(text)
    return read


async def read_pool_on_host(
    host: str, address: str, pool: str, identity: Identity | None
) -> PoolHostRead:
    """Volumes and libvirt XML of ``pool`` from ``host``'s daemon, presenting ``identity``
    (the console's; None when not connected)."""
    read = PoolHostRead(host, address, pool)
    if not address:
        return _failed(read, f"{host}: the coordinator has no node daemon address for this host")
    if identity is None:
        return _failed(read, f"{host}: not connected to a coordinator (File › Connect…)")
    try:
        async with NodeClient(node_endpoint(address, host, identity), host) as client:
            volumes, xml = await asyncio.gather(
                client.list_volumes(pool),
                client.get_storage_pool_xml(pool),
                return_exceptions=True,
            )
            target = client.target
    except Exception as error:  # a channel that could not be made: say so, in full
        return _failed(read, f"Reading pool {pool}: {_describe(error, f'{host} ({address})')}")
    read.fetched_at = time.time()
    if isinstance(volumes, BaseException):
        read.volumes_error = f"Listing the volumes of {pool}: {_describe(volumes, target)}"
        read.errors.append(read.volumes_error)
    else:
        read.volumes = volumes
    if isinstance(xml, BaseException):
        read.xml_error = f"Reading the libvirt XML of {pool}: {_describe(xml, target)}"
        read.errors.append(read.xml_error)
    else:
        read.xml = xml
    return read
