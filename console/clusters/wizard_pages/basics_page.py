"""Step 1: the cluster's name (unique among clusters), description and labels."""

from __future__ import annotations

from collections.abc import Callable, Collection

from console.clusters.fields import WIZARD_LABELS, BasicsFields
from console.wizards.fields_page import FieldsPage


class BasicsPage(FieldsPage):
    def __init__(self, taken: Callable[[], Collection[str]]) -> None:
        super().__init__("Cluster", "How the cluster is listed, and what it is for.")
        self.fields = BasicsFields(self, WIZARD_LABELS, taken)
        self.grid.setRowStretch(self.grid.rowCount(), 1)

    def initializePage(self) -> None:
        self.revalidate()
