"""Step 1: which kind of storage. Four choices, each with one line on what it is for."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWizardPage

from domain.pools import Backend

# (backend, button text with its mnemonic, what it is). Mnemonics avoid N, B and F: the
# wizard's own Next, Back and Finish buttons use those.
CHOICES: tuple[tuple[Backend, str, str], ...] = (
    (
        Backend.LOCAL_DIR,
        "&Local directory",
        "A directory on one host's own disk: simple and fast, used by that host's VMs only.",
    ),
    (
        Backend.NFS,
        "NF&S share",
        "An export of an NFS server, mounted on each host: VMs can move between hosts.",
    ),
    (
        Backend.CEPH_RBD,
        "&Ceph RBD",
        "Block images in a Ceph cluster, reached by every host over the network with a cephx key.",
    ),
    (
        Backend.ISCSI,
        "&iSCSI target",
        "LUNs of an iSCSI target, logged into from each host, with optional CHAP.",
    ),
)


class BackendPage(QWizardPage):
    backend_changed = Signal(object)  # Backend

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Kind of storage")
        self.setSubTitle("Where the pool's volumes live. The next page asks for its settings.")
        self.group = QButtonGroup(self)
        self.buttons: dict[Backend, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        for backend, text, explanation in CHOICES:
            button = QRadioButton(text, self)
            button.setObjectName(f"backend_{backend.value.lower()}")
            button.setAccessibleDescription(explanation)
            label = QLabel(explanation, self)
            label.setObjectName("choiceExplanation")
            label.setWordWrap(True)
            label.setIndent(26)  # under the button's text, not its circle
            self.group.addButton(button)
            self.buttons[backend] = button
            layout.addWidget(button)
            layout.addWidget(label)
            layout.addSpacing(10)
        layout.addStretch(1)
        self.buttons[Backend.LOCAL_DIR].setChecked(True)
        self.group.buttonToggled.connect(self._on_toggled)

    def backend(self) -> Backend:
        for backend, button in self.buttons.items():
            if button.isChecked():
                return backend
        return Backend.LOCAL_DIR

    def set_backend(self, backend: Backend) -> None:
        self.buttons[backend].setChecked(True)

    def focus_first(self) -> None:
        self.buttons[self.backend()].setFocus(Qt.FocusReason.TabFocusReason)

    def _on_toggled(self, _button: QRadioButton, checked: bool) -> None:
        if checked:
            self.backend_changed.emit(self.backend())
