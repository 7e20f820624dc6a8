"""Storage pools: the realized-object lifecycle (coordinator.realized) with what only pools
have — secrets, capacity, the volume check before a delete, a local directory's one host, and
what hosts report of their pools (``reconcile``).

Secrets (a Ceph key, a CHAP secret) are kept in the store's secrets table, never in the Pool
object, so no read reply, Watch event or log line can carry one; they are sent only to node
daemons, inside InitStoragePool.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from coordinator import host_statuses as hs
from coordinator import pool_status as ps
from coordinator import pool_teardown as teardown
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.realize import HostOutcome, Operation, Realizer, WorkKey
from coordinator.realized import RealizedManager
from coordinator.realized_errors import ObjectExists
from coordinator.store import Store
from domain.pool_xml import libvirt_pool_type
from domain.pools import CephSource, IscsiSource, PoolSpec, validate_pool_name, validate_pool_spec
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_from_pb, spec_to_pb
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_POOL
NOUN = "pool"
SECRET_CEPH_KEY = "ceph.key"
SECRET_CHAP = "iscsi.chap_secret"
REDACTED = "[secret]"


def _scope(name: str) -> str:
    return f"{NOUN}/{name}"


def work_key(name: str) -> WorkKey:
    """The Realizer's key of a pool's work on its hosts."""
    return WorkKey(NOUN, name)


def _secrets_of(spec: PoolSpec) -> dict[str, str]:
    if isinstance(spec.source, CephSource) and spec.source.key:
        return {SECRET_CEPH_KEY: spec.source.key}
    if isinstance(spec.source, IscsiSource) and spec.source.chap_secret:
        return {SECRET_CHAP: spec.source.chap_secret}
    return {}


class PoolAdapter:
    """What pools add to the shared lifecycle."""

    noun = NOUN
    kind = KIND
    message_type = pb.Pool
    keep_note = " (a local directory exactly one)"
    left_alone = "its storage is left as is"

    def __init__(self, store: Store) -> None:
        self._store = store

    def validate_name(self, name: str) -> None:
        validate_pool_name(name, "name")

    def every_host(self, pool: pb.Pool) -> bool:
        return ps.every_host(pool)

    def single_host(self, pool: pb.Pool) -> bool:
        return pool.spec.backend == cpb.POOL_BACKEND_LOCAL_DIR

    def init_operation(self, pool: pb.Pool) -> Operation[Any]:
        spec = self._node_spec(pool)
        return lambda client, timeout_s: client.init_storage_pool(spec, timeout_s)

    def status_from_init(self, outcome: HostOutcome[Any], now: float) -> cpb.HostStatus:
        return ps.from_init(outcome, now)

    async def destroy(
        self,
        realizer: Realizer,
        pool: pb.Pool,
        hosts: list[str],
        force: bool,
        before_destroy: Callable[[], None],
    ) -> list[HostOutcome[Any]]:
        return await teardown.destroy(realizer, pool, hosts, force, before_destroy)

    def refresh_facts(self, pool: pb.Pool) -> None:
        ps.refresh_capacity(pool)

    def redact(self, name: str, text: str) -> str:
        for secret in self._store.load_secrets(_scope(name)).values():
            if secret:
                text = text.replace(secret, REDACTED)
        return text

    def forget(self, name: str) -> None:
        self._store.delete_secrets(_scope(name))

    def deleted_response(self, results: list[cpb.HostStatus]) -> pb.DeletePoolResponse:
        return pb.DeletePoolResponse(deleted=True, results=results)

    def refused_response(
        self, results: list[cpb.HostStatus], pool: pb.Pool
    ) -> pb.DeletePoolResponse:
        return pb.DeletePoolResponse(deleted=False, results=results, pool=pool)

    def _node_spec(self, pool: pb.Pool) -> cpb.PoolSpec:
        """The spec a node needs: the stored one with its secrets put back."""
        spec = cpb.PoolSpec()
        spec.CopyFrom(pool.spec)
        secrets = self._store.load_secrets(_scope(pool.spec.name))
        if spec.HasField("ceph_rbd") and SECRET_CEPH_KEY in secrets:
            spec.ceph_rbd.key = secrets[SECRET_CEPH_KEY]
        if spec.HasField("iscsi") and SECRET_CHAP in secrets:
            spec.iscsi.chap_secret = secrets[SECRET_CHAP]
        return spec


class PoolManager(RealizedManager[pb.Pool]):
    def __init__(
        self,
        inventory: Inventory,
        store: Store,
        nodes: NodeRegistry,
        realizer: Realizer,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(PoolAdapter(store), inventory, store, nodes, realizer, clock)

    def create(self, message: cpb.PoolSpec) -> pb.Pool:
        spec = validate_pool_spec(spec_from_pb(message))
        if self.exists(spec.name):
            raise ObjectExists("pool", spec.name)
        hosts = self.hosts_for(spec.hosts)
        now = self._clock()
        pool = pb.Pool(
            spec=spec_to_pb(spec, include_secrets=False),
            created_at=timestamp_of(now),
            updated_at=timestamp_of(now),
        )
        secrets = _secrets_of(spec)
        if secrets:
            self._store.put_secrets(_scope(spec.name), secrets)
        else:
            self._store.delete_secrets(_scope(spec.name))
        log.info(
            "pool created",
            extra={"pool": spec.name, "backend": spec.backend.value, "hosts": hosts},
        )
        return self.initialize(pool, hosts)

    def pools_on(self, host: str) -> list[str]:
        return self.on_host(host)

    def reconcile(
        self,
        host: str,
        reported: Sequence[cpb.HostStoragePool],
        stamp: cpb.ChangeStamp | None = None,
    ) -> None:
        """Make each pool's status on ``host`` agree with what the host reports: a pool shown
        READY there that is not defined or not running becomes ERROR (NOT_RUNNING) saying so,
        and back READY when the host reports it running again. Hosts with work in flight are
        left to that work's outcome, and so is a status that comes from an operation the list
        does not include yet (``stamp``: a list read before an init, delivered after it)."""
        stamp = stamp or cpb.ChangeStamp()
        found = {pool.name: pool for pool in reported}
        now = self._clock()
        for pool in self.list():
            name = pool.spec.name
            status = hs.find(pool, host)
            if (
                status is None
                or self.busy_on(name, host)
                or not hs.follows_reports(status)
                or hs.newer_than(status.stamp, stamp)
            ):
                continue
            expected = libvirt_pool_type(spec_from_pb(pool.spec))
            updated = ps.reported_status(status, name, found.get(name), now, stamp, expected)
            if updated is not None:
                self.save(pool, lambda p, s=updated: hs.put_status(p, s))
