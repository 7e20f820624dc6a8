"""What the image dialogs share: a form of FieldRows checked as typed (console.wizards.
field_row, with domain.images' rules), a file field checked off the GUI thread, the pool and
host to put the image in (console.images.pool_targets: only pools that can take it, the others
listed with the reason), OK disabled with the first broken rule shown next to it, and the
submit run on the event loop: the dialog closes once the coordinator accepted; a refusal is
shown as it came (and pinned on the field it names) and the dialog stays open.

The dialogs take ``submit(request)``, a coroutine function (the transfer driver's
``begin_upload`` / ``begin_download``), so tests drive them with a real driver or a stub.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import stat
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.images.pool_targets import PoolTarget, Targets
from console.images.transfers import Refused
from console.latest_task import LatestTask
from console.style import set_state_property
from console.wizards.dialog_footer import dialog_footer
from console.wizards.field_row import FieldRow, sentence
from domain.errors import ValidationError
from domain.images import ImageKind, validate_image_name, validate_sha256, validate_size
from domain.limits import quoted
from domain.units import format_bytes

log = logging.getLogger(__name__)

# (pool, name) -> whether an image of that name is in that pool already.
Taken = Callable[[str, str], bool]
NAME_HINT = "The volume's name in the pool: letters, digits, '.', '_', '+', '-'"
SHA_HINT = "Optional: 64 hex digits; the host refuses the file if it hashes to anything else"


def check_sha256(text: str) -> str:
    return validate_sha256(text, "sha256")


Submit = Callable[[Any], Awaitable[object]]
# A path longer than Linux's PATH_MAX cannot name a file: refused before it is looked at.
PATH_MAX = 4096


def validate_path(text: str, field: str = "file") -> Path:
    """A file named by its full path (``~`` is the home directory)."""
    if not text.strip():
        raise ValidationError(field, "is required: choose a file (Browse…)")
    if len(text) > PATH_MAX:
        raise ValidationError(field, f"must be at most {PATH_MAX} characters")
    path = Path(text.strip()).expanduser()
    if not path.is_absolute():
        raise ValidationError(
            field, f"must be a full path, e.g. /home/me/image.iso (got {quoted(text)})"
        )
    return path


@dataclass(frozen=True)
class FileFacts:
    path: Path
    size: int = 0
    error: str = ""  # why it cannot be uploaded ("" when it can)


def read_file_facts(path: Path) -> FileFacts:
    """The file's size, or why it cannot be sent (run off the GUI thread: a stat on a hung
    network mount blocks)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return FileFacts(path, error="does not exist")
    except OSError as error:
        return FileFacts(path, error=f"cannot be read: {error.strerror or error}")
    if not stat.S_ISREG(info.st_mode):
        return FileFacts(path, error="is not a regular file")
    if not os.access(path, os.R_OK):
        return FileFacts(path, error="cannot be read: permission denied")
    try:
        validate_size(info.st_size, "file")
    except ValidationError as error:
        return FileFacts(path, info.st_size, error.rule)
    return FileFacts(path, info.st_size)


