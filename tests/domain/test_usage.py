"""domain.usage: the history's tiers, a sample's rules, the CPU busy share and a cluster's
curve."""

from __future__ import annotations

import math

import pytest

from domain.errors import ValidationError
from domain.usage import (
    BYTES_PER_SLOT,
    FINEST,
    LONGEST_SPAN_S,
    MAX_MEMORY_BYTES,
    TIERS,
    CpuTimes,
    busy_fraction,
    combine,
    estimated_bytes,
    tier_for_window,
    validate_sample,
    validate_window,
)

GiB = 1 << 30


def test_tiers_cover_15_minutes_at_5_s_then_coarser_up_to_24_hours():
    assert [(t.step_s, t.span_s) for t in TIERS] == [(5, 900), (60, 6 * 3600), (300, 24 * 3600)]
    assert FINEST is TIERS[0]
    assert LONGEST_SPAN_S == 24 * 3600


@pytest.mark.parametrize(
    ("window_s", "step_s"),
    [(0, 5), (60, 5), (900, 5), (901, 60), (6 * 3600, 60), (6 * 3600 + 1, 300), (86400, 300)],
)
def test_a_window_gets_the_finest_tier_that_covers_it(window_s, step_s):
    assert tier_for_window(window_s).step_s == step_s


def test_a_window_longer_than_every_tier_gets_the_coarsest():
    assert tier_for_window(10 * 86400) is TIERS[-1]


def test_window_zero_means_the_finest_span():
    assert validate_window(0) == FINEST.span_s
    assert validate_window(3600) == 3600


@pytest.mark.parametrize("window_s", [-1, 86400.5, math.inf, math.nan])
def test_a_window_outside_0_to_24_hours_is_refused_naming_the_field(window_s):
    with pytest.raises(ValidationError) as refused:
        validate_window(window_s, "window")
    assert refused.value.field == "window"
    assert "must be from 0 to 24 hours" in refused.value.rule


def test_busy_fraction_between_two_readings():
    before = CpuTimes(busy=1000, idle=3000)
    assert busy_fraction(before, CpuTimes(busy=1300, idle=3700)) == pytest.approx(0.3)
    assert busy_fraction(before, CpuTimes(busy=2000, idle=3000)) == 1.0


def test_busy_fraction_is_zero_when_no_time_passed_or_a_counter_went_back():
    before = CpuTimes(busy=1000, idle=3000)
    assert busy_fraction(before, before) == 0.0
    assert busy_fraction(before, CpuTimes(busy=900, idle=3500)) == 0.0  # a CPU went offline


def test_a_valid_sample_passes():
    validate_sample(0.0, 0, 1)
    validate_sample(1.0, 8 * GiB, 8 * GiB)


@pytest.mark.parametrize(
    ("cpu", "used", "total", "field", "rule"),
    [
        (1.5, 1, 2, "usage.cpu_fraction", "must be from 0 to 1 (got 1.5)"),
        (-0.1, 1, 2, "usage.cpu_fraction", "must be from 0 to 1 (got -0.1)"),
        (math.nan, 1, 2, "usage.cpu_fraction", "must be from 0 to 1 (got nan)"),
        (0.5, 0, 0, "usage.memory_total_bytes", "must be from 1 to 2^50 (got 0)"),
        (
            0.5,
            0,
            MAX_MEMORY_BYTES + 1,
            "usage.memory_total_bytes",
            f"must be from 1 to 2^50 (got {MAX_MEMORY_BYTES + 1})",
        ),
        (
            0.5,
            3,
            2,
            "usage.memory_used_bytes",
            "must not exceed memory_total_bytes (got 3 of 2)",
        ),
    ],
)
def test_a_bad_sample_is_refused_naming_the_field_and_the_rule(cpu, used, total, field, rule):
    with pytest.raises(ValidationError) as refused:
        validate_sample(cpu, used, total)
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_a_clusters_curve_weights_each_host_and_skips_its_gaps():
    # Host A: 4 CPUs, host B: 12. Where B has no sample, A alone makes the value.
    curve = combine([[0.5, 1.0, math.nan], [0.1, math.nan, math.nan]], [4, 12])
    assert curve[0] == pytest.approx((0.5 * 4 + 0.1 * 12) / 16)
    assert curve[1] == 1.0
    assert math.isnan(curve[2])


def test_a_clusters_curve_is_as_long_as_its_longest_host():
    assert len(combine([[0.1], [0.2, 0.3]], [1, 1])) == 2
    assert combine([], []) == []


def test_estimated_bytes_is_hosts_times_every_slot():
    slots = 180 + 360 + 288
    assert estimated_bytes(1) == slots * BYTES_PER_SLOT
    assert estimated_bytes(1000) == 1000 * slots * BYTES_PER_SLOT
