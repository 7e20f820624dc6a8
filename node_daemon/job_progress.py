"""One job's progress, passed on coalesced: a few reports a second, never one per chunk.

A job may report after every chunk it moves (thousands a second). The coalescer passes on the
first report at once, then at most one per interval (the latest, when the interval ends); a
new step (or a new image phase) is passed on at once, after the previous step's last figure;
``flush`` passes on what is still held, so the last report always arrives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from domain.images import ImagePhase


@dataclass(frozen=True)
class Progress:
    done: int  # units of the step done so far (bytes for transfers)
    total: int  # 0 while unknown (a download without Content-Length)
    step: str  # what the job is doing, e.g. "uploading", "converting disk1.vmdk"
    image_phase: ImagePhase | None = None  # a job that moves an image: the image's phase

    @property
    def stage(self) -> tuple[str, ImagePhase | None]:
        """What a change of passes on at once."""
        return self.step, self.image_phase


class ProgressCoalescer:
    def __init__(
        self,
        send: Callable[[Progress], None],
        interval_s: float,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._send = send
        self._interval_s = interval_s
        self._loop = asyncio.get_running_loop()
        # The loop's clock by default: the timer that flushes a held report runs on it too.
        self._clock = clock or self._loop.time
        self._held: Progress | None = None
        self._latest_stage: tuple[str, ImagePhase | None] | None = None
        self._sent_at: float | None = None
        self._timer: asyncio.TimerHandle | None = None

    def update(self, progress: Progress) -> None:
        new_step = self._latest_stage is not None and progress.stage != self._latest_stage
        if new_step:
            self.flush()  # the previous step's last figure goes first
        self._latest_stage = progress.stage
        self._held = progress
        if new_step or self._sent_at is None:
            self.flush()
            return
        waited = self._clock() - self._sent_at
        if waited >= self._interval_s:
            self.flush()
        elif self._timer is None:
            self._timer = self._loop.call_later(self._interval_s - waited, self.flush)

    def flush(self) -> None:
        """Pass on the held report now, if there is one."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._held is None:
            return
        progress, self._held = self._held, None
        self._sent_at = self._clock()
        self._send(progress)
