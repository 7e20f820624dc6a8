"""Helpers shared by quantixctl's commands: aligned tables, JSON, short messages, and errors
that name the flag a user typed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from domain.errors import ValidationError

MESSAGE_WIDTH = 72  # of a list's MESSAGE column; `show` commands print messages in full


def format_table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, sort_keys=True))


def short(text: str, width: int = MESSAGE_WIDTH) -> str:
    """``text`` cut to ``width`` characters, an ellipsis saying so."""
    return text if len(text) <= width else text[: width - 1] + "…"


def flag_error_of(error: ValidationError, field_flags: Mapping[str, str]) -> ValidationError:
    """The same error, naming the flag as well: ``--server (nfs.server): is required``.
    ``field_flags``: the flag that sets each field (a list's items by the list's field)."""
    base = error.field.split("[", 1)[0]
    flag = field_flags.get(base)
    return ValidationError(f"{flag} ({error.field})" if flag else error.field, error.rule)
