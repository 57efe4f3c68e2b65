"""`lambdalearn plan`: daily targets to the exam date from an FSRS simulation of the learner's schedule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.plan import MARGIN, PlanError, make_plan, simulate

TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def course():
    return load_pack(bundled_pack_root())


def test_more_new_cards_a_day_predict_a_higher_score_and_more_reviews(tmp_path, course):
    with ProgressStore.open(tmp_path / "data") as store:
        light, heavy = (simulate(store, course, TODAY + timedelta(days=20), TODAY, n, seed=1) for n in (5, 20))
    assert heavy.readiness.predicted > light.readiness.predicted
    assert heavy.reviews_per_day > light.reviews_per_day and heavy.peak_reviews >= heavy.new_per_day


def test_the_plan_is_the_lightest_that_clears_the_pass_mark_with_margin(tmp_path, course):
    with ProgressStore.open(tmp_path / "data") as store:
        plan = make_plan(store, course, TODAY + timedelta(days=40), TODAY)
        assert plan.reaches and plan.readiness.predicted >= plan.readiness.pass_mark + MARGIN
        lighter = [n for n in (0, 5, 10, 15, 20, 30, 40, 60, 80) if n < plan.new_per_day]
        for n in lighter:
            assert not simulate(store, course, plan.exam_date, TODAY, n).reaches
        assert make_plan(store, course, plan.exam_date, TODAY) == plan  # seeded: the same data, the same plan
        with pytest.raises(PlanError, match="must be after today"):
            make_plan(store, course, TODAY, TODAY)


def test_plan_command_prints_the_targets(tmp_path):
    exam_day = date.today() + timedelta(days=30)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "plan", "--exam-date", f"{exam_day}"])
    assert result.exit_code == 0, result.output
    assert "new cards a day:" in result.output and "reviews a day:   about" in result.output
    assert "predicted score on the day:" in result.output and "lambdalearn quiz --new" in result.output
    bad = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "plan", "--exam-date", "yesterday"])
    assert bad.exit_code == 2 and "yesterday" in bad.output
