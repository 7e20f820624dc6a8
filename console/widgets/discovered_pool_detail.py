"""The selected Unmanaged card in full: a pool Quantix did not create, as libvirt reports it on
each host (state, capacity), where its storage is, and either Adopt… or the sentence saying
why it cannot be adopted. Wording from console.discovered_text; nothing is decided here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from clients import present
from console import discovered_text
from console.kit.phase_style import phase_icon
from console.pool_style import backend_pixmap
from console.style import set_state_property
from console.widgets.detail_parts import action_button, detail_header, show_rows, value_label
from console.widgets.tables import Cell, fill_table, make_table
from proto.quantix.v1 import coordinator_pb2 as pb

HOST_HEADERS = ("Host", "State", "Capacity", "Autostart", "Persistent")
# Starting widths (the user can resize them); the last column takes the rest.
HOST_COLUMN_WIDTHS = (90, 105, 130, 75)


class DiscoveredPoolDetail(QWidget):
    def __init__(self, adopt: QAction | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("discoveredPoolDetail")
        self.pool: pb.DiscoveredPool | None = None
        self.name_taken = False

        header = detail_header(self)
        self.icon_label, self.title_label = header.icon, header.title
        self.badge, self.subtitle_label = header.badge, header.subtitle
        self.badge.setText(discovered_text.UNMANAGED_LABEL.upper())
        set_state_property(self.badge, "phase", "unmanaged")
        self.badge.setAccessibleName(f"Phase: {discovered_text.UNMANAGED_LABEL}")

        title_row = header.layout

        # How to adopt it, or the coordinator's sentence on why it cannot be.
        self.note_label = value_label(self)
        self.note_label.setObjectName("unmanagedNote")
        self.note_label.setAccessibleName("About this pool")

        buttons = QHBoxLayout()
        self.adopt_button = None
        if adopt is not None:
            self.adopt_button = action_button(adopt, self)
            self.adopt_button.setObjectName("adoptButton")
            buttons.addWidget(self.adopt_button)
        buttons.addStretch(1)

        self.capacity_label = value_label(self)
        self.capacity_label.setAccessibleName("Capacity")

        hosts_label = QLabel("Hos&ts:", self)
        self.hosts_table = make_table(self, HOST_HEADERS, "discoveredHosts")
        self.hosts_table.setAccessibleName("Hosts that have this pool")
        for column, width in enumerate(HOST_COLUMN_WIDTHS):
            self.hosts_table.setColumnWidth(column, width)
        hosts_label.setBuddy(self.hosts_table)

        self.settings = QWidget(self)
        self.settings_form = QFormLayout(self.settings)
        self.settings_form.setContentsMargins(0, 0, 0, 0)
        self.settings_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.settings_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(title_row)
        layout.addWidget(self.note_label)
        layout.addLayout(buttons)
        layout.addWidget(self.capacity_label)
        layout.addSpacing(4)
        layout.addWidget(self.settings)
        layout.addSpacing(4)
        layout.addWidget(hosts_label)
        layout.addWidget(self.hosts_table, 1)

    def show_pool(self, pool: pb.DiscoveredPool, name_taken: bool = False) -> None:
        """``name_taken``: Quantix manages another pool of that name (it cannot be adopted)."""
        self.pool = pool
        self.name_taken = name_taken
        backend = discovered_text.backend_of(pool.type)
        self.icon_label.setPixmap(backend_pixmap(backend, 32, self.devicePixelRatioF(), True))
        self.title_label.setText(pool.name)
        self.subtitle_label.setText(
            f"{discovered_text.type_label(pool)} · {discovered_text.source_text(pool)}"
        )
        self.note_label.setText(discovered_text.note(pool, name_taken))
        self.capacity_label.setText(f"Capacity: {discovered_text.capacity_text(pool)}")
        self._show_settings(pool)
        rows = [
            [
                Cell(host.host),
                Cell(
                    discovered_text.state_label(host.state),
                    icon=phase_icon(discovered_text.chip_phase(host.state)),
                ),
                Cell(discovered_text.host_capacity_text(host)),
                Cell(present.yes_no(host.autostart)),
                Cell(present.yes_no(host.persistent)),
            ]
            for host in sorted(pool.hosts, key=lambda h: h.host)
        ]
        fill_table(self.hosts_table, rows, "No host reports this pool any more")

    def focus_target(self) -> QWidget:
        if self.adopt_button is not None and self.adopt_button.isEnabled():
            return self.adopt_button
        return self.hosts_table

    def _show_settings(self, pool: pb.DiscoveredPool) -> None:
        show_rows(self.settings_form, discovered_text.settings_rows(pool))
