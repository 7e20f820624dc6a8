"""Print the runtime requirements of one Quantix program, one per line, read from pyproject.toml.

``python3 packaging/requirements.py console|coordinator|node``. The packages install exactly
what their program runs on, never the dev tools (grpcio-tools would be bundled, pytest is
useless on a host):

- ``console``: the core dependencies and the ``node`` extra, because the console's ``--demo``
  starts a coordinator and node daemons from inside its bundle;
- ``node``: the core dependencies and the ``node`` extra, without the desktop's libraries;
- ``coordinator``: the core dependencies without the desktop's libraries.

The desktop's libraries (``DESKTOP_ONLY``) are left out of the daemons: the coordinator and the
node never import Qt, and PySide6 alone is ~300 MB on a server.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
# Distribution names only the console imports (checked: no import of them under coordinator/,
# node_daemon/, clients/, serving/, trust/, wire/, domain/, proto/).
DESKTOP_ONLY = frozenset({"pyside6-essentials", "qasync"})
PROGRAMS = ("console", "coordinator", "node")


def distribution(requirement: str) -> str:
    """The normalized distribution name a requirement string starts with."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def requirements(program: str) -> list[str]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    core: list[str] = project["dependencies"]
    node: list[str] = project["optional-dependencies"]["node"]
    if program == "console":
        return [*core, *node]
    daemon_core = [r for r in core if distribution(r) not in DESKTOP_ONLY]
    return [*daemon_core, *node] if program == "node" else daemon_core


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in PROGRAMS:
        print(f"usage: requirements.py {'|'.join(PROGRAMS)}", file=sys.stderr)
        return 2
    print("\n".join(requirements(argv[0])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
