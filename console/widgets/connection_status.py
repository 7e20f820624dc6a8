"""The status bar's account of the coordinator connection (and of the demo fleet).

"Connected to coordinator 127.0.0.1:7443" in green, "Reconnecting in 3 s — coordinator
127.0.0.1:7443 unreachable: ..." in amber with a live countdown, and so on. A long reason is
elided to fit the window; its full text is in the tooltip and behind the Details button,
where it can be selected and copied.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from console.connection_state import ConnectionState, Phase
from console.style import set_state_property

if TYPE_CHECKING:
    from console.widgets.error_view import ErrorDialog

# The reconnect countdown counts whole seconds.
COUNTDOWN_TICK_MS = 1000


class ElidedLabel(QLabel):
    """A one-line label that elides its text at the right instead of widening the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full_text = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)

    def set_full_text(self, text: str) -> None:
        self._full_text = text
        self.setToolTip(text)
        self.setAccessibleName(text)
        self._elide()

    def full_text(self) -> str:
        return self._full_text

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        margins = self.contentsMargins()
        width = self.width() - margins.left() - margins.right()
        super().setText(
            self.fontMetrics().elidedText(self._full_text, Qt.TextElideMode.ElideRight, width)
        )


class ConnectionStatus(QFrame):
    """Shows one of: not connected, busy (demo starting), connecting, connected, reconnecting,
    failed. The ``state`` dynamic property ("idle", "busy", "connecting", "connected",
    "reconnecting", "error") selects the colours in quantix.qss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionStatus")
        self.label = ElidedLabel(self)
        self.label.setObjectName("connectionStatusText")
        self.details_button = QPushButton("&Details…", self)
        self.details_button.setObjectName("connectionDetailsButton")
        self.details_button.setToolTip("Show the full error text, to read or copy")
        self.details_button.clicked.connect(self._on_details_clicked)
        self.details_button.setVisible(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.setSpacing(8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.details_button)

        self._detail_title = ""
        self._detail_text = ""
        self._connection: ConnectionState | None = None
        self._dialog: ErrorDialog | None = None

        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_TICK_MS)
        self._countdown.timeout.connect(self._on_countdown_tick)
        self.show_idle()

    def text(self) -> str:
        return self.label.full_text()

    def state(self) -> str:
        return str(self.property("state"))

    # --- what to show ---------------------------------------------------------------------

    def show_idle(self) -> None:
        self._show("idle", "Not connected — choose File › Connect to coordinator… (Ctrl+O)")

    def show_busy(self, text: str) -> None:
        self._show("busy", text)

    def show_error(self, summary: str, title: str, detail: str) -> None:
        self._show("error", summary, title, detail)

    def show_connection(self, state: ConnectionState) -> None:
        self._connection = state
        target = f"coordinator {state.address}"
        if state.phase is Phase.CONNECTED:
            self._show("connected", f"Connected to {target}")
        elif state.phase is Phase.CONNECTING:
            self._show("connecting", f"Connecting to {target}…")
        elif state.phase is Phase.RECONNECTING:
            self._show(
                "reconnecting",
                self._reconnecting_text(state),
                f"Lost the connection to {target}",
                state.detail,
            )
            self._countdown.start()
        else:
            self.show_idle()

    # --- internals ------------------------------------------------------------------------

    def _show(self, state: str, text: str, title: str = "", detail: str = "") -> None:
        self._countdown.stop()
        if state != "reconnecting":
            self._connection = None
        set_state_property(self, "state", state)
        self.label.set_full_text(text)
        self._detail_title = title
        self._detail_text = detail
        self.details_button.setVisible(bool(detail))

    @staticmethod
    def _reconnecting_text(state: ConnectionState) -> str:
        remaining = math.ceil(max(0.0, state.retry_at - time.monotonic()))
        when = f"Reconnecting in {remaining} s" if remaining else "Reconnecting now"
        return f"{when} — {state.detail}"

    def _on_countdown_tick(self) -> None:
        state = self._connection
        if state is None or state.phase is not Phase.RECONNECTING:
            self._countdown.stop()
            return
        self.label.set_full_text(self._reconnecting_text(state))

    def _on_details_clicked(self) -> None:
        if self._dialog is not None:
            self._dialog.close()
        # open(), not exec(): the event loop (and the Watch stream) keeps running.
        from console.widgets.error_view import ErrorDialog  # opened rarely: not before show

        self._dialog = ErrorDialog(self._detail_title, self._detail_text, self.window())
        self._dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialog.finished.connect(self._on_dialog_finished)
        self._dialog.open()

    def _on_dialog_finished(self) -> None:
        self._dialog = None
