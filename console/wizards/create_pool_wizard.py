"""Create pool: kind of storage → its settings → hosts → review, then CreatePool.

Every field is checked as typed by the same domain functions the coordinator runs, so Next is
only enabled for what the coordinator will accept, and the rule is shown under the field.
Create runs on the event loop (qasync): the wizard stays open while the coordinator answers,
and if it refuses, its full answer stays on the review page and the wizard goes back to the
field the coordinator named (INVALID_ARGUMENT carries it as ``quantix-field``).

Keyboard: every field has a mnemonic (Alt+letter), Tab moves between fields, Enter (or
Alt+N) goes to the next page once the page is valid, and Enter on the review page creates.
Open it with ``open()`` or ``show()``, never ``exec()`` inside a coroutine (NOTES.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import grpc
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QWidget, QWizard

from console import pool_ops
from console.connection import EndpointSource
from console.pool_ops import Failure
from console.wizards.focus import focus_pages_on_arrival
from console.wizards.pool_pages.backend_page import BackendPage
from console.wizards.pool_pages.hosts_page import HostsPage
from console.wizards.pool_pages.review_page import ReviewPage
from console.wizards.pool_pages.settings_page import SettingsPage
from domain.pools import Backend, PoolSpec, validate_pool_spec
from proto.quantix.v1 import coordinator_pb2 as pb

log = logging.getLogger(__name__)

BACKEND_ID, SETTINGS_ID, HOSTS_ID, REVIEW_ID = range(4)


class CreatePoolWizard(QWizard):
    created = Signal(object)  # pb.Pool, as the coordinator stored it

    def __init__(
        self,
        endpoint: EndpointSource,
        taken_names: Callable[[], set[str]],
        nodes: Callable[[], list[pb.Node]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("createPoolWizard")
        self.setWindowTitle("Create Storage Pool")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same on every desktop
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Create")
        self.setMinimumSize(QSize(640, 600))
        self._endpoint = endpoint
        self._nodes = nodes
        # The CreatePool call; held because qasync and asyncio hold tasks weakly.
        self._task: asyncio.Task[None] | None = None

        self.backend_page = BackendPage()
        self.settings_page = SettingsPage(self.backend, taken_names)
        self.hosts_page = HostsPage(self.backend, nodes)
        self.review_page = ReviewPage(self.spec, self.hosts_text)
        for page_id, page in (
            (BACKEND_ID, self.backend_page),
            (SETTINGS_ID, self.settings_page),
            (HOSTS_ID, self.hosts_page),
            (REVIEW_ID, self.review_page),
        ):
            self.setPage(page_id, page)
        self.setStartId(BACKEND_ID)
        focus_pages_on_arrival(self)

    # --- what the pages build -------------------------------------------------------------

    def backend(self) -> Backend:
        return self.backend_page.backend()

    def spec(self) -> PoolSpec:
        """The whole spec, validated and normalized as the coordinator will see it."""
        raw = self.settings_page.spec(self.hosts_page.chosen_hosts())
        return validate_pool_spec(raw)

    def hosts_text(self) -> str:
        if self.hosts_page.every_host():
            count = len(self._nodes())
            now = f"{count} now" if count else "none now"
            return f"Every host, including hosts that register later ({now})"
        return ", ".join(self.hosts_page.chosen_hosts())

    # --- Create ---------------------------------------------------------------------------

    @property
    def submitting(self) -> bool:
        return self._task is not None and not self._task.done()

    def accept(self) -> None:
        """Finish: ask the coordinator; the wizard closes only once it has said yes."""
        if self.submitting:
            return
        try:
            spec = self.spec()
        except Exception as error:
            # The pages allow nothing invalid through; if something slipped, say what.
            self.review_page.show_error("The pool settings are not valid", str(error))
            return
        self.review_page.set_busy(f"Asking the coordinator to create {spec.name}…")
        self.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self._task = asyncio.get_running_loop().create_task(
            self._create(spec), name=f"create pool {spec.name}"
        )

    async def _create(self, spec: PoolSpec) -> None:
        result = await pool_ops.create_pool(self._endpoint(), spec)
        self.review_page.set_busy("")
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)
        if result.failure is not None:
            self.show_failure(spec, result.failure)
            return
        self.created.emit(result.value)
        super().accept()

    def show_failure(self, spec: PoolSpec, failure: Failure) -> None:
        """The coordinator's full answer on the review page, and the field it named."""
        self.review_page.show_error(f"The coordinator did not create {spec.name}", failure.text)
        field = failure.field
        if not field and failure.code == grpc.StatusCode.ALREADY_EXISTS:
            field = "name"
        if field:
            self.go_to_field(field, failure.details or failure.text)

    def go_to_field(self, field: str, text: str) -> bool:
        """Back to the page holding ``field``, the coordinator's words under it, cursor in it."""
        base = field.removeprefix("spec.")
        if base.startswith("hosts"):
            target = HOSTS_ID
        elif base == "backend":
            target = BACKEND_ID
        elif self.settings_page.row_for(base) is not None:
            target = SETTINGS_ID
        else:
            return False
        for _ in range(len(self.pageIds())):
            if self.currentId() == target or self.currentId() == BACKEND_ID:
                break
            self.back()
        if self.currentId() != target:
            return False
        if target == SETTINGS_ID:
            row = self.settings_page.row_for(base)
            if row is not None:
                row.set_server_error(text)
                self.settings_page.revalidate()
                row.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        elif target == HOSTS_ID:
            self.hosts_page.show_error(text)
            self.hosts_page.hosts.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def done(self, result: int) -> None:
        # Cancel while Create is under way: stop waiting (the coordinator may still create
        # the pool; if so its card appears from Watch like any other).
        if result != QWizard.DialogCode.Accepted and self._task is not None:
            self._task.cancel()
        super().done(result)
