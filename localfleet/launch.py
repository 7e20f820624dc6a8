"""The one way Quantix starts a Python module of its own in a child process.

From a source checkout or a venv a child is ``python -m MODULE ARGS...``. Inside a frozen app
(the PyInstaller console bundle) ``sys.executable`` is the bundle's own executable, which has
no ``-m``: it is started with ``--quantix-run-module MODULE ARGS...`` instead, which the
console's entry point (``console.__main__``, ``console.app.main``) hands to
:func:`run_module_if_asked` before anything else (Qt included) is imported.

Every place that starts a child (localfleet's daemons, the demo's host networks, the demo's
libvirt probe) builds its command line here, so the bundle and a checkout behave the same.
"""

from __future__ import annotations

import runpy
import sys
from collections.abc import Sequence

RUN_MODULE_FLAG = "--quantix-run-module"


def is_frozen() -> bool:
    """True inside a PyInstaller (or similar) bundle: it sets ``sys.frozen``."""
    return bool(getattr(sys, "frozen", False))


def python_module_command(module: str, *args: str) -> list[str]:
    """The command line that runs ``module`` as ``__main__`` with ``args`` in a new process."""
    if is_frozen():
        return [sys.executable, RUN_MODULE_FLAG, module, *args]
    return [sys.executable, "-m", module, *args]


def run_module_if_asked(argv: Sequence[str]) -> bool:
    """Run ``MODULE ARGS...`` as ``python -m`` would when ``argv`` (without the program name)
    starts with ``--quantix-run-module``; False, doing nothing, otherwise.

    The module's own ``SystemExit`` propagates, so its exit status is the process's.
    """
    if not argv or argv[0] != RUN_MODULE_FLAG:
        return False
    if len(argv) < 2:
        print(f"{RUN_MODULE_FLAG}: needs a module name", file=sys.stderr)
        raise SystemExit(2)
    module, *args = argv[1:]
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return True
