"""``--port-file``: the bound ``host:port``, written atomically once the server is serving."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_port_file(path: Path, address: str) -> None:
    """Write ``address`` to ``path`` so a reader never sees a partial file.

    A temporary file in the same directory is renamed over ``path`` (``os.replace`` is atomic
    within one file system), so a test or localfleet polling for the file reads either
    nothing or the whole address.
    """
    directory = path.parent if str(path.parent) else Path(".")
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as temp:
            temp.write(address)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
