"""Map uplinks…: for one switch, choose a host (already on it, or one to add) and its NIC per
uplink; UpdateSwitch with the switch's spec and that host's mapping changed.

The NICs the host's node reported are offered as completions; any name may be typed. Every
uplink must have a NIC (the domain's rule, shown next to Apply).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from console.networks.switch_dialog import HostNics, Submit, SwitchDialog, nic_completer
from console.wizards.field_row import FieldRow
from domain.networks import validate_interface_name
from domain.switches import HostUplinks, SwitchSpec, UplinkNic


class MapUplinksDialog(SwitchDialog):
    def __init__(
        self,
        switch: SwitchSpec,
        hosts: Sequence[HostNics],
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Map Uplinks — {switch.name}", "&Apply", submit, parent)
        self.setObjectName("mapUplinksDialog")
        self.switch = switch
        self.known = {host.name: host for host in hosts}
        mapped = {entry.host for entry in switch.hosts}
        self.host = QComboBox(self)
        for name in sorted(set(self.known) | mapped):
            self.host.addItem(f"{name} (on the switch)" if name in mapped else name, name)
        host_label = QLabel("&Host:", self)
        host_label.setBuddy(self.host)
        self.form.addWidget(host_label, 0, 0)
        self.form.addWidget(self.host, 0, 1)
        self.nics: dict[str, FieldRow] = {}
        for uplink in switch.uplinks:
            number = uplink.removeprefix("uplink")
            self.nics[uplink] = self.add_row(
                FieldRow(
                    self,
                    f"uplink&{number}:" if len(number) == 1 else f"{uplink}:",
                    QLineEdit(self),
                    field=uplink,
                    hint=f"The NIC that serves as {uplink} on this host",
                    # Empty: the whole spec's rule says which uplink has no NIC on which host.
                    validator=lambda text, u=uplink: (
                        validate_interface_name(text.strip(), u) if text.strip() else ""
                    ),
                    required=True,
                )
            )
        self.host.currentIndexChanged.connect(self._show_host)
        self._show_host()
        self.finish_layout()
        self.host.setFocus()

    def host_name(self) -> str:
        return str(self.host.currentData() or "")

    def _show_host(self, *_args: object) -> None:
        name = self.host_name()
        current = self.switch.host(name)
        reported = self.known[name].nics if name in self.known else ()
        for uplink, row in self.nics.items():
            editor = row.editor
            assert isinstance(editor, QLineEdit)
            editor.setCompleter(nic_completer(reported, editor) if reported else None)
            row.set_text(current.nic_of(uplink) if current else "")
        self.revalidate()

    def problem(self) -> tuple[str, str] | None:
        if not self.host_name():
            return "hosts", "choose a host"
        return super().problem()

    def build(self) -> SwitchSpec:
        name = self.host_name()
        entry = HostUplinks(
            name,
            tuple(
                UplinkNic(uplink, row.text().strip())
                for uplink, row in self.nics.items()
                if row.text().strip()
            ),
        )
        if self.switch.host(name) is None:
            return replace(self.switch, hosts=(*self.switch.hosts, entry))
        return replace(
            self.switch,
            hosts=tuple(entry if h.host == name else h for h in self.switch.hosts),
        )

    def show_rule(self, field: str, rule: str) -> bool:
        if field.startswith("hosts"):
            # The host being mapped is the only one changed: pin on its first empty uplink.
            empty = [row for row in self.nics.values() if not row.text().strip()]
            if empty:
                empty[0].set_external_error(rule, visible=True)
                return True
        return super().show_rule(field, rule)
