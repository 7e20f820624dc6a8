"""Step 4: every setting once more (secrets only as "••• stored"), then Create.

The wizard submits from here; while the coordinator answers the page says so, and if it
refuses, its full answer is shown here (the wizard also takes the user to the field it named).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget, QWizardPage

from console.pool_text import SettingRow, source_rows
from console.widgets.detail_parts import show_rows
from console.widgets.error_view import ErrorView
from domain.pools import PoolSpec

NEXT_TEXT = (
    "Create stores the pool and sets it up on every assigned host at once. Its card on the "
    "Storage page shows the progress, and says why for any host that fails."
)


class ReviewPage(QWizardPage):
    def __init__(self, spec: Callable[[], PoolSpec], hosts_text: Callable[[], str]) -> None:
        super().__init__()
        self.setTitle("Review")
        self.setSubTitle("Check the settings. Back changes them; nothing is created until Create.")
        self._spec = spec
        self._hosts_text = hosts_text
        self._busy = False
        self.values: dict[str, QLabel] = {}

        self.summary = QWidget(self)
        self.form = QFormLayout(self.summary)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.next_label = QLabel(NEXT_TEXT, self)
        self.next_label.setObjectName("reviewNote")
        self.next_label.setWordWrap(True)
        self.busy_label = QLabel(self)
        self.busy_label.setObjectName("busyNote")
        self.busy_label.setVisible(False)
        self.error_view = ErrorView(self)
        self.error_view.clear()

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addSpacing(8)
        layout.addWidget(self.next_label)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.error_view)
        layout.addStretch(1)

    def rows(self) -> list[SettingRow]:
        spec = self._spec()
        rows = [
            SettingRow("Kind", spec.backend.label),
            SettingRow("Name", spec.name),
            SettingRow("Description", spec.description or "None"),
        ]
        rows += source_rows(spec, secret_wording="stored")
        rows.append(SettingRow("Hosts", self._hosts_text()))
        return rows

    def initializePage(self) -> None:
        self.values = show_rows(self.form, [])
        self.error_view.clear()
        try:
            rows = self.rows()
        except ValueError as error:
            # The pages let nothing invalid through; if something slipped (a field changed
            # by code), say what rather than show an empty review.
            self.error_view.set_error("The pool settings are not valid", str(error))
            return
        self.values = show_rows(self.form, rows)

    def isComplete(self) -> bool:
        return not self._busy

    def set_busy(self, text: str) -> None:
        """``text`` while the coordinator works ("" when done): Create is disabled meanwhile."""
        self._busy = bool(text)
        self.busy_label.setText(text)
        self.busy_label.setVisible(self._busy)
        if self._busy:
            self.error_view.clear()
        self.completeChanged.emit()

    def show_error(self, title: str, text: str) -> None:
        self.error_view.set_error(title, text)
