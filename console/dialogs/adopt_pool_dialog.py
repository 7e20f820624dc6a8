"""Adopt a pool Quantix did not create: tick its hosts → review what the coordinator read back
from them → Adopt.

Next asks the coordinator for a dry run (AdoptPool with ``dry_run``): it reads the pool's XML on
every ticked host and returns the spec it would adopt, without storing anything or touching a
host. The review shows that spec as the create wizard's review does; Adopt then asks for real.
Hosts whose definitions differ are refused naming the setting (FAILED_PRECONDITION), a pool
that authenticates asks for its secret (INVALID_ARGUMENT naming ``secret``): the coordinator's
words are shown here in full, selectable, and nothing is adopted.

The hosts listed are every host with an unmanaged pool of that name, including hosts whose
definition differs from the card's (they are separate cards): AdoptPool takes a name.
The steps, buttons and calls are console.dialogs.adopt_dialog's; this adds the pool's words
and its secret field.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from console import discovered_text, pool_ops, pool_text
from console.connection import EndpointSource
from console.dialogs.adopt_dialog import HOSTS_STEP, REVIEW_STEP, AdoptDialog, AdoptHost
from domain.errors import ValidationError
from proto.quantix.v1 import coordinator_pb2 as pb
from wire.pool_codec import spec_from_pb

__all__ = ["HOSTS_STEP", "REVIEW_STEP", "AdoptPoolDialog", "review_rows"]

REVIEW_NOTE = (
    "Adopt stores the pool in Quantix and checks it on each host: the pool, its settings and "
    "its volumes stay as they are. From then on it is a managed card like any other."
)
SECRET_NOTE = (
    "libvirt keeps a pool's key or CHAP secret private on its hosts, so it cannot be read "
    "back: give it here."
)


def review_rows(pool: pb.Pool) -> list[pool_text.SettingRow]:
    """The spec the coordinator read back, in the create wizard's words."""
    spec_message = pool.spec
    rows = [
        pool_text.SettingRow("Kind", pool_text.backend_label(spec_message.backend)),
        pool_text.SettingRow("Name", spec_message.name),
    ]
    which = spec_message.WhichOneof("source")
    given = (which == "ceph_rbd" and spec_message.ceph_rbd.has_key) or (
        which == "iscsi" and spec_message.iscsi.has_chap_secret
    )
    try:
        spec = spec_from_pb(spec_message)
    except ValidationError as error:
        rows.append(pool_text.SettingRow("Settings", f"Not readable: {error}"))
    else:
        rows += pool_text.source_rows(spec, secret_stored=bool(given), secret_wording="given")
    hosts = list(spec_message.hosts)
    rows.append(pool_text.SettingRow("Hosts", pool_text.join_names(hosts) if hosts else "None"))
    return rows


class AdoptPoolDialog(AdoptDialog):
    def __init__(
        self,
        pool: pb.DiscoveredPool,
        same_name: Sequence[pb.DiscoveredPool],
        endpoint: EndpointSource,
        parent: QWidget | None = None,
    ) -> None:
        self._endpoint = endpoint
        intro = (
            f"Quantix reads the definition of <b>{pool.name}</b> "
            f"({discovered_text.type_label(pool)}) back from each ticked host and manages the "
            "pool from then on, as it is: nothing changes on the hosts. Hosts whose definitions "
            "differ are refused, naming the setting."
        )
        super().__init__(pool.name, "pool", intro, _hosts(pool, same_name), REVIEW_NOTE, parent)
        self.setObjectName("adoptPoolDialog")
        self._add_secret_field()

    def _add_secret_field(self) -> None:
        """Shown once the coordinator asks for it (a pool that authenticates)."""
        step = self.steps.widget(HOSTS_STEP)
        self.secret_label = QLabel("&Key or CHAP secret:", step)
        self.secret_edit = QLineEdit(step)
        self.secret_edit.setObjectName("adoptSecret")
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setAccessibleName("Key or CHAP secret of the pool")
        self.secret_label.setBuddy(self.secret_edit)
        self.secret_note = QLabel(SECRET_NOTE, step)
        self.secret_note.setObjectName("fieldHint")
        self.secret_note.setWordWrap(True)
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret_label)
        secret_row.addWidget(self.secret_edit, 1)
        self._secret_widgets = (self.secret_label, self.secret_edit, self.secret_note)
        for widget in self._secret_widgets:
            widget.setVisible(False)
        self.hosts_layout.addLayout(secret_row)
        self.hosts_layout.addWidget(self.secret_note)

    def call(self, hosts: list[str], dry_run: bool) -> Awaitable[pool_ops.Result[pb.Pool]]:
        return pool_ops.adopt_pool(
            self._endpoint(), self.name, hosts, dry_run=dry_run, secret=self.secret_edit.text()
        )

    def review_rows(self, value: pb.Pool) -> list[pool_text.SettingRow]:
        return review_rows(value)

    def on_failure(self, failure: pool_ops.Failure) -> None:
        """A missing secret opens its field."""
        if failure.field == "secret":
            if self.step != HOSTS_STEP:
                self._show_step(HOSTS_STEP)
            for widget in self._secret_widgets:
                widget.setVisible(True)
            self.secret_edit.setFocus(Qt.FocusReason.OtherFocusReason)


def _hosts(pool: pb.DiscoveredPool, same_name: Sequence[pb.DiscoveredPool]) -> list[AdoptHost]:
    """Every host with a pool of that name; where hosts define it differently, each says how."""
    entries: dict[str, AdoptHost] = {}
    definitions = [pool, *(p for p in same_name if p.key != pool.key)]
    for found in definitions:
        source = discovered_text.source_text(found) if len(definitions) > 1 else ""
        for host in sorted(found.hosts, key=lambda h: h.host):
            if host.host not in entries:
                entries[host.host] = AdoptHost(
                    host.host,
                    discovered_text.adopt_host_text(host, source),
                    discovered_text.chip_phase(host.state),
                )
    return list(entries.values())
