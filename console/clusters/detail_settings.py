"""The cluster detail's Settings tab: every field of the cluster's spec but its name
(description, labels, every HA and DRS setting, default pool and network) in one form, checked
as typed by the domain's functions, as in the wizard (console.clusters.fields). Save sends
UpdateCluster with a mask of exactly the changed paths (console.clusters.settings_diff);
Revert shows the stored settings again. A refusal goes under the field it names.

While the user edits, the cluster may change elsewhere (Watch): an untouched form follows it;
an edited one keeps the edits and says so, so nothing typed is lost.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.clusters.clusters_model import spec_of
from console.clusters.fields import (
    SETTINGS_LABELS,
    BasicsFields,
    DefaultChoice,
    DrsFields,
    HaFields,
    Placed,
    add_heading,
)
from console.clusters.refusals import refused_field
from console.clusters.settings_diff import changed_paths
from console.kit.background import Background
from console.pool_ops import Result
from console.style import set_state_property
from console.wizards.fields_page import FieldsPage
from domain.clusters import ClusterSpec, format_labels
from domain.errors import ValidationError
from proto.quantix.v1 import coordinator_pb2 as pb

Save = Callable[[ClusterSpec, Sequence[str]], Awaitable[Result[pb.Cluster]]]
NO_CHANGES = "No changes."
CHANGED_ELSEWHERE = (
    "The cluster's settings were changed elsewhere while you edited: Save changes only the "
    "fields you changed; Revert shows the stored settings."
)


class SettingsForm(FieldsPage):
    """Every editable field on one FieldsPage (the wizard's parts), used as a plain widget."""

    def __init__(self, members: Callable[[], Sequence[str]]) -> None:
        super().__init__("Settings")
        self._members = members
        self.fields_ready = False
        add_heading(self, "General")
        self.basics = BasicsFields(self, SETTINGS_LABELS)
        add_heading(self, "High availability")
        self.ha = HaFields(self, SETTINGS_LABELS, lambda: len(self._members()))
        add_heading(self, "Load balancing")
        self.drs = DrsFields(self, SETTINGS_LABELS)
        add_heading(self, "Defaults for new VMs")
        self.pool = DefaultChoice(
            self,
            SETTINGS_LABELS["default_pool"],
            "pool",
            members,
            "A managed pool on every member, or None.",
        )
        self.network = DefaultChoice(
            self,
            SETTINGS_LABELS["default_network"],
            "network",
            members,
            "A managed network on every member, or None.",
        )
        self.grid.setRowStretch(self.grid.rowCount(), 1)
        # Labels and editors keep to the left (the editors have a maximum width); the rest
        # of a wide window stays empty rather than pushing them apart.
        self.grid.setColumnStretch(1, 0)
        self.grid.setColumnStretch(2, 1)
        self.fields_ready = True
        self.revalidate()

    def spec(self, stored: ClusterSpec) -> ClusterSpec:
        """``stored`` with every field as the form shows it."""
        return dataclasses.replace(
            self.basics.apply(stored),
            ha=self.ha.value(),
            drs=self.drs.value(),
            default_pool=self.pool.value(),
            default_network=self.network.value(),
        )

    def show_spec(self, spec: ClusterSpec) -> None:
        self.basics.show(spec)
        self.ha.show(spec.ha)
        self.drs.show(spec.drs)
        self.pool.show(spec.default_pool)
        self.network.show(spec.default_network)

    def show_settings(self, spec: ClusterSpec, paths: Iterable[str]) -> None:
        """Only the settings ``paths`` name (settings_diff's one-setting paths) as ``spec``
        has them; every other field stays as the user left it, text that breaks a rule
        included (a group's ``show`` would put its last valid value back)."""
        basics, ha, drs = self.basics, self.ha, self.drs
        setters: dict[str, Callable[[], None]] = {
            "description": lambda: basics.description.set_text(spec.description),
            "labels": lambda: basics.labels.set_text(format_labels(spec.labels)),
            "ha.enabled": lambda: ha.enabled.setChecked(spec.ha.enabled),
            "ha.admission_control": lambda: ha.admission_control.setChecked(
                spec.ha.admission_control
            ),
            "ha.host_failures_to_tolerate": lambda: ha.failures.set_text(
                str(spec.ha.host_failures_to_tolerate)
            ),
            "ha.host_monitoring": lambda: ha.host_monitoring.setChecked(spec.ha.host_monitoring),
            "ha.vm_monitoring": lambda: ha.vm_monitoring.setChecked(spec.ha.vm_monitoring),
            "ha.restart_priority": lambda: ha.restart_priority.set_text(
                spec.ha.restart_priority.value
            ),
            "ha.isolation_response": lambda: ha.isolation_response.set_text(
                spec.ha.isolation_response.value
            ),
            "drs.enabled": lambda: drs.enabled.setChecked(spec.drs.enabled),
            "drs.automation": lambda: drs.automation.set_text(spec.drs.automation.value),
            "drs.migration_threshold": lambda: drs.threshold.set_text(
                str(spec.drs.migration_threshold)
            ),
            "drs.power_management": lambda: drs.power_management.setChecked(
                spec.drs.power_management
            ),
            "default_pool": lambda: self.pool.show(spec.default_pool),
            "default_network": lambda: self.network.show(spec.default_network),
        }
        for path in paths:
            setters[path]()
        self.revalidate()

    def check(self) -> None:
        if self.fields_ready:
            self.ha.check()

    def place_error(self, error: ValidationError, engaged: bool) -> None:
        # Shown at once: admission control breaks through a check box or the members.
        super().place_error(error, True)


class SettingsTab(QWidget):
    notice = Signal(str)

    def __init__(self, save: Save, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._background = Background()
        self.stored: ClusterSpec | None = None
        self.members: tuple[str, ...] = ()
        self._placed: tuple[tuple[Placed, ...], tuple[Placed, ...]] = ((), ())
        self._changed_elsewhere = False

        self.form = SettingsForm(lambda: self.members)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.form)
        self.status = QLabel(NO_CHANGES, self)
        self.status.setObjectName("fieldHint")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton("&Save", self)
        self.save_button.setObjectName("primaryButton")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Rever&t", self)
        self.revert_button.setToolTip("Show the stored settings again, dropping your changes")
        self.revert_button.clicked.connect(self.revert)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        for row in self.form.rows():
            row.changed.connect(self._on_edited)
        for box in (
            self.form.ha.enabled,
            self.form.ha.admission_control,
            self.form.ha.host_monitoring,
            self.form.ha.vm_monitoring,
            self.form.drs.enabled,
            self.form.drs.power_management,
        ):
            box.toggled.connect(self._on_edited)
        self.form.completeChanged.connect(self._update)
        self._update()

    # --- contents -------------------------------------------------------------------------

    def show_cluster(
        self,
        spec: ClusterSpec,
        members: Sequence[str],
        pools: Sequence[Placed],
        networks: Sequence[Placed],
    ) -> None:
        """The cluster as stored now. An unedited form shows it; an edited one keeps the
        user's values (and says the stored ones moved)."""
        placed = (tuple(pools), tuple(networks))
        previous = self.stored
        first = previous is None or previous.name != spec.name
        edits = () if first else self.changed_paths()
        moved = not first and spec != previous
        self.members = tuple(members)
        if first or placed != self._placed or moved:
            self._placed = placed
            self.form.pool.set_choices(pools, spec.default_pool)
            self.form.network.set_choices(networks, spec.default_network)
        self.stored = spec
        if first or not edits:
            self.form.show_spec(spec)
            self._changed_elsewhere = False
        elif moved and previous is not None:
            # The settings changed elsewhere follow the stored ones unless the user edited
            # them too, so Save sends the user's edits only and never puts back what
            # someone else changed meanwhile.
            theirs = set(changed_paths(previous, spec)) - set(edits)
            self.form.show_settings(spec, theirs)
            self._changed_elsewhere = True
        self.form.revalidate()
        self._update()

    def current_spec(self) -> ClusterSpec | None:
        return None if self.stored is None else self.form.spec(self.stored)

    def changed_paths(self) -> tuple[str, ...]:
        current = self.current_spec()
        if current is None or self.stored is None:
            return ()
        return changed_paths(self.stored, current)

    # --- Save / Revert --------------------------------------------------------------------

    def _on_edited(self, *_args: object) -> None:
        """A value changed: a refusal shown below is about the values before it."""
        if not self._background.busy:
            self.status.setProperty("sticky", False)
        self._update()

    def _update(self, *_args: object) -> None:
        paths = self.changed_paths()
        busy = self._background.busy
        complete = self.form.isComplete()
        self.save_button.setEnabled(bool(paths) and complete and not busy)
        self.revert_button.setEnabled(bool(paths) and not busy)
        if busy:
            return
        if self.status.property("sticky"):
            return
        if self._changed_elsewhere and paths:
            self._say(CHANGED_ELSEWHERE)
        elif not paths:
            self._say(NO_CHANGES)
        elif not complete:
            self._say("Fix the field marked in red to save.", error=True)
        else:
            count = len(paths)
            self._say(f"{count} change{'s' if count != 1 else ''}: {', '.join(paths)}")

    def _say(self, text: str, error: bool = False, sticky: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("sticky", sticky)
        set_state_property(self.status, "state", "error" if error else "hint")

    def revert(self) -> None:
        if self.stored is None:
            return
        self._changed_elsewhere = False
        self.status.setProperty("sticky", False)
        self.form.pool.set_choices(self._placed[0], self.stored.default_pool)
        self.form.network.set_choices(self._placed[1], self.stored.default_network)
        self.form.show_spec(self.stored)
        for row in self.form.rows():
            row.set_server_error("")  # the refusal was about the values dropped now
        self.form.revalidate()
        self._update()

    def save(self) -> None:
        spec, paths = self.current_spec(), self.changed_paths()
        if spec is None or not paths or not self.save_button.isEnabled():
            return
        self.status.setProperty("sticky", False)
        self._say(f"Saving {', '.join(paths)}…")
        task = self._background.run(self._run_save(spec, paths), f"update cluster {spec.name}")
        task.add_done_callback(lambda _task: self._update())
        self._update()

    async def _run_save(self, spec: ClusterSpec, paths: tuple[str, ...]) -> None:
        result = await self._save(spec, paths)
        if result.failure is not None:
            failure = result.failure
            field = refused_field(failure)
            row = self.form.row_for(field) if field else None
            if row is not None:
                row.set_server_error(failure.details or failure.text)
                self.form.revalidate()
                row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
            self._say(failure.text, error=True, sticky=True)
            return
        self._say("")
        self.notice.emit(f"Saved {', '.join(paths)} of cluster {spec.name}")
        saved = result.value
        self.stored = spec_of(saved) if saved is not None and saved.spec.name else spec
        self._changed_elsewhere = False
        self.form.show_spec(self.stored)
        self.form.revalidate()

    async def stop(self) -> None:
        await self._background.stop()
