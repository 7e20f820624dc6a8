"""Taking a pool off hosts (UnassignHosts, DeletePool): the volume check, then the destroy.

A host is left alone when the pool there is not this one (initialization found another pool of
the same name: CONFLICT). A host that could not even be asked about its volumes (offline, no
answer in time) keeps that outcome rather than costing a second deadline on the destroy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coordinator import host_statuses as hs
from coordinator.realize import REASON_OFFLINE, REASON_TIMEOUT, HostOutcome, Realizer, WorkKey
from coordinator.realized_errors import Refused
from proto.quantix.v1 import coordinator_pb2 as pb


async def destroy(
    realizer: Realizer,
    pool: pb.Pool,
    hosts: list[str],
    force: bool,
    before_destroy: Callable[[], None],
) -> list[HostOutcome[Any]]:
    """Refuse while the pool holds volumes (unless ``force``), then destroy it on every host
    at once; one outcome per host, in the order of ``hosts``."""
    name = pool.spec.name
    settled = hs.not_ours(pool, hosts, "pool")
    if not force:
        settled.update(await check_volumes(realizer, name, [h for h in hosts if h not in settled]))
    before_destroy()
    outcomes = await realizer.run(
        WorkKey("pool", name),
        [h for h in hosts if h not in settled],
        lambda client, timeout_s: client.destroy_storage_pool(name, force, timeout_s),
    )
    by_host = {**settled, **{o.host: o for o in outcomes}}
    return [by_host[h] for h in hosts]


async def check_volumes(
    realizer: Realizer, name: str, hosts: list[str]
) -> dict[str, HostOutcome[Any]]:
    """Refused naming each host and its volume count; otherwise the hosts not to try."""
    outcomes = await realizer.gather(hosts, lambda client, _timeout_s: client.list_volumes(name))
    counts = {o.host: len(o.result) for o in outcomes if o.ok and o.result}
    if counts:
        held = ", ".join(
            f"{host} has {n} volume{'s' if n != 1 else ''}" for host, n in sorted(counts.items())
        )
        raise Refused(
            f"pool {name} still holds volumes: {held}; delete them first, or force "
            "(the volumes are then left on the storage, not deleted)"
        )
    return {o.host: o for o in outcomes if o.reason in (REASON_TIMEOUT, REASON_OFFLINE)}
