"""One background read at a time: starting another cancels the one under way.

Held here because qasync and asyncio hold tasks weakly: a task nobody references may be
collected before it finishes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any


class LatestTask:
    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, coroutine: Coroutine[Any, Any, None], name: str) -> None:
        """Run ``coroutine`` on the running loop, cancelling the previous one."""
        self.cancel()
        self._task = asyncio.get_running_loop().create_task(coroutine, name=name)

    def cancel(self) -> asyncio.Task[None] | None:
        """Cancel the task under way, if any; returns the last task (done or not)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
        return task

    async def stop(self) -> None:
        """Cancel and wait until the task has really ended."""
        task = self.cancel()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
