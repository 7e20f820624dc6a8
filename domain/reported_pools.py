"""Bounds on one storage pool as a node reports it (libvirt's own names and paths).

The coordinator refuses a report that breaks them (INVALID_ARGUMENT naming the field); the node
applies the same rule first and leaves out, with a warning, a pool that breaks it, so that one
odd pool (a 2 KB target path, a name with a tab) does not keep every other pool of that host
from being reported.
"""

from __future__ import annotations

from domain.errors import ValidationError
from domain.limits import MAX_SHORT_TEXT, validate_text

# A libvirt URI, a target path or a source summary: a line, not a page.
LONG_TEXT_MAX = 1024


def validate_reported_pool(
    name: str, pool_type: str, uuid: str, source: str, target_path: str, field: str
) -> None:
    """libvirt's names are shown as they are (they need not follow Quantix's naming rule), but
    bounded and one line each."""
    validate_text(name, f"{field}.name", MAX_SHORT_TEXT)
    if not name:
        raise ValidationError(f"{field}.name", "is required")
    validate_text(uuid, f"{field}.uuid", MAX_SHORT_TEXT)
    validate_text(pool_type, f"{field}.type", MAX_SHORT_TEXT)
    validate_text(target_path, f"{field}.target_path", LONG_TEXT_MAX)
    validate_text(source, f"{field}.source", LONG_TEXT_MAX)
