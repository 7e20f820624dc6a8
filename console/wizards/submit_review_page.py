"""A wizard's last step: every value as it will be created, then the wizard submits.

While the server answers the page says so (and Finish is disabled); if it refuses, its full
answer stays here, selectable and copyable, and the wizard stays open. What differs per
wizard is only which rows it shows (``rows``) and the note on what happens next.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget, QWizardPage

from console.pool_text import SettingRow
from console.widgets.detail_parts import show_rows
from console.widgets.error_view import ErrorView


class SubmitReviewPage(QWizardPage):
    # The title over a summary that cannot be built (the pages let nothing invalid through;
    # this names what slipped rather than showing an empty review).
    invalid_title = "The settings are not valid"

    def __init__(self, subtitle: str, next_text: str) -> None:
        super().__init__()
        self.setTitle("Review")
        self.setSubTitle(subtitle)
        self._busy = False
        self.values: dict[str, QLabel] = {}

        self.summary = QWidget(self)
        self.form = QFormLayout(self.summary)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.next_label = QLabel(next_text, self)
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
        """The values as they will be created; may raise ValueError if one is not valid."""
        raise NotImplementedError

    def initializePage(self) -> None:
        self.values = show_rows(self.form, [])
        self.error_view.clear()
        try:
            rows = self.rows()
        except ValueError as error:
            self.error_view.set_error(self.invalid_title, str(error))
            return
        self.values = show_rows(self.form, rows)

    def isComplete(self) -> bool:
        return not self._busy

    @property
    def busy(self) -> bool:
        return self._busy

    def set_busy(self, text: str) -> None:
        """``text`` while the server works ("" when done): Finish is disabled meanwhile."""
        self._busy = bool(text)
        self.busy_label.setText(text)
        self.busy_label.setVisible(self._busy)
        if self._busy:
            self.error_view.clear()
        self.completeChanged.emit()

    def show_error(self, title: str, text: str) -> None:
        self.error_view.set_error(title, text)
