"""The built-in catalog of cloud images, as quantixctl reads it.

``domain.image_catalog`` (``CATALOG``: entries with id, label, os, url, checksum_url, format;
``catalog_entry(id)`` raising a ValidationError for an unknown id) is written in another
branch. It is imported here, lazily, so quantixctl works without it: the catalog commands then
say it is missing instead of failing at start.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clients.cli_realized import NotAsAsked
from domain.errors import ValidationError

MISSING = "this quantixctl has no built-in image catalog (domain.image_catalog is missing)"


def _module() -> Any:
    try:
        from domain import image_catalog
    except ImportError:
        raise NotAsAsked(MISSING) from None
    return image_catalog


def catalog_entries() -> Sequence[Any]:
    return tuple(_module().CATALOG)


def catalog_entry(entry_id: str, field: str = "--catalog") -> Any:
    """The entry ``entry_id``; ValidationError naming ``field`` when there is none."""
    try:
        return _module().catalog_entry(entry_id)
    except ValidationError as error:
        raise ValidationError(field, error.rule) from None


def entry_json(entry: Any) -> dict[str, str]:
    return {
        "id": entry.id,
        "label": entry.label,
        "os": entry.os,
        "url": entry.url,
        "checksum_url": entry.checksum_url,
        "format": format_name(entry),
    }


def format_name(entry: Any) -> str:
    """The entry's format as text, whether the catalog keeps it as a string or an enum."""
    return str(getattr(entry.format, "value", entry.format))


CATALOG_HEADERS = ("ID", "LABEL", "OS", "FORMAT", "URL")


def entry_rows(entries: Sequence[Any], _now: float) -> list[tuple[str, ...]]:
    return [(e.id, e.label, e.os, format_name(e), e.url) for e in entries]
