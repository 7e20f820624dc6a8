"""Quantix's one version number.

Every command (`quantix-console`, `quantix-coordinator`, `quantix-node`, `quantixctl`) prints it
with ``--version``, the node sends it in RegisterNode, and the Python package and the Debian
packages take theirs from here (pyproject reads this attribute; packaging/ reads it with
``python -m domain.version``), so no two can disagree. It is a constant rather than
``importlib.metadata``: a PyInstaller bundle carries no package metadata.
"""

from __future__ import annotations

__version__ = "0.11.0"


def version_line(program: str) -> str:
    """What ``PROGRAM --version`` prints."""
    return f"{program} {__version__}"


if __name__ == "__main__":
    print(__version__)
