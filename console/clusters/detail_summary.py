"""The cluster detail's Summary tab: status with its reason, what the members add up to, the
HA and DRS settings in a sentence each, labels and defaults; and the slot where the usage
graphs of the members go (a graph made by the usage part's factory, when the console has one).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from clients import present
from console.clusters import cluster_text
from console.clusters.cluster_style import status_tone
from console.clusters.clusters_model import UsageFractions, spec_of
from console.clusters.usage_hook import GraphFactory
from console.pool_text import SettingRow
from console.widgets.detail_parts import form_scroll, show_rows
from proto.quantix.v1 import coordinator_pb2 as pb

NO_GRAPHS = (
    "No usage yet: CPU and memory graphs of the members appear here once hosts report their usage."
)


def summary_rows(cluster: pb.Cluster, usage: UsageFractions) -> list[SettingRow]:
    spec = spec_of(cluster)
    figures = cluster.figures
    # Worded as the Images page words it: who, then the reader's local clock time.
    seconds = present.timestamp_seconds(cluster.created_at)
    created = present.clock_time(seconds, time.time()) if seconds is not None else ""
    by = f" by {cluster.created_by}" if cluster.created_by else ""
    return [
        SettingRow("Status", cluster_text.status_line(cluster)),
        SettingRow("Hosts", cluster_text.hosts_count_text(figures)),
        SettingRow("Capacity", cluster_text.capacity_text(figures)),
        SettingRow("CPU in use", cluster_text.usage_bar(usage.cpu).text),
        SettingRow("Memory in use", cluster_text.usage_bar(usage.memory).text),
        SettingRow("Storage", cluster_text.storage_text(figures)),
        SettingRow("High availability", cluster_text.ha_summary(spec.ha)),
        SettingRow("Load balancing (DRS)", cluster_text.drs_summary(spec.drs)),
        SettingRow("Default pool", cluster_text.optional(spec.default_pool)),
        SettingRow("Default network", cluster_text.optional(spec.default_network)),
        SettingRow("Labels", cluster_text.labels_text(spec.labels)),
        SettingRow("Description", cluster_text.optional(spec.description)),
        SettingRow("Created", f"{created}{by}".strip() or "—"),
    ]


class SummaryTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scroll, self.form = form_scroll(self)
        self.values: dict[str, QLabel] = {}
        self.graph_box = QGroupBox("CPU and memory of the members", self)
        self.graph_layout = QVBoxLayout(self.graph_box)
        self.no_graphs = QLabel(NO_GRAPHS, self.graph_box)
        self.no_graphs.setObjectName("placeholderText")
        self.no_graphs.setWordWrap(True)
        self.no_graphs.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.graph_layout.addWidget(self.no_graphs)
        self.graph: QWidget | None = None
        self._hosts: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        # The form is a dozen short rows; the graph takes the rest, so its 15 minutes of
        # 5 s slots have room to read.
        layout.addWidget(self.scroll, 2)
        layout.addWidget(self.graph_box, 3)

    def set_graph_factory(self, factory: GraphFactory) -> None:
        """Show the usage part's graph in the slot (replacing the "no usage yet" words)."""
        if self.graph is not None:
            return
        self.graph = factory(self.graph_box)
        self.graph_layout.replaceWidget(self.no_graphs, self.graph)
        self.no_graphs.hide()
        self._show_hosts(self._hosts, again=True)

    def show_cluster(self, cluster: pb.Cluster, usage: UsageFractions) -> None:
        self.values = show_rows(self.form, summary_rows(cluster, usage))
        status = self.values.get("Status")
        if status is not None:
            colour = status_tone(cluster_text.status_of(cluster)).text
            status.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self._show_hosts(tuple(cluster.hosts))

    def _show_hosts(self, hosts: Sequence[str], again: bool = False) -> None:
        if tuple(hosts) == self._hosts and not again:
            return  # the graph redraws on its own as samples arrive
        self._hosts = tuple(hosts)
        show = getattr(self.graph, "show_hosts", None)
        if callable(show):
            show(self._hosts)
