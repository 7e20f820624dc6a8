"""Where the Clusters page meets host usage: a usage store (console.usage's ``UsageStore``,
built by the usage part) feeds each cluster's latest CPU and memory share into
``ClustersModel.set_latest_usage``, and the detail's summary shows that store's graph.

Written against the store's published API only (``latest(host) -> (cpu, memory) | None`` and
a ``changed(set_of_hosts)`` signal; ``UsageGraph(store, parent).show_hosts(hosts)``), so the
page works the same without one: its bars then say "no usage yet" and the summary says where
the graphs will be.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from console.clusters.clusters_model import ClustersModel, UsageFractions
from console.models.hosts_model import HostsModel
from domain.usage import combine


class UsageSource(Protocol):
    """What the clusters feature reads of a usage store."""

    changed: Any  # a Qt signal carrying the set of hosts whose usage moved

    def latest(self, host: str) -> tuple[float, float] | None: ...


class UsageGraphView(Protocol):
    """A graph of the combined CPU and memory of some hosts (console.usage's UsageGraph)."""

    def show_hosts(self, hosts: Sequence[str]) -> None: ...


# Makes the graph widget for a parent (``lambda parent: UsageGraph(store, parent)``).
GraphFactory = Callable[[QWidget], QWidget]


def cluster_fractions(
    hosts: Iterable[str],
    latest: Callable[[str], tuple[float, float] | None],
    weights: Callable[[str], tuple[float, float]],
) -> UsageFractions:
    """The members' latest CPU and memory shares, each weighted as domain.usage.combine
    weighs a cluster's curve (logical CPUs, memory bytes); hosts without a sample are left
    out, and None means no member has one."""
    cpu: list[list[float]] = []
    memory: list[list[float]] = []
    cpu_weights: list[float] = []
    memory_weights: list[float] = []
    for host in hosts:
        sample = latest(host)
        if sample is None:
            continue
        cpu_weight, memory_weight = weights(host)
        cpu.append([sample[0]])
        memory.append([sample[1]])
        # A host whose size is unknown yet counts as one unit rather than not at all.
        cpu_weights.append(cpu_weight or 1.0)
        memory_weights.append(memory_weight or 1.0)
    return UsageFractions(
        _single(combine(cpu, cpu_weights)), _single(combine(memory, memory_weights))
    )


def _single(values: list[float]) -> float | None:
    return None if not values or math.isnan(values[0]) else values[0]


class ClusterUsage(QObject):
    """Keeps ``clusters``' CPU and memory bars on ``store``'s latest samples: after each
    ``changed`` only the clusters holding one of those hosts are recomputed, and all of them
    when membership changes."""

    def __init__(
        self, clusters: ClustersModel, hosts: HostsModel, store: UsageSource, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.clusters = clusters
        self.hosts = hosts
        self.store = store
        store.changed.connect(self._on_usage_changed)
        clusters.batch_applied.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self._update(cluster.spec.name for cluster in self.clusters.clusters())

    def _on_usage_changed(self, hosts: object) -> None:
        moved = set(hosts) if isinstance(hosts, Iterable) else set()
        cluster_of = self.clusters.cluster_of()
        self._update({cluster_of[host] for host in moved if host in cluster_of})

    def _update(self, names: Iterable[str]) -> None:
        fractions = {}
        for name in names:
            cluster = self.clusters.cluster(name)
            if cluster is not None:
                fractions[name] = cluster_fractions(cluster.hosts, self.store.latest, self._weights)
        if fractions:
            self.clusters.set_latest_usage(fractions)

    def _weights(self, host: str) -> tuple[float, float]:
        node = self.hosts.node(host)
        if node is None:
            return (0.0, 0.0)
        return (float(node.host_info.cpu.logical_cpus), float(node.host_info.memory_bytes))
