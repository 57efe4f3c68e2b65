"""The Scale screen's knobs: they build validated scenarios, name the knob that is wrong, and compare A with B."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lambdalearn.simulate.engine import simulate
from lambdalearn.simulate.knobs import KnobError, Knobs, build_scenario, compare, knobs_from_example
from lambdalearn.simulate.report import to_json


def test_default_knobs_build_a_one_phase_scenario():
    scenario = build_scenario(Knobs())
    [spec] = scenario.functions
    assert spec.memory_mb == 1024 and spec.duration_ms.fixed == 200 and spec.reserved_concurrency is None
    [phase] = spec.traffic
    assert (phase.rate_per_s, phase.for_s) == (50, 600)


def test_a_wrong_knob_is_named_as_the_screen_labels_it():
    with pytest.raises(KnobError, match="^Memory MB: 64 is out of range"):
        build_scenario(replace(Knobs(), memory_mb="64"))
    with pytest.raises(KnobError, match="^Rate /s: expected a number, got 'lots'"):
        build_scenario(replace(Knobs(), rate="lots"))
    with pytest.raises(KnobError, match="^Provisioned: more than the reserved concurrency"):
        build_scenario(replace(Knobs(), reserved="2", provisioned="5"))


def test_an_example_keeps_its_traffic_and_takes_the_function_settings_from_the_knobs():
    knobs = knobs_from_example("launch-day")
    assert knobs.example == "launch-day" and knobs.init_ms == "800"
    scenario = build_scenario(replace(knobs, memory_mb="2048", provisioned="100"))
    [spec] = scenario.functions
    assert [type(phase).__name__ for phase in spec.traffic] == ["Poisson", "Burst", "Poisson"]
    assert spec.memory_mb == 2048 and spec.provisioned == ((0.0, 100),)


def test_a_b_rows_show_each_figure_and_the_difference():
    a = to_json(simulate(build_scenario(replace(Knobs(), rate="20", for_s="300"))))
    b = to_json(simulate(build_scenario(replace(Knobs(), rate="20", for_s="300", provisioned="30"))))
    rows = {row.label.strip(): row for row in compare(a, b)}
    assert rows["Cold starts"].a > 0 and rows["Cold starts"].b == 0
    assert rows["provisioned"].a == 0 and rows["provisioned"].difference == pytest.approx(b["cost_usd"]["provisioned"])
    assert rows["Cost total"].difference == pytest.approx(b["cost_usd"]["total"] - a["cost_usd"]["total"])
