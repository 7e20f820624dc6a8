"""Builders of real quantix.v1 messages (``Node``, ``WatchEvent``) for tests.

Nothing here serves or fakes anything: these are the protobuf messages the coordinator sends,
filled in with plausible values, for tests that feed a model or a widget directly.
"""

from __future__ import annotations

from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb


def make_node(
    name: str,
    status: int = pb.NODE_STATUS_CONNECTED,
    *,
    address: str = "",
    message: str = "",
    last_seen: float = 0.0,
    model: str = "Intel Xeon",
    threads: int = 16,
    memory: int = 64 * 1024**3,
    libvirt: str = "9.0.0",
) -> pb.Node:
    node = pb.Node(
        name=name,
        address=address or f"10.0.0.{sum(name.encode()) % 250 + 1}:7501",
        status=status,
        status_message=message,
        host_info=common_pb2.HostInfo(
            hostname=name,
            cpu=common_pb2.CpuInfo(model=model, arch="x86_64", logical_cpus=threads),
            memory_bytes=memory,
            libvirt_version=libvirt,
        ),
    )
    if last_seen:
        node.last_seen.FromNanoseconds(int(last_seen * 1e9))
    return node


def event(
    kind: int, key: str = "", node: pb.Node | None = None, revision: int = 0
) -> pb.WatchEvent:
    message = pb.WatchEvent(type=kind, revision=revision, kind=pb.OBJECT_KIND_NODE, key=key)
    if node is not None:
        message.node.CopyFrom(node)
    return message
