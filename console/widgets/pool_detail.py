"""The selected pool in full: its message (whole, selectable, copyable), per-host status,
capacity, volumes, libvirt XML and settings, with Retry, Assign hosts and Delete; or, for an
Unmanaged card, the pool Quantix did not create (DiscoveredPoolDetail) with Adopt…."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clients import present
from console import pool_text
from console.connection import IdentitySource, no_identity
from console.kit.phase_text import phase_label
from console.kit.tab_order import set_reading_order
from console.pool_style import backend_pixmap
from console.style import set_state_property
from console.widgets.detail_parts import (
    action_button,
    detail_header,
    form_scroll,
    placeholder_stack,
    show_rows,
    value_label,
)
from console.widgets.discovered_pool_detail import DiscoveredPoolDetail
from console.widgets.error_view import ErrorView
from console.widgets.pool_host_reads import PoolHostReads
from console.widgets.pool_hosts_view import PoolHostsView
from console.widgets.pool_message import MessageArea, set_tone
from domain.errors import ValidationError
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_from_pb

EMPTY_TEXT = (
    "Select a pool to see its status on each host, its volumes and its libvirt XML.\n"
    "Arrow keys move between cards; Enter comes here."
)

# The title above a pool's message, by phase.
MESSAGE_TITLES = {
    cpb.PHASE_ERROR: "Not ready on any host",
    cpb.PHASE_DEGRADED: "Not ready on every host",
    cpb.PHASE_PENDING: "Still initializing — failed so far",
    cpb.PHASE_DELETING: "Deleting",
}

TAB_HOSTS, TAB_VOLUMES, TAB_XML, TAB_SETTINGS = range(4)


class PoolDetailPanel(QWidget):
    def __init__(
        self,
        actions: tuple[QAction, QAction, QAction],
        node_address: Callable[[str], str],
        parent: QWidget | None = None,
        adopt: QAction | None = None,
        identity: IdentitySource = no_identity,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("poolDetail")
        self.pool: pb.Pool | None = None
        self._actions = actions
        self.reads = PoolHostReads(self, node_address, identity)

        self._stack, self.empty_label = placeholder_stack(self, EMPTY_TEXT)
        self._stack.addWidget(self._build_detail())
        # An Unmanaged card's detail (a pool Quantix did not create) takes the same place.
        self.discovered = DiscoveredPoolDetail(adopt, self)
        self._stack.addWidget(self.discovered)

    # --- building -------------------------------------------------------------------------

    def _build_detail(self) -> QWidget:
        page = QWidget(self)
        header = detail_header(page)
        self.icon_label, self.title_label = header.icon, header.title
        self.badge, self.subtitle_label = header.badge, header.subtitle
        self.description_label = value_label(page)
        self.description_label.setObjectName("poolDescription")

        title_row = header.layout

        self.retry_button, self.assign_button, self.delete_button = (
            action_button(action, page) for action in self._actions
        )
        self.delete_button.setObjectName("dangerButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)

        self.error_view = ErrorView(page)
        self.error_view.clear()
        self.message_area = MessageArea(self.error_view, page)
        self.message_area.setVisible(False)

        self.capacity_label = value_label(page)
        self.capacity_bar = QProgressBar(page)
        self.capacity_bar.setObjectName("capacityBar")
        self.capacity_bar.setTextVisible(False)
        self.capacity_bar.setRange(0, 1000)
        self.capacity_bar.setFixedHeight(8)

        self.tabs = QTabWidget(page)
        self.tabs.setDocumentMode(True)
        self.hosts_view = PoolHostsView(page)
        self.tabs.addTab(self.hosts_view, "Hos&ts")
        reads = self.reads
        self.tabs.addTab(self._read_tab(page, reads.volumes_note, reads.volumes_table), "Vol&umes")
        self.tabs.addTab(self._read_tab(page, reads.xml_note, reads.xml_view), "&XML")
        self.tabs.addTab(self._build_settings_tab(page), "Sett&ings")
        self.tabs.setCornerWidget(self.reads.bar, Qt.Corner.TopRightCorner)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(title_row)
        layout.addWidget(self.description_label)
        layout.addLayout(buttons)
        layout.addWidget(self.message_area)
        layout.addWidget(self.capacity_label)
        layout.addWidget(self.capacity_bar)
        layout.addWidget(self.tabs, 1)
        # The host reads' bar (the tabs' corner) is made before the rest.
        set_reading_order(layout)
        return page

    @staticmethod
    def _read_tab(page: QWidget, note: QLabel, view: QWidget) -> QWidget:
        """A tab of what is read from a host: its note (source or error) above the view."""
        tab = QWidget(page)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(note)
        layout.addWidget(view, 1)
        return tab

    def _build_settings_tab(self, page: QWidget) -> QWidget:
        scroll, self.settings_form = form_scroll(page)
        return scroll

    # --- public ---------------------------------------------------------------------------

    def show_pool(self, pool: pb.Pool | None) -> None:
        self.pool = pool
        if pool is None:
            self._stack.setCurrentIndex(0)
            self.reads.show_pool(None)
            return
        self._stack.setCurrentIndex(1)
        self._show_header(pool)
        self._show_message(pool)
        self._show_capacity(pool)
        self.hosts_view.show_pool(pool)
        self.tabs.setTabText(TAB_HOSTS, f"Hos&ts ({len(pool.realization.hosts)})")
        self._show_settings(pool)
        self.reads.show_pool(pool)

    def show_discovered(self, pool: pb.DiscoveredPool | None, name_taken: bool = False) -> None:
        """A pool Quantix did not create (nothing to read from its hosts: it is not managed);
        ``name_taken``: Quantix manages another pool of that name."""
        self.pool = None
        self.reads.show_pool(None)
        if pool is None:
            self._stack.setCurrentIndex(0)
            return
        self.discovered.show_pool(pool, name_taken)
        self._stack.setCurrentWidget(self.discovered)

    @property
    def showing_discovered(self) -> bool:
        return self._stack.currentWidget() is self.discovered

    def refresh_ages(self) -> None:
        """Word the shown pool's time-dependent texts (an offline host's age) anew."""
        if self.pool is not None:
            self._show_message(self.pool)
            self.hosts_view.show_pool(self.pool)

    def focus_target(self) -> QWidget:
        """Where Enter on a card takes the keyboard: the message if there is one, else the
        per-host table."""
        if self.showing_discovered:
            return self.discovered.focus_target()
        if self.message_area.isVisible():
            return self.error_view.text_label
        return self.tabs.currentWidget() or self.tabs

    async def stop(self) -> None:
        await self.reads.stop()

    # --- parts ----------------------------------------------------------------------------

    def _show_header(self, pool: pb.Pool) -> None:
        spec = pool.spec
        self.icon_label.setPixmap(backend_pixmap(spec.backend, 32, self.devicePixelRatioF()))
        self.title_label.setText(spec.name)
        self.badge.setText(phase_label(pool.realization.phase).upper())
        # Colours per phase in quantix.qss (QLabel#phaseBadge[phase=...]).
        set_state_property(self.badge, "phase", phase_label(pool.realization.phase).lower())
        self.badge.setAccessibleName(f"Phase: {phase_label(pool.realization.phase)}")
        parts = [pool_text.backend_label(spec.backend), pool_text.source_summary(spec)]
        if pool.realization.phase == cpb.PHASE_PENDING and not pool_text.has_failures(pool):
            parts.append(pool.realization.message or "Initializing")
        self.subtitle_label.setText(" · ".join(parts))
        self.description_label.setText(spec.description)
        self.description_label.setVisible(bool(spec.description))

    def _show_message(self, pool: pb.Pool) -> None:
        if pool_text.needs_banner(pool) or (
            pool.realization.phase == cpb.PHASE_DELETING and pool.realization.message
        ):
            title = MESSAGE_TITLES.get(pool.realization.phase, phase_label(pool.realization.phase))
            self.error_view.set_error(title, pool_text.banner_text(pool))
            set_tone(self.error_view, pool.realization.phase != cpb.PHASE_ERROR)
            self.message_area.setVisible(True)
            self.message_area.updateGeometry()
        else:
            self.error_view.clear()
            self.message_area.setVisible(False)

    def _show_capacity(self, pool: pb.Pool) -> None:
        text = pool_text.pool_capacity_text(pool)
        self.capacity_label.setText(f"Capacity: {text}")
        shared = pool.spec.backend != cpb.POOL_BACKEND_LOCAL_DIR and len(pool.realization.hosts) > 1
        self.capacity_label.setToolTip(
            "As one host sees the shared storage; each host's view is in the Hosts tab"
            if shared
            else ""
        )
        fraction, usage = pool_text.usage_of(
            pool.allocation_bytes, pool.capacity_bytes, pool.available_bytes
        )
        self.capacity_bar.setVisible(fraction is not None)
        self.capacity_bar.setValue(round((fraction or 0.0) * 1000))
        set_state_property(self.capacity_bar, "usage", usage.value)

    def _show_settings(self, pool: pb.Pool) -> None:
        spec_message = pool.spec
        which = spec_message.WhichOneof("source")
        stored = (which == "ceph_rbd" and spec_message.ceph_rbd.has_key) or (
            which == "iscsi" and spec_message.iscsi.has_chap_secret
        )
        rows = [pool_text.SettingRow("Kind", pool_text.backend_label(spec_message.backend))]
        try:
            spec = spec_from_pb(spec_message)
        except ValidationError as error:
            rows.append(pool_text.SettingRow("Settings", f"Not readable: {error}"))
        else:
            rows += pool_text.source_rows(spec, secret_stored=bool(stored))
        rows.append(pool_text.SettingRow("Hosts", pool_text.hosts_text(pool)))
        for label, stamp in (("Created", pool.created_at), ("Updated", pool.updated_at)):
            seconds = present.timestamp_seconds(stamp)
            if seconds is not None:
                when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))
                rows.append(pool_text.SettingRow(label, when))
        show_rows(self.settings_form, rows)