class ImageDialog(QDialog):
    submitted = Signal(object)  # what submit returned (a task id), once it has

    def __init__(
        self,
        title: str,
        action_text: str,
        targets: Targets,
        what: str,
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(620)
        self._submit = submit
        self._action = action_text.replace("&", "")
        self._what = what  # "an upload", "a download", "a template"
        self.targets = targets
        self._task: asyncio.Task[None] | None = None
        self._file_check = LatestTask()
        self.file_row: FieldRow | None = None
        self.file_facts: FileFacts | None = None
        self.rows: list[FieldRow] = []
        self.form = QGridLayout()
        self.form.setColumnStretch(1, 1)
        self.form.setVerticalSpacing(2)

        self.target_combo = QComboBox(self)
        self.target_combo.setObjectName("poolTarget")
        self.target_combo.setAccessibleName("Pool and host")
        for target in targets.offered:
            self.target_combo.addItem(target.label, target.key)
        self.target_combo.currentIndexChanged.connect(self._on_target_changed)
        self.left_out = QLabel(self)
        self.left_out.setObjectName("fieldHint")
        self.left_out.setWordWrap(True)
        self.left_out.setTextFormat(Qt.TextFormat.PlainText)
        self.left_out.setVisible(bool(targets.left_out))  # no empty line under the pool
        if targets.left_out:
            self.left_out.setText(
                "Not offered: " + "; ".join(left.text for left in targets.left_out)
            )

        footer = dialog_footer(self, action_text)
        self.reason, self.server_error = footer.reason, footer.server_error
        self.buttons, self.ok_button = footer.buttons, footer.ok_button

    # --- building -------------------------------------------------------------------------

    def add_row(self, row: FieldRow) -> FieldRow:
        row.add_to(self.form)
        row.changed.connect(self.revalidate)
        self.rows.append(row)
        return row

    def add_file_row(self, label: str, hint: str, name_filter: str) -> FieldRow:
        """The file to send: typed, or picked with Browse… (a native, non-blocking picker)."""
        editor = QLineEdit(self)
        editor.setObjectName("filePath")
        row = FieldRow(self, label, editor, field="file", hint=hint, validator=validate_path)
        browse = QPushButton("&Browse…", self)
        browse.setToolTip("Choose the file")
        browse.clicked.connect(lambda: self.browse(name_filter))
        self.browse_button = browse
        line = QHBoxLayout()
        line.addWidget(editor, 1)
        line.addWidget(browse)
        grid_row = self.form.rowCount()
        self.form.addWidget(row.label, grid_row, 0)
        self.form.addLayout(line, grid_row, 1)
        self.form.addWidget(row.rule_label, grid_row + 1, 1)
        row.changed.connect(self._on_file_changed)
        row.changed.connect(self.revalidate)
        self.rows.append(row)
        self.file_row = row
        return row

    def add_kind_row(self, kinds: tuple[ImageKind, ...], hint: str) -> FieldRow:
        """The image's kind, guessed from its file or URL until the user picks one
        (``kind_chosen``)."""
        self.kind_chosen = False
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("imageKind")
        for kind in kinds:
            self.kind_combo.addItem(kind.value[:1].upper() + kind.value[1:], kind.name)
        self.kind_combo.activated.connect(self._on_kind_chosen)
        self.kind = self.add_row(FieldRow(self, "&Kind:", self.kind_combo, field="kind", hint=hint))
        return self.kind

    def _on_kind_chosen(self, _index: int) -> None:
        self.kind_chosen = True

    def add_name_row(self, label: str, hint: str) -> FieldRow:
        self.name = self.add_row(
            FieldRow(
                self, label, QLineEdit(self), field="name", hint=hint, validator=validate_image_name
            )
        )
        return self.name

    def add_sha256_row(self) -> FieldRow:
        self.sha256 = self.add_row(
            FieldRow(
                self,
                "&SHA-256:",
                QLineEdit(self),
                field="sha256",
                hint=SHA_HINT,
                validator=check_sha256,
            )
        )
        return self.sha256

    def add_target_row(self) -> None:
        label = QLabel("&Pool:", self)
        label.setBuddy(self.target_combo)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        row = self.form.rowCount()
        self.form.addWidget(label, row, 0)
        self.form.addWidget(self.target_combo, row, 1)
        self.form.addWidget(self.left_out, row + 1, 1)

    def finish_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(self.server_error)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self._chain_focus()
        self.revalidate()

    def _chain_focus(self) -> None:
        """Tab goes down the form as it reads (the pool combo is made first, but sits where
        the dialog puts it), then to the buttons; the first field has the focus."""
        chain: list[QWidget] = []
        for row in range(self.form.rowCount()):
            item = self.form.itemAtPosition(row, 1)
            if item is None:
                continue
            inner = item.layout()
            widgets = (
                [inner.itemAt(i).widget() for i in range(inner.count())]
                if inner is not None
                else [item.widget()]
            )
            chain += [
                w for w in widgets if w is not None and w.focusPolicy() != Qt.FocusPolicy.NoFocus
            ]
        chain += [self.ok_button, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)
        if chain:
            chain[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def browse(self, name_filter: str) -> QFileDialog:
        picker = QFileDialog(self, "Choose a file", "", name_filter)
        picker.setFileMode(QFileDialog.FileMode.ExistingFile)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        assert self.file_row is not None
        picker.fileSelected.connect(self.file_row.editor.setText)  # type: ignore[union-attr]
        picker.open()
        return picker

    # --- what each dialog says ------------------------------------------------------------

    def build(self) -> object:
        """The request as entered (every row valid)."""
        raise NotImplementedError

    def file_chosen(self, path: Path) -> None:
        """A new file was typed or picked: pre-fill what follows from it."""

    def target(self) -> PoolTarget | None:
        key = self.target_combo.currentData()
        return next((t for t in self.targets.offered if t.key == key), None)

    def _on_target_changed(self, _index: int) -> None:
        self.revalidate()

    # --- the file -------------------------------------------------------------------------

    def _on_file_changed(self) -> None:
        row = self.file_row
        assert row is not None
        if not row.is_valid or not isinstance(row.value, Path):
            self.file_facts = None
            return
        path = row.value
        if self.file_facts is not None and self.file_facts.path == path:
            return
        self.file_facts = None
        self.file_chosen(path)
        self._file_check.start(self._check_file(path), f"checking {path.name}")

    async def _check_file(self, path: Path) -> None:
        facts = await asyncio.to_thread(read_file_facts, path)
        row = self.file_row
        if row is not None and row.value == path:
            self.file_facts = facts
            self.revalidate()

    @property
    def file_size(self) -> int:
        facts = self.file_facts
        return facts.size if facts is not None and not facts.error else 0

    # --- checking -------------------------------------------------------------------------

    def problem(self) -> tuple[str, str, bool] | None:
        """The first thing in the way: (field words, rule, whether it is an error the user
        must fix rather than a wait), or None when the request can go."""
        if self.target() is None:  # nothing typed can help: said first
            return "Pool", self.targets.none_text(self._what), True
        for row in self.rows:
            if not row.is_valid:
                return _words(row), row.error, True
            if row is self.file_row:
                facts = self.file_facts
                if facts is None:
                    return _words(row), "is being checked…", False
                if facts.error:
                    row.set_external_error(facts.error, visible=True)
                    return _words(row), sentence(facts.error), True
        return None

    def revalidate(self) -> None:
        for row in self.rows:
            row.validate()
        self.cross_check()
        found = self.problem()
        if found is None:
            self.reason.setText(self.ready_text())
            set_state_property(self.reason, "state", "hint")
        else:
            words, rule, error = found
            self.reason.setText(f"{self._action} is disabled — {words}: {sentence(rule)}")
            set_state_property(self.reason, "state", "error" if error else "hint")
        self.ok_button.setEnabled(found is None and not self.submitting)

    def cross_check(self) -> None:
        """Rules across fields (a name taken in the chosen pool), pinned on their row."""

    def ready_text(self) -> str:
        size = f" ({format_bytes(self.file_size)})" if self.file_size else ""
        return f"Ready: {self._action} sends this{size} to the coordinator."

    # --- submitting -----------------------------------------------------------------------

    @property
    def submitting(self) -> bool:
        return self._task is not None and not self._task.done()

    def accept(self) -> None:
        if self.submitting or not self.ok_button.isEnabled():
            return
        request = self.build()
        self.ok_button.setEnabled(False)
        self.server_error.setVisible(False)
        self._task = asyncio.get_running_loop().create_task(
            self._run(request), name=f"{self._action} image"
        )

    async def _run(self, request: object) -> None:
        try:
            result = await self._submit(request)
        except Exception as error:  # any refusal: shown, and the dialog stays open
            log.info("%s refused: %s", self._action, error)
            text = str(error) or type(error).__name__
            self.server_error.setText(text)
            self.server_error.setVisible(True)
            self._task = None
            if isinstance(error, Refused) and error.failure.field:
                for row in self.rows:
                    if row.field == error.failure.field:
                        row.set_server_error(sentence(error.failure.details))
            self.revalidate()
            return
        self._task = None
        self.submitted.emit(result)
        super().accept()

    def done(self, result: int) -> None:
        # Cancel while the call is under way: stop waiting (if the coordinator started it
        # anyway, it shows on Watch like any other transfer).
        if result != QDialog.DialogCode.Accepted and self._task is not None:
            self._task.cancel()
        self._file_check.cancel()
        super().done(result)


def _words(row: FieldRow) -> str:
    return row.label.text().replace("&", "").rstrip(":")
