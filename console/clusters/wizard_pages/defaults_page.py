"""Step 5: the default storage pool and network for the cluster's VMs: "None", or a managed
one placed on every host chosen on step 2 (others are listed greyed out, naming the hosts
that lack them)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from console.clusters.fields import WIZARD_LABELS, DefaultChoice, Placed
from console.wizards.fields_page import FieldsPage


class DefaultsPage(FieldsPage):
    def __init__(
        self,
        members: Callable[[], Sequence[str]],
        pools: Sequence[Placed],
        networks: Sequence[Placed],
    ) -> None:
        super().__init__(
            "Defaults", "Where new VMs in the cluster get their disks and network by default."
        )
        self._pools = tuple(pools)
        self._networks = tuple(networks)
        self.pool = DefaultChoice(
            self,
            WIZARD_LABELS["default_pool"],
            "pool",
            members,
            "Optional: a managed pool on every host of the cluster.",
        )
        self.network = DefaultChoice(
            self,
            WIZARD_LABELS["default_network"],
            "network",
            members,
            "Optional: a managed network on every host of the cluster.",
        )
        self.grid.setRowStretch(self.grid.rowCount(), 1)

    def initializePage(self) -> None:
        # The hosts may have changed since the last visit: offer what is on all of them now.
        self.pool.set_choices(self._pools)
        self.network.set_choices(self._networks)
        self.revalidate()
