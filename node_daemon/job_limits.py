"""The job runner's limits, each with the reason for its value (tests pass their own)."""

from __future__ import annotations

from dataclasses import dataclass

from node_daemon.libvirt_conn import LIBVIRT_WORKERS


@dataclass(frozen=True)
class JobLimits:
    # Jobs running at once; later ones wait QUEUED and start in order. Uploads, downloads and
    # OVA conversions are bound by the host's disk and network: two at a time already share
    # them, four keeps a small queue moving without splitting a disk's bandwidth into slivers.
    max_running: int = 4
    # Executor threads all jobs together may hold for blocking libvirt calls. Two of the
    # daemon's LIBVIRT_WORKERS (6): the other four stay for RPCs and heartbeats, whatever the
    # jobs do. A job waits for a thread here, never in the shared executor's queue.
    libvirt_threads: int = 2
    # At most one progress report per job per interval: 4 a second is smooth on a progress
    # bar and an ETA, and 20 parallel transfers stay at 80 reports a second for the coordinator.
    progress_interval_s: float = 0.25
    # How long close() waits for cancelled jobs' cleanups (removing a partial volume, a work
    # directory): a few libvirt calls and file removals take well under a second; the bound
    # keeps a hung cleanup from holding the daemon's shutdown (systemd kills at 90 s).
    close_timeout_s: float = 10.0

    def __post_init__(self) -> None:
        if self.max_running < 1:
            raise ValueError(f"max_running must be at least 1 (got {self.max_running})")
        if not 1 <= self.libvirt_threads < LIBVIRT_WORKERS:
            raise ValueError(
                f"libvirt_threads must leave the daemon at least one of its {LIBVIRT_WORKERS} "
                f"libvirt threads (got {self.libvirt_threads})"
            )
        if self.progress_interval_s < 0 or self.close_timeout_s < 0:
            raise ValueError("intervals cannot be negative")
