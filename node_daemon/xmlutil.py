"""Small helpers for reading libvirt XML with ElementTree (never regular expressions)."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def parse(xml: str) -> ET.Element:
    """The root element of ``xml``; ``ET.ParseError`` if it is not well-formed.

    libvirt's XML comes from the local libvirt library, not from a network peer, so the
    standard parser is appropriate (libvirt never emits external entities).
    """
    return ET.fromstring(xml)


def attr(element: ET.Element | None, path: str, name: str, default: str = "") -> str:
    """Attribute ``name`` of the first element at ``path`` under ``element`` ("" if absent).

    ``path`` "." means ``element`` itself.
    """
    if element is None:
        return default
    found = element if path == "." else element.find(path)
    if found is None:
        return default
    return found.get(name, default)


def text(element: ET.Element | None, path: str, default: str = "") -> str:
    """Stripped text of the first element at ``path`` under ``element`` ("" if absent)."""
    if element is None:
        return default
    found = element.find(path)
    if found is None or found.text is None:
        return default
    return found.text.strip()


def int_or(value: str, default: int) -> int:
    """``int(value)``, or ``default`` when libvirt left it out or wrote something else."""
    try:
        return int(value)
    except ValueError:
        return default
