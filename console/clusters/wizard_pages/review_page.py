"""Step 6: every setting as it will be created, then Create. A refusal of a field on another
step sends the wizard there (console.clusters.create_cluster_wizard); any other stays here."""

from __future__ import annotations

from collections.abc import Callable

from console.clusters import cluster_text
from console.pool_text import SettingRow
from console.wizards.submit_review_page import SubmitReviewPage
from domain.clusters import ClusterSpec

NEXT_TEXT = (
    "Create stores the cluster with its hosts; its status, and the reason for any warning, "
    "show on the Clusters page."
)


class ReviewPage(SubmitReviewPage):
    invalid_title = "The cluster settings are not valid"

    def __init__(
        self, spec: Callable[[], ClusterSpec], hosts: Callable[[], tuple[str, ...]]
    ) -> None:
        super().__init__(
            "Check the settings. Back changes them; nothing is created until Create.", NEXT_TEXT
        )
        self._spec = spec
        self._hosts = hosts

    def rows(self) -> list[SettingRow]:
        spec = self._spec()
        hosts = self._hosts()
        return [
            SettingRow("Name", spec.name),
            SettingRow("Description", cluster_text.optional(spec.description)),
            SettingRow("Labels", cluster_text.labels_text(spec.labels)),
            SettingRow("Hosts", ", ".join(hosts) if hosts else "None yet"),
            SettingRow("High availability", cluster_text.ha_summary(spec.ha)),
            SettingRow("Load balancing (DRS)", cluster_text.drs_summary(spec.drs)),
            SettingRow("Default pool", cluster_text.optional(spec.default_pool)),
            SettingRow("Default network", cluster_text.optional(spec.default_network)),
        ]
