"""Storage capacity figures: whether libvirt's numbers can be true, and how full a pool is.

libvirt reports capacity, allocation and available as unsigned 64-bit counters. A backend that
computes one of them by subtraction can underflow (e.g. allocation larger than capacity on a
thin pool, or "available" = capacity - allocation wrapping to ~16 EiB). Such figures are never
shown as facts: they are "unknown", with what libvirt reported, so the admin can see why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.units import format_bytes

# No real storage is anywhere near 2^63 bytes (8 EiB); a figure at or above it is an unsigned
# underflow (a small negative number read as unsigned), not a size.
IMPLAUSIBLE_BYTES = 2**63

# Thresholds of the warning colours: amber from 75 % used, red from 90 % (or nothing left).
# Thin-provisioned volumes grow into the free space, so 75 % is when to plan and 90 % is
# when to act.
USAGE_WARNING = 0.75
USAGE_CRITICAL = 0.90


class Usage(Enum):
    UNKNOWN = "unknown"
    NORMAL = "normal"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class CapacityFacts:
    """What the figures say: the used fraction and its level, or why they cannot be true."""

    fraction: float | None  # used / capacity; None when unknown or implausible
    usage: Usage
    problem: str = ""  # why the figures cannot be true, e.g. "allocation 20.0 GiB > capacity ..."

    @property
    def plausible(self) -> bool:
        return not self.problem


def implausibility(capacity: int, allocation: int, available: int) -> str:
    """Why these figures cannot all be true ("" when they can), in libvirt's own numbers."""
    for name, value in (
        ("capacity", capacity),
        ("allocation", allocation),
        ("available", available),
    ):
        if value >= IMPLAUSIBLE_BYTES:
            return f"{name} {value} bytes, an unsigned underflow"
    if allocation > capacity:
        return f"allocation {format_bytes(allocation)} > capacity {format_bytes(capacity)}"
    if available > capacity:
        return f"available {format_bytes(available)} > capacity {format_bytes(capacity)}"
    return ""


def assess(capacity: int, allocation: int, available: int) -> CapacityFacts:
    """The facts of a pool's figures. A pool with nothing available is CRITICAL whatever its
    fraction says (a full thin pool can report less than 100 % allocated)."""
    problem = implausibility(capacity, allocation, available)
    if problem:
        return CapacityFacts(None, Usage.UNKNOWN, problem)
    if capacity <= 0:
        return CapacityFacts(None, Usage.UNKNOWN)
    fraction = allocation / capacity
    if fraction >= USAGE_CRITICAL or available == 0:
        return CapacityFacts(fraction, Usage.CRITICAL)
    if fraction >= USAGE_WARNING:
        return CapacityFacts(fraction, Usage.WARNING)
    return CapacityFacts(fraction, Usage.NORMAL)


def unknown_text(problem: str) -> str:
    """How an implausible set of figures is shown instead of a figure."""
    return f"unknown (libvirt reported {problem})"
