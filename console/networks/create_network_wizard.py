"""Create network: type → name → addressing (NAT and isolated only) → link → hosts → review,
then the caller's submit.

The wizard is given plain data (``NetworkWizardInputs``: hosts, their bridges, the
distributed switches, the existing networks) and makes no call of its own: Create awaits
``submit(spec)`` on the event loop (qasync). The wizard closes once it returns; if it raises,
the error's text stays on the review page and the wizard stays open, as when the coordinator
refuses a pool.

Every field is checked as typed by the domain functions the servers run, so Next is only
enabled for a network the coordinator will accept, and the broken rule is shown next to the
field. Keyboard: every field and choice has a mnemonic (Alt+letter), Tab moves between
fields, Space ticks, Enter goes Next (Create on the review page). Back keeps every value.
Open it with ``open()`` or ``show()``, never ``exec()`` inside a coroutine (NOTES.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QWidget, QWizard

from console.networks.wizard_inputs import NetworkWizardInputs, SwitchInfo
from console.networks.wizard_pages.addressing_page import AddressingPage
from console.networks.wizard_pages.hosts_page import HostsPage
from console.networks.wizard_pages.link_page import LinkPage
from console.networks.wizard_pages.name_page import NamePage
from console.networks.wizard_pages.review_page import ReviewPage
from console.networks.wizard_pages.type_page import TypePage
from console.wizards.focus import focus_pages_on_arrival
from domain.errors import ValidationError
from domain.networks import (
    NetworkSpec,
    NetworkType,
    check_no_overlap,
    check_port_group,
    validate_network,
)

log = logging.getLogger(__name__)

TYPE_ID, NAME_ID, ADDRESSING_ID, LINK_ID, HOSTS_ID, REVIEW_ID = range(6)

# Creates the network (asks the coordinator); raises with a text the user can act on.
Submit = Callable[[NetworkSpec], Awaitable[None]]


class CreateNetworkWizard(QWizard):
    created = Signal(object)  # the NetworkSpec, once submit has returned

    def __init__(
        self, inputs: NetworkWizardInputs, submit: Submit, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("createNetworkWizard")
        self.setWindowTitle("Create Network")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same on every desktop
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create")
        self.setMinimumSize(QSize(680, 700))
        self.inputs = inputs
        self._submit = submit
        # The submit call; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None

        self.type_page = TypePage(has_switches=bool(inputs.switches))
        self.name_page = NamePage(inputs.taken_names)
        self.addressing_page = AddressingPage(
            lambda: self.spec(upto=ADDRESSING_ID), inputs.networks, inputs.host_names()
        )
        self.link_page = LinkPage(lambda: self.spec(upto=LINK_ID), inputs)
        self.hosts_page = HostsPage(lambda: self.spec(upto=HOSTS_ID), inputs.hosts, inputs.networks)
        self.review_page = ReviewPage(
            self.validated_spec, self.link_page.chosen_switch, self.hosts_page.hosts_text
        )
        for page_id, page in (
            (TYPE_ID, self.type_page),
            (NAME_ID, self.name_page),
            (ADDRESSING_ID, self.addressing_page),
            (LINK_ID, self.link_page),
            (HOSTS_ID, self.hosts_page),
            (REVIEW_ID, self.review_page),
        ):
            self.setPage(page_id, page)
        self.setStartId(TYPE_ID)
        focus_pages_on_arrival(self)

    # --- what the pages build -------------------------------------------------------------

    def network_type(self) -> NetworkType:
        return self.type_page.value()

    def nextId(self) -> int:
        # Bridged and port group networks take their addressing from the LAN they join.
        if self.currentId() == NAME_ID and not self.network_type().has_addressing:
            return LINK_ID
        return super().nextId()

    def spec(self, upto: int = REVIEW_ID) -> NetworkSpec:
        """The spec as typed on the pages before ``upto`` (all of them by default)."""
        spec = NetworkSpec(
            name=self.name_page.name.text().strip(),
            type=self.network_type(),
            description=self.name_page.description.text(),
        )
        if upto > ADDRESSING_ID and spec.type.has_addressing:
            spec = self.addressing_page.apply(spec)
        if upto > LINK_ID:
            spec = self.link_page.apply(spec)
        if upto > HOSTS_ID:
            spec = self.hosts_page.apply(spec)
        return spec

    def chosen_switch(self) -> SwitchInfo | None:
        return self.link_page.chosen_switch()

    def validated_spec(self) -> NetworkSpec:
        """The whole spec, checked by every rule the coordinator runs (raises
        ValidationError naming the field)."""
        spec = self.spec()
        switch = self.chosen_switch()
        validate_network(spec, switch.mtu if switch is not None else 0)
        if switch is not None:
            check_port_group(spec, switch.port_group_vlans())
        check_no_overlap(spec, self.inputs.networks, self.inputs.host_names())
        if spec.name in self.inputs.taken_names():
            raise ValidationError("name", f"a network named {spec.name} exists already")
        return spec

    # --- Create ---------------------------------------------------------------------------

    @property
    def submitting(self) -> bool:
        return self._task is not None and not self._task.done()

    def accept(self) -> None:
        """Finish: submit; the wizard closes only once the submit has returned."""
        if self.submitting:
            return
        try:
            spec = self.validated_spec()
        except ValidationError as error:
            # The pages allow nothing invalid through; if something slipped, say what.
            self.review_page.show_error("The network settings are not valid", str(error))
            return
        self.review_page.set_busy(f"Creating network {spec.name}…")
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self._task = asyncio.get_running_loop().create_task(
            self._create(spec), name=f"create network {spec.name}"
        )

    async def _create(self, spec: NetworkSpec) -> None:
        try:
            await self._submit(spec)
        except Exception as error:  # any refusal: shown, and the wizard stays open
            log.info("network %s not created: %s", spec.name, error)
            self.review_page.set_busy("")
            self.button(QWizard.WizardButton.BackButton).setEnabled(True)
            self.review_page.show_error(
                f"Network {spec.name} was not created", str(error) or type(error).__name__
            )
            return
        self.review_page.set_busy("")
        self.created.emit(spec)
        super().accept()

    def done(self, result: int) -> None:
        # Cancel while Create is under way: stop waiting (the coordinator may still create
        # the network; if so it appears from Watch like any other).
        if result != QWizard.DialogCode.Accepted and self._task is not None:
            self._task.cancel()
        super().done(result)
