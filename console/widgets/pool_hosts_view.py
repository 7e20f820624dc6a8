"""A pool on each of its hosts: the status kit's host table with the pool's capacity there."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from console import pool_text
from console.kit.host_table import HostColumn, HostStatusTable
from console.widgets.tables import Cell
from proto.quantix.v1 import common_pb2 as cpb
from proto.quantix.v1 import coordinator_pb2 as pb


def _capacity_cell(status: cpb.HostStatus) -> Cell:
    return Cell(pool_text.host_capacity_text(status), numeric=True)


CAPACITY_COLUMN = HostColumn("Capacity", _capacity_cell)


class PoolHostsView(HostStatusTable):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__((CAPACITY_COLUMN,), "No host is assigned this pool yet", parent)

    def show_pool(self, pool: pb.Pool) -> None:
        self.show_hosts(pool.realization.hosts)
