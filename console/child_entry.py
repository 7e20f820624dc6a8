"""The console executable as a child of itself: ``quantix-console --quantix-run-module MODULE
ARGS...`` runs MODULE as ``python -m`` would (see ``localfleet.launch``).

A frozen console bundle has no ``python -m``, so its demo starts the coordinator and node
daemons through its own executable this way. The flag is looked at before anything else is
imported: a child must not load Qt, and a plain start must not pay for importing localfleet
(~0.1 s). Keep this module free of imports beyond the standard library.
"""

from __future__ import annotations

from collections.abc import Sequence

# localfleet.launch.RUN_MODULE_FLAG, spelled out here so that checking for it imports nothing.
RUN_MODULE_FLAG = "--quantix-run-module"


def run_child_if_asked(argv: Sequence[str]) -> bool:
    """Run the module ``argv`` names and return True when it starts with the flag; otherwise
    return False at once, having imported nothing."""
    if not argv or argv[0] != RUN_MODULE_FLAG:
        return False
    from localfleet.launch import run_module_if_asked

    return run_module_if_asked(argv)
