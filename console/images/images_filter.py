"""The Images page's filter: a tab (by phase), a kind and a search over name, pool and host.

The tab and the search are the kit's card filter (console.kit.card_filter: PHASE_ROLE and
SORT_ROLE on column 0, which the images model answers); the kind is added here. Column sorting
(clicking a header) reads VALUE_ROLE, so sizes sort as numbers.
"""

from __future__ import annotations

import enum
from collections import Counter

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex

from console.images.image_text import PHASE_FOUND
from console.images.images_model import KIND_ROLE, VALUE_ROLE
from console.kit.card_filter import CardFilterProxy
from proto.quantix.v1 import common_pb2 as cpb

_BUSY = frozenset(
    {
        cpb.IMAGE_PHASE_UPLOADING,
        cpb.IMAGE_PHASE_DOWNLOADING,
        cpb.IMAGE_PHASE_EXTRACTING,
        cpb.IMAGE_PHASE_VERIFYING,
        cpb.IMAGE_PHASE_CONVERTING,
        cpb.IMAGE_PHASE_REGISTERING,
    }
)


class ImageTab(enum.Enum):
    ALL = "All"
    READY = "Ready"
    BUSY = "In progress"
    ERROR = "Error"
    FOUND = "Found in pools"

    def accepts(self, phase: int) -> bool:
        return self is ImageTab.ALL or phase in TAB_PHASES[self]


TAB_PHASES: dict[ImageTab, frozenset[int]] = {
    ImageTab.READY: frozenset({cpb.IMAGE_PHASE_READY}),
    ImageTab.BUSY: _BUSY,
    ImageTab.ERROR: frozenset({cpb.IMAGE_PHASE_ERROR}),
    ImageTab.FOUND: frozenset({PHASE_FOUND}),
}


def tab_counts(phases: Counter[int]) -> dict[ImageTab, int]:
    counts = {tab: sum(phases[p] for p in TAB_PHASES[tab]) for tab in TAB_PHASES}
    counts[ImageTab.ALL] = sum(phases.values())
    return {tab: counts[tab] for tab in ImageTab}


class ImagesFilterProxy(CardFilterProxy[ImageTab]):
    def __init__(self, model: QAbstractItemModel, parent: QObject | None = None) -> None:
        super().__init__(model, ImageTab.ALL, parent)
        self._kind = cpb.IMAGE_KIND_UNSPECIFIED  # every kind
        self.setSortRole(VALUE_ROLE)

    @property
    def kind(self) -> int:
        return self._kind

    def set_kind(self, kind: int) -> None:
        if kind != self._kind:
            self._refilter(lambda: setattr(self, "_kind", kind))

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if self._kind != cpb.IMAGE_KIND_UNSPECIFIED:
            index = self.sourceModel().index(source_row, 0, source_parent)
            if index.data(KIND_ROLE) != self._kind:
                return False
        return super().filterAcceptsRow(source_row, source_parent)
