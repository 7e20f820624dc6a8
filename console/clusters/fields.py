"""A cluster's settings as form fields, built on a ``FieldsPage`` (console.wizards): the
Create Cluster wizard puts each group on a page of its own, the detail's Settings tab puts
them all on one. Either way every field is checked as typed by the domain function the
coordinator runs, and a rule across fields (HA admission control, a default pool that is not
on every member) is pinned on the field it is about.

Mnemonics differ between the wizard (Next and Back own N and B) and the Settings tab (one form
with Save and Revert), so each caller gives its labels (``WIZARD_LABELS``, ``SETTINGS_LABELS``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QWidget

from console.wizards.field_row import FieldRow, Validator
from console.wizards.fields_page import FieldsPage
from domain.cluster_rules import admission_problem, default_problem
from domain.clusters import (
    DRS_AUTOMATION_LABELS,
    ISOLATION_RESPONSE_LABELS,
    MIGRATION_THRESHOLD_LABELS,
    RESTART_PRIORITY_LABELS,
    ClusterSpec,
    DrsAutomation,
    DrsSettings,
    HaSettings,
    IsolationResponse,
    RestartPriority,
    format_labels,
    parse_labels,
    validate_cluster_name,
    validate_default_name,
    validate_failures_to_tolerate,
    validate_migration_threshold,
)
from domain.errors import ValidationError
from domain.limits import quoted
from domain.pools import validate_description

E = TypeVar("E", bound=Enum)

WIZARD_LABELS: Mapping[str, str] = {
    "name": "Cluster n&ame:",
    "description": "&Description:",
    "labels": "&Labels:",
    "ha.enabled": "Turn on high availability (HA): restart the &VMs of a failed host elsewhere",
    "ha.admission_control": "&Admission control: keep room to restart them",
    "ha.host_failures_to_tolerate": "Host &failures to tolerate:",
    "ha.host_monitoring": "Host &monitoring",
    "ha.vm_monitoring": "VM monitoring (restart a VM whose guest &stops responding)",
    "ha.restart_priority": "&Restart priority:",
    "ha.isolation_response": "&Isolation response:",
    "drs.enabled": "Turn on load balancing (&DRS): move VMs between hosts to even out load",
    "drs.automation": "&Automation level:",
    "drs.migration_threshold": "Migration &threshold:",
    "drs.power_management": "&Power management (switch idle hosts off)",
    "default_pool": "Default storage &pool:",
    "default_network": "Default net&work:",
}
# One form in the main window, with Save (Alt+S) and Revert (Alt+T): every mnemonic once, and
# none of the menu bar's (File, View, Help).
SETTINGS_LABELS: Mapping[str, str] = {
    "description": "D&escription:",
    "labels": "&Labels:",
    "ha.enabled": "High availa&bility (HA): restart the VMs of a failed host elsewhere",
    "ha.admission_control": "Admission &control: keep room to restart them",
    "ha.host_failures_to_tolerate": "&Number of host failures to tolerate:",
    "ha.host_monitoring": "Host &monitoring",
    "ha.vm_monitoring": "VM monitoring (restart a VM whose g&uest stops responding)",
    "ha.restart_priority": "&Restart priority:",
    "ha.isolation_response": "&Isolation response:",
    "drs.enabled": "Load balancing (&DRS): move VMs between hosts to even out load",
    "drs.automation": "&Automation level:",
    "drs.migration_threshold": "Mi&gration threshold:",
    "drs.power_management": "&Power management (switch idle hosts off)",
    "default_pool": "Default storage p&ool:",
    "default_network": "Default net&work:",
}
NONE_CHOICE = "None"


def enum_validator(kind: type[E], field: str) -> Validator:
    """A combo's data (the enum's value) read back as the enum; anything else named."""

    def validate(text: str) -> E:
        for member in kind:
            if member.value == text:
                return member
        raise ValidationError(field, f"is not a known value (got {quoted(text)})")

    return validate


def enum_combo(parent: QWidget, labels: Mapping[E, str]) -> QComboBox:
    combo = QComboBox(parent)
    combo.setMaximumWidth(CHOICE_WIDTH)
    for member, text in labels.items():
        combo.addItem(text, member.value)
    return combo


def select_data(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    if index >= 0:
        combo.setCurrentIndex(index)


def add_check(page: FieldsPage, text: str, tip: str) -> QCheckBox:
    """A check box on a grid row of its own, in the editors' column (so it lines up with
    them), revalidating the page when toggled."""
    box = QCheckBox(text, page)
    box.setToolTip(tip)
    box.setAccessibleDescription(tip)
    page.grid.addWidget(box, page.grid.rowCount(), 1)
    box.toggled.connect(lambda _on: page.revalidate())
    return box


def add_heading(page: FieldsPage, text: str) -> QLabel:
    """A bold title over a group of fields, with room above it (not above the first)."""
    label = QLabel(text, page)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    if page.grid.rowCount() > 1:
        label.setContentsMargins(0, 10, 0, 2)
    page.grid.addWidget(label, page.grid.rowCount(), 0, 1, 2)
    return label


# Editors stop growing here: a choice of a few words in a field as wide as the window reads
# as a text box, and the eye loses the row.
CHOICE_WIDTH = 320
TEXT_WIDTH = 520


def labels_text(text: str) -> str:
    """The labels field's rule: as ``parse_labels`` reads them, written back the way the
    field shows them ("rack=r12 env=prod" is used as "env=prod, rack=r12")."""
    return format_labels(parse_labels(text))


def _recheck(page: FieldsPage) -> None:
    """The page's rules across fields again after values were filled in by code: a row's
    ``set_text`` validates it alone last, which drops a cross-field rule pinned on it."""
    page.revalidate()


# --- basics ---------------------------------------------------------------------------------


class BasicsFields:
    """Name (the wizard only: a cluster is never renamed), description and labels."""

    def __init__(
        self,
        page: FieldsPage,
        labels: Mapping[str, str],
        taken: Callable[[], Collection[str]] | None = None,
    ) -> None:
        self._page = page
        self._taken = taken
        self.name: FieldRow | None = None
        if taken is not None:
            self.name = page.add_row(
                labels["name"],
                QLineEdit(page),
                field="name",
                hint="Letters, digits, '.', '_' and '-', at most 64; unique among clusters.",
                validator=self._validate_name,
            )
        description = QLineEdit(page)
        description.setPlaceholderText("Optional")
        self.description = page.add_row(
            labels["description"],
            description,
            field="description",
            hint="Optional; what the cluster is for.",
            validator=validate_description,
        )
        labels_edit = QLineEdit(page)
        labels_edit.setPlaceholderText("env=prod, rack=r12")
        self.labels = page.add_row(
            labels["labels"],
            labels_edit,
            field="labels",
            hint="Optional: key=value pairs separated by commas, e.g. env=prod, rack=r12.",
            validator=labels_text,
        )
        for row in (self.description, self.labels):
            row.editor.setMaximumWidth(TEXT_WIDTH)

    def _validate_name(self, text: str) -> str:
        name = validate_cluster_name(text)
        if self._taken is not None and name in self._taken():
            raise ValidationError("name", f"a cluster named {name} exists already")
        return name

    def apply(self, spec: ClusterSpec) -> ClusterSpec:
        try:
            labels = parse_labels(self.labels.text())
        except ValidationError:
            labels = spec.labels  # shown as broken under the field; Next and Save are off
        return dataclasses.replace(
            spec,
            name=self.name.text().strip() if self.name is not None else spec.name,
            description=self.description.text(),
            labels=labels,
        )

    def show(self, spec: ClusterSpec) -> None:
        if self.name is not None:
            self.name.set_text(spec.name)
        self.description.set_text(spec.description)
        self.labels.set_text(format_labels(spec.labels))
        _recheck(self._page)


# --- HA ---------------------------------------------------------------------------------------


class HaFields:
    """Every HA setting. The settings under "enabled" are greyed out (and kept) while HA is
    off; admission control's rule is checked against ``host_count()`` hosts."""

    def __init__(
        self, page: FieldsPage, labels: Mapping[str, str], host_count: Callable[[], int]
    ) -> None:
        self._page = page
        self._host_count = host_count
        defaults = HaSettings()
        self.enabled = add_check(
            page,
            labels["ha.enabled"],
            "When a host fails, its VMs are started again on the other hosts",
        )
        self.enabled.setObjectName("haEnabled")
        self.admission_control = add_check(
            page,
            labels["ha.admission_control"],
            "Refuse to start VMs that could not be restarted if the tolerated hosts failed",
        )
        self.admission_control.setObjectName("haAdmissionControl")
        failures = QLineEdit(page)
        failures.setMaximumWidth(80)
        self.failures = page.add_row(
            labels["ha.host_failures_to_tolerate"],
            failures,
            field="ha.host_failures_to_tolerate",
            hint="How many hosts may fail at once; admission control needs more hosts than this.",
            validator=validate_failures_to_tolerate,
        )
        self.host_monitoring = add_check(
            page, labels["ha.host_monitoring"], "Watch hosts' heartbeats to detect a failed host"
        )
        self.host_monitoring.setObjectName("haHostMonitoring")
        self.vm_monitoring = add_check(
            page,
            labels["ha.vm_monitoring"],
            "Restart a VM whose guest stops sending heartbeats",
        )
        self.vm_monitoring.setObjectName("haVmMonitoring")
        self.restart_priority = page.add_row(
            labels["ha.restart_priority"],
            enum_combo(page, RESTART_PRIORITY_LABELS),
            field="ha.restart_priority",
            hint="Which VMs start first after a failure, unless a VM says otherwise.",
            validator=enum_validator(RestartPriority, "ha.restart_priority"),
        )
        self.isolation_response = page.add_row(
            labels["ha.isolation_response"],
            enum_combo(page, ISOLATION_RESPONSE_LABELS),
            field="ha.isolation_response",
            hint="What a host that lost its network but still runs does with its VMs.",
            validator=enum_validator(IsolationResponse, "ha.isolation_response"),
        )
        self.enabled.toggled.connect(self._update_enabled)
        self.show(defaults)

    def _update_enabled(self) -> None:
        on = self.enabled.isChecked()
        for widget in (self.admission_control, self.host_monitoring, self.vm_monitoring):
            widget.setEnabled(on)
        for row in (self.failures, self.restart_priority, self.isolation_response):
            for widget in (row.label, row.editor, row.rule_label):
                widget.setEnabled(on)

    def value(self) -> HaSettings:
        failures = self.failures.value
        return HaSettings(
            enabled=self.enabled.isChecked(),
            admission_control=self.admission_control.isChecked(),
            host_failures_to_tolerate=failures if isinstance(failures, int) else 1,
            host_monitoring=self.host_monitoring.isChecked(),
            vm_monitoring=self.vm_monitoring.isChecked(),
            restart_priority=RestartPriority(str(self.restart_priority.text())),
            isolation_response=IsolationResponse(str(self.isolation_response.text())),
        )

    def show(self, ha: HaSettings) -> None:
        self.enabled.setChecked(ha.enabled)
        self.admission_control.setChecked(ha.admission_control)
        self.failures.set_text(str(ha.host_failures_to_tolerate))
        self.host_monitoring.setChecked(ha.host_monitoring)
        self.vm_monitoring.setChecked(ha.vm_monitoring)
        self.restart_priority.set_text(ha.restart_priority.value)
        self.isolation_response.set_text(ha.isolation_response.value)
        self._update_enabled()
        _recheck(self._page)

    def check(self) -> None:
        """Admission control's rule, as the coordinator checks it (on the failures field)."""
        problem = admission_problem(self.value(), self._host_count())
        if problem is not None:
            raise ValidationError("ha.host_failures_to_tolerate", problem)


