"""Step 3: high availability, every setting. Admission control's rule is checked against the
hosts ticked on step 2, as the coordinator will; when it breaks, the failures field says
why Next is disabled ("... needs at least 3 hosts; the cluster has 2 hosts")."""

from __future__ import annotations

from collections.abc import Callable

from console.clusters.fields import WIZARD_LABELS, HaFields
from console.wizards.fields_page import FieldsPage
from domain.errors import ValidationError


class HaPage(FieldsPage):
    def __init__(self, host_count: Callable[[], int]) -> None:
        super().__init__(
            "High availability",
            "What happens to VMs when one of the cluster's hosts fails.",
        )
        self._host_count = host_count
        self.fields: HaFields | None = None  # check() runs while the fields are being made
        self.fields = HaFields(self, WIZARD_LABELS, host_count)
        self.grid.setRowStretch(self.grid.rowCount(), 1)

    def initializePage(self) -> None:
        count = self._host_count()
        self.setSubTitle(
            "What happens to VMs when one of the cluster's hosts fails. "
            f"The cluster starts with {count} host{'s' if count != 1 else ''}."
        )
        self.revalidate()

    def check(self) -> None:
        if self.fields is not None:
            self.fields.check()

    def place_error(self, error: ValidationError, engaged: bool) -> None:
        # Shown at once: its cause is on another page (the hosts) or a check box, never a
        # field typed in here, so "touched" would keep it hidden while Next is disabled.
        super().place_error(error, True)

    def focus_first(self) -> None:
        if self.fields is not None:
            self.fields.enabled.setFocus()
