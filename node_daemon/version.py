"""The daemon's version, as sent to the coordinator in RegisterNode."""

from __future__ import annotations

from importlib import metadata


def _version() -> str:
    try:
        return metadata.version("quantix")
    except metadata.PackageNotFoundError:  # a source tree that is not installed
        return "0+unknown"


__version__ = _version()
