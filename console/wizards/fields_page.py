"""A wizard step of FieldRows in one grid: every row checked as typed by its domain
function, then the rules across fields (``check``), each pinned on the row it names. The page
is complete - Next enabled - when nothing is left, which is what the server will accept.

Going Back keeps what was typed (QWizard would reset the fields), and on arrival the cursor
goes to the first field still to fill in.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QWidget, QWizardPage

from console.wizards.field_row import Editor, FieldRow, Validator
from domain.errors import ValidationError


class FieldsPage(QWizardPage):
    def __init__(self, title: str, subtitle: str = "") -> None:
        super().__init__()
        self.setTitle(title)
        if subtitle:
            self.setSubTitle(subtitle)
        self._complete = False
        self._rows: list[FieldRow] = []
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(1, 1)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(2)

    def add_row(
        self,
        label: str,
        editor: Editor,
        *,
        field: str,
        hint: str,
        validator: Validator | None = None,
        required: bool | None = None,
    ) -> FieldRow:
        """A row under the last, in the order Tab visits them; ``field`` is the domain's
        name for it, which errors use to find it."""
        if not editor.objectName():
            editor.setObjectName(field)
        row = FieldRow(
            self, label, editor, field=field, hint=hint, validator=validator, required=required
        )
        row.add_to(self.grid)
        row.changed.connect(self.revalidate)
        self._rows.append(row)
        return row

    # --- for subclasses -------------------------------------------------------------------

    def rows(self) -> list[FieldRow]:
        """The rows that count now (a subclass leaves out rows hidden for this choice)."""
        return list(self._rows)

    def check(self) -> None:
        """The rules across fields, once every row is valid alone: raise ValidationError
        naming the field that breaks one."""

    def place_error(self, error: ValidationError, engaged: bool) -> None:
        """Show a rule across fields: on the row it names (or the first row)."""
        row = self.row_for(error.field) or (self.rows()[0] if self.rows() else None)
        if row is not None:
            row.set_external_error(error.rule, visible=engaged)

    # --- the wizard's view ----------------------------------------------------------------

    def row_for(self, field: str) -> FieldRow | None:
        """The row of a field the domain or a server named (``leases[1].ip`` is ``leases``)."""
        base = field.removeprefix("spec.").split("[", 1)[0]
        for row in self.rows():
            if row.field == base:
                return row
        return None

    def revalidate(self) -> None:
        valid = all([row.validate() for row in self.rows()])  # every row, to show every error
        if valid:
            try:
                self.check()
            except ValidationError as error:
                valid = False
                # Shown at once when the user has typed anywhere on the page: the cause may
                # be another field (a CHAP user without its secret).
                self.place_error(error, any(row.touched for row in self.rows()))
        if valid != self._complete:
            self._complete = valid
            self.completeChanged.emit()

    def focus_first(self) -> None:
        """The cursor to the first field still to fill in (the wizard calls this once the
        page is shown, after QWizard has placed its own focus)."""
        target: QWidget | None = next(
            (row.editor for row in self.rows() if row.needs_input),
            self.rows()[0].editor if self.rows() else None,
        )
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    # --- QWizardPage ----------------------------------------------------------------------

    def isComplete(self) -> bool:
        return self._complete

    def cleanupPage(self) -> None:
        """Back keeps what was typed (QWizard would reset the fields)."""
