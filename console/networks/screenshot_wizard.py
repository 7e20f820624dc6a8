"""Development aid: a picture of every page of the Create Network wizard, with demo inputs.

    xvfb-run -a -s "-screen 0 1280x800x24" python -m console.networks.screenshot_wizard DIR

Pages are filled in as a user would leave them (a NAT network with a lease, a port group on a
switch), plus the pages showing a broken rule and a refused submit. Not used by the console.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import qasync
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableWidgetItem, QWidget

from console.networks.create_network_wizard import CreateNetworkWizard
from console.networks.wizard_inputs import (
    HostInfo,
    NetworkWizardInputs,
    PortGroupInfo,
    SwitchInfo,
)
from console.style import apply_style
from domain.networks import NetworkSpec, NetworkType

DEMO_INPUTS = NetworkWizardInputs(
    hosts=(
        HostInfo("host-a", bridges=("br0", "br-lan")),
        HostInfo("host-b", bridges=("br0",)),
        HostInfo("host-c", online=False, bridges=("br0",)),
    ),
    switches=(
        SwitchInfo("dvs1", 9000, (PortGroupInfo("trunk"), PortGroupInfo("vlan10", 10))),
        SwitchInfo("dvs-storage", 1500),
    ),
    networks=(
        NetworkSpec(
            name="lab",
            type=NetworkType.NAT,
            subnet="10.30.0.0/16",
            gateway="10.30.0.1",
            hosts=("host-c",),
        ),
    ),
)


async def _refuse(spec: NetworkSpec) -> None:
    await asyncio.sleep(0)
    raise RuntimeError(
        f"coordinator 127.0.0.1:7443 refused CreateNetwork: a network named {spec.name} was "
        "created meanwhile by admin@ops"
    )


def _type(widget: QLineEdit, text: str) -> None:
    widget.setText(text)
    widget.textEdited.emit(text)  # as typed: the field counts as the user's


async def tour(directory: Path) -> None:
    def save(widget: QWidget, name: str) -> None:
        QApplication.processEvents()
        path = directory / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        print(path)

    wizard = CreateNetworkWizard(DEMO_INPUTS, _refuse)
    wizard.show()
    await asyncio.sleep(0.2)
    save(wizard, "network-wizard-1-type")
    wizard.next()
    _type(wizard.name_page.name.editor, "lab-nat")
    _type(wizard.name_page.description.editor, "Build farm, behind NAT")
    save(wizard, "network-wizard-2-name")
    wizard.next()
    page = wizard.addressing_page
    _type(page.subnet.editor, "10.20.0.0/24")
    page.leases.add_lease()
    for column, text in enumerate(("52:54:00:12:34:56", "10.20.0.10", "web")):
        page.leases.table.setItem(0, column, QTableWidgetItem(text))
    page.leases.table.setFocus()
    _type(page.dns_servers.editor, "1.1.1.1, 9.9.9.9")
    _type(page.dns_domain.editor, "lab.example")
    save(wizard, "network-wizard-3-addressing")
    _type(page.gateway.editor, "10.20.0.255")
    page.leases.add_lease()
    page.leases.table.setItem(1, 0, QTableWidgetItem("52:54:00:12:34:57"))
    page.leases.table.setItem(1, 1, QTableWidgetItem("10.20.0.150"))
    save(wizard, "network-wizard-3b-addressing-errors")
    _type(page.subnet.editor, "10.30.5.0/24")
    _type(page.gateway.editor, "10.30.5.1")
    page.leases.remove_lease()
    page.leases.table.setCurrentCell(0, 0)
    page.leases.remove_lease()
    save(wizard, "network-wizard-3c-addressing-overlap")
    _type(page.subnet.editor, "10.20.0.0/31")
    save(wizard, "network-wizard-3d-addressing-31")
    _type(page.subnet.editor, "10.20.0.0/24")
    _type(page.gateway.editor, "10.20.0.1")
    wizard.next()
    _type(wizard.link_page.mtu.editor, "9217")
    save(wizard, "network-wizard-4-link-nat-error")
    _type(wizard.link_page.mtu.editor, "9000")
    wizard.next()
    hosts = wizard.hosts_page
    hosts.only.setChecked(True)
    for index in (0, 1):
        hosts.hosts.item(index).setCheckState(Qt.CheckState.Checked)
    save(wizard, "network-wizard-5-hosts")
    hosts.hosts.item(2).setCheckState(Qt.CheckState.Checked)
    wizard.back()
    wizard.back()
    _type(page.subnet.editor, "10.30.5.0/24")
    _type(page.gateway.editor, "10.30.5.1")
    wizard.next()
    wizard.next()
    save(wizard, "network-wizard-5b-hosts-overlap")
    hosts.hosts.item(2).setCheckState(Qt.CheckState.Unchecked)
    wizard.next()
    save(wizard, "network-wizard-6-review")
    wizard.accept()
    for _ in range(50):
        await asyncio.sleep(0.02)
        if wizard.review_page.error_view.isVisible():
            break
    save(wizard, "network-wizard-6b-review-refused")

    # A port group: back to the start.
    while wizard.currentId() != 0:
        wizard.back()
    wizard.type_page.set_value(NetworkType.PORT_GROUP)
    wizard.next()
    _type(wizard.name_page.name.editor, "vlan20-net")
    wizard.next()
    link = wizard.link_page
    combo = link.port_group.editor
    combo.setEditText("vlan20")  # type: ignore[union-attr]
    _type(link.vlan.editor, "20")
    save(wizard, "network-wizard-4b-link-port-group")
    combo.setEditText("vlan10")  # type: ignore[union-attr]
    _type(link.mtu.editor, "9100")
    save(wizard, "network-wizard-4c-link-port-group-existing")
    while wizard.currentId() != 0:
        wizard.back()
    wizard.type_page.set_value(NetworkType.BRIDGED)
    wizard.next()
    wizard.next()
    link.bridge.editor.setEditText("br0")  # type: ignore[union-attr]
    save(wizard, "network-wizard-4d-link-bridged")
    wizard.reject()


def main() -> None:
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    apply_style(app)
    qasync.run(tour(directory))


if __name__ == "__main__":
    main()
