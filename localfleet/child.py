"""The first code a localfleet child runs: tie its life to its parent's, then become the daemon.

``python -m localfleet.child PARENT_PID MODULE ARGS...`` asks Linux to SIGTERM this process
when its parent dies (a demo console that is killed, or that Qt ends with exit() when the X
server goes away, runs no atexit, and must not leave daemons behind), then runs ``python -m
MODULE ARGS...`` in this same process.

Doing this after exec rather than in a ``preexec_fn`` matters: a ``preexec_fn`` makes
subprocess fork() instead of vfork(), and fork() runs gRPC's fork handlers in a parent that
uses gRPC (a test, the demo, a benchmark), which now and then killed the child between fork
and exec ("epoll_wait error: Bad file descriptor").
"""

from __future__ import annotations

import ctypes
import os
import runpy
import signal
import sys

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
EXIT_ORPHANED = 3


def main() -> None:
    parent, module, *args = sys.argv[1:]
    if sys.platform == "linux":
        # dlopen(NULL): the C library already loaded into this process, no library search.
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        # A parent that died before the prctl above would never send the signal: go now.
        if os.getppid() != int(parent):
            sys.exit(EXIT_ORPHANED)
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
