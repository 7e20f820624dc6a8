"""What the switch dialogs share: a form of FieldRows checked as typed, the whole SwitchSpec
checked by ``domain.switches.validate_switch`` after every change, OK disabled with the broken
rule shown next to it (naming the field), and the submit run on the event loop: the dialog
closes once it returns; if it raises (the coordinator refused), its text is shown and the
dialog stays open.

The dialogs take ``submit(spec)``, a coroutine function, so tests drive them with a stub and
the page passes a call to the coordinator (``console.pool_ops.call_coordinator``).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QGridLayout,
    QLineEdit,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from console.models.hosts_model import HostsModel
from console.style import set_state_property
from console.wizards.dialog_footer import dialog_footer
from console.wizards.field_row import FieldRow, sentence
from domain.errors import ValidationError
from domain.networks import parse_vlan
from domain.switches import SwitchSpec, validate_switch

log = logging.getLogger(__name__)

Submit = Callable[[SwitchSpec], Awaitable[None]]
NONE_VLAN = "none"
_INDEXED = re.compile(r"^([a-z_]+)\[(\d+)\](?:\.(.+))?$")
_WORDS = {
    "name": "Name",
    "description": "Description",
    "mtu": "MTU",
    "uplinks": "Uplinks",
    "active": "Active uplinks",
    "standby": "Standby uplinks",
    "port_groups": "Port groups",
    "hosts": "Hosts",
}
_PART_WORDS = {"name": "name", "vlan": "VLAN", "mtu": "MTU", "nics": "NICs", "host": "host"}


@dataclass(frozen=True)
class HostNics:
    """A host the console knows, with the NIC names its node reported (may be none)."""

    name: str
    nics: tuple[str, ...] = ()


def hosts_of(model: HostsModel | None) -> tuple[HostNics, ...]:
    if model is None:
        return ()
    nodes = (model.node_at(row) for row in range(model.rowCount()))
    return tuple(
        sorted(
            (HostNics(n.name, tuple(nic.name for nic in n.host_info.nics)) for n in nodes),
            key=lambda host: host.name,
        )
    )


def vlan_of(text: str, field: str) -> int:
    """A VLAN as typed: empty or "none" is none (0), else the domain's 1..4094."""
    text = text.strip()
    return 0 if text.casefold() == NONE_VLAN else parse_vlan(text, field)


def field_words(field: str) -> str:
    """``port_groups[1].vlan`` -> "Port group 2, VLAN": the field as the dialog names it."""
    match = _INDEXED.match(field)
    if match is None:
        return _WORDS.get(field, field)
    kind, index, part = match.group(1), int(match.group(2)), match.group(3) or ""
    noun = {"port_groups": "Port group", "hosts": "Host", "active": "Active uplink"}.get(
        kind, "Standby uplink"
    )
    head = f"{noun} {index + 1}"
    if not part:
        return head
    return f"{head}, {_PART_WORDS.get(part.split('[')[0].split('.')[0], part)}"


class NicCompleterDelegate(QStyledItemDelegate):
    """A cell's editor offers the NICs its row's host reported (typing any name still works)."""

    def __init__(self, nics_of_row: Callable[[int], Sequence[str]], parent: QWidget) -> None:
        super().__init__(parent)
        self._nics_of_row = nics_of_row

    def createEditor(self, parent: QWidget, option: object, index: object) -> QWidget:  # type: ignore[override]
        editor = super().createEditor(parent, option, index)  # type: ignore[arg-type]
        nics = self._nics_of_row(index.row())  # type: ignore[attr-defined]
        if isinstance(editor, QLineEdit) and nics:
            editor.setCompleter(nic_completer(nics, editor))
        return editor


def nic_completer(nics: Sequence[str], parent: QWidget) -> QCompleter:
    """The host's NICs completed inline as typed ("e" -> "eth1", selected): no popup takes
    Enter or Tab from the editor."""
    completer = QCompleter(list(nics), parent)
    completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
    return completer


class SwitchDialog(QDialog):
    submitted = Signal(object)  # the SwitchSpec, once submit has returned

    def __init__(
        self, title: str, action_text: str, submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self._submit = submit
        self._action = action_text.replace("&", "")
        # The submit call; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None
        self.rows: list[FieldRow] = []
        self.form = QGridLayout()
        self.form.setColumnStretch(1, 1)
        footer = dialog_footer(self, action_text)
        self.reason, self.server_error = footer.reason, footer.server_error
        self.buttons, self.ok_button = footer.buttons, footer.ok_button

    def finish_layout(self, *extra: QWidget) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        for widget in extra:
            layout.addWidget(widget)
        layout.addWidget(self.server_error)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.revalidate()

    def add_row(self, row: FieldRow) -> FieldRow:
        row.add_to(self.form)
        row.changed.connect(self.revalidate)
        self.rows.append(row)
        return row

    # --- what each dialog says ------------------------------------------------------------

    def build(self) -> SwitchSpec:
        """The spec as entered; raises ValidationError for a value that cannot be read."""
        raise NotImplementedError

    def show_rule(self, field: str, rule: str) -> bool:
        """Pin a broken rule on the part of the form it names; True if shown there."""
        for row in self.rows:
            if row.field == field:
                row.set_external_error(rule, visible=True)
                return True
        return False

    def clear_rules(self) -> None:
        """Clear what show_rule pinned outside the FieldRows."""

    # --- checking -------------------------------------------------------------------------

    def problem(self) -> tuple[str, str] | None:
        """The first broken rule: (field, rule), or None when the spec is valid."""
        for row in self.rows:
            if not row.is_valid:
                return row.field, row.error
        try:
            validate_switch(self.build())
        except ValidationError as error:
            return error.field, error.rule
        return None

    def revalidate(self) -> None:
        self.clear_rules()
        for row in self.rows:
            row.validate()
        found = self.problem()
        if found is None:
            self.reason.setText(f"Ready: {self._action} sends this to the coordinator.")
            set_state_property(self.reason, "state", "hint")
        else:
            field, rule = found
            self.show_rule(field, rule)
            self.reason.setText(
                f"{self._action} is disabled — {field_words(field)}: {sentence(rule)}"
            )
            set_state_property(self.reason, "state", "error")
        self.ok_button.setEnabled(found is None and not self.submitting)

    # --- submitting -----------------------------------------------------------------------

    @property
    def submitting(self) -> bool:
        return self._task is not None and not self._task.done()

    def accept(self) -> None:
        if self.submitting or not self.ok_button.isEnabled():
            return
        try:
            spec = validate_switch(self.build())
        except ValidationError:
            self.revalidate()
            return
        self.ok_button.setEnabled(False)
        self.server_error.setVisible(False)
        self._task = asyncio.get_running_loop().create_task(
            self._run(spec), name=f"{self._action} switch {spec.name}"
        )

    async def _run(self, spec: SwitchSpec) -> None:
        try:
            await self._submit(spec)
        except Exception as error:  # any refusal: shown, and the dialog stays open
            log.info("switch %s: %s refused: %s", spec.name, self._action, error)
            self.server_error.setText(str(error) or type(error).__name__)
            self.server_error.setVisible(True)
            self._task = None
            self.revalidate()
            return
        self.submitted.emit(spec)
        super().accept()

    def done(self, result: int) -> None:
        # Cancel while the call is under way: stop waiting (the change may still happen; if so
        # it shows on Watch like any other).
        if result != QDialog.DialogCode.Accepted and self._task is not None:
            self._task.cancel()
        super().done(result)