# --- DRS --------------------------------------------------------------------------------------


class DrsFields:
    """Every DRS setting; those under "enabled" are greyed out (and kept) while DRS is off."""

    def __init__(self, page: FieldsPage, labels: Mapping[str, str]) -> None:
        self._page = page
        self.enabled = add_check(
            page, labels["drs.enabled"], "Balance load by moving VMs between the members"
        )
        self.enabled.setObjectName("drsEnabled")
        self.automation = page.add_row(
            labels["drs.automation"],
            enum_combo(page, DRS_AUTOMATION_LABELS),
            field="drs.automation",
            hint="Manual: recommends moves. Partially: places new VMs. Fully: moves VMs too.",
            validator=enum_validator(DrsAutomation, "drs.automation"),
        )
        threshold = QComboBox(page)
        threshold.setMaximumWidth(CHOICE_WIDTH)
        for value, text in MIGRATION_THRESHOLD_LABELS.items():
            threshold.addItem(text, str(value))
        self.threshold = page.add_row(
            labels["drs.migration_threshold"],
            threshold,
            field="drs.migration_threshold",
            hint="1 moves VMs only when it must; 5 for any small imbalance.",
            validator=validate_migration_threshold,
        )
        self.power_management = add_check(
            page,
            labels["drs.power_management"],
            "Put hosts nobody needs on standby, and wake them when load grows",
        )
        self.power_management.setObjectName("drsPowerManagement")
        self.enabled.toggled.connect(self._update_enabled)
        self.show(DrsSettings())

    def _update_enabled(self) -> None:
        on = self.enabled.isChecked()
        self.power_management.setEnabled(on)
        for row in (self.automation, self.threshold):
            for widget in (row.label, row.editor, row.rule_label):
                widget.setEnabled(on)

    def value(self) -> DrsSettings:
        threshold = self.threshold.value
        return DrsSettings(
            enabled=self.enabled.isChecked(),
            automation=DrsAutomation(str(self.automation.text())),
            migration_threshold=threshold if isinstance(threshold, int) else 3,
            power_management=self.power_management.isChecked(),
        )

    def show(self, drs: DrsSettings) -> None:
        self.enabled.setChecked(drs.enabled)
        self.automation.set_text(drs.automation.value)
        self.threshold.set_text(str(drs.migration_threshold))
        self.power_management.setChecked(drs.power_management)
        self._update_enabled()
        _recheck(self._page)


