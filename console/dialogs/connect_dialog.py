"""File › Connect to coordinator…: the address (validated as typed) and an optional token.

The address is checked with domain.validation.parse_address, the same rule the servers and
quantixctl apply; Connect stays disabled until it holds, and the rule is shown under the field.
Recent addresses come from QSettings. The token goes to the OS keyring (console.tokens), never
to QSettings or a file; without a keyring it is kept for this session only, and the dialog
says so.

Open it with ``open()`` and read the result in a ``finished`` handler (never ``exec()`` inside
a coroutine: qasync cannot nest it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from console.settings import ConsoleSettings
from console.style import set_state_property
from console.tokens import KeyringStatus, TokenStore
from domain.errors import ValidationError
from domain.validation import parse_address

FIELD_NAME = "Coordinator address"

# Look the token up once typing pauses, not on every keystroke (each lookup may be a D-Bus
# round trip to the Secret Service).
TOKEN_LOOKUP_DELAY_MS = 300

TOKEN_HINT = (
    "Kept in your system keyring, never in a settings file. "
    "Coordinators of this version do not ask for a token yet."
)


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
        tokens: TokenStore,
        parent: QWidget | None = None,
        address: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to Coordinator")
        self.setMinimumWidth(480)
        self._settings = settings
        self._tokens = tokens
        self._address = ""  # canonical host:port once valid
        self._token_edited = False
        # Tasks of this dialog (keyring look-ups, the save on Connect): held here because
        # qasync and asyncio hold tasks weakly.
        self._tasks: set[asyncio.Task[None]] = set()
        self.keyring_status: KeyringStatus | None = None
        self.token_persisted = False

        intro = QLabel(
            "The console shows the fleet as one coordinator knows it. "
            "Enter the address its gRPC service listens on.",
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

        self.token_edit = QLineEdit(self)
        self.token_edit.setObjectName("tokenEdit")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("Optional")
        self.token_hint = _hint_label(self, "fieldHint")
        self.token_hint.setText(TOKEN_HINT)

        address_label = QLabel("Coordinator &address:", self)
        address_label.setBuddy(self.address_combo)
        token_label = QLabel("Access &token:", self)
        token_label.setBuddy(self.token_edit)

        # Label, field and hint stacked: the hints wrap to the dialog's full width, and a
        # vertical box (unlike a form layout) measures wrapped text correctly.
        fields = QVBoxLayout()
        fields.setSpacing(4)
        for label, field, hint in (
            (address_label, self.address_combo, self.address_rule),
            (token_label, self.token_edit, self.token_hint),
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
        self._lookup_timer.setInterval(TOKEN_LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self._on_lookup_timer)

        self.address_combo.editTextChanged.connect(self._on_address_edited)
        self.token_edit.textEdited.connect(self._on_token_edited)

        self.address_combo.setEditText(address or settings.last_address())
        self._on_address_edited(self.address_combo.currentText())
        self._run(self._check_keyring())

    # --- results --------------------------------------------------------------------------

    def address(self) -> str:
        """The canonical ``host:port`` (valid once Connect is enabled)."""
        return self._address

    def token(self) -> str:
        return self.token_edit.text()

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
        self.connect_button.setEnabled(True)
        self._lookup_timer.start()
        self._grow_to_fit()

    def _on_token_edited(self, _text: str) -> None:
        self._token_edited = True

    def _on_lookup_timer(self) -> None:
        if self._address:
            self._run(self._recall_token(self._address))

    def _on_connect_clicked(self) -> None:
        if not self._address:
            return
        self.buttons.setEnabled(False)
        self._run(self._save_and_accept(self._address, self.token()))

    # --- async work -----------------------------------------------------------------------

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _check_keyring(self) -> None:
        self._show_keyring_status(await self._tokens.status())

    async def _recall_token(self, address: str) -> None:
        recalled = await self._tokens.recall(address)
        self._show_keyring_status(recalled.status)
        if address != self._address or self._token_edited:
            return  # the user moved on, or typed a token of their own
        self.token_edit.setText(recalled.token)

    async def _save_and_accept(self, address: str, token: str) -> None:
        try:
            status = await self._tokens.remember(address, token)
            self.token_persisted = bool(token) and status.available
            if token:
                self._show_keyring_status(status)
            self._settings.remember_address(address)
        finally:
            self.buttons.setEnabled(True)
        self.accept()

    def _show_keyring_status(self, status: KeyringStatus) -> None:
        self.keyring_status = status
        if status.available:
            self.token_hint.setText(TOKEN_HINT)
            self.token_hint.setToolTip("")
            set_state_property(self.token_hint, "state", "hint")
        else:
            self.token_hint.setText(
                f"The token cannot be remembered: {status.problem}. "
                "It is kept for this session only."
            )
            self.token_hint.setToolTip(status.detail)
            set_state_property(self.token_hint, "state", "warning")
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
