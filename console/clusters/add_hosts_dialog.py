"""Add hosts…: tick hosts in no cluster (connected first) to add to this one. OK says why it
is disabled (no host ticked; the cluster's default pool or network not on a ticked host, in
domain.cluster_rules' words, as the coordinator would refuse it); a refusal stays in the
dialog, as the coordinator worded it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from console.clusters.cluster_inputs import HostChoice, free_hosts
from console.clusters.cluster_ops import ClusterCalls
from console.clusters.fields import Placed
from console.clusters.host_picker import HostPicker
from console.kit.background import Background
from console.wizards.dialog_footer import dialog_footer
from domain.cluster_rules import default_problem
from domain.clusters import ClusterSpec

NONE_TICKED = "Tick the hosts to add (Space ticks)."
NO_FREE_HOSTS = "Every host is in a cluster already; remove one from its cluster first."


class AddHostsDialog(QDialog):
    added = Signal(object)  # the hosts, once the coordinator added them

    def __init__(
        self,
        spec: ClusterSpec,
        members: Sequence[str],
        hosts: Sequence[HostChoice],
        placed: tuple[Sequence[Placed], Sequence[Placed]],
        calls: ClusterCalls,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("addClusterHostsDialog")
        self.setWindowTitle(f"Add hosts to {spec.name}")
        self.resize(460, 420)
        self.spec = spec
        self.members = tuple(members)
        self.calls = calls
        self._pools = {item.name: item.hosts for item in placed[0]}
        self._networks = {item.name: item.hosts for item in placed[1]}
        self._background = Background()
        free = free_hosts(hosts, {})
        intro = QLabel(
            f"Hosts in no cluster. Added hosts take {spec.name}'s HA and DRS settings.", self
        )
        intro.setWordWrap(True)
        self.picker = HostPicker(self)
        self.picker.set_hosts(free, NO_FREE_HOSTS)
        # "A&dd": Alt+A is the host picker's "Select &all".
        self.footer = dialog_footer(self, "A&dd")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.footer.reason)
        layout.addWidget(self.footer.server_error)
        layout.addWidget(self.footer.buttons)
        self.picker.changed.connect(self._update)
        self._update()
        self.picker.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def problem(self) -> str | None:
        """Why OK is disabled, or None."""
        chosen = self.picker.chosen()
        if not chosen:
            return NONE_TICKED
        members = (*self.members, *chosen)
        for kind, name, placed in (
            ("pool", self.spec.default_pool, self._pools),
            ("network", self.spec.default_network, self._networks),
        ):
            problem = default_problem(kind, name, placed.get(name), members)
            if problem is not None:
                return f"The cluster's default {problem[:1].lower()}{problem[1:]}"
        return None

    def _update(self) -> None:
        problem = self.problem()
        busy = self._background.busy
        self.footer.ok_button.setEnabled(problem is None and not busy)
        self.footer.reason.setText(problem or f"Adds {', '.join(self.picker.chosen())}.")
        self.footer.server_error.setVisible(False)

    def accept(self) -> None:
        if self.problem() is not None or self._background.busy:
            return
        hosts = self.picker.chosen()
        self.footer.ok_button.setEnabled(False)
        self.footer.reason.setText(f"Adding {', '.join(hosts)}…")
        self._background.run(self._add(hosts), f"add hosts to {self.spec.name}")

    async def _add(self, hosts: tuple[str, ...]) -> None:
        result = await self.calls.add_hosts(self.spec.name, hosts)
        if result.failure is not None:
            self._update_after_failure(result.failure.text)
            return
        self.added.emit(hosts)
        super().accept()

    def _update_after_failure(self, text: str) -> None:
        self.footer.ok_button.setEnabled(self.problem() is None)
        self.footer.reason.setText("")
        self.footer.server_error.setText(text)
        self.footer.server_error.setVisible(True)

    def done(self, result: int) -> None:
        self._background.cancel()
        super().done(result)
