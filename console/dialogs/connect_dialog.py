"""File › Connect to coordinator…: the address (validated as typed) and your identity.

The address is checked with domain.validation.parse_address, the same rule the servers and
quantixctl apply; Connect stays disabled until it holds and an identity is known, and each rule
is shown under its field. Recent addresses come from QSettings. The identity (an identity file
from `quantixctl pki issue-admin`: certificate, key and CA) is imported once and kept in the
OS keyring (console.identity_store), never in QSettings or a file of the console's; without a
keyring it is kept for this session only, and the dialog says so.

Open it with ``open()`` and read the result in a ``finished`` handler (never ``exec()`` inside
a coroutine: qasync cannot nest it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from clients.channels import Endpoint
from console.identity_store import IdentityStore, KeyringStatus
from console.settings import ConsoleSettings
from console.style import set_state_property
from domain.errors import ValidationError
from domain.validation import parse_address
from trust.credentials import Identity, load_identity
from trust.files import PkiError
from trust.pki import load_cert

FIELD_NAME = "Coordinator address"

# Look the identity up once typing pauses, not on every keystroke (each lookup may be a D-Bus
# round trip to the Secret Service, each file read a disk access).
LOOKUP_DELAY_MS = 300

IDENTITY_HINT = (
    "An identity file from `quantixctl pki issue-admin` (certificate, key and CA). "
    "Imported into your system keyring: you choose it once per coordinator."
)


def _load_identity(path: str) -> Identity:
    return load_identity(Path(path).expanduser())


def describe_identity(identity: Identity) -> str:
    """``alice (admin), valid until 2027-11-27``."""
    until = load_cert(identity.certificate).not_valid_after_utc.date().isoformat()
    return f"{identity.name} ({identity.role or 'no role'}), valid until {until}"


def _hint_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    # As tall as its wrapped text: spare height goes to the stretch above the buttons.
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return label


class ConnectDialog(QDialog):
    def __init__(
        self,
        settings: ConsoleSettings,
        identities: IdentityStore,
        parent: QWidget | None = None,
        address: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to Coordinator")
        self.setMinimumWidth(480)
        self._settings = settings
        self._identities = identities
        self._address = ""  # canonical host:port once valid
        self._identity: Identity | None = None  # from the file chosen, or the keyring
        # Tasks of this dialog (keyring look-ups, file reads, the save on Connect): held here
        # because qasync and asyncio hold tasks weakly.
        self._tasks: set[asyncio.Task[None]] = set()
        self.keyring_status: KeyringStatus | None = None
        self.identity_persisted = False

        intro = QLabel(
            "The console shows the fleet as one coordinator knows it. Enter the address its "
            "gRPC service listens on and the identity you connect as.",
            self,
        )
        intro.setWordWrap(True)

        self.address_combo = QComboBox(self)
        self.address_combo.setObjectName("addressCombo")
        self.address_combo.setEditable(True)
        self.address_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.address_combo.addItems(settings.recent_addresses())
        self.address_combo.lineEdit().setPlaceholderText("host:port, e.g. 127.0.0.1:7443")
        self.address_combo.setToolTip("Recent addresses are in the list (Alt+Down)")
        self.address_rule = _hint_label(self, "fieldHint")

        self.identity_edit = QLineEdit(self)
        self.identity_edit.setObjectName("identityEdit")
        self.identity_edit.setPlaceholderText("/path/to/you.pem")
        self.identity_edit.setAccessibleName("Identity file")
        self.browse_button = QPushButton("&Browse…", self)
        self.browse_button.setObjectName("browseIdentity")
        self.browse_button.clicked.connect(self._on_browse_clicked)
        identity_row = QWidget(self)
        row = QHBoxLayout(identity_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.identity_edit, 1)
        row.addWidget(self.browse_button)
        self.identity_hint = _hint_label(self, "fieldHint")
        self.identity_hint.setText(IDENTITY_HINT)

        address_label = QLabel("Coordinator &address:", self)
        address_label.setBuddy(self.address_combo)
        identity_label = QLabel("&Identity file:", self)
        identity_label.setBuddy(self.identity_edit)

        # Label, field and hint stacked: the hints wrap to the dialog's full width, and a
        # vertical box (unlike a form layout) measures wrapped text correctly.
        fields = QVBoxLayout()
        fields.setSpacing(4)
        for label, field, hint in (
            (address_label, self.address_combo, self.address_rule),
            (identity_label, identity_row, self.identity_hint),
        ):
            fields.addWidget(label)
            fields.addWidget(field)
            fields.addWidget(hint)
            fields.addSpacing(10)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.connect_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("&Connect")
        self.buttons.accepted.connect(self._on_connect_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(fields)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self._on_lookup_timer)
        self._file_timer = QTimer(self)
        self._file_timer.setSingleShot(True)
        self._file_timer.setInterval(LOOKUP_DELAY_MS)
        self._file_timer.timeout.connect(self._on_file_timer)

        self.address_combo.editTextChanged.connect(self._on_address_edited)
        self.identity_edit.textChanged.connect(self._on_identity_path_edited)

        self.address_combo.setEditText(address or settings.last_address())
        self._on_address_edited(self.address_combo.currentText())
        self._run(self._check_keyring())

    # --- results --------------------------------------------------------------------------

    def address(self) -> str:
        """The canonical ``host:port`` (valid once Connect is enabled)."""
        return self._address

    def endpoint(self) -> Endpoint | None:
        """Where to connect and as whom (set once Connect is enabled)."""
        if not self._address or self._identity is None:
            return None
        return Endpoint(self._address, self._identity)

    # --- handlers -------------------------------------------------------------------------

    def _on_address_edited(self, text: str) -> None:
        try:
            address = parse_address(text, FIELD_NAME)
        except ValidationError as error:
            self._address = ""
            self.address_rule.setText(str(error))
            # An empty field is a hint still to follow, not yet a mistake.
            set_state_property(self.address_rule, "state", "error" if text.strip() else "hint")
            self.connect_button.setEnabled(False)
            self._grow_to_fit()
            return
        self._address = str(address)
        self.address_rule.setText(f"Connects to coordinator {self._address}")
        set_state_property(self.address_rule, "state", "ok")
        self._update_connect()
        self._lookup_timer.start()
        self._grow_to_fit()

    def _update_connect(self) -> None:
        self.connect_button.setEnabled(self.endpoint() is not None)

    def _on_identity_path_edited(self, _text: str) -> None:
        # Whatever identity was known, the one that counts now is in the file (once read), or
        # the one kept for the address when the field is emptied: Connect waits for either.
        self._identity = None
        self._update_connect()
        self._file_timer.start()

    def _on_file_timer(self) -> None:
        path = self.identity_edit.text().strip()
        if path:
            self._run(self._read_identity_file(path))
        elif self._address:
            self._run(self._recall_identity(self._address))

    def _on_browse_clicked(self) -> None:
        dialog = QFileDialog(self, "Choose your identity file")
        dialog.setNameFilters(["Identity files (*.pem)", "All files (*)"])
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.identity_edit.setText)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _on_lookup_timer(self) -> None:
        if self._address and not self.identity_edit.text().strip():
            self._run(self._recall_identity(self._address))

    def _on_connect_clicked(self) -> None:
        if self._identity is None or not self._address:
            return
        self.buttons.setEnabled(False)
        self._run(self._save_and_accept(self._address, self._identity))

    # --- async work -----------------------------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _check_keyring(self) -> None:
        self._show_keyring_status(await self._identities.status())

    async def _recall_identity(self, address: str) -> None:
        recalled = await self._identities.recall(address)
        if address != self._address or self.identity_edit.text().strip():
            return  # the user moved on, or chose a file of their own
        self._identity = recalled.identity
        if recalled.identity is not None:
            self._show_identity_hint(
                f"Using {describe_identity(recalled.identity)}, kept for {address}. "
                "Choose a file to use another.",
                "ok",
            )
        else:
            self._show_identity_hint(IDENTITY_HINT, "hint")  # not another address's
        self._show_keyring_status(recalled.status)
        self._update_connect()

    async def _read_identity_file(self, path: str) -> None:
        try:
            identity = await asyncio.to_thread(_load_identity, path)
        except PkiError as error:
            if path != self.identity_edit.text().strip():
                return
            self._show_identity_hint(str(error), "error")
        else:
            if path != self.identity_edit.text().strip():
                return
            self._identity = identity
            self._show_identity_hint(f"Connects as {describe_identity(identity)}", "ok")
        self._update_connect()

    async def _save_and_accept(self, address: str, identity: Identity) -> None:
        try:
            status = await self._identities.remember(address, identity)
            self.identity_persisted = status.available
            self._show_keyring_status(status)
            self._settings.remember_address(address)
        finally:
            self.buttons.setEnabled(True)
        self.accept()

    def _show_identity_hint(self, text: str, state: str) -> None:
        self.identity_hint.setText(text)
        set_state_property(self.identity_hint, "state", state)
        self._grow_to_fit()

    def _show_keyring_status(self, status: KeyringStatus) -> None:
        self.keyring_status = status
        if status.available:
            self.identity_hint.setToolTip("")
            return
        self.identity_hint.setText(
            f"The identity cannot be remembered: {status.problem}. It is kept for this "
            "session only; choose the file again next time."
        )
        self.identity_hint.setToolTip(status.detail)
        set_state_property(self.identity_hint, "state", "warning")
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Hints wrap to more or fewer lines as they change: fit the height to them (a
        top-level window does not follow its layout's height-for-width by itself)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed > 0 and needed != self.height():
            self.resize(self.width(), needed)

    def done(self, result: int) -> None:
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        super().done(result)
