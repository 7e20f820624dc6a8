"""Step 2: the first members: hosts in no other cluster, connected ones first, ticked in a
list (Space), or all / none at once. None is allowed: hosts can be added later. A host that
joins another cluster while the wizard is open is refused here with the coordinator's words
(domain.cluster_rules.membership_conflicts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWizardPage

from console.clusters.cluster_inputs import HostChoice, free_hosts
from console.clusters.host_picker import HostPicker
from console.style import set_state_property
from domain.cluster_rules import membership_conflicts

NO_FREE_HOSTS = "Every host is in a cluster already: the cluster starts empty."
NONE_TICKED = "No host ticked: the cluster starts empty; add hosts to it later in its detail."


class HostsPage(QWizardPage):
    def __init__(self, hosts: Sequence[HostChoice], cluster_of: Mapping[str, str]) -> None:
        super().__init__()
        self.setTitle("Hosts")
        self.setSubTitle("The cluster's first members: hosts in no other cluster.")
        self._hosts = tuple(hosts)
        self._cluster_of = dict(cluster_of)
        self._server_error = ""
        self._complete = True
        self.picker = HostPicker(self)
        self.rule_label = QLabel(self)
        self.rule_label.setObjectName("fieldHint")
        self.rule_label.setWordWrap(True)
        self.rule_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.rule_label)
        self.picker.changed.connect(self._on_ticked)
        self.picker.set_hosts(free_hosts(self._hosts, self._cluster_of), NO_FREE_HOSTS)

    # --- the wizard's view ----------------------------------------------------------------

    def chosen_hosts(self) -> tuple[str, ...]:
        return self.picker.chosen()

    def set_cluster_of(self, cluster_of: Mapping[str, str]) -> None:
        """Membership as it is now (from Watch): ticked hosts that joined another cluster
        meanwhile stay in the list, with the rule they now break."""
        self._cluster_of = dict(cluster_of)
        self.revalidate()

    def show_error(self, text: str) -> None:
        """The coordinator's refusal about the hosts, until the ticks change."""
        self._server_error = text
        self.revalidate()

    # --- QWizardPage ----------------------------------------------------------------------

    def initializePage(self) -> None:
        self.revalidate()

    def cleanupPage(self) -> None:
        """Back keeps the ticks (QWizard would reset the page)."""

    def isComplete(self) -> bool:
        return self._complete

    def focus_first(self) -> None:
        self.picker.list.setFocus(Qt.FocusReason.TabFocusReason)

    # --- checks ---------------------------------------------------------------------------

    def _on_ticked(self) -> None:
        self._server_error = ""
        self.revalidate()

    def revalidate(self) -> None:
        chosen = self.chosen_hosts()
        conflicts = membership_conflicts("", chosen, self._cluster_of)
        problem = self._server_error or "; ".join(conflicts)
        if problem:
            text = problem
        elif not chosen:
            text = NONE_TICKED
        else:
            text = f"{len(chosen)} host{'s' if len(chosen) != 1 else ''}: {', '.join(chosen)}."
        self.rule_label.setText(text)
        set_state_property(self.rule_label, "state", "error" if problem else "hint")
        if (not problem) != self._complete:
            self._complete = not problem
            self.completeChanged.emit()
