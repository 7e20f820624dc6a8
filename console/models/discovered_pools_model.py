"""Pools Quantix did not create, one row each, fed by Watch (OBJECT_KIND_DISCOVERED_POOL).

The same machinery as the managed pools (WatchListModel: batches, key -> row, name order) and
the same roles (console.models.pools_model), with a StatusCard per pool, so the Storage page shows
both models in one card view through one filter proxy and one delegate: every row here is in
the Unmanaged tab (PHASE_ROLE is PHASE_UNMANAGED; console.models.discovered_cards). Keys are
the coordinator's (``name#<hash of type and source>``): the same name may be two cards when two
hosts define it differently.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from console.kit.status_card import StatusCard
from console.models.discovered_cards import DiscoveredCardModel
from console.models.pools_model import DISCOVERED_ROLE
from console.pool_card import card_of_discovered
from proto.quantix.v1 import coordinator_pb2 as pb


class DiscoveredPoolsModel(DiscoveredCardModel[pb.DiscoveredPool]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(pb.OBJECT_KIND_DISCOVERED_POOL, "discovered_pool", DISCOVERED_ROLE, parent)

    def card_of(self, item: pb.DiscoveredPool, name_taken: bool) -> StatusCard:
        return card_of_discovered(item, name_taken)

    def pool(self, key: str) -> pb.DiscoveredPool | None:
        return self.item(key)
