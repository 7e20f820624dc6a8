"""Step 5: which hosts carry the network - every host, or the hosts ticked in a list where
offline hosts are marked (they set the network up when they come back).

For a network with a subnet, the domain's overlap rule runs on the hosts chosen here: a
subnet may repeat another network's only where the two share no host.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

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

from console.networks.wizard_inputs import HostInfo
from console.style import set_state_property
from console.wizards.field_row import sentence
from domain.errors import ValidationError
from domain.networks import NetworkSpec, check_no_overlap
from domain.pools import validate_host_names

EVERY_HOST_TEXT = "Hosts that join later get the network too."
OFFLINE_TEXT = "offline: sets the network up when it is back"
ONLY_NONE_RULE = "Tick at least one host, or choose every host above"


class HostsPage(QWizardPage):
    def __init__(
        self,
        base: Callable[[], NetworkSpec],
        hosts: Sequence[HostInfo],
        others: Sequence[NetworkSpec],
    ) -> None:
        super().__init__()
        self.setTitle("Hosts")
        self.setSubTitle("Which hosts set the network up.")
        self._base = base  # the spec of the earlier pages
        self._hosts = sorted(hosts, key=lambda host: host.name)
        self._others = tuple(others)
        self._complete = False

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
        self.list_label = QLabel("&Hosts (Space ticks):", self)
        self.hosts = QListWidget(self)
        self.hosts.setObjectName("hostList")
        self.hosts.setAccessibleName("Hosts")
        self.list_label.setBuddy(self.hosts)
        self.rule_label = QLabel(self)
        self.rule_label.setObjectName("fieldHint")
        self.rule_label.setWordWrap(True)
        self.rule_label.setTextFormat(Qt.TextFormat.PlainText)
        self._fill()

        layout = QVBoxLayout(self)
        layout.addWidget(self.every)
        layout.addWidget(self.every_note)
        layout.addWidget(self.only)
        layout.addSpacing(4)
        layout.addWidget(self.list_label)
        layout.addWidget(self.hosts, 1)
        layout.addWidget(self.rule_label)

        self.group.buttonToggled.connect(self.revalidate)
        self.hosts.itemChanged.connect(self.revalidate)

    def _fill(self) -> None:
        for host in self._hosts:
            text = host.name if host.online else f"{host.name} — {OFFLINE_TEXT}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, host.name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            if not host.online:
                # Marked, not greyed: an offline host can still be chosen.
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setToolTip(f"{host.name} is {OFFLINE_TEXT}.")
            self.hosts.addItem(item)
        if self.hosts.count():
            self.hosts.setCurrentRow(0)

    # --- the wizard's view ----------------------------------------------------------------

    def every_host(self) -> bool:
        return self.every.isChecked()

    def chosen_hosts(self) -> tuple[str, ...]:
        """() means every host."""
        if self.every_host():
            return ()
        return tuple(
            str(self.hosts.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.hosts.count())
            if self.hosts.item(i).checkState() == Qt.CheckState.Checked
        )

    def apply(self, spec: NetworkSpec) -> NetworkSpec:
        return dataclasses.replace(spec, hosts=self.chosen_hosts())

    def hosts_text(self) -> str:
        offline = {host.name for host in self._hosts if not host.online}
        if self.every_host():
            count = len(self._hosts)
            now = f"{count} now" if count else "none now"
            down = f", {len(offline)} offline" if offline else ""
            return f"Every host, including hosts that join later ({now}{down})"
        return ", ".join(
            f"{name} (offline)" if name in offline else name for name in self.chosen_hosts()
        )

    # --- QWizardPage ----------------------------------------------------------------------

    def initializePage(self) -> None:
        self.revalidate()

    def cleanupPage(self) -> None:
        """Going back keeps the ticks (QWizard would reset the page)."""

    def isComplete(self) -> bool:
        return self._complete

    def focus_first(self) -> None:
        (self.every if self.every.isChecked() else self.hosts).setFocus(
            Qt.FocusReason.TabFocusReason
        )

    # --- checks ---------------------------------------------------------------------------

    def revalidate(self, *_args: object) -> None:
        every = self.every_host()
        # With "every host" the ticks mean nothing: the list is greyed out, not ignored.
        self.hosts.setEnabled(not every)
        self.list_label.setEnabled(not every)
        rule, error = self._rule(every)
        self.rule_label.setText(rule)
        set_state_property(self.rule_label, "state", "error" if error else "hint")
        if (not error) != self._complete:
            self._complete = not error
            self.completeChanged.emit()

    def _rule(self, every: bool) -> tuple[str, bool]:
        hosts = self.chosen_hosts()
        if not every and not hosts:
            return ONLY_NONE_RULE, True
        try:
            validate_host_names(hosts)
            check_no_overlap(
                self.apply(self._base()), self._others, [host.name for host in self._hosts]
            )
        except ValidationError as error:
            return sentence(error.rule), True
        if every:
            count = len(self._hosts)
            text = f"All {count} known hosts, and later ones." if count else EVERY_HOST_TEXT
            return text, False
        return f"On {', '.join(hosts)}.", False
