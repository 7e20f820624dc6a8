"""Clusters: groups of hosts with HA and DRS policy and a default pool and network.

Each cluster is a ``pb.Cluster`` in the inventory (``OBJECT_KIND_CLUSTER``, keyed by name), so
every change is stored, survives a restart and is published on Watch. Every rule of
``domain.cluster_rules`` is enforced here with its sentence; a refused request is refused
before anything is written, so it changes nothing. The derived fields (status, figures, pools,
networks; ``coordinator.cluster_facts``) follow nodes, pools, networks and host usage, and a
cluster is stored again only when one of them actually moved (no Watch churn).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from coordinator.cluster_facts import Fleet, derived, read_fleet
from coordinator.inventory import Inventory
from coordinator.nodes import NodeRegistry
from coordinator.realized_errors import ObjectExists, ObjectNotFound, Refused
from domain.cluster_rules import (
    admission_problem,
    default_problem,
    membership_conflicts,
    removal_problem,
)
from domain.clusters import (
    ClusterSpec,
    apply_update,
    validate_cluster_name,
    validate_cluster_spec,
    validate_update_paths,
)
from domain.errors import ValidationError
from domain.limits import MAX_LIST, shortened
from domain.pools import validate_host_names
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.cluster_codec import spec_from_pb, spec_to_pb
from wire.proto_time import timestamp_of

log = logging.getLogger(__name__)

KIND = pb.OBJECT_KIND_CLUSTER
NOUN = "cluster"

# Clusters one coordinator holds: a cluster of one host is already the smallest useful one,
# so more clusters than the fleet may hold hosts (coordinator.nodes.MAX_NODES) is a mistake or
# an attack, refused rather than stored.
MAX_CLUSTERS = MAX_LIST

# A refusal's sentence goes back as the gRPC status details, which travel in a trailer that
# gRPC caps at 8 KiB by default; percent-encoding may triple a character. 2,048 characters keep
# every rule's sentence whole for dozens of hosts and the trailer far below the cap.
REFUSAL_MAX = 2048
# Sentences of one kind (e.g. hosts already in other clusters) quoted before "and N more".
REFUSALS_LISTED = 5


class LatestUsage(Protocol):
    """Each host's latest usage, kept by the usage history (coordinator's usage part)."""

    def latest(self, host: str) -> tuple[float, float] | None:
        """(CPU busy share, memory share), both 0..1; None before the host's first sample."""
        ...


class NoUsage:
    """No usage known (before the usage history is wired in): status from hosts alone."""

    def latest(self, host: str) -> tuple[float, float] | None:
        return None


