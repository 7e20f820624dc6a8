"""The Clusters feature's calls, recorded: the widget tests check what the page, detail and
dialogs would send to the coordinator (the live test sends it to a real one). Each call
returns ``answer`` (a value, or a Failure as console.pool_ops describes a refusal)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import grpc

from clients.channels import Endpoint
from console.clusters.cluster_ops import ClusterCalls
from console.pool_ops import Failure, Result
from domain.clusters import ClusterSpec
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import spec_to_pb


def refusal(details: str, code: grpc.StatusCode = grpc.StatusCode.FAILED_PRECONDITION) -> Failure:
    """A refusal as console.pool_ops.failure_of makes it from a real RPC error."""
    return Failure(
        text=f"coordinator 127.0.0.1:1 refused ({code.name}): {details}",
        code=code,
        details=details,
    )


class RecordingCalls(ClusterCalls):
    def __init__(self, endpoint: Endpoint | None) -> None:
        super().__init__(lambda: endpoint)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.failure: Failure | None = None  # the next call's refusal, if set

    def _answer(self, name: str, *args: Any, value: Any = None) -> Result[Any]:
        self.calls.append((name, args))
        failure, self.failure = self.failure, None
        return Result(failure=failure) if failure is not None else Result(value=value)

    async def create(self, spec: ClusterSpec, hosts: Sequence[str]) -> Result[pb.Cluster]:
        return self._answer("create", spec, tuple(hosts), value=pb.Cluster(spec=spec_to_pb(spec)))

    async def update(self, spec: ClusterSpec, paths: Sequence[str]) -> Result[pb.Cluster]:
        return self._answer("update", spec, tuple(paths), value=pb.Cluster(spec=spec_to_pb(spec)))

    async def delete(self, name: str, release_hosts: bool) -> Result[pb.DeleteClusterResponse]:
        return self._answer("delete", name, release_hosts, value=pb.DeleteClusterResponse())

    async def add_hosts(self, name: str, hosts: Sequence[str]) -> Result[pb.Cluster]:
        return self._answer("add_hosts", name, tuple(hosts), value=pb.Cluster())

    async def remove_hosts(self, name: str, hosts: Sequence[str]) -> Result[pb.Cluster]:
        return self._answer("remove_hosts", name, tuple(hosts), value=pb.Cluster())

    async def set_maintenance(
        self, hosts: Sequence[str], maintenance: bool
    ) -> Result[list[pb.Node]]:
        return self._answer("set_maintenance", tuple(hosts), maintenance, value=[])
