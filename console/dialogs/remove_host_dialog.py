"""Remove a host that is gone: a confirmation saying what happens, then the coordinator's answer.

RemoveNode makes the coordinator forget the host. While pools are assigned to it the
coordinator refuses (FAILED_PRECONDITION, naming them); the dialog shows that text in full and
offers Remove anyway, which takes the pools off the host without contacting it and leaves its
storage as it is. Open it with ``open()``; the call runs on the event loop, never in ``exec()``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QWidget

from console import pool_ops, pool_text
from console.connection import EndpointSource
from console.dialogs.confirm_force_dialog import ConfirmForceDialog
from console.kit.phase_text import plural
from proto.quantix.v1 import coordinator_pb2 as pb


def explanation(name: str) -> str:
    return (
        f"Quantix forgets {name}: it leaves the Hosts page and its pools are no longer shown. "
        "Nothing on the host is contacted or changed. A host with pools assigned is refused "
        "unless you remove it anyway."
    )


def connected_warning(name: str) -> str:
    return (
        f"{name} is connected now. Removing it also revokes its certificate: its node daemon "
        "cannot register again, and bringing the host back means enrolling it anew with a join "
        "token (Add host…)."
    )


def force_note(name: str) -> str:
    return (
        f"Remove anyway takes {name} off those pools without contacting it; its storage is "
        "left as it is. A local directory on it is forgotten by Quantix."
    )


def removed_notice(name: str, released: list[str]) -> str:
    if not released:
        return f"Removed host {name}"
    return (
        f"Removed host {name} and took it off "
        f"{plural(len(released), 'pool')}: {pool_text.join_names(released)}"
    )


class RemoveHostDialog(ConfirmForceDialog):
    # The host's name and the pools it was taken off, once the coordinator has forgotten it.
    removed = Signal(str, list)

    def __init__(
        self, node: pb.Node, endpoint: EndpointSource, parent: QWidget | None = None
    ) -> None:
        warning = QLabel(connected_warning(node.name))
        warning.setObjectName("fieldHint")
        warning.setProperty("state", "warning")
        warning.setWordWrap(True)
        warning.setVisible(node.status == pb.NODE_STATUS_CONNECTED)
        super().__init__(
            parent,
            subject=node.name,
            question=f"Remove the host “{node.name}” from Quantix?",
            explanation=explanation(node.name),
            action_text="&Remove",
            force_text="Remove &anyway",
            force_note=force_note(node.name),
            extra=(warning,),
        )
        self.warning = warning
        self.setObjectName("removeHostDialog")
        self.host_name = node.name
        self.setWindowTitle(f"Remove Host {node.name}")
        self.setMinimumWidth(540)
        self._endpoint = endpoint
        self.remove_button = self.action_button

    def busy_text(self, force: bool) -> str:
        verb = "Removing anyway" if force else "Removing"
        return f"{verb} {self.host_name}: waiting for the coordinator…"

    def refused_title(self) -> str:
        return f"The coordinator refused to remove {self.host_name}"

    def failed_title(self) -> str:
        return f"Could not remove {self.host_name}"

    async def call(self, force: bool) -> pool_ops.Result[pb.RemoveNodeResponse]:
        return await pool_ops.remove_node(self._endpoint(), self.host_name, force)

    def succeeded(self, value: pb.RemoveNodeResponse | None, force: bool) -> bool:
        response = value or pb.RemoveNodeResponse()
        self.removed.emit(self.host_name, list(response.pools_released))
        return True
