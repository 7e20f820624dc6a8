"""Delete a pool: a confirmation that names it, then the coordinator's answer in full.

DeletePool waits for every host. If the pool still holds volumes the coordinator refuses
(FAILED_PRECONDITION, naming each host and how many); the dialog shows that text and offers
Force delete, which removes the pool but leaves the volumes on the storage. A host that
fails is listed with its own error and the pool stays, marked with the failures.

Open it with ``open()``; the call runs on the event loop, never inside ``exec()``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from console import pool_ops, pool_text
from console.connection import EndpointSource
from console.dialogs.confirm_force_dialog import ConfirmForceDialog
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

FORCE_NOTE = (
    "Force delete removes the pool from Quantix and from its hosts anyway. Its volumes are "
    "not deleted: they stay on the storage, no longer managed by Quantix."
)


def results_text(response: pb.DeletePoolResponse) -> str:
    """Each host's outcome on its own line: ``host-b: Delete failed: ...``."""
    lines = []
    for result in sorted(response.results, key=lambda r: r.host):
        failed = result.phase in (cpb.PHASE_ERROR, cpb.PHASE_OFFLINE)
        lines.append(f"{result.host}: {result.message or ('failed' if failed else 'removed')}")
    if response.pool.realization.message and response.pool.realization.message not in "\n".join(
        lines
    ):
        lines.append(response.pool.realization.message)
    return "\n".join(lines) or "The coordinator gave no per-host results."


class DeletePoolDialog(ConfirmForceDialog):
    deleted = Signal(str)  # the pool's name, once the coordinator has forgotten it

    def __init__(
        self, pool: pb.Pool, endpoint: EndpointSource, parent: QWidget | None = None
    ) -> None:
        name = pool.spec.name
        hosts = sorted(h.host for h in pool.realization.hosts)
        where = pool_text.join_names(hosts) if hosts else "no host"
        unmount = " (unmounting the NFS share)" if pool.spec.WhichOneof("source") == "nfs" else ""
        super().__init__(
            parent,
            subject=name,
            question=f"Delete the storage pool “{name}”?",
            explanation=(
                f"Quantix stops and undefines it on {where}{unmount}, then forgets it. "
                "Volumes are never deleted; a pool that still holds some is refused unless "
                "forced."
            ),
            action_text="&Delete",
            force_text="&Force delete",
            force_note=FORCE_NOTE,
        )
        self.setObjectName("deletePoolDialog")
        self.pool_name = name
        self.setWindowTitle(f"Delete Pool {name}")
        self.setMinimumWidth(520)
        self._endpoint = endpoint
        self.delete_button = self.action_button

    def busy_text(self, force: bool) -> str:
        verb = "Force-deleting" if force else "Deleting"
        return f"{verb} {self.pool_name}: waiting for every host to answer…"

    def refused_title(self) -> str:
        return f"The coordinator refused to delete {self.pool_name}"

    def failed_title(self) -> str:
        return f"Could not delete {self.pool_name}"

    async def call(self, force: bool) -> pool_ops.Result[pb.DeletePoolResponse]:
        return await pool_ops.delete_pool(self._endpoint(), self.pool_name, force)

    def succeeded(self, value: pb.DeletePoolResponse | None, force: bool) -> bool:
        assert value is not None
        if value.deleted:
            self.deleted.emit(self.pool_name)
            return True
        self.error_view.set_error(
            f"{self.pool_name} was not deleted from every host; it stays, marked with the failures",
            results_text(value),
        )
        self.delete_button.setText("Try &again")
        self.offer_force(False)
        return False
