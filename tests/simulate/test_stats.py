"""Streaming percentiles stay within 1% of the exact nearest-rank value, in memory that does not grow."""

from __future__ import annotations

import math
import random

import pytest

from lambdalearn.simulate.stats import LogHistogram


def exact(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def test_percentiles_are_within_one_percent_of_the_exact_ones():
    rng = random.Random(5)
    values = [rng.lognormvariate(4, 1.2) for _ in range(50_000)]
    histogram = LogHistogram()
    for value in values:
        histogram.add(value)
    for p in (50, 90, 99, 99.9):
        assert histogram.percentile(p) == pytest.approx(exact(values, p), rel=0.01)
    assert histogram.high == max(values)


def test_equal_values_read_back_exactly_and_memory_follows_the_spread_not_the_count():
    histogram = LogHistogram()
    histogram.add(200.0, times=1_000_000)
    histogram.add(600.0, times=10)
    assert histogram.percentile(50) == 200.0 and histogram.percentile(100) == 600.0
    assert len(histogram.counts) == 2 and histogram.count == 1_000_010


def test_an_empty_histogram_reads_zero():
    assert LogHistogram().percentile(99) == 0.0
