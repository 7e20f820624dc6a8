"""Durations and moments as people type them on a command line: ``90s``, ``30m``, ``1h``,
``2d``; and ``--since`` as a duration ago or a date and time."""

from __future__ import annotations

import datetime
import re

from domain.errors import ValidationError
from domain.limits import quoted

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# Seven digits of any unit: up to ~27,000 years of days, far past anything meaningful, and
# bounded before int().
_DURATION_RE = re.compile(r"([0-9]{1,7})([smhd])")
# ISO dates people type: 2026-11-27, 2026-11-27T10:00, 2026-11-27 10:00:05 (local time).
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?")


def parse_duration(value: str, field: str) -> int:
    """Seconds of ``value``: a whole number and a unit s, m, h or d."""
    match = _DURATION_RE.fullmatch(value.strip(" \t"))
    if not match:
        raise ValidationError(
            field, f"must be a number and a unit s, m, h or d, e.g. 1h (got {quoted(value)})"
        )
    return int(match.group(1)) * _UNITS[match.group(2)]


def parse_since(value: str, field: str, now: float) -> float:
    """Seconds since the epoch: ``2h`` is two hours before ``now``; ``2026-11-27`` or
    ``2026-11-27T10:00`` is that local date and time."""
    text = value.strip(" \t")
    if _DATE_RE.fullmatch(text):
        try:
            return datetime.datetime.fromisoformat(text).timestamp()
        except ValueError:
            raise ValidationError(
                field, f"is not a real date and time (got {quoted(value)})"
            ) from None
    try:
        return now - parse_duration(text, field)
    except ValidationError:
        raise ValidationError(
            field,
            f"must be a time ago (30m, 2h, 7d) or a date and time (2026-11-27, "
            f"2026-11-27T10:00) (got {quoted(value)})",
        ) from None
