"""Helpers shared by quantixctl's commands: aligned tables, ``--output`` (table, JSON, YAML),
short messages, and errors that name the flag a user typed."""

from __future__ import annotations

import argparse
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


# What ``--output`` takes. Table is for people (the default); JSON and YAML are the same data
# for scripts, built by one function per object and only serialized differently.
TABLE = "table"
JSON = "json"
YAML = "yaml"
OUTPUT_FORMATS = (TABLE, JSON, YAML)


def add_output_flags(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """``--output table|json|yaml`` and ``--json`` (its old spelling, kept for scripts: the
    same as ``--output json``). On the top parser they carry the default; on a command they
    default to nothing, so ``quantixctl --json pools list`` and ``quantixctl pools list
    --json`` both work."""
    default = TABLE if top else argparse.SUPPRESS
    parser.add_argument(
        "--output",
        "-o",
        choices=OUTPUT_FORMATS,
        default=default,
        help="print a table (default), or the same facts as JSON or YAML for scripts",
    )
    parser.add_argument(
        "--json",
        dest="output",
        action="store_const",
        const=JSON,
        default=default,
        help="the same as --output json",
    )


def structured(output: str) -> bool:
    """Whether ``output`` asks for data (JSON or YAML) rather than a table or sentences."""
    return output != TABLE


def render_data(value: Any, output: str) -> str:
    """``value`` (plain dicts, lists, strings, numbers, booleans, None) as JSON or YAML: the
    two serialize the same structure, so they never disagree."""
    if output == YAML:
        import yaml  # only -o yaml pays for it: PyYAML takes ~15-25 ms to import here

        # safe_dump: plain YAML any parser reads, no Python tags; keys sorted as JSON's are.
        return yaml.safe_dump(value, sort_keys=True, allow_unicode=True).rstrip("\n")
    return json.dumps(value, indent=2, sort_keys=True)


def print_data(value: Any, output: str) -> None:
    print(render_data(value, output))


def short(text: str, width: int = MESSAGE_WIDTH) -> str:
    """``text`` cut to ``width`` characters, an ellipsis saying so."""
    return text if len(text) <= width else text[: width - 1] + "…"


def flag_error_of(error: ValidationError, field_flags: Mapping[str, str]) -> ValidationError:
    """The same error, naming the flag as well: ``--server (nfs.server): is required``.
    ``field_flags``: the flag that sets each field (a list's items by the list's field)."""
    base = error.field.split("[", 1)[0]
    flag = field_flags.get(base)
    return ValidationError(f"{flag} ({error.field})" if flag else error.field, error.rule)
