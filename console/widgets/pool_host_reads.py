"""The selected pool's volumes and libvirt XML, read from one host where the pool is READY.

The coordinator knows a pool's desired state and per-host status; what is *in* the pool and
how libvirt defined it live on the hosts, so they are read straight from a node daemon
(console.pool_reads), as the hosts page reads host detail. The user picks the host; by default
the first host (by name) where the pool is READY.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStyle,
    QToolButton,
    QWidget,
)

from console.connection import IdentitySource, no_identity
from console.latest_task import LatestTask
from console.pool_reads import PoolHostRead, read_pool_on_host
from console.style import set_state_property
from console.widgets.error_view import SELECTABLE
from console.widgets.tables import Cell, fill_table, make_table
from domain.units import format_bytes
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb

NO_READY_HOST = (
    "No host has this pool ready, so there are no volumes or XML to read. They appear once "
    "a host is ready (the Hosts tab says why none is)."
)
XML_NOTE = "Secrets appear as references to libvirt secrets, never as values."


def ready_hosts(pool: pb.Pool) -> list[str]:
    return sorted(h.host for h in pool.realization.hosts if h.phase == cpb.PHASE_READY)


def _note_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setObjectName("readNote")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(SELECTABLE)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so an error can be selected by keyboard
    return label


class PoolHostReads(QObject):
    loaded = Signal(object)  # PoolHostRead: a read finished (with or without errors)

    def __init__(
        self,
        parent: QWidget,
        node_address: Callable[[str], str],
        identity: IdentitySource = no_identity,
    ) -> None:
        super().__init__(parent)
        self._node_address = node_address
        self._identity = identity
        self._pool_name = ""
        self._host = ""
        self._reading = LatestTask()
        self.read: PoolHostRead | None = None

        # The host chooser sits in the tab bar's corner: it serves the Volumes and XML tabs.
        self.bar = QWidget(parent)
        self.host_label = QLabel("Fr&om:", self.bar)
        self.host_label.setToolTip("The host the volumes and XML are read from")
        self.host_combo = QComboBox(self.bar)
        self.host_combo.setObjectName("readHost")
        self.host_combo.setToolTip("The host whose node daemon the volumes and XML are read from")
        self.host_combo.setMinimumContentsLength(10)
        self.host_label.setBuddy(self.host_combo)
        # An icon button: the tab bar beside it has little room. F5 does the same.
        self.reload_button = QToolButton(self.bar)
        self.reload_button.setObjectName("reloadButton")
        self.reload_button.setIcon(
            self.bar.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
        )
        self.reload_button.setAccessibleName("Reload volumes and XML")
        self.reload_button.setToolTip("Read the volumes and XML again (F5)")
        bar_layout = QHBoxLayout(self.bar)
        bar_layout.setContentsMargins(0, 0, 0, 2)
        bar_layout.addWidget(self.host_label)
        bar_layout.addWidget(self.host_combo)
        bar_layout.addWidget(self.reload_button)

        self.volumes_note = _note_label(parent)
        self.xml_note = _note_label(parent)
        self.volumes_table = make_table(
            parent, ("Name", "Format", "Capacity", "Allocated", "Path"), "Volumes"
        )
        self.xml_view = QPlainTextEdit(parent)
        self.xml_view.setObjectName("poolXml")
        self.xml_view.setAccessibleName("libvirt XML")
        self.xml_view.setReadOnly(True)
        # Read-only, but selectable and copyable by keyboard as well as by mouse.
        self.xml_view.setTextInteractionFlags(
            SELECTABLE | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.xml_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.xml_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

        self.host_combo.activated.connect(self._on_host_chosen)
        self.reload_button.clicked.connect(self.reload)

    @property
    def host(self) -> str:
        return self._host

    def show_pool(self, pool: pb.Pool | None) -> None:
        """Follow ``pool`` (None: nothing selected); read again only when the pool, the host
        or that host's readiness changed, not on every Watch update."""
        if pool is None:
            self._reading.cancel()
            self._pool_name = self._host = ""
            self.read = None
            return
        hosts = ready_hosts(pool)
        same_pool = pool.spec.name == self._pool_name
        host = self._host if same_pool and self._host in hosts else (hosts[0] if hosts else "")
        self.host_combo.blockSignals(True)
        self.host_combo.clear()
        self.host_combo.addItems(hosts)
        self.host_combo.setCurrentIndex(self.host_combo.findText(host))
        self.host_combo.blockSignals(False)
        self.host_combo.setEnabled(bool(hosts))
        self.reload_button.setEnabled(bool(hosts))
        if same_pool and host == self._host and (self.read is not None or self.busy):
            return
        self._pool_name = pool.spec.name
        self._host = host
        if host:
            self.reload()
        else:
            self._reading.cancel()
            self.read = None
            self._show_nothing(NO_READY_HOST)

    @property
    def busy(self) -> bool:
        return self._reading.busy

    def reload(self) -> None:
        if not self._pool_name or not self._host:
            return
        self._reading.cancel()
        host, pool = self._host, self._pool_name
        address = self._node_address(host)
        where = f"{host} ({address})" if address else host
        reading = f"Reading from {where}…"
        for note in (self.volumes_note, self.xml_note):
            self._set_note(note, reading, error=False)
        fill_table(self.volumes_table, (), reading)
        self.xml_view.setPlainText("")
        self.xml_view.setPlaceholderText(reading)
        self._reading.start(self._load(host, address, pool), name=f"pool {pool} on {host}")

    async def stop(self) -> None:
        await self._reading.stop()

    # --- internals ------------------------------------------------------------------------

    async def _load(self, host: str, address: str, pool: str) -> None:
        read = await read_pool_on_host(host, address, pool, self._identity())
        if (host, pool) != (self._host, self._pool_name):
            return  # the user moved on meanwhile
        self._show(read)

    def _on_host_chosen(self, index: int) -> None:
        host = self.host_combo.itemText(index)
        if host and host != self._host:
            self._host = host
            self.reload()

    @staticmethod
    def _set_note(note: QLabel, text: str, *, error: bool) -> None:
        note.setText(text)
        set_state_property(note, "state", "error" if error else "hint")

    def _show_nothing(self, text: str) -> None:
        for note in (self.volumes_note, self.xml_note):
            self._set_note(note, text, error=False)
        fill_table(self.volumes_table, (), text)
        self.xml_view.setPlainText("")
        self.xml_view.setPlaceholderText(text)

    def _show(self, read: PoolHostRead) -> None:
        self.read = read
        stamp = time.strftime("%H:%M:%S", time.localtime(read.fetched_at or time.time()))
        source = f"On {read.host}, read at {stamp}."
        self._set_note(
            self.volumes_note, read.volumes_error or source, error=bool(read.volumes_error)
        )
        self._set_note(
            self.xml_note,
            read.xml_error or f"As libvirt defined it on {read.host} (read at {stamp}). {XML_NOTE}",
            error=bool(read.xml_error),
        )
        if read.volumes is None:
            fill_table(self.volumes_table, (), "Not available (see the error above)")
        else:
            rows = [
                (
                    volume.name,
                    volume.format or "—",
                    Cell(format_bytes(volume.capacity_bytes), numeric=True),
                    Cell(format_bytes(volume.allocation_bytes), numeric=True),
                    volume.path,
                )
                for volume in read.volumes
            ]
            fill_table(self.volumes_table, rows, f"No volumes in {read.pool} yet")
            self.volumes_table.resizeColumnsToContents()
        self.xml_view.setPlainText(read.xml or "")
        self.xml_view.setPlaceholderText(
            "Not available (see the error above)" if read.xml is None else ""
        )
        self.loaded.emit(read)
