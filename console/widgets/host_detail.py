"""The selected host's detail, read straight from its node daemon (console.node_detail).

CPU, memory, NICs, libvirt and hypervisor versions, the pool types the host supports, its
storage pools and its networks. What could not be read is said in place, in full, next to
what could. Its CPU and memory usage over the last 15 minutes come from the coordinator
(console.usage), with where the host's figures come from.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clients import present
from console.connection import IdentitySource, no_identity
from console.kit.card_style import USAGE_TEXT
from console.kit.list_keys import keyboard_list
from console.latest_task import LatestTask
from console.node_detail import HostDetail, fetch_host_detail
from console.usage.usage_graph import UsageGraph
from console.usage.usage_store import UsageStore
from console.usage.usage_text import source_text
from console.widgets.detail_parts import form_scroll, placeholder_stack, value_label
from console.widgets.error_view import SELECTABLE, ErrorView
from console.widgets.tables import Cell
from domain import capacity
from domain.capacity import Usage
from domain.pool_types import pool_type_label
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2
from proto.quantix.v1 import coordinator_pb2 as pb

# An offline host's header and stale notice word its silence ("3 min ago"): redrawn as often as
# the Hosts page's cells, so the two never disagree for long.
AGE_REFRESH_MS = 1000

EMPTY_TEXT = (
    "Select a host to see its CPU, memory, network interfaces, storage pools and networks, "
    "read directly from the host's node daemon."
)


def _table(parent: QWidget, headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(False)
    keyboard_list(table)
    return table


def _fill(
    table: QTableWidget,
    rows: Sequence[Sequence[str | Cell]],
    empty: str,
    numeric: Sequence[int] = (),
) -> None:
    """Replace the rows; ``numeric`` columns are right-aligned so that digits line up."""
    table.clearSpans()
    if not rows:
        table.setRowCount(1)
        item = QTableWidgetItem(empty)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        table.setItem(0, 0, item)
        table.setSpan(0, 0, 1, table.columnCount())
        return
    table.setRowCount(len(rows))
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            cell = value if isinstance(value, Cell) else Cell(value)
            item = QTableWidgetItem(cell.text)
            if cell.colour:
                item.setForeground(QColor(cell.colour))
            if column in numeric:
                item.setTextAlignment(right)
            table.setItem(row, column, item)


def _pool_row(pool: common_pb2.HostStoragePool, managed: bool) -> tuple[str | Cell, ...]:
    """A pool on this host: figures that cannot be true are "unknown (libvirt reported ...)",
    and a pool that is (nearly) full has the warning colour, as on the Storage page."""
    facts = capacity.assess(pool.capacity_bytes, pool.allocation_bytes, pool.available_bytes)
    if facts.problem:
        figures: tuple[str | Cell, ...] = (
            Cell(capacity.unknown_text(facts.problem), USAGE_TEXT[Usage.CRITICAL]),
            "—",
            "—",
        )
    else:
        colour = USAGE_TEXT[facts.usage] if facts.usage is Usage.CRITICAL else ""
        figures = (
            format_bytes(pool.capacity_bytes),
            Cell(format_bytes(pool.allocation_bytes), colour),
            Cell(format_bytes(pool.available_bytes), colour),
        )
    return (
        pool.name,
        "Managed" if managed else "Unmanaged",
        pool_type_label(pool.type),
        present.pool_state_label(pool.state),
        *figures,
        pool.source or pool.target_path or "—",
    )


class HostDetailPanel(QWidget):
    """Detail of one host; ``show_host(node)`` switches hosts, ``refresh()`` reads again."""

    # Emitted when a read finishes (with or without errors), for tests and the status bar.
    loaded = Signal(object)  # HostDetail

    def __init__(
        self,
        parent: QWidget | None = None,
        managed_pools: Callable[[str], set[str]] = lambda _host: set(),
        identity: IdentitySource = no_identity,
        usage: UsageStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hostDetail")
        self._usage = usage
        self.usage_graph: UsageGraph | None = None
        self._identity = identity
        # The names of the pools Quantix manages on a host (from the coordinator's pools).
        self._managed_pools = managed_pools
        self._node: pb.Node | None = None
        self._read = LatestTask()
        self.detail: HostDetail | None = None

        self._age_timer = QTimer(self)
        self._age_timer.setInterval(AGE_REFRESH_MS)
        self._age_timer.timeout.connect(self._on_age_timer)

        self._stack, self.empty_label = placeholder_stack(self, EMPTY_TEXT)
        self._stack.addWidget(self._build_detail())
        self._stack.setCurrentIndex(0)

    def _build_detail(self) -> QWidget:
        page = QWidget(self)
        self.title_label = QLabel(page)
        self.title_label.setObjectName("detailTitle")
        self.title_label.setTextInteractionFlags(SELECTABLE)
        self.subtitle_label = QLabel(page)
        self.subtitle_label.setObjectName("detailSubtitle")
        self.subtitle_label.setTextInteractionFlags(SELECTABLE)
        self.refresh_button = QPushButton("&Refresh", page)
        self.refresh_button.setToolTip("Read this host's detail again from its node daemon (F5)")
        self.refresh_button.clicked.connect(self._on_refresh_clicked)

        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        header = QHBoxLayout()
        header.addLayout(titles, 1)
        header.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)

        # What is shown was read while the host answered: once the coordinator reports it
        # offline, say so at once (no Refresh needed), with what was read and when.
        self.stale_label = QLabel(page)
        self.stale_label.setObjectName("staleBanner")
        self.stale_label.setWordWrap(True)
        self.stale_label.setTextInteractionFlags(SELECTABLE)
        self.stale_label.setVisible(False)

        self.error_view = ErrorView(page)
        self.error_view.clear()

        self.tabs = QTabWidget(page)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_overview(), "&Overview")
        if self._usage is not None:
            self.tabs.addTab(self._build_usage(self._usage), "&Usage")
        self.nics_table = _table(page, ("Name", "MAC address", "MTU", "Speed", "Link"))
        self.tabs.addTab(self.nics_table, "I&nterfaces")
        self.pools_table = _table(
            page,
            ("Name", "Quantix", "Type", "State", "Capacity", "Allocated", "Available", "Source"),
        )
        self.tabs.addTab(self.pools_table, "&Storage pools")
        self.networks_table = _table(
            page, ("Name", "State", "Forwarding", "Bridge", "Addresses", "Autostart")
        )
        self.tabs.addTab(self.networks_table, "Net&works")

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.error_view)
        layout.addWidget(self.tabs, 1)
        layout.addStretch(0)  # takes the room of the tabs when they are hidden
        return page

    def _build_overview(self) -> QWidget:
        scroll, form = form_scroll(self)
        body = form.parentWidget()
        self.overview: dict[str, QLabel] = {}
        for key, caption in (
            ("hostname", "Host name"),
            ("cpu", "CPU"),
            ("topology", "Topology"),
            ("memory", "Memory"),
            ("hypervisor", "Hypervisor"),
            ("libvirt", "libvirt"),
            ("daemon", "Node daemon"),
            ("pool_types", "Storage pool types"),
        ):
            value = value_label(body)
            self.overview[key] = value
            form.addRow(f"{caption}:", value)
        return scroll

    def _build_usage(self, usage: UsageStore) -> QWidget:
        page = QWidget(self)
        self.usage_graph = UsageGraph(usage, page)
        self.usage_source_label = value_label(page)
        self.usage_source_label.setObjectName("usageSource")
        usage.changed.connect(self._on_usage_changed)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.usage_graph, 1)
        layout.addWidget(self.usage_source_label)
        return page

    def _on_usage_changed(self, hosts: frozenset[str]) -> None:
        if self._node is not None and self._node.name in hosts:
            self._show_usage_source(self._node.name)

    def _show_usage_source(self, host: str) -> None:
        if self._usage is None:
            return
        self.usage_source_label.setText(
            f"Source of the figures: {source_text(self._usage.source(host))} "
            "(read by the host's node daemon before each heartbeat)"
        )

    # --- public ---------------------------------------------------------------------------

    @property
    def node(self) -> pb.Node | None:
        return self._node

    def show_host(self, node: pb.Node | None) -> None:
        """Show ``node`` (None: nothing selected). A new host, or a new address, or a host
        that just came back online, is read again; other updates only refresh the header."""
        previous = self._node
        self._node = node
        if node is None:
            self._read.cancel()
            self.detail = None
            if self.usage_graph is not None:
                self.usage_graph.show_hosts([])
            self._stack.setCurrentIndex(0)
            self._age_timer.stop()
            return
        self._stack.setCurrentIndex(1)
        self._show_header(node)
        self._show_stale(node)
        if self.usage_graph is not None and (previous is None or previous.name != node.name):
            self.usage_graph.show_hosts([node.name])
            self._show_usage_source(node.name)
        came_back = (
            previous is not None
            and previous.status != pb.NODE_STATUS_CONNECTED
            and node.status == pb.NODE_STATUS_CONNECTED
        )
        if (
            previous is None
            or previous.name != node.name
            or previous.address != node.address
            or came_back
        ):
            self.refresh()

    def refresh(self) -> None:
        node = self._node
        if node is None:
            return
        self._read.cancel()
        self._show_loading(node)
        self._read.start(self._load(node.name, node.address), name=f"host detail {node.name}")

    async def stop(self) -> None:
        await self._read.stop()

    # --- internals ------------------------------------------------------------------------

    async def _load(self, name: str, address: str) -> None:
        try:
            detail = await fetch_host_detail(name, address, self._identity())
        except Exception as error:
            # fetch_host_detail reports RPC failures itself; this is anything else (a bad
            # address from the coordinator, a channel that could not be made).
            detail = HostDetail(name, address, errors=[f"{name} ({address}): {error}"])
        if self._node is None or self._node.name != name:
            return
        self._show_detail(detail)

    def _on_refresh_clicked(self) -> None:
        self.refresh()

    def _show_header(self, node: pb.Node) -> None:
        self.title_label.setText(node.name)
        status = present.node_status_text(node, time.time())
        parts = [f"Node daemon {node.address or 'address unknown'}", status]
        detail = self.detail
        if detail is not None and detail.name == node.name and detail.fetched_at:
            parts.append("read at " + time.strftime("%H:%M:%S", time.localtime(detail.fetched_at)))
        self.subtitle_label.setText(" · ".join(parts))

    def _show_stale(self, node: pb.Node) -> None:
        """Mark what is shown as possibly out of date while the host is offline, and keep the
        wording of its silence current."""
        offline = node.status == pb.NODE_STATUS_OFFLINE
        if offline and not self._age_timer.isActive():
            self._age_timer.start()
        elif not offline:
            self._age_timer.stop()
        self.stale_label.setVisible(offline)
        if not offline:
            return
        status = present.node_status_text(node, time.time()).replace(present.STATUS_SEPARATOR, ": ")
        detail = self.detail
        if detail is not None and detail.name == node.name and detail.fetched_at:
            read_at = time.strftime("%H:%M:%S", time.localtime(detail.fetched_at))
            shown = f"What is shown was read at {read_at} and may be out of date."
        else:
            shown = "Its detail cannot be read until it is back."
        self.stale_label.setText(f"{node.name} is {status[0].lower()}{status[1:]}. {shown}")

    def _on_age_timer(self) -> None:
        node = self._node
        if node is None:
            self._age_timer.stop()
            return
        self._show_header(node)
        self._show_stale(node)

    def _show_loading(self, node: pb.Node) -> None:
        self.detail = None
        self._show_header(node)
        self.error_view.clear()
        self.tabs.setVisible(True)
        self.refresh_button.setEnabled(False)
        where = f"{node.name} ({node.address})"
        for label in self.overview.values():
            label.clear()
        self.overview["hostname"].setText(f"Reading from {where}…")
        for table in (self.nics_table, self.pools_table, self.networks_table):
            _fill(table, (), f"Reading from {where}…")

    def _show_detail(self, detail: HostDetail) -> None:
        self.detail = detail
        if self._node is not None:
            self._show_header(self._node)
            self._show_stale(self._node)
        self.refresh_button.setEnabled(True)
        nothing_read = detail.host_info is None and detail.pools is None and detail.networks is None
        if detail.errors:
            where = f"{detail.name} ({detail.address or 'no address'})"
            title = (
                f"Could not read the detail of {where}"
                if nothing_read
                else f"Could not read everything from {where}"
            )
            node = self._node
            if node is not None and node.status == pb.NODE_STATUS_OFFLINE:
                title += " — the coordinator reports this host offline"
            self.error_view.set_error(title, "\n".join(detail.errors))
        else:
            self.error_view.clear()
        # With nothing read, empty tabs would only repeat "not available": the error says it.
        self.tabs.setVisible(not (nothing_read and detail.errors))
        self._show_overview(detail.host_info)
        self._show_nics(detail.host_info)
        self._show_pools(detail.pools)
        self._show_networks(detail.networks)
        self.loaded.emit(detail)

    def _show_overview(self, info: common_pb2.HostInfo | None) -> None:
        labels = self.overview
        if info is None:
            for label in labels.values():
                label.setText("")
            labels["hostname"].setText("Not available (see the error above)")
            return
        cpu = info.cpu
        labels["hostname"].setText(info.hostname or "Not reported")
        labels["cpu"].setText(
            f"{cpu.model or 'Unknown model'} ({cpu.arch})" if cpu.arch else cpu.model or "Unknown"
        )
        labels["topology"].setText(present.cpu_topology(cpu))
        labels["memory"].setText(format_bytes(info.memory_bytes) if info.memory_bytes else "—")
        labels["hypervisor"].setText(
            f"{info.hypervisor} {info.hypervisor_version}".strip() or "Not reported"
        )
        libvirt = info.libvirt_version or "version not reported"
        if info.libvirt_uri:
            libvirt += f" · {info.libvirt_uri}"
        labels["libvirt"].setText(libvirt)
        daemon = self._node.daemon_version if self._node else ""
        labels["daemon"].setText(daemon or "Version not reported")
        # Unknown types are shown as such ("Unknown type (foo)"), never dropped.
        types = [pool_type_label(name) for name in info.supported_pool_types]
        text = ", ".join(types) if types else "None reported"
        if info.pool_types_source and info.pool_types_source != "libvirt":
            text += f"\n({info.pool_types_source})"
        labels["pool_types"].setText(text)

    def _show_rows(
        self,
        table: QTableWidget,
        label: str,
        rows: Sequence[Sequence[str | Cell]] | None,
        empty: str,
        numeric: Sequence[int] = (),
    ) -> None:
        """Fill ``table`` and count its rows in its tab's name; ``rows`` is None when they
        could not be read (the error view says why)."""
        tab = self.tabs.indexOf(table)
        if rows is None:
            _fill(table, (), "Not available (see the error above)")
            self.tabs.setTabText(tab, label)
            return
        _fill(table, rows, empty, numeric)
        self.tabs.setTabText(tab, f"{label} ({len(rows)})")

    def _show_nics(self, info: common_pb2.HostInfo | None) -> None:
        rows = None
        if info is not None:
            rows = [
                (
                    nic.name,
                    nic.mac or "—",
                    present.mtu_text(nic.mtu),
                    present.nic_speed(nic.speed_mbps),
                    present.nic_link(nic),
                )
                for nic in info.nics
            ]
        self._show_rows(
            self.nics_table, "I&nterfaces", rows, "This host reports no network interfaces", (2, 3)
        )

    def _show_pools(self, pools: list[common_pb2.HostStoragePool] | None) -> None:
        rows = None
        if pools is not None:
            managed = self._managed_pools(self._node.name) if self._node is not None else set()
            rows = [_pool_row(pool, pool.name in managed) for pool in pools]
        self._show_rows(
            self.pools_table, "&Storage pools", rows, "This host has no storage pools", (4, 5, 6)
        )

    def _show_networks(self, networks: list[common_pb2.HostNetwork] | None) -> None:
        rows = None
        if networks is not None:
            rows = [
                (
                    net.name,
                    "Active" if net.active else "Inactive",
                    present.network_forward_label(net.forward_mode),
                    net.bridge or "—",
                    ", ".join(net.ip_cidrs) or "—",
                    present.yes_no(net.autostart),
                )
                for net in networks
            ]
        self._show_rows(self.networks_table, "Net&works", rows, "This host has no virtual networks")
