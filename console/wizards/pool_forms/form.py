"""What every backend form shares: rows in the settings page's grid, shown for one backend.

A form adds its FieldRows to the page's grid (so every label lines up with the name and
description above), shows or hides them as the chosen backend changes, and builds its domain
source from their values. What differs per backend is only which rows and which source.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLineEdit, QPlainTextEdit, QWidget

from console.wizards.field_row import Editor, FieldRow, Validator
from domain.pools import Backend, Source


class BackendForm(QObject):
    backend: Backend
    changed = Signal()

    def __init__(self, page: QWidget, grid: QGridLayout) -> None:
        super().__init__(page)
        self.page = page
        self.grid = grid
        self.rows: list[FieldRow] = []
        self.build()

    # --- for subclasses -------------------------------------------------------------------

    def build(self) -> None:
        """Create the rows, in the order Tab visits them."""
        raise NotImplementedError

    def source(self) -> Source:
        """The domain source from the rows' current text; whole-spec validation follows.
        May raise ValidationError for text that cannot even be parsed (a LUN of "x")."""
        raise NotImplementedError

    def name_changed(self, name: str) -> None:
        """The pool name changed; a form may derive a default from it (a path)."""

    def row(
        self,
        label: str,
        editor: Editor,
        field: str,
        hint: str,
        validator: Validator | None = None,
        required: bool | None = None,
    ) -> FieldRow:
        editor.setObjectName(field)
        row = FieldRow(
            self.page,
            label,
            editor,
            field=field,
            hint=hint,
            validator=validator,
            required=required,
        )
        row.add_to(self.grid)
        row.changed.connect(self.changed)
        self.rows.append(row)
        return row

    def line(self, placeholder: str = "", *, secret: bool = False) -> QLineEdit:
        edit = QLineEdit(self.page)
        edit.setPlaceholderText(placeholder)
        if secret:
            # Shown as dots, never copied out (Qt refuses copy and cut in Password mode).
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def lines(self, placeholder: str, visible_lines: int = 3) -> QPlainTextEdit:
        edit = QPlainTextEdit(self.page)
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
        height = edit.fontMetrics().lineSpacing() * visible_lines + 12
        edit.setFixedHeight(height)
        return edit

    def combo(self, items: list[tuple[str, str]], default: str) -> QComboBox:
        """``items`` are (label, value); ``default`` a value."""
        box = QComboBox(self.page)
        for label, value in items:
            box.addItem(label, value)
        box.setCurrentIndex(box.findData(default))
        return box

    # --- for the page ---------------------------------------------------------------------

    def set_visible(self, visible: bool) -> None:
        for row in self.rows:
            row.set_visible(visible)

    def validate(self) -> bool:
        return all([row.validate() for row in self.rows])  # every row, to show every error

    def row_for(self, field: str) -> FieldRow | None:
        """The row of a domain field name (``ceph.monitors[1]`` is the monitors row)."""
        base = field.split("[", 1)[0]
        for row in self.rows:
            if row.field == base:
                return row
        return None

    def first_to_fill(self) -> QWidget | None:
        """Where the cursor goes on arrival: the first field that is not valid yet."""
        for row in self.rows:
            if row.needs_input:
                return row.editor
        return self.rows[0].editor if self.rows else None
