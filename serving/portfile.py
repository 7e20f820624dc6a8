"""The --port-file contract: a daemon started on port 0 tells its parent where it listens."""

from __future__ import annotations

import os
from pathlib import Path


def write_port_file(path: Path, address: str) -> None:
    """Write ``address`` atomically, so a reader never sees a half-written file."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(address + "\n")
    os.replace(tmp, path)
