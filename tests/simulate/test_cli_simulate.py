"""`lambdalearn simulate`: the JSON contract, the examples, the timeline CSV and clean errors."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.simulate.examples import example_names

CONTRACT = {
    "requests", "invocations", "cold_starts", "cold_start_ratio", "throttles", "throttle_ratio", "peak_concurrency",
    "mean_environments", "mean_busy", "environments_created", "latency_ms", "cost_usd", "wall_s",
}


def simulate(*args):
    return CliRunner().invoke(cli, ["simulate", *args])


@pytest.mark.parametrize("name", example_names())
def test_every_bundled_example_runs_and_prints_exactly_one_json_object(name):
    result = simulate("--example", name, "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert CONTRACT <= set(figures)
    assert set(figures["latency_ms"]) == {"p50", "p90", "p99", "max"}
    assert set(figures["cost_usd"]) == {"requests", "compute", "init", "provisioned", "total"}
    assert figures["requests"] > 0
    assert ("per_function" in figures) == (name == "shared-account")


def test_the_examples_cover_the_cases_the_course_needs():
    assert {"launch-day", "diurnal-api", "nightly-batch", "quiet-tool", "shared-account"} <= set(example_names())
    listed = simulate("--list-examples")
    assert listed.exit_code == 0 and "launch-day" in listed.output


def test_the_summary_has_figures_and_charts_and_the_timeline_is_csv(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("traffic: [{poisson: {rate_per_s: 20}, for_s: 60}, {burst: {requests: 500}}]\n")
    result = simulate(str(scenario), "--timeline", str(tmp_path / "t.csv"), "--seed", "4")
    assert result.exit_code == 0, result.output
    assert "Cold starts" in result.output and "seed 4" in result.output
    assert "Concurrency and environments" in result.output  # the plotext chart
    rows = list(csv.DictReader((tmp_path / "t.csv").open()))
    assert list(rows[0]) == ["time_s", "arrivals", "concurrency", "environments", "cold_starts", "throttles", "queue_depth"]
    assert sum(int(row["arrivals"]) for row in rows) > 1000


def test_the_seed_option_changes_the_draws():
    one = json.loads(simulate("--example", "quiet-tool", "--json", "--seed", "1").stdout)
    two = json.loads(simulate("--example", "quiet-tool", "--json", "--seed", "2").stdout)
    assert one["seed"] == 1 and one["requests"] != two["requests"]


def test_a_bad_scenario_exits_2_with_located_errors_and_no_traceback(tmp_path):
    scenario = tmp_path / "bad.yaml"
    scenario.write_text("function:\n  memory_mb: 64\ntraffic: []\n")
    result = simulate(str(scenario))
    assert result.exit_code == 2
    assert f"{scenario}:2: function.memory_mb: 64 is out of range (128-10240)" in result.output
    assert f"{scenario}:3: traffic: expected a list of phases" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_example_or_no_scenario_is_a_usage_error():
    assert simulate("--example", "nope").exit_code == 2
    assert "give a SCENARIO_FILE or --example" in simulate().output


def test_a_timeline_that_cannot_be_written_is_one_line(tmp_path):
    result = simulate("--example", "quiet-tool", "--timeline", str(tmp_path / "missing" / "t.csv"))
    assert result.exit_code == 1
    assert "t.csv: cannot write the timeline" in result.output and "Traceback" not in result.output
