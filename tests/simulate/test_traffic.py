"""Traffic phases produce the arrivals they promise, in order, one phase after another."""

from __future__ import annotations

from random import Random

import pytest

from lambdalearn.simulate.traffic import Burst, Diurnal, Poisson, Steady, phase_arrivals, traffic_span_s
from lambdalearn.simulate.engine import simulate
from lambdalearn.simulate.report import to_json
from tests.simulate.conftest import scenario_of


def arrivals(*phases, seed=1):
    return [t for chunk in phase_arrivals(phases, Random(seed)) for t in chunk]


def test_phases_follow_one_another_and_a_burst_takes_no_time():
    times = arrivals(Steady(2, 10), Burst(3), Poisson(5, 100))
    assert times == sorted(times)
    assert times[:20] == [n / 2 for n in range(20)]
    assert times[20:23] == [10.0, 10.0, 10.0]
    assert all(10.0 <= t < 110.0 for t in times[23:])
    assert traffic_span_s((Steady(2, 10), Burst(3), Poisson(5, 100))) == 110


def test_a_poisson_phase_averages_its_rate():
    assert len(arrivals(Poisson(20, 5000))) == pytest.approx(100_000, rel=0.02)


def test_a_diurnal_day_peaks_at_noon_and_averages_peak_and_trough():
    day = Diurnal(peak_per_s=10, trough_per_s=1, period_s=86400, for_s=86400)
    times = arrivals(day)
    assert len(times) == pytest.approx(day.expected_requests, rel=0.01)
    assert day.expected_requests == pytest.approx(5.5 * 86400)
    per_hour = [0] * 24
    for t in times:
        per_hour[int(t // 3600)] += 1
    assert per_hour.index(max(per_hour)) in (11, 12) and per_hour[0] < per_hour[12] / 5


def test_a_trace_of_timestamps_is_replayed_as_recorded(tmp_path):
    (tmp_path / "requests.csv").write_text("seconds\n0.5\n0.5\n2.25\n9\n")
    figures = to_json(simulate(scenario_of("traffic: [{trace: {file: requests.csv}}]", tmp_path)))
    assert figures["requests"] == 4 and figures["cold_starts"] == 2  # two at 0.5 s need two environments
