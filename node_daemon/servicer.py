"""The ``quantix.v1.NodeDaemon`` gRPC service: thin, every answer comes from libvirt."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import grpc
import libvirt

from domain.errors import ValidationError
from domain.networks import NetworkType, validate_interface_name, validate_network
from domain.pools import Backend, PoolSpec, validate_pool_name, validate_pool_spec
from domain.reported_pools import validate_reported_pool
from domain.switch_layout import SwitchLayout, switch_layout
from domain.switches import SwitchSpec, validate_switch
from node_daemon import pool_errors
from node_daemon.host_facts import read_host_info
from node_daemon.image_rpcs import ImageRpcs
from node_daemon.image_tickets import TicketBook
from node_daemon.image_upload import OvaImporter
from node_daemon.job_limits import JobLimits
from node_daemon.jobs import JobReport, JobRunner
from node_daemon.libvirt_conn import LibvirtCallError, LibvirtConnection
from node_daemon.netns import NamespaceMissing
from node_daemon.network_ops import destroy_network, init_network, network_xml
from node_daemon.networks import list_networks
from node_daemon.options import DEFAULT_DATA_DIR
from node_daemon.ova_job import OvaTemplateImporter
from node_daemon.pool_changes import PoolChanges
from node_daemon.pool_errors import PoolOpError
from node_daemon.pool_jobs import PoolWorker
from node_daemon.pools import list_pools
from node_daemon.switch_build import SwitchRefused
from node_daemon.switches import SwitchWorker
from node_daemon.task_reports import TaskReporter
from node_daemon.transfer_journal import TransferJournal
from proto.quantix.v1 import common_pb2, node_pb2, node_pb2_grpc
from serving.grpc_server import validated
from wire.metadata import REASON_KEY, STEP_KEY
from wire.network_codec import network_from_pb
from wire.pool_codec import spec_from_pb
from wire.switch_codec import switch_from_pb

log = logging.getLogger(__name__)

T = TypeVar("T")

SERVICE_NAME = node_pb2.DESCRIPTOR.services_by_name["NodeDaemon"].full_name

# The steps, as users read them in "host-a: listing storage pools failed: ...".
STEP_HOST_INFO = "reading host facts"
STEP_POOLS = "listing storage pools"
STEP_NETWORKS = "listing networks"
STEP_NETWORK_INIT = "defining and starting the network"
STEP_NETWORK_DESTROY = "removing the network"
STEP_HOST_NICS = "listing the host's NICs"
# SwitchErrorReason name for a --netns namespace that is gone.
NAMESPACE_MISSING = "NAMESPACE_MISSING"

# PoolErrorReason -> status code. The reasons that are the host's answer to a request it
# could not carry out (mount, login, define... failed) are INTERNAL: the code then never
# collides with UNAVAILABLE, which callers read as "this node or its libvirt is unreachable",
# and the quantix-reason metadata says precisely what failed.
_POOL_STATUS = {
    pool_errors.INVALID_SPEC: grpc.StatusCode.INVALID_ARGUMENT,
    pool_errors.CONFLICT: grpc.StatusCode.ALREADY_EXISTS,
    pool_errors.HAS_VOLUMES: grpc.StatusCode.FAILED_PRECONDITION,
    pool_errors.SOURCE_CONFLICT: grpc.StatusCode.FAILED_PRECONDITION,
    pool_errors.POOL_NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    pool_errors.LIBVIRT_UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
}


def _reportable(pool: common_pb2.HostStoragePool) -> bool:
    """Whether the coordinator would take this pool; one it would refuse is left out of the
    report (with a warning) rather than costing every other pool of the host its report."""
    try:
        validate_reported_pool(
            pool.name, pool.type, pool.uuid, pool.source, pool.target_path, "pool"
        )
    except ValidationError as error:
        log.warning("storage pool left out of the report to the coordinator: %s", error)
        return False
    return True


class NodeDaemonServicer(ImageRpcs, node_pb2_grpc.NodeDaemonServicer):
    """Answers from libvirt; a libvirt failure becomes UNAVAILABLE or INTERNAL naming the host."""

    def __init__(
        self,
        name: str,
        libvirt_conn: LibvirtConnection,
        data_dir: str = DEFAULT_DATA_DIR,
        changes: PoolChanges | None = None,
        netns: str = "",
        ova_importer: OvaImporter | None = OvaTemplateImporter(),  # noqa: B008 (stateless)
        job_limits: JobLimits = JobLimits(),  # noqa: B008 (frozen: one shared default is safe)
    ) -> None:
        self.name = name
        self.libvirt = libvirt_conn
        # Long work (uploads, downloads, imports): one runner per daemon; its reports go to
        # the coordinator once the daemon knows where that is (attach_reporter).
        self.jobs = JobRunner(libvirt_conn, self._job_report, job_limits)
        self.reporter: TaskReporter | None = None
        self.tickets = TicketBook()
        self.data_dir = Path(data_dir)
        self.journal = TransferJournal(self.data_dir)
        # None: OVA uploads are refused, saying so (a daemon built without the importer).
        self.ova_importer = ova_importer
        # Host networking (switches, the NICs in HostInfo) in this namespace ("": the host's).
        self.switches = SwitchWorker(netns)
        self.pools = PoolWorker(libvirt_conn, data_dir)
        # Told after every pool operation, whatever its outcome (a failed init may still have
        # changed something), so the coordinator hears of it even on a driver without events.
        self._changes = changes

    def close(self) -> None:
        self.pools.close()

    async def stop_jobs(self) -> None:
        """Cancel every job (their cleanups run, their final reports are queued), then send
        what is still queued, each bounded."""
        await self.jobs.close()
        if self.reporter is not None:
            await self.reporter.close()

    def attach_reporter(self, reporter: TaskReporter) -> None:
        """Jobs' reports go to the coordinator through ``reporter`` from now on."""
        self.reporter = reporter

    def _job_report(self, report: JobReport) -> None:
        if self.reporter is not None:
            self.reporter(report)
        else:
            log.debug("job report not sent (no coordinator known yet): %s", report)

    @property
    def changes(self) -> PoolChanges | None:
        return self._changes

    async def storage_pools(
        self,
    ) -> tuple[list[common_pb2.HostStoragePool], common_pb2.ChangeStamp | None]:
        """Every pool on this host and the stamp of what the list reflects (taken before the
        read); what the node reports to the coordinator."""
        stamp = self.list_stamp()
        pools = await self.libvirt.call(STEP_POOLS, list_pools)
        return [pool for pool in pools if _reportable(pool)], stamp

    async def host_info(self) -> common_pb2.HostInfo:
        """The host facts; also what registration sends to the coordinator."""
        info = await self.libvirt.call(STEP_HOST_INFO, self._read_host_info)
        return await self._with_namespace_nics(info)

    async def _with_namespace_nics(self, info: common_pb2.HostInfo) -> common_pb2.HostInfo:
        """With ``--netns``, the NICs are the namespace's (what switches can use), not
        libvirt's list of the host's own."""
        if self.switches.netns:
            nics = await self.switches.nics()
            del info.nics[:]
            info.nics.extend(nics)
        return info

    def _read_host_info(self, conn: libvirt.virConnect) -> common_pb2.HostInfo:
        return read_host_info(conn, self.libvirt.uri)

    async def GetHostInfo(
        self, request: node_pb2.GetHostInfoRequest, context: grpc.aio.ServicerContext
    ) -> common_pb2.HostInfo:
        info = await self._read(context, STEP_HOST_INFO, self._read_host_info)
        return await self._switch_call(context, STEP_HOST_NICS, self._with_namespace_nics(info))

    async def ListStoragePools(
        self, request: node_pb2.ListStoragePoolsRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.ListStoragePoolsResponse:
        stamp = self.list_stamp()  # taken before the read: what the read can rely on
        pools = await self._read(context, STEP_POOLS, list_pools)
        return node_pb2.ListStoragePoolsResponse(pools=pools, stamp=stamp)

    async def ListNetworks(
        self, request: node_pb2.ListHostNetworksRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.ListHostNetworksResponse:
        networks = await self._read(context, STEP_NETWORKS, list_networks)
        return node_pb2.ListHostNetworksResponse(networks=networks)

    @validated
    async def InitNetwork(
        self, request: node_pb2.InitNetworkRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InitNetworkResponse:
        spec = validate_network(network_from_pb(request.spec))
        bridge = request.port_group_bridge
        if spec.type is NetworkType.PORT_GROUP:
            validate_interface_name(bridge, "port_group_bridge")
        elif bridge:
            raise ValidationError("port_group_bridge", "is for a port group network only")
        done = await self._read(
            context,
            STEP_NETWORK_INIT,
            lambda conn: init_network(conn, spec, bridge, request.replace),
        )
        if done.refused:
            # CONFLICT, as a pool of the same name with other settings: the coordinator then
            # shows that host's network as discovered (an admin's), not as the managed one.
            context.set_trailing_metadata(((REASON_KEY, pool_errors.CONFLICT),))
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, f"{self.name}: {done.refused}")
        return node_pb2.InitNetworkResponse(network=done.network)

    @validated
    async def DestroyNetwork(
        self, request: node_pb2.DestroyNetworkRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DestroyNetworkResponse:
        name = validate_pool_name(request.name, "name")
        await self._read(context, STEP_NETWORK_DESTROY, lambda conn: destroy_network(conn, name))
        return node_pb2.DestroyNetworkResponse()

    @validated
    async def GetNetworkXml(
        self, request: node_pb2.GetNetworkXmlRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.GetNetworkXmlResponse:
        name = validate_pool_name(request.name, "name")
        xml = await self._read(context, STEP_NETWORKS, lambda conn: network_xml(conn, name))
        if xml is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"{self.name}: no network named {name}")
        return node_pb2.GetNetworkXmlResponse(xml=xml)

    # --- distributed switches ------------------------------------------------------------------

    @validated
    async def InitSwitch(
        self, request: node_pb2.InitSwitchRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InitSwitchResponse:
        spec, layout = self._switch_here(request.spec)
        health = await self._switch_call(
            context, f"building switch {spec.name}", self.switches.init(spec, layout)
        )
        return node_pb2.InitSwitchResponse(health=health)

    @validated
    async def DestroySwitch(
        self, request: node_pb2.DestroySwitchRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DestroySwitchResponse:
        name = validate_pool_name(request.name, "name")
        removed = await self._switch_call(
            context, f"removing switch {name}", self.switches.destroy(name)
        )
        return node_pb2.DestroySwitchResponse(removed=removed)

    @validated
    async def GetSwitchHealth(
        self, request: node_pb2.GetSwitchHealthRequest, context: grpc.aio.ServicerContext
    ) -> common_pb2.SwitchHostHealth:
        spec, layout = self._switch_here(request.spec)
        return await self._switch_call(
            context, f"checking switch {spec.name}", self.switches.health(spec, layout)
        )

    def _switch_here(self, message: common_pb2.SwitchSpec) -> tuple[SwitchSpec, SwitchLayout]:
        """The validated spec and what it is on this host (ValidationError names the field)."""
        spec = validate_switch(switch_from_pb(message))
        return spec, switch_layout(spec, self.name)

    async def _switch_call(
        self, context: grpc.aio.ServicerContext, doing: str, work: Awaitable[T]
    ) -> T:
        """``await work``; a host that cannot do it aborts FAILED_PRECONDITION naming the
        problem, with its reason and step in trailing metadata."""
        try:
            return await work
        except SwitchRefused as error:
            code = grpc.StatusCode.FAILED_PRECONDITION
            metadata = ((REASON_KEY, error.reason), (STEP_KEY, error.step))
            message = f"{self.name}: {doing}: {error.message}"
            log.warning("%s", message, extra={"reason": error.reason, "step": error.step})
        except NamespaceMissing as error:
            code = grpc.StatusCode.FAILED_PRECONDITION
            metadata = ((REASON_KEY, NAMESPACE_MISSING),)
            message = f"{self.name}: {doing}: {error}"
            log.error("%s", message)
        except Exception as error:
            code, metadata = grpc.StatusCode.INTERNAL, ()
            message = f"{self.name}: {doing} failed: {error!r}"
            log.exception("%s", message)
        context.set_trailing_metadata(metadata)
        await context.abort(code, message)
        raise AssertionError("abort() returns only by raising")

    # --- storage pools -----------------------------------------------------------------------

    @validated
    async def InitStoragePool(
        self, request: node_pb2.InitStoragePoolRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.InitStoragePoolResponse:
        spec = self._valid_spec(request.spec)
        async with self._operation() as stamp:
            result = await self._pool_call(
                context, "initializing", spec.name, self.pools.init(spec)
            )
        return node_pb2.InitStoragePoolResponse(pool=result.pool, notes=result.notes, stamp=stamp)

    @validated
    async def DestroyStoragePool(
        self, request: node_pb2.DestroyStoragePoolRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.DestroyStoragePoolResponse:
        name = validate_pool_name(request.name)
        async with self._operation():
            existed = await self._pool_call(
                context, "destroying", name, self.pools.destroy(name, request.force)
            )
        return node_pb2.DestroyStoragePoolResponse(existed=existed)

    @validated
    async def RefreshStoragePool(
        self, request: node_pb2.RefreshStoragePoolRequest, context: grpc.aio.ServicerContext
    ) -> common_pb2.HostStoragePool:
        name = validate_pool_name(request.name)
        return await self._pool_call(context, "refreshing", name, self.pools.refresh(name))

    @validated
    async def ListVolumes(
        self, request: node_pb2.ListVolumesRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.ListVolumesResponse:
        name = validate_pool_name(request.pool, "pool")
        volumes = await self._pool_call(
            context, "listing volumes of", name, self.pools.volumes(name)
        )
        return node_pb2.ListVolumesResponse(volumes=volumes)

    @validated
    async def GetStoragePoolXml(
        self, request: node_pb2.GetStoragePoolXmlRequest, context: grpc.aio.ServicerContext
    ) -> node_pb2.GetStoragePoolXmlResponse:
        name = validate_pool_name(request.name)
        xml = await self._pool_call(context, "reading the XML of", name, self.pools.xml(name))
        return node_pb2.GetStoragePoolXmlResponse(xml=xml)

    def _operation(
        self,
    ) -> contextlib.AbstractAsyncContextManager[common_pb2.ChangeStamp | None]:
        """The operation's stamp; no pool report while it runs (pools half made), one after."""
        if self._changes is None:
            return contextlib.nullcontext()
        return self._changes.operation()

    def list_stamp(self) -> common_pb2.ChangeStamp | None:
        return self._changes.stamp() if self._changes is not None else None

    def _valid_spec(self, message: common_pb2.PoolSpec) -> PoolSpec:
        """The validated spec (ValidationError names the field). The host assignment is the
        coordinator's: a local directory sent here without hosts is meant for this host."""
        spec = spec_from_pb(message)
        if spec.backend is Backend.LOCAL_DIR and not spec.hosts:
            spec = replace(spec, hosts=(self.name,))
        return validate_pool_spec(spec)

    async def _pool_call(
        self, context: grpc.aio.ServicerContext, doing: str, name: str, work: Awaitable[T]
    ) -> T:
        """``await work``; a PoolOpError aborts with its reason and step in trailing metadata."""
        try:
            return await work
        except PoolOpError as error:
            code = (
                grpc.StatusCode.FAILED_PRECONDITION
                if error.not_active
                else _POOL_STATUS.get(error.reason, grpc.StatusCode.INTERNAL)
            )
            metadata = [(STEP_KEY, error.step.token)]
            if error.reason:
                metadata.append((REASON_KEY, error.reason))
            message = f"{self.name}: {error.message}"
            log.warning(
                "%s",
                message,
                extra={"pool": name, "step": error.step.token, "reason": error.reason},
            )
        except Exception as error:
            code, metadata = grpc.StatusCode.INTERNAL, []
            message = f"{self.name}: {doing} pool {name} failed: {error!r}"
            log.exception("%s", message, extra={"pool": name})
        context.set_trailing_metadata(tuple(metadata))
        await context.abort(code, message)
        raise AssertionError("abort() returns only by raising")

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
