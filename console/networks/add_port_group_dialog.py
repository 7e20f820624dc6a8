"""Add port group…: a name and a VLAN (none, or 1..4094) for one switch; UpdateSwitch with the
switch's spec and the new port group. Names and VLANs unique on the switch: the domain's rules
(validate_switch on the whole spec), shown under the field they name."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QLineEdit, QWidget

from console.networks.switch_dialog import Submit, SwitchDialog, vlan_of
from console.wizards.field_row import FieldRow
from domain.pools import validate_pool_name
from domain.switches import PortGroup, SwitchSpec, vlan_text


class AddPortGroupDialog(SwitchDialog):
    def __init__(self, switch: SwitchSpec, submit: Submit, parent: QWidget | None = None) -> None:
        super().__init__(f"Add Port Group — {switch.name}", "&Add", submit, parent)
        self.setObjectName("addPortGroupDialog")
        self.switch = switch
        where = f"port_groups[{len(switch.port_groups)}]"
        taken = ", ".join(vlan_text(g.vlan) for g in switch.port_groups) or "none yet"
        self.name = self.add_row(
            FieldRow(
                self,
                "&Name:",
                QLineEdit(self),
                field=f"{where}.name",
                hint="Letters, digits, '-', '_' or '.'; unique on the switch",
                validator=lambda text: validate_pool_name(text.strip(), f"{where}.name"),
            )
        )
        self.vlan = self.add_row(
            FieldRow(
                self,
                "&VLAN:",
                QLineEdit(self),
                field=f"{where}.vlan",
                hint=f"none (untagged) or 1-4094, one port group per VLAN (taken: {taken})",
                validator=lambda text: vlan_of(text, f"{where}.vlan"),
                required=False,
            )
        )
        self.finish_layout()
        self.name.editor.setFocus()

    def build(self) -> SwitchSpec:
        vlan = self.vlan.value if isinstance(self.vlan.value, int) else 0
        group = PortGroup(self.name.text().strip(), vlan)
        return replace(self.switch, port_groups=(*self.switch.port_groups, group))
