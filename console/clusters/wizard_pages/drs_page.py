"""Step 4: load balancing (DRS): enabled, automation level, migration threshold 1..5 with
its words, power management."""

from __future__ import annotations

from console.clusters.fields import WIZARD_LABELS, DrsFields
from console.wizards.fields_page import FieldsPage


class DrsPage(FieldsPage):
    def __init__(self) -> None:
        super().__init__(
            "Load balancing (DRS)", "Whether and how VMs move between hosts to even out load."
        )
        self.fields = DrsFields(self, WIZARD_LABELS)
        self.grid.setRowStretch(self.grid.rowCount(), 1)

    def initializePage(self) -> None:
        self.revalidate()

    def focus_first(self) -> None:
        self.fields.enabled.setFocus()
