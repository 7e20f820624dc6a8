"""Step 4: every setting once more (secrets only as "••• stored"), then Create.

The wizard submits from here (``SubmitReviewPage``); if the coordinator refuses, its full
answer is shown here and the wizard also takes the user to the field it named.
"""

from __future__ import annotations

from collections.abc import Callable

from console.pool_text import SettingRow, source_rows
from console.wizards.submit_review_page import SubmitReviewPage
from domain.pools import PoolSpec

NEXT_TEXT = (
    "Create stores the pool and sets it up on every assigned host at once. Its card on the "
    "Storage page shows the progress, and says why for any host that fails."
)


class ReviewPage(SubmitReviewPage):
    invalid_title = "The pool settings are not valid"

    def __init__(self, spec: Callable[[], PoolSpec], hosts_text: Callable[[], str]) -> None:
        super().__init__(
            "Check the settings. Back changes them; nothing is created until Create.", NEXT_TEXT
        )
        self._spec = spec
        self._hosts_text = hosts_text

    def rows(self) -> list[SettingRow]:
        spec = self._spec()
        rows = [
            SettingRow("Kind", spec.backend.label),
            SettingRow("Name", spec.name),
            SettingRow("Description", spec.description or "None"),
        ]
        rows += source_rows(spec, secret_wording="stored")
        rows.append(SettingRow("Hosts", self._hosts_text()))
        return rows
