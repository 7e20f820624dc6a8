"""Step 3: which hosts set the pool up. Shared storage may go on every host; a local
directory lives on exactly one."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from clients import present
from console.status_colours import status_icon
from console.style import set_state_property
from console.wizards.field_row import sentence
from domain.errors import ValidationError
from domain.pools import Backend, validate_hosts
from proto.quantix.v1 import coordinator_pb2 as pb

SHARED_TEXT = (
    "Shared storage is reachable from many hosts: Quantix sets the pool up on each assigned "
    "host at once, so VMs can run on any of them."
)
LOCAL_TEXT = (
    "A local directory lives on one host's own disk, so it belongs to exactly one host: "
    "tick that host."
)
EVERY_HOST_TEXT = "Every host, now and later: hosts that register later get the pool too."
NO_HOSTS_TEXT = (
    "The coordinator knows no hosts yet. Shared storage on every host is set up on each host "
    "as it registers."
)
ONLY_NONE_RULE = "Tick at least one host, or choose every host above"


class HostsPage(QWizardPage):
    def __init__(self, backend: Callable[[], Backend], nodes: Callable[[], list[pb.Node]]) -> None:
        super().__init__()
        self.setTitle("Hosts")
        self.setSubTitle("Which hosts set the pool up.")
        self._backend = backend
        self._nodes = nodes
        self._complete = False
        self._filled_for: Backend | None = None

        self.explanation = QLabel(self)
        self.explanation.setWordWrap(True)
        self.every = QRadioButton("&Every host", self)
        self.every.setObjectName("everyHost")
        self.every_note = QLabel(EVERY_HOST_TEXT, self)
        self.every_note.setObjectName("choiceExplanation")
        self.every_note.setIndent(26)
        self.every_note.setWordWrap(True)
        self.only = QRadioButton("&Only the hosts ticked below", self)
        self.only.setObjectName("onlyHosts")
        self.group = QButtonGroup(self)
        self.group.addButton(self.every)
        self.group.addButton(self.only)
        self.every.setChecked(True)
        self.list_label = QLabel("&Hosts:", self)
        self.hosts = QListWidget(self)
        self.hosts.setObjectName("hostList")
        self.hosts.setAccessibleName("Hosts")
        self.list_label.setBuddy(self.hosts)
        self.rule_label = QLabel(self)
        self.rule_label.setObjectName("fieldHint")
        self.rule_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addSpacing(6)
        layout.addWidget(self.every)
        layout.addWidget(self.every_note)
        layout.addWidget(self.only)
        layout.addSpacing(4)
        layout.addWidget(self.list_label)
        layout.addWidget(self.hosts, 1)
        layout.addWidget(self.rule_label)

        self.group.buttonToggled.connect(self._revalidate)
        self.hosts.itemChanged.connect(self._on_item_changed)

    # --- the wizard's view ----------------------------------------------------------------

    def chosen_hosts(self) -> tuple[str, ...]:
        """The hosts for the spec: () means every host (shared storage only)."""
        if self._backend().shared and self.every.isChecked():
            return ()
        return tuple(
            str(self.hosts.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.hosts.count())
            if self.hosts.item(i).checkState() == Qt.CheckState.Checked
        )

    def every_host(self) -> bool:
        return self._backend().shared and self.every.isChecked()

    def show_error(self, text: str) -> None:
        """What the coordinator said about the hosts; shown until the choice changes."""
        self.rule_label.setText(text)
        set_state_property(self.rule_label, "state", "error")

    # --- QWizardPage ----------------------------------------------------------------------

    def initializePage(self) -> None:
        backend = self._backend()
        shared = backend.shared
        self.explanation.setText(SHARED_TEXT if shared else LOCAL_TEXT)
        for widget in (self.every, self.every_note, self.only):
            widget.setVisible(shared)
        if backend is not self._filled_for:
            self._fill(backend)
        self._revalidate()

    def focus_first(self) -> None:
        """The choice to make first: every host or only some, else the list."""
        shared = self._backend().shared
        first = self.every if shared and self.every.isChecked() else self.hosts
        first.setFocus(Qt.FocusReason.TabFocusReason)

    def cleanupPage(self) -> None:
        """Going back keeps the ticks (QWizard would reset the page)."""

    def isComplete(self) -> bool:
        return self._complete

    # --- internals ------------------------------------------------------------------------

    def _fill(self, backend: Backend) -> None:
        ticked = set(self.chosen_hosts()) if self._filled_for is not None else set()
        nodes = sorted(self._nodes(), key=lambda node: node.name)
        self.hosts.blockSignals(True)
        self.hosts.clear()
        for node in nodes:
            item = QListWidgetItem(f"{node.name} — {present.status_label(node.status)}")
            item.setData(Qt.ItemDataRole.UserRole, node.name)
            item.setIcon(status_icon(node.status))
            item.setToolTip(present.node_status_text(node, time.time()))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if node.name in ticked else Qt.CheckState.Unchecked
            )
            self.hosts.addItem(item)
        if not backend.shared and not ticked:
            # A sensible first choice for a local directory: the first connected host.
            for index, node in enumerate(nodes):
                if node.status == pb.NODE_STATUS_CONNECTED:
                    self.hosts.item(index).setCheckState(Qt.CheckState.Checked)
                    break
        if self.hosts.count():
            self.hosts.setCurrentRow(0)
        self.hosts.blockSignals(False)
        self._filled_for = backend

    def _on_item_changed(self, _item: QListWidgetItem) -> None:
        self._revalidate()

    def _revalidate(self, *_args: object) -> None:
        backend = self._backend()
        every = self.every_host()
        # With "every host" the ticks mean nothing: the list is greyed out, not ignored.
        self.hosts.setEnabled(not every)
        self.list_label.setEnabled(not every)
        rule, error = self._rule(backend, every)
        self.rule_label.setText(rule)
        set_state_property(self.rule_label, "state", "error" if error else "hint")
        complete = not error
        if complete != self._complete:
            self._complete = complete
            self.completeChanged.emit()

    def _rule(self, backend: Backend, every: bool) -> tuple[str, bool]:
        count = self.hosts.count()
        if every:
            return (
                NO_HOSTS_TEXT if not count else f"All {count} known hosts, and later ones."
            ), False
        hosts = self.chosen_hosts()
        if backend.shared and not hosts:
            return ONLY_NONE_RULE, True
        try:
            validate_hosts(hosts, backend)
        except ValidationError as error:
            return sentence(error.rule), True
        return f"On {', '.join(hosts)}.", False
