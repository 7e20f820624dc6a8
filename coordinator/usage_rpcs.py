"""The Coordinator service's host-usage parts: GetUsageHistory, and the check of the usage a
heartbeat carries. A part of CoordinatorServicer, kept apart so each file holds one concern;
the rules are domain.usage's."""

from __future__ import annotations

import grpc
from google.protobuf.duration_pb2 import Duration

from coordinator.nodes import NodeRegistry, UnknownNode
from coordinator.usage_history import UsageHistory
from domain.errors import ValidationError
from domain.pools import validate_host_names
from domain.usage import validate_sample, validate_window
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb
from serving.grpc_server import aborts_on, validated
from wire.proto_time import timestamp_of

# The sources a node may name: it always knows which it read.
SOURCES = frozenset({common_pb2.USAGE_SOURCE_LIBVIRT, common_pb2.USAGE_SOURCE_KERNEL})


def validate_usage(usage: common_pb2.HostUsage, field: str = "usage") -> None:
    """A heartbeat's usage: domain.usage's sample rules, and a known source."""
    validate_sample(usage.cpu_fraction, usage.memory_used_bytes, usage.memory_total_bytes, field)
    if usage.source not in SOURCES:
        raise ValidationError(
            f"{field}.source",
            f"must be USAGE_SOURCE_LIBVIRT or USAGE_SOURCE_KERNEL (got {usage.source})",
        )


def window_seconds(window: Duration, field: str = "window") -> float:
    """The window a request asks for, in seconds (0: the finest tier's span)."""
    return validate_window(window.seconds + window.nanos / 1e9, field)


class UsageRpcs:
    _nodes: NodeRegistry
    _usage: UsageHistory

    @validated
    @aborts_on({UnknownNode: grpc.StatusCode.NOT_FOUND})
    async def GetUsageHistory(
        self, request: pb.GetUsageHistoryRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetUsageHistoryResponse:
        window_s = window_seconds(request.window)
        if request.hosts:
            hosts = validate_host_names(request.hosts)
            nodes = [self._nodes.get(host, f"hosts[{i}]") for i, host in enumerate(hosts)]
        else:
            nodes = self._nodes.list()
        now = self._usage.now()
        series = self._usage.series([node.name for node in nodes], window_s, now)
        for one, node in zip(series, nodes, strict=True):
            one.logical_cpus = node.host_info.cpu.logical_cpus
        return pb.GetUsageHistoryResponse(series=series, now=timestamp_of(now))