def _refusal(sentences: Sequence[str]) -> Refused:
    listed = list(sentences[:REFUSALS_LISTED])
    if len(sentences) > REFUSALS_LISTED:
        listed.append(f"and {len(sentences) - REFUSALS_LISTED} more")
    return Refused(shortened("; ".join(listed), REFUSAL_MAX))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class ClusterManager:
    def __init__(
        self,
        inventory: Inventory,
        nodes: NodeRegistry,
        usage: LatestUsage | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._inventory = inventory
        self._nodes = nodes
        self.usage: LatestUsage = usage or NoUsage()
        self._clock = clock
        for kind in (pb.OBJECT_KIND_NODE, pb.OBJECT_KIND_POOL, pb.OBJECT_KIND_NETWORK):
            inventory.on_change(kind, self._fleet_changed)
        # What changed while the coordinator was down (a node removed, code that derives
        # more) shows from the start.
        self.refresh()

    # --- reads ----------------------------------------------------------------------------

    def list(self) -> list[pb.Cluster]:
        return [c for c in self._inventory.list(KIND) if isinstance(c, pb.Cluster)]

    def get(self, name: str) -> pb.Cluster:
        validate_cluster_name(name, "name")
        cluster = self._inventory.get(KIND, name)
        if not isinstance(cluster, pb.Cluster):
            raise ObjectNotFound(NOUN, name)
        return cluster

    # --- changes --------------------------------------------------------------------------

    def create(self, spec_pb: pb.ClusterSpec, hosts: Sequence[str], caller: str) -> pb.Cluster:
        spec = spec_from_pb(spec_pb)
        members = sorted(validate_host_names(hosts))
        if self._inventory.get(KIND, spec.name) is not None:
            raise ObjectExists(NOUN, spec.name)
        if len(self.list()) >= MAX_CLUSTERS:
            raise Refused(
                f"this coordinator holds {MAX_CLUSTERS} clusters, its limit; delete unused "
                "ones first"
            )
        self._check_registered(members)
        self._check_joinable(spec.name, members)
        fleet = self._fleet()
        problems = [admission_problem(spec.ha, len(members))]
        problems += self._default_problems(spec, members, fleet)
        if refused := [p for p in problems if p]:
            raise _refusal(refused)
        now = timestamp_of(self._clock())
        cluster = pb.Cluster(
            spec=spec_to_pb(spec), hosts=members, created_by=caller, created_at=now, updated_at=now
        )
        log.info("cluster created", extra={"cluster": spec.name, "hosts": len(members)})
        return self._save(cluster, fleet)

    def update(self, spec_pb: pb.ClusterSpec, paths: Sequence[str]) -> pb.Cluster:
        requested = spec_from_pb(spec_pb)
        chosen = validate_update_paths(paths)
        current_pb = self.get(requested.name)
        current = spec_from_pb(current_pb.spec)
        new = validate_cluster_spec(apply_update(current, requested, chosen))
        if new == current:
            return current_pb
        members = list(current_pb.hosts)
        fleet = self._fleet()
        problems = [admission_problem(new.ha, len(members)) if new.ha != current.ha else None]
        # Only a default that changes is checked: one that broke since (its pool deleted) is
        # the cluster's WARNING, and must not block editing the description.
        changed_defaults = [
            kind
            for kind, old, value in (
                ("pool", current.default_pool, new.default_pool),
                ("network", current.default_network, new.default_network),
            )
            if old != value
        ]
        problems += self._default_problems(new, members, fleet, changed_defaults)
        if refused := [p for p in problems if p]:
            raise _refusal(refused)
        cluster = pb.Cluster()
        cluster.CopyFrom(current_pb)
        cluster.spec.CopyFrom(spec_to_pb(new))
        cluster.updated_at.CopyFrom(timestamp_of(self._clock()))
        log.info("cluster updated", extra={"cluster": new.name, "paths": list(chosen)})
        return self._save(cluster, fleet)

    def delete(self, name: str, release_hosts: bool) -> list[str]:
        """Forget the cluster; returns the hosts it released (they stay registered)."""
        cluster = self.get(name)
        hosts = list(cluster.hosts)
        if hosts and not release_hosts:
            them = "it" if len(hosts) == 1 else "them"
            raise Refused(
                f"cluster {name} has {_plural(len(hosts), 'host')}; remove {them} first, or "
                "delete with release_hosts"
            )
        self._inventory.remove(KIND, name)
        log.info("cluster deleted", extra={"cluster": name, "released": len(hosts)})
        return hosts

    def add_hosts(self, name: str, hosts: Sequence[str]) -> pb.Cluster:
        cluster = self.get(name)
        adding = self._named_hosts(hosts, "add")
        self._check_registered(adding)
        self._check_joinable(name, adding)
        new = [h for h in adding if h not in cluster.hosts]
        if not new:
            return cluster
        members = sorted([*cluster.hosts, *new])
        fleet = self._fleet()
        if refused := self._default_problems(spec_from_pb(cluster.spec), members, fleet):
            raise _refusal(refused)
        return self._set_hosts(cluster, members, fleet)

    def remove_hosts(self, name: str, hosts: Sequence[str]) -> pb.Cluster:
        cluster = self.get(name)
        removing = self._named_hosts(hosts, "remove")
        for i, host in enumerate(removing):
            if host not in cluster.hosts:
                raise ValidationError(f"hosts[{i}]", f"{host} is not in cluster {name}")
        problem = removal_problem(spec_from_pb(cluster.spec).ha, cluster.hosts, removing)
        if problem:
            raise Refused(shortened(problem, REFUSAL_MAX))
        members = [h for h in cluster.hosts if h not in removing]
        return self._set_hosts(cluster, members, self._fleet())

    # --- what the members add up to -------------------------------------------------------

    def refresh(self) -> None:
        """Recompute every cluster's derived fields; store those that moved."""
        clusters = self.list()
        if not clusters:
            return
        fleet = self._fleet()
        for cluster in clusters:
            self._save(cluster, fleet)

    def usage_changed(self, hosts: Iterable[str]) -> None:
        """Hosts' latest usage moved (the usage history calls this after each coalesced
        publish): their clusters' status may cross the high-usage line."""
        moved = set(hosts)
        clusters = [c for c in self.list() if moved.intersection(c.hosts)]
        if not clusters:
            return
        fleet = self._fleet()
        for cluster in clusters:
            self._save(cluster, fleet)

    def _fleet_changed(self) -> None:
        # Called inside another object's change (a node's heartbeat, a pool's report): a bug
        # here must not fail that change, only leave the clusters' figures behind.
        try:
            self.refresh()
        except Exception:
            log.exception("clusters could not follow a change in the fleet")

    # --- helpers --------------------------------------------------------------------------

    def _fleet(self) -> Fleet:
        return read_fleet(self._inventory, self.usage.latest)

    def _save(self, cluster: pb.Cluster, fleet: Fleet) -> pb.Cluster:
        """Store ``cluster`` with its derived fields, unless the stored one is equal."""
        fresh = derived(cluster, fleet)
        name = fresh.spec.name
        if self._inventory.get(KIND, name) != fresh:
            self._inventory.put(KIND, name, fresh)
        return fresh

    def _set_hosts(self, cluster: pb.Cluster, members: Sequence[str], fleet: Fleet) -> pb.Cluster:
        changed = pb.Cluster()
        changed.CopyFrom(cluster)
        del changed.hosts[:]
        changed.hosts.extend(sorted(members))
        changed.updated_at.CopyFrom(timestamp_of(self._clock()))
        log.info("cluster hosts changed", extra={"cluster": cluster.spec.name, "hosts": members})
        return self._save(changed, fleet)

    @staticmethod
    def _named_hosts(hosts: Sequence[str], verb: str) -> list[str]:
        if not hosts:
            raise ValidationError("hosts", f"name at least one host to {verb}")
        return list(validate_host_names(hosts))

    def _check_registered(self, hosts: Sequence[str]) -> None:
        unknown = [h for h in hosts if not self._nodes.knows(h)]
        if unknown:
            first = hosts.index(unknown[0])
            names = shortened(", ".join(unknown), REFUSAL_MAX)
            raise ValidationError(
                f"hosts[{first}]",
                f"no host named {names} is registered"
                if len(unknown) == 1
                else f"no hosts named {names} are registered",
            )

    def _check_joinable(self, name: str, hosts: Sequence[str]) -> None:
        cluster_of = {host: c.spec.name for c in self.list() for host in c.hosts}
        if conflicts := membership_conflicts(name, hosts, cluster_of):
            raise _refusal(conflicts)

    @staticmethod
    def _default_problems(
        spec: ClusterSpec,
        members: Sequence[str],
        fleet: Fleet,
        kinds: Sequence[str] = ("pool", "network"),
    ) -> list[str]:
        """Why the cluster's default pool or network cannot serve ``members``: each must be
        a managed one placed on every member."""
        problems = []
        for kind, name, table in (
            ("pool", spec.default_pool, fleet.pools),
            ("network", spec.default_network, fleet.networks),
        ):
            if kind not in kinds:
                continue
            placed = table.get(name)
            problem = default_problem(kind, name, placed.hosts if placed else None, members)
            if problem:
                problems.append(problem)
        return problems
