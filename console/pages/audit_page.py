"""The Audit page: the newest audit entries (every change and every refused call), live,
newest first, with a filter over every column. Admins only: the coordinator sends other roles
no entries, and the page says why it is empty."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clients.present_audit import entry_text
from console.connection import EndpointSource, not_connected
from console.kit.search_keys import esc_clears_search
from console.kit.tab_order import set_reading_order
from console.models.audit_model import AuditModel
from console.watch import ConnectionState, Phase
from console.widgets.list_page_parts import PageTopBar, TableOrMessage, setup_row_table
from trust.config import ADMIN_ROLE

# Starting widths (pixels) of Time (room for "10:42:07 (×57 until 10:43:01)"), Who, From,
# Call, Object; Result takes the rest, and the selected entry is shown whole below the table.
COLUMN_WIDTHS = (240, 190, 110, 150, 150)

TEXT_NOT_CONNECTED = (
    "Connect to a coordinator to see its audit log (File › Connect to coordinator…)."
)
TEXT_LOADING = "Loading the audit log from the coordinator…"
TEXT_EMPTY = (
    "No audit entries yet.\nEvery change and every refused call appears here as it happens."
)
TEXT_NO_MATCH = "No entry matches the filter."


def not_admin_text(name: str, role: str) -> str:
    return (
        f"The audit log is for admins; you are connected as {name} ({role or 'no role'}).\n"
        "Connect with an admin identity to see who changed what."
    )


class AuditPage(QWidget):
    def __init__(
        self,
        model: AuditModel,
        parent: QWidget | None = None,
        endpoint: EndpointSource = not_connected,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditPage")
        self.model = model
        self._endpoint = endpoint
        self._connection = ConnectionState(Phase.IDLE, "")

        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setDynamicSortFilter(True)

        top = PageTopBar(self, "Audit", "auditFilter", "Who, call, object or result")
        self.summary_label = top.summary_label
        self.filter_edit = top.filter_edit
        self.filter_edit.textChanged.connect(self._on_filter_changed)

        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.proxy)
        setup_row_table(self.table, "Audit log")
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

        # The selected entry in full: a result is often longer than its cell.
        self.detail_label = QLabel(self)
        self.detail_label.setObjectName("auditDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.detail_label.setVisible(False)

        self.table_stack = TableOrMessage(self.table, TEXT_NOT_CONNECTED, self)
        esc_clears_search(self.filter_edit, self.table_stack.currentWidget)
        self.empty_label = self.table_stack.message

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.table_stack, 1)
        layout.addWidget(self.detail_label)

        for signal in (model.batch_applied, model.synced, model.modelReset):
            signal.connect(self._update)
        set_reading_order(layout)
        self._update()

    def focus_target(self) -> QWidget:
        return self.table if self.table_stack.showing_table else self.filter_edit

    def set_connection_state(self, state: ConnectionState) -> None:
        self._connection = state
        self._update()

    def empty_text(self) -> str:
        endpoint = self._endpoint()
        if endpoint is None or self._connection.phase is Phase.IDLE:
            return TEXT_NOT_CONNECTED
        identity = endpoint.identity
        if identity is not None and identity.role != ADMIN_ROLE:
            return not_admin_text(identity.name, identity.role)
        if not self.model.is_synced:
            return TEXT_LOADING
        return TEXT_EMPTY if self.model.rowCount() == 0 else TEXT_NO_MATCH

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail_label.setVisible(False)
            return
        row = self.proxy.mapToSource(current).row()
        self.detail_label.setText(entry_text(self.model.entry_at(row), time.time()))
        self.detail_label.setVisible(True)

    def _on_filter_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        self._update()

    def _update(self) -> None:
        rows = self.model.rowCount()
        shown = self.proxy.rowCount()
        self.summary_label.setText(
            f"{rows} newest entr{'y' if rows == 1 else 'ies'}"
            + (f" · {shown} shown" if shown != rows else "")
            + " · older ones: quantixctl audit"
        )
        self.summary_label.setVisible(rows > 0)
        if shown:
            self.table_stack.show_table()
        else:
            self.table_stack.show_message(self.empty_text())
