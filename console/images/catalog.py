"""The built-in catalog of well-known cloud images, as the download dialog reads it.

The catalog itself is ``domain.image_catalog.CATALOG`` (entries with id, label, os, url,
checksum_url and format), written in another branch of issue 9. This adapter is the one place
the console touches it: until that module is merged there is no catalog, and the dialog offers
"any URL" alone.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Protocol


class CatalogEntry(Protocol):
    id: str
    label: str
    os: str
    url: str
    checksum_url: str
    format: str


def catalog_entries() -> tuple[CatalogEntry, ...]:
    """Every catalog entry, in the catalog's order (none while there is no catalog)."""
    try:
        module = importlib.import_module("domain.image_catalog")
    except ImportError:
        return ()
    found = getattr(module, "CATALOG", ())
    entries = found.values() if isinstance(found, Mapping) else found
    return tuple(entries)
