"""What a user can do to pools: New pool (Ctrl+N), Retry (Ctrl+R), Assign hosts…, Delete…, and
Adopt… for a pool Quantix did not create (an Unmanaged card).

One QAction each, scoped to the Storage page (its shortcuts work only while the keyboard is on
that page, so other pages keep Ctrl+N for their own "new"), enabled for the selected pool when
the action makes sense and with a tooltip saying why not otherwise. The dialogs and the wizard
open with ``open()`` and report back through signals: no ``exec()`` inside a coroutine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from console import discovered_text, pool_ops
from console.connection import EndpointSource
from console.dialogs.adopt_pool_dialog import AdoptPoolDialog
from console.dialogs.assign_hosts_dialog import AssignHostsDialog
from console.dialogs.delete_pool_dialog import DeletePoolDialog
from console.kit.commands import acts_on_selection
from console.widgets.error_view import ErrorDialog
from console.wizards.create_pool_wizard import CreatePoolWizard
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

RETRY_TIP = "Initialize the pool again on every host where it is not ready"
ASSIGN_TIP = "Choose the hosts this pool is set up on"


class PoolActions(QObject):
    notice = Signal(str)  # what happened, for the status bar ("Deleted nfs-1")
    created = Signal(str)  # the name of a pool the coordinator just stored
    dialog_closed = Signal()

    def __init__(
        self,
        page: QWidget,
        selected: Callable[[], pb.Pool | None],
        endpoint: EndpointSource,
        taken_names: Callable[[], set[str]],
        nodes: Callable[[], list[pb.Node]],
        discovered: Callable[[], pb.DiscoveredPool | None] = lambda: None,
        same_name: Callable[[str], list[pb.DiscoveredPool]] = lambda _name: [],
    ) -> None:
        super().__init__(page)
        self._page = page
        self._selected = selected
        self._endpoint = endpoint
        self._taken_names = taken_names
        self._nodes = nodes
        self._discovered = discovered  # the selected Unmanaged card's pool, if one is
        self._same_name = same_name  # every discovered pool of a name (AdoptPool takes names)
        # Retry calls in flight; held because qasync and asyncio hold tasks weakly.
        self._tasks: set[asyncio.Task[None]] = set()
        self.wizard: CreatePoolWizard | None = None
        self.dialog: DeletePoolDialog | AssignHostsDialog | AdoptPoolDialog | None = None

        self.new = self._action("&New pool…", "Ctrl+N", "Create a storage pool")
        self.new.triggered.connect(self.open_wizard)
        self.retry = acts_on_selection(self._action("&Retry", "Ctrl+R", RETRY_TIP))
        self.retry.triggered.connect(self.retry_selected)
        self.assign = acts_on_selection(self._action("As&sign hosts…", "", ASSIGN_TIP))
        self.assign.triggered.connect(self.open_assign_dialog)
        # The Delete key belongs to the card grid (see StoragePage), not the whole page: in
        # the search field it deletes characters.
        self.delete = acts_on_selection(
            self._action("&Delete…", "", "Delete the pool from its hosts and Quantix")
        )
        self.delete.triggered.connect(self.open_delete_dialog)
        self.adopt = acts_on_selection(self._action("Ad&opt…", "", discovered_text.ADOPT_TIP))
        self.adopt.triggered.connect(self.open_adopt_dialog)

    def _action(self, text: str, shortcut: str, tip: str) -> QAction:
        action = QAction(text, self._page)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(tip)
        self._page.addAction(action)
        return action

    def update(self) -> None:
        """Enable what makes sense for the selected pool, and say why the rest does not."""
        pool = self._selected()
        connected = self._endpoint() is not None
        deleting = pool is not None and pool.realization.phase == cpb.PHASE_DELETING
        usable = pool is not None and connected and not deleting
        not_ready = pool is not None and pool.realization.phase != cpb.PHASE_READY
        self.retry.setEnabled(usable and not_ready)
        self.retry.setToolTip(
            RETRY_TIP
            if not_ready or pool is None
            else "The pool is ready on every host: nothing to retry"
        )
        local = pool is not None and pool.spec.backend == cpb.POOL_BACKEND_LOCAL_DIR
        self.assign.setEnabled(usable and not local)
        self.assign.setToolTip(
            "A local directory lives on one host; create another pool for another host"
            if local
            else ASSIGN_TIP
        )
        self.delete.setEnabled(usable)
        found = self._discovered()
        taken = found is not None and found.name in self._taken_names()
        self.adopt.setEnabled(found is not None and found.adoptable and connected and not taken)
        self.adopt.setToolTip(
            discovered_text.note(found, taken)
            if found is not None and (taken or not found.adoptable)
            else discovered_text.ADOPT_TIP
        )

    async def stop(self) -> None:
        for window in (self.wizard, self.dialog):
            if window is not None:
                window.reject()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- the actions ----------------------------------------------------------------------

    def open_wizard(self) -> CreatePoolWizard:
        if self.wizard is not None:
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        wizard = CreatePoolWizard(self._endpoint, self._taken_names, self._nodes, self._page)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.created.connect(self._on_created)
        wizard.finished.connect(self._on_wizard_finished)
        self.wizard = wizard
        wizard.open()
        return wizard

    def retry_selected(self) -> None:
        pool = self._selected()
        if pool is None or not self.retry.isEnabled():
            return
        name = pool.spec.name
        self.notice.emit(f"Asking the coordinator to retry {name}…")
        self._run(self._retry(name))

    async def _retry(self, name: str) -> None:
        result = await pool_ops.retry_pool(self._endpoint(), name)
        if result.failure is None:
            self.notice.emit(f"Retrying {name} on every host where it is not ready")
            return
        self.notice.emit(f"Could not retry {name}")
        # Retry has no window of its own to show the failure in: a dialog, in full.
        dialog = ErrorDialog(f"Could not retry {name}", result.failure.text, self._page)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_delete_dialog(self) -> DeletePoolDialog | None:
        pool = self._selected()
        if pool is None or not self.delete.isEnabled() or self.dialog is not None:
            return None
        dialog = DeletePoolDialog(pool, self._endpoint, self._page)
        dialog.deleted.connect(lambda name: self.notice.emit(f"Deleted {name}"))
        self._open_dialog(dialog)
        return dialog

    def open_assign_dialog(self) -> AssignHostsDialog | None:
        pool = self._selected()
        if pool is None or not self.assign.isEnabled() or self.dialog is not None:
            return None
        name = pool.spec.name
        dialog = AssignHostsDialog(pool, self._nodes(), self._endpoint, self._page)
        dialog.applied.connect(lambda _pool: self.notice.emit(f"Hosts of {name} changed"))
        self._open_dialog(dialog)
        return dialog

    def open_adopt_dialog(self) -> AdoptPoolDialog | None:
        found = self._discovered()
        if found is None or not self.adopt.isEnabled() or self.dialog is not None:
            return None
        dialog = AdoptPoolDialog(found, self._same_name(found.name), self._endpoint, self._page)
        dialog.adopted.connect(self._on_adopted)
        self._open_dialog(dialog)
        return dialog

    # --- internals ------------------------------------------------------------------------

    def _open_dialog(self, dialog: DeletePoolDialog | AssignHostsDialog | AdoptPoolDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_dialog_finished)
        self.dialog = dialog
        dialog.open()

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _on_created(self, pool: pb.Pool | None) -> None:
        name = pool.spec.name if pool is not None else ""
        self.notice.emit(f"Created {name}: setting it up on its hosts")
        self.created.emit(name)

    def _on_adopted(self, pool: pb.Pool) -> None:
        name = pool.spec.name
        self.notice.emit(discovered_text.adopted_notice(name, list(pool.spec.hosts)))
        self.created.emit(name)

    def _on_wizard_finished(self, _result: int) -> None:
        self.wizard = None

    def _on_dialog_finished(self, _result: int) -> None:
        self.dialog = None
        self.dialog_closed.emit()
