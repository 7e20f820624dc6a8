"""Capacity figures that cannot be true, and how full a pool is."""

from __future__ import annotations

import pytest

from domain.capacity import Usage, assess, implausibility, unknown_text

GiB = 1024**3


@pytest.mark.parametrize(
    ("capacity", "allocation", "available", "problem"),
    [
        (10 * GiB, 20 * GiB, 0, "allocation 20.0 GiB > capacity 10.0 GiB"),
        (10 * GiB, 1 * GiB, 11 * GiB, "available 11.0 GiB > capacity 10.0 GiB"),
        # "16384.0 PiB available": libvirt's unsigned underflow of a small negative number.
        (10 * GiB, 1 * GiB, 2**64 - 4096, f"available {2**64 - 4096} bytes, an unsigned underflow"),
        (2**64 - 1, 0, 0, f"capacity {2**64 - 1} bytes, an unsigned underflow"),
    ],
)
def test_figures_that_cannot_be_true_are_unknown_with_what_libvirt_reported(
    capacity, allocation, available, problem
):
    assert implausibility(capacity, allocation, available) == problem
    facts = assess(capacity, allocation, available)
    assert (facts.fraction, facts.usage, facts.plausible) == (None, Usage.UNKNOWN, False)
    assert unknown_text(facts.problem) == f"unknown (libvirt reported {problem})"


@pytest.mark.parametrize(
    ("allocation", "available", "usage"),
    [
        (740, 260, Usage.NORMAL),
        (750, 250, Usage.WARNING),
        (900, 100, Usage.CRITICAL),
        # Nothing left is the warning colour whatever the fraction (a full thin pool).
        (500, 0, Usage.CRITICAL),
    ],
)
def test_ninety_percent_or_nothing_available_is_critical(allocation, available, usage):
    assert assess(1000 * GiB, allocation * GiB, available * GiB).usage is usage


def test_no_capacity_yet_is_unknown_without_a_problem():
    facts = assess(0, 0, 0)
    assert (facts.usage, facts.problem) == (Usage.UNKNOWN, "")
