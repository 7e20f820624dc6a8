"""This host's CPU busy share and memory use, read before each heartbeat (domain.usage says
what a sample is; registration sends it).

Where the figures come from, decided at the first reading and said in ``HostUsage.source``:

- libvirt's node statistics (virNodeGetCPUStats, virNodeGetMemoryStats) when the driver has
  both: cumulative CPU nanoseconds and memory in KiB, the figures libvirtd reads from the host
  it runs on (so they stay right for a daemon whose libvirt is not in its own mount namespace).
- otherwise this host's kernel: /proc/stat and /proc/meminfo. The test driver has no memory
  statistics ("this function is not supported by the connection driver:
  virNodeGetMemoryStats", VIR_ERR_NO_SUPPORT) and answers CPU statistics with fixed numbers that
  never move (its busy share would be 0 forever), so a node on it reports the machine it runs
  on, and says so. One source for both figures: a sample names one.

The CPU share needs two readings. The first reading is only the baseline (``read`` returns
None): it is taken when the node registers, so the first heartbeat an interval later carries
the share over that whole interval. Neither alternative is as good: the share since boot is a
different figure (a host idle for a week and busy now would show ~0 %), and a short second
reading would delay that heartbeat and measure a sliver of time.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

import libvirt

from domain.usage import CpuTimes, busy_fraction
from node_daemon.libvirt_conn import LibvirtCallError, LibvirtConnection
from proto.quantix.v1 import common_pb2

log = logging.getLogger(__name__)

KiB = 1024
STEP = "reading the node's CPU and memory statistics"
PROC = Path("/proc")

# libvirt's answers that mean "this driver has no such statistics" (not "this call failed"):
# the kernel's figures are read instead, for the daemon's lifetime.
_UNSUPPORTED = frozenset({libvirt.VIR_ERR_NO_SUPPORT, libvirt.VIR_ERR_OPERATION_UNSUPPORTED})


class UsageUnreadable(Exception):
    """The kernel's figures could not be read: ``str()`` names the file and what was wrong."""


class _NoStatistics(Exception):
    """libvirt answered, but without the figures a share needs (a driver's own set of keys)."""


@dataclass(frozen=True)
class Reading:
    cpu: CpuTimes
    memory_used_bytes: int
    memory_total_bytes: int


def libvirt_reading(conn: libvirt.virConnect) -> Reading:
    """Both statistics of the whole host (blocking: run through ``LibvirtConnection.call``)."""
    cpu = conn.getCPUStats(libvirt.VIR_NODE_CPU_STATS_ALL_CPUS)
    memory = conn.getMemoryStats(libvirt.VIR_NODE_MEMORY_STATS_ALL_CELLS)
    try:
        # Linux's node driver: user (with nice), kernel (with irq and softirq), idle, iowait.
        times = CpuTimes(busy=cpu["user"] + cpu["kernel"], idle=cpu["idle"] + cpu["iowait"])
        total = memory["total"]
        # libvirt has no MemAvailable: free, buffers and page cache are what new work can take.
        available = memory["free"] + memory.get("buffers", 0) + memory.get("cached", 0)
    except KeyError as missing:
        raise _NoStatistics(f"libvirt's node statistics have no {missing}") from None
    return Reading(times, max(total - available, 0) * KiB, total * KiB)


def kernel_cpu_times(stat: str) -> CpuTimes:
    """The whole host's line of /proc/stat: ``cpu user nice system idle iowait irq softirq
    steal ...`` in jiffies (guest time is already inside user)."""
    for line in stat.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            try:
                user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[1:9])
            except ValueError:
                break  # fewer than 8 counters, or one not a number
            return CpuTimes(busy=user + nice + system + irq + softirq + steal, idle=idle + iowait)
    raise UsageUnreadable("/proc/stat has no line of 8 CPU counters for the whole host")


def kernel_memory(meminfo: str) -> tuple[int, int]:
    """(used, total) bytes from /proc/meminfo: used is MemTotal less MemAvailable (what the
    kernel says new work can take without swapping; page cache it can drop is not used)."""
    values: dict[str, int] = {}
    for line in meminfo.splitlines():
        key, _, rest = line.partition(":")
        number = rest.split()[:1]
        if number and number[0].isascii() and number[0].isdigit():
            values[key] = int(number[0]) * KiB
    total = values.get("MemTotal", 0)
    if not total:
        raise UsageUnreadable("/proc/meminfo has no MemTotal")
    if "MemAvailable" in values:
        available = values["MemAvailable"]
    else:  # kernels before 3.14
        available = sum(values.get(k, 0) for k in ("MemFree", "Buffers", "Cached"))
    return max(total - available, 0), total


def kernel_reading(proc: Path = PROC) -> Reading:
    """This host's figures from the kernel (blocking file reads)."""
    try:
        stat = (proc / "stat").read_text(encoding="ascii", errors="replace")
        meminfo = (proc / "meminfo").read_text(encoding="ascii", errors="replace")
    except OSError as error:
        raise UsageUnreadable(f"reading {error.filename} failed: {error.strerror}") from error
    used, total = kernel_memory(meminfo)
    return Reading(kernel_cpu_times(stat), used, total)


class UsageSampler:
    """Reads the host's usage; ``read()`` before each heartbeat. One reading at a time."""

    def __init__(self, libvirt_conn: LibvirtConnection, name: str, proc: Path = PROC) -> None:
        self._libvirt = libvirt_conn
        self._name = name
        self._proc = proc
        # KERNEL once libvirt said it has no statistics here; never goes back (a driver does
        # not gain them while it runs).
        self.source: common_pb2.UsageSource = common_pb2.USAGE_SOURCE_UNSPECIFIED
        # The previous reading's CPU times and their source (libvirt counts nanoseconds, the
        # kernel jiffies: a share is only taken between two readings of one source).
        self._before: tuple[common_pb2.UsageSource, CpuTimes] | None = None

    async def read(self) -> common_pb2.HostUsage | None:
        """The usage since the previous reading; None for the first, the baseline.

        Raises LibvirtCallError (libvirt failed otherwise than "not supported") or
        UsageUnreadable (the kernel's files).
        """
        reading = await self._reading()
        source = self.source
        before, self._before = self._before, (source, reading.cpu)
        if before is None or before[0] != source:
            return None
        return common_pb2.HostUsage(
            cpu_fraction=busy_fraction(before[1], reading.cpu),
            memory_used_bytes=min(reading.memory_used_bytes, reading.memory_total_bytes),
            memory_total_bytes=reading.memory_total_bytes,
            source=source,
        )

    async def _reading(self) -> Reading:
        if self.source != common_pb2.USAGE_SOURCE_KERNEL:
            try:
                reading = await self._libvirt.call(STEP, libvirt_reading)
            except LibvirtCallError as error:
                if error.code not in _UNSUPPORTED:
                    raise
                self._fall_back(error.detail)
            except _NoStatistics as error:
                self._fall_back(str(error))
            else:
                self.source = common_pb2.USAGE_SOURCE_LIBVIRT
                return reading
        # Two small files of the kernel's own memory (no disk behind them), read in a thread
        # all the same: the loop serves RPCs and must not wait on any file.
        return await asyncio.to_thread(kernel_reading, self._proc)

    def _fall_back(self, why: str) -> None:
        # Logged once: the source is decided for the daemon's lifetime.
        self.source = common_pb2.USAGE_SOURCE_KERNEL
        log.info(
            "%s: libvirt at %s has no node statistics (%s); usage comes from this host's "
            "kernel (/proc/stat, /proc/meminfo)",
            self._name,
            self._libvirt.uri,
            why,
        )