# --- defaults ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A managed pool or network and the hosts it is placed on."""

    name: str
    hosts: frozenset[str]


class DefaultChoice:
    """A default pool or network: "None", or one placed on every member. Ones that are not
    are listed greyed out, saying which member lacks them (domain.cluster_rules'
    default_problem words it, as the coordinator does)."""

    def __init__(
        self,
        page: FieldsPage,
        label: str,
        kind: str,  # "pool" or "network"
        members: Callable[[], Sequence[str]],
        hint: str,
    ) -> None:
        self.kind = kind
        self.field = f"default_{kind}"
        self._page = page
        self._members = members
        self._placed: dict[str, frozenset[str]] = {}
        self._stored = ""  # the value saved already: kept acceptable, whatever changed since
        combo = QComboBox(page)
        combo.setMinimumContentsLength(24)
        combo.setMaximumWidth(TEXT_WIDTH)
        self.row = page.add_row(
            label, combo, field=self.field, hint=hint, validator=self._validate, required=False
        )
        self.combo = combo

    def _validate(self, text: str) -> str:
        name = validate_default_name(text, self.field)
        if name and name != self._stored:
            problem = default_problem(self.kind, name, self._placed.get(name), self._members())
            if problem is not None:
                raise ValidationError(self.field, problem)
        return name

    def set_choices(self, placed: Sequence[Placed], stored: str = "") -> None:
        """Offer ``placed`` for the current members, keeping the selection when it is still
        offered (or is ``stored``, the value saved already)."""
        current = self.row.text() if self.combo.count() else stored
        self._stored = stored
        self._placed = {item.name: item.hosts for item in placed}
        members = set(self._members())
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(NONE_CHOICE, "")
        model = combo.model()
        for item in sorted(placed, key=lambda p: p.name):
            missing = sorted(members - item.hosts)
            if not missing or item.name == stored:
                combo.addItem(item.name, item.name)
                continue
            combo.addItem(f"{item.name} — not on {', '.join(missing)}", item.name)
            if isinstance(model, QStandardItemModel):
                entry = model.item(combo.count() - 1)
                entry.setEnabled(False)
                entry.setToolTip(default_problem(self.kind, item.name, item.hosts, members) or "")
        if current and combo.findData(current) < 0:
            combo.addItem(f"{current} — no longer exists", current)
        index = combo.findData(current)
        if index < 0 or not model.flags(model.index(index, 0)) & Qt.ItemFlag.ItemIsEnabled:
            index = 0
        combo.setCurrentIndex(index)
        combo.blockSignals(False)
        self.row.validate()
        _recheck(self._page)

    def value(self) -> str:
        return self.row.text()

    def show(self, name: str) -> None:
        self.row.set_text(name)
        _recheck(self._page)
