"""The built-in catalog of cloud images (domain.image_catalog), as quantixctl shows it."""

from __future__ import annotations

from collections.abc import Sequence

from domain.image_catalog import CATALOG, CatalogImage
from domain.image_catalog import catalog_entry as _catalog_entry


def catalog_entries() -> Sequence[CatalogImage]:
    return CATALOG


def catalog_entry(entry_id: str, field: str = "--catalog") -> CatalogImage:
    """The entry ``entry_id``; ValidationError naming ``field`` when there is none."""
    return _catalog_entry(entry_id, field)


def entry_json(entry: CatalogImage) -> dict[str, str]:
    return {
        "id": entry.id,
        "label": entry.label,
        "os": entry.os,
        "url": entry.url,
        "checksum_url": entry.checksum_url,
        "format": entry.format,
    }


CATALOG_HEADERS = ("ID", "LABEL", "OS", "FORMAT", "URL")


def entry_rows(entries: Sequence[CatalogImage], _now: float) -> list[tuple[str, ...]]:
    return [(e.id, e.label, e.os, e.format, e.url) for e in entries]
