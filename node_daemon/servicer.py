"""The ``quantix.v1.NodeDaemon`` gRPC service: thin, every answer comes from libvirt."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import grpc
import libvirt

from node_daemon.host_facts import read_host_info
from node_daemon.libvirt_conn import LibvirtCallError, LibvirtConnection
from node_daemon.networks import list_networks
from node_daemon.pools import list_pools
from proto.quantix.v1 import common_pb2, node_pb2, node_pb2_grpc

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE_NAME = node_pb2.DESCRIPTOR.services_by_name["NodeDaemon"].full_name

# The steps, as users read them in "host-a: listing storage pools failed: ...".
STEP_HOST_INFO = "reading host facts"
STEP_POOLS = "listing storage pools"
STEP_NETWORKS = "listing networks"


class NodeDaemonServicer(node_pb2_grpc.NodeDaemonServicer):
    """Answers from libvirt; a libvirt failure becomes UNAVAILABLE or INTERNAL naming the host."""

    def __init__(self, name: str, libvirt_conn: LibvirtConnection) -> None:
        self.name = name
        self.libvirt = libvirt_conn

    async def host_info(self) -> common_pb2.HostInfo:
        """The host facts; also what registration sends to the coordinator."""
        return await self.libvirt.call(STEP_HOST_INFO, self._read_host_info)

    def _read_host_info(self, conn: libvirt.virConnect) -> common_pb2.HostInfo:
        return read_host_info(conn, self.libvirt.uri)

    async def GetHostInfo(
        self, request: node_pb2.GetHostInfoRequest, context: grpc.aio.ServicerContext
    ) -> common_pb2.HostInfo:
        return await self._read(context, STEP_HOST_INFO, self._read_host_info)

    async def ListStoragePools(
        self, request: node_pb2.ListStoragePoolsRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.ListStoragePoolsResponse:
        pools = await self._read(context, STEP_POOLS, list_pools)
        return node_pb2.ListStoragePoolsResponse(pools=pools)

    async def ListNetworks(
        self, request: node_pb2.ListNetworksRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.ListNetworksResponse:
        networks = await self._read(context, STEP_NETWORKS, list_networks)
        return node_pb2.ListNetworksResponse(networks=networks)

    async def _read(
        self,
        context: grpc.aio.ServicerContext,
        step: str,
        read: Callable[[libvirt.virConnect], T],
    ) -> T:
        """``read(conn)`` through the connection manager; failures abort the RPC."""
        try:
            return await self.libvirt.call(step, read)
        except LibvirtCallError as error:
            code = grpc.StatusCode.UNAVAILABLE if error.connection else grpc.StatusCode.INTERNAL
            message = f"{self.name}: {error}"
            log.warning("%s", message, extra={"step": step, "libvirt_code": error.code})
        except Exception as error:
            # A bug, or XML libvirt should never write: still say where and what, not UNKNOWN.
            code = grpc.StatusCode.INTERNAL
            message = f"{self.name}: {step} failed: {error!r}"
            log.exception("%s", message, extra={"step": step})
        await context.abort(code, message)
        raise AssertionError("abort() returns only by raising")
