"""Step 4: how the network meets the wire - its MTU, and for a bridged network the host
bridge, for a port group the distributed switch, the port group on it and its VLAN.

A port group is one of the switch's (its VLAN comes with it, shown read-only) or a new name
with a VLAN of its own, 1-4094 or none. The MTU may not exceed the switch's. Every rule is
the domain's (``validate_network`` with the switch's MTU, ``check_port_group``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QLineEdit

from clients.present_networks import DEFAULT_MTU
from console.networks.wizard_inputs import NetworkWizardInputs, SwitchInfo
from console.wizards.field_row import FieldRow
from console.wizards.fields_page import FieldsPage
from domain.networks import (
    MTU_MAX,
    MTU_MIN,
    NetworkSpec,
    NetworkType,
    check_port_group,
    parse_mtu,
    parse_vlan,
    validate_interface_name,
    validate_network,
)
from domain.pools import validate_pool_name

SUBTITLES = {
    NetworkType.NAT: "The network's MTU; its bridge on each host is Quantix's own.",
    NetworkType.ISOLATED: "The network's MTU; its bridge on each host is Quantix's own.",
    NetworkType.BRIDGED: "The host bridge guests join, on every host the network spans.",
    NetworkType.PORT_GROUP: "The distributed switch and the port group guests join.",
}
VLAN_HINT = "1-4094, or empty for untagged: the new port group's VLAN."


class LinkPage(FieldsPage):
    def __init__(self, base: Callable[[], NetworkSpec], inputs: NetworkWizardInputs) -> None:
        super().__init__("Link")
        self._base = base  # the spec of the earlier pages
        self._inputs = inputs
        self._type = NetworkType.NAT

        bridges = inputs.bridges()
        self.bridge = self.add_row(
            "&Host bridge:",
            self._editable_combo(list(bridges)),
            field="bridge",
            hint=self._bridge_hint(bridges),
            validator=lambda text: validate_interface_name(text.strip(), "bridge"),
        )
        switches = QComboBox(self)
        for switch in inputs.switches:
            switches.addItem(f"{switch.name} (MTU {switch.mtu})", switch.name)
        self.switch = self.add_row(
            "S&witch:",
            switches,
            field="switch",
            hint="The distributed switch the port group is on.",
            validator=lambda text: validate_pool_name(text, "switch"),
        )
        self.port_group = self.add_row(
            "&Port group:",
            self._editable_combo([]),
            field="port_group",
            hint="",
            validator=lambda text: validate_pool_name(text.strip(), "port_group"),
        )
        vlan = QLineEdit(self)
        vlan.setPlaceholderText("Untagged")
        self.vlan = self.add_row(
            "&VLAN:", vlan, field="vlan", hint=VLAN_HINT, validator=parse_vlan, required=False
        )
        mtu = QLineEdit(self)
        self.mtu = self.add_row(
            "&MTU:",
            mtu,
            field="mtu",
            hint="",
            validator=lambda text: parse_mtu(text, self._switch_mtu()),
            required=False,
        )
        self.grid.setRowStretch(self.grid.rowCount(), 1)
        switches.currentIndexChanged.connect(self._on_switch_changed)
        self.port_group.editor.editTextChanged.connect(self._on_port_group_changed)
        self._on_switch_changed()

    def _editable_combo(self, items: list[str]) -> QComboBox:
        box = QComboBox(self)
        box.setEditable(True)
        # A typed name is a value, not an item to add to the list.
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.addItems(items)
        box.setCurrentIndex(-1)
        return box

    @staticmethod
    def _bridge_hint(bridges: dict[str, tuple[str, ...]]) -> str:
        if not bridges:
            return "No host reports a bridge; type the name each host has (e.g. br0)."
        offered = "; ".join(f"{name} on {', '.join(hosts)}" for name, hosts in bridges.items())
        return f"An existing bridge on each host. Hosts report: {offered}."

    # --- the wizard's view ----------------------------------------------------------------

    def chosen_switch(self) -> SwitchInfo | None:
        if self._type is not NetworkType.PORT_GROUP:
            return None
        return self._inputs.switch(self.switch.text())

    def _switch_mtu(self) -> int:
        switch = self.chosen_switch()
        return switch.mtu if switch is not None else 0

    def existing_port_group(self) -> bool:
        switch = self.chosen_switch()
        return switch is not None and self.port_group.text().strip() in switch.port_group_vlans()

    def apply(self, spec: NetworkSpec) -> NetworkSpec:
        """``spec`` with this page's values for its type (0 for a number not valid yet)."""
        changes: dict[str, object] = {"mtu": _number(self.mtu)}
        if spec.type is NetworkType.BRIDGED:
            changes["bridge"] = self.bridge.text().strip()
        elif spec.type is NetworkType.PORT_GROUP:
            changes.update(
                switch=self.switch.text(),
                port_group=self.port_group.text().strip(),
                vlan=_number(self.vlan),
            )
        return dataclasses.replace(spec, **changes)  # type: ignore[arg-type]

    def rows(self) -> list[FieldRow]:
        if self._type is NetworkType.BRIDGED:
            return [self.bridge, self.mtu]
        if self._type is NetworkType.PORT_GROUP:
            return [self.switch, self.port_group, self.vlan, self.mtu]
        return [self.mtu]

    # --- QWizardPage ----------------------------------------------------------------------

    def initializePage(self) -> None:
        self._type = self._base().type
        shown = self.rows()
        for row in (self.bridge, self.switch, self.port_group, self.vlan, self.mtu):
            row.set_visible(row in shown)
        self.setSubTitle(SUBTITLES[self._type])
        self._update_hints()
        self.revalidate()

    def check(self) -> None:
        spec = validate_network(self.apply(self._base()), self._switch_mtu())
        switch = self.chosen_switch()
        if switch is not None:
            check_port_group(spec, switch.port_group_vlans())

    # --- reactions ------------------------------------------------------------------------

    def _on_switch_changed(self, *_args: object) -> None:
        switch = self._inputs.switch(str(self.switch.editor.currentData() or ""))
        box = self.port_group.editor
        assert isinstance(box, QComboBox)
        typed = box.currentText()
        box.blockSignals(True)
        box.clear()
        if switch is not None:
            box.addItems([group.name for group in switch.port_groups])
        box.setCurrentIndex(-1)
        box.setEditText(typed)
        box.blockSignals(False)
        self._on_port_group_changed()

    def _on_port_group_changed(self, *_args: object) -> None:
        """An existing port group brings its VLAN (read-only); a new name takes one typed."""
        switch = self._inputs.switch(str(self.switch.editor.currentData() or ""))
        vlans = switch.port_group_vlans() if switch is not None else {}
        name = self.port_group.text().strip()
        vlan_edit = self.vlan.editor
        assert isinstance(vlan_edit, QLineEdit)
        existing = name in vlans
        was_existing = vlan_edit.isReadOnly()
        vlan_edit.setReadOnly(existing)
        if existing:
            self.vlan.set_text(str(vlans[name]) if vlans[name] else "")
        elif was_existing:
            self.vlan.set_text("")  # the last port group's VLAN is not the new one's
        self._update_hints()
        self.revalidate()

    def _update_hints(self) -> None:
        switch = self._inputs.switch(str(self.switch.editor.currentData() or ""))
        name = self.port_group.text().strip()
        if switch is None:
            self.port_group.hint = "A new port group's name."
        elif switch.port_groups:
            names = ", ".join(group.name for group in switch.port_groups)
            self.port_group.hint = f"One of {switch.name}'s ({names}), or a new name."
        else:
            self.port_group.hint = f"{switch.name} has no port group yet: name a new one."
        if switch is not None and name in switch.port_group_vlans():
            self.vlan.hint = f"The VLAN of port group {name} on {switch.name}."
        else:
            self.vlan.hint = VLAN_HINT
        if self._type is NetworkType.PORT_GROUP and switch is not None:
            self.mtu.hint = f"Empty: the switch's ({switch.mtu}). At most {switch.mtu}."
        else:
            self.mtu.hint = (
                f"Empty: the default ({DEFAULT_MTU}). {MTU_MIN}-{MTU_MAX}, e.g. 9000 for jumbo "
                "frames."
            )
        self.mtu.editor.setPlaceholderText("Default")  # type: ignore[union-attr]
        for row in (self.port_group, self.vlan, self.mtu):
            row.validate()


def _number(row: FieldRow) -> int:
    return row.value if isinstance(row.value, int) else 0
