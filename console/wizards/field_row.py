"""A wizard field that checks itself: label, editor and, under the editor, the rule.

The rule line shows what the field expects (grey) until the input breaks it, then the domain
function's own words (red), e.g. "must not contain '..' components (got '../../etc')". The
validator is the same domain function the coordinator runs, so what the wizard accepts the
server accepts. A page is complete when every row is valid (``FieldsPage``), which is what
enables Next.

Errors are shown once the user has typed in the field (or when the field holds text), never
for a field nobody has touched yet: an empty form is not a page of red.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from console.style import set_state_property
from domain.errors import ValidationError

# A validator takes the field's text and returns the value the server will use (normalized:
# "/srv//x/" -> "/srv/x", "nas" -> "nas:3260"), or raises ValidationError.
Validator = Callable[[str], object]
Editor = QLineEdit | QPlainTextEdit | QComboBox


class RowState(Enum):
    HINT = "hint"  # untouched or valid: the rule in grey
    ERROR = "error"  # breaks a rule: the rule in red
    OK = "ok"  # valid, and the server will use a normalized form: say which
    WARNING = "warning"  # valid, with a caveat the page found (an overlap on some hosts)


def sentence(rule: str) -> str:
    """Domain rules are written to follow the field name ("must be ..."); under the field
    they start the sentence."""
    return rule[:1].upper() + rule[1:] if rule else rule


def _refuses_empty(validator: Validator | None) -> bool:
    if validator is None:
        return False
    try:
        validator("")
    except ValidationError:
        return True
    return False


class FieldRow(QObject):
    changed = Signal()  # the text or the validity changed

    def __init__(
        self,
        parent: QWidget,
        label: str,
        editor: Editor,
        *,
        field: str,
        hint: str,
        validator: Validator | None = None,
        required: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field  # the domain's name for it: "nfs.server", "ceph.monitors"
        # Whether an empty field still needs input: by default, whether the rule refuses "".
        self.required = _refuses_empty(validator) if required is None else required
        self.hint = hint
        self.editor = editor
        self._validator = validator
        self._touched = False
        self._error = ""  # this row's own rule broken, "" if none
        self._external = ""  # a rule across fields (validate_pool_spec) pinned on this row
        self._external_visible = False
        self._server = ""  # what the coordinator said about this field, until edited
        self._warning = ""  # allowed, but worth knowing (set by the page after validate)
        self.value: object = None  # the normalized value when valid

        self.label = QLabel(label, parent)
        self.label.setBuddy(editor)
        self.label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.rule_label = QLabel(hint, parent)
        self.rule_label.setObjectName("fieldHint")
        self.rule_label.setWordWrap(True)
        self.rule_label.setTextFormat(Qt.TextFormat.PlainText)
        self.rule_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rule_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        # A screen reader reads the rule with the field.
        editor.setAccessibleDescription(hint)
        editor.setToolTip(hint)

        if isinstance(editor, QLineEdit):
            # textChanged for every change (code or user), textEdited only for the user's.
            editor.textChanged.connect(self._on_changed)
            editor.textEdited.connect(self._on_user_edit)
        elif isinstance(editor, QPlainTextEdit):
            editor.textChanged.connect(self._on_edited)
        elif editor.isEditable():
            # Offered names that may also be typed (a bridge, a port group): the text counts.
            editor.editTextChanged.connect(self._on_edited)
        else:
            editor.currentIndexChanged.connect(self._on_edited)
        self.validate()

    # --- value ----------------------------------------------------------------------------

    def text(self) -> str:
        editor = self.editor
        if isinstance(editor, QLineEdit):
            return editor.text()
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if editor.isEditable():
            return editor.currentText()
        data = editor.currentData()
        return str(data) if data is not None else editor.currentText()

    def set_text(self, text: str) -> None:
        """Fill the field from code (a suggestion): it does not count as the user's edit."""
        editor = self.editor
        if isinstance(editor, QLineEdit):
            editor.setText(text)
        elif isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        elif editor.isEditable():
            editor.setEditText(text)
            self._touched = False  # editTextChanged counted it as the user's
        else:
            index = editor.findData(text)
            editor.setCurrentIndex(index if index >= 0 else editor.findText(text))
        self.validate()

    @property
    def touched(self) -> bool:
        """The user has typed here (a suggestion filled in by code does not count)."""
        return self._touched

    # --- validity -------------------------------------------------------------------------

    @property
    def error(self) -> str:
        """The rule this field breaks now ("" when valid), whether shown yet or not."""
        return self._server or self._error or self._external

    @property
    def is_valid(self) -> bool:
        return not self.error

    @property
    def needs_input(self) -> bool:
        """Where the cursor should go: invalid, or required and still empty."""
        return not self.is_valid or (self.required and not self.text().strip())

    def validate(self) -> bool:
        """Check the field alone; the page adds cross-field rules with set_external_error."""
        self._external = ""
        self._external_visible = False
        self._warning = ""
        self._error = ""
        self.value = self.text()
        if self._validator is not None:
            try:
                self.value = self._validator(self.text())
            except ValidationError as error:
                self._error = sentence(error.rule)
        self._show()
        return self.is_valid

    def set_external_error(self, rule: str, *, visible: bool = False) -> None:
        """Pin a rule across fields on this row. ``visible``: show it even though this field
        is untouched (the user typed elsewhere, e.g. a CHAP user without a secret)."""
        self._external = sentence(rule)
        self._external_visible = visible
        self._show()

    def set_warning(self, text: str) -> None:
        """Valid, but say this under the field (amber) until the next validate()."""
        self._warning = sentence(text)
        self._show()

    def set_server_error(self, text: str) -> None:
        """What the coordinator said about this field; shown until the user edits it."""
        self._server = text
        self._touched = True
        self._show()

    def show_errors(self) -> None:
        """Show this field's error even if untouched (the user tried to go on)."""
        self._touched = True
        self._show()

    def _show(self) -> None:
        visible = (
            self._touched
            or bool(self.text().strip())
            or (self._external_visible and self.error == self._external)
        )
        if self.error and visible:
            self.rule_label.setText(self.error)
            set_state_property(self.rule_label, "state", RowState.ERROR.value)
        elif self._warning:
            self.rule_label.setText(self._warning)
            set_state_property(self.rule_label, "state", RowState.WARNING.value)
        else:
            note = self._normalized_note()
            self.rule_label.setText(note or self.hint)
            set_state_property(
                self.rule_label, "state", RowState.OK.value if note else RowState.HINT.value
            )

    def _normalized_note(self) -> str:
        """ "Used as nas:3260": when the server will read the input differently from how it
        was typed, the user sees how before committing."""
        if self.error or self.value is None or isinstance(self.editor, QComboBox):
            return ""
        shown = (
            str(self.value)
            if not isinstance(self.value, tuple)
            else ", ".join(str(item) for item in self.value)
        )
        typed = self.text().strip()
        if not typed or shown == typed:
            return ""
        return f"Used as {shown}"

    # --- events ---------------------------------------------------------------------------

    def _on_edited(self, *_args: object) -> None:
        self._touched = True
        self._server = ""
        self.validate()
        self.changed.emit()

    def _on_user_edit(self, *_args: object) -> None:
        # After textChanged has validated: now the user owns the field (errors show, the
        # coordinator's old complaint about it goes).
        self._touched = True
        self._server = ""
        self._show()
        self.changed.emit()

    def _on_changed(self, *_args: object) -> None:
        # setText() from code: revalidate, but the user has not touched the field.
        self.validate()
        self.changed.emit()

    # --- layout ---------------------------------------------------------------------------

    def add_to(self, grid: QGridLayout) -> None:
        """Two grid rows: label and editor, then the rule under the editor."""
        row = grid.rowCount()
        grid.addWidget(self.label, row, 0)
        grid.addWidget(self.editor, row, 1)
        grid.addWidget(self.rule_label, row + 1, 1)

    def set_visible(self, visible: bool) -> None:
        for widget in (self.label, self.editor, self.rule_label):
            widget.setVisible(visible)
