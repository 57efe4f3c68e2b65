"""Bad scenarios are reported as `file:line: field: message`, every problem at once, never a traceback."""

from __future__ import annotations

import json
import textwrap

import pytest

from lambdalearn.simulate.scenario import ScenarioError, load_scenario
from tests.simulate.conftest import scenario_of


def problems_of(text: str, tmp_path=None) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        scenario_of(text, tmp_path) if tmp_path else scenario_of(text)
    return [str(problem) for problem in caught.value.problems]


def test_traffic_is_the_only_required_key_and_defaults_fill_the_rest():
    scenario = scenario_of("traffic: [{burst: {requests: 3}}]")
    [spec] = scenario.functions
    assert (spec.memory_mb, spec.architecture, spec.invocation) == (1024, "x86_64", "sync")
    assert (spec.duration_ms.fixed, spec.init_ms.fixed, spec.idle_timeout_s.fixed) == (200, 400, 600)
    assert (scenario.concurrency_limit, scenario.scale_per_10s, scenario.seed) == (1000, 1000, 7)
    assert problems_of("function: {memory_mb: 512}") == ["scenario.yaml:1: traffic: required: a list of phases"]


def test_each_bad_value_is_named_with_its_line_and_field():
    found = problems_of("""
        function:
          memory_mb: 20000
          architecture: sparc
          duration_ms: {lognormal: {median: 100, p99: 50}}
          reserved_concurrency: 2
          provisioned_concurrency: 5
          colour: blue
        account: {concurrency_limit: 0}
        traffic:
          - poisson: {rate_per_s: -3}
            for_s: 10
          - burst: {}
    """)
    lines = [int(line.split(":")[1]) for line in found]
    assert lines == sorted(lines)  # in the order of the file
    assert "scenario.yaml:3: function.memory_mb: 20000 is out of range (128-10240)" in found
    assert "scenario.yaml:4: function.architecture: expected one of x86_64, arm64" in found
    assert "scenario.yaml:5: function.duration_ms.lognormal.p99: must be above the median (100)" in found
    assert "scenario.yaml:7: function.provisioned_concurrency: more than the reserved concurrency (2)" in found
    assert any(line.startswith("scenario.yaml:8: function.colour: unknown key") for line in found)
    assert "scenario.yaml:9: account.concurrency_limit: 0 is out of range (at least 1)" in found
    assert "scenario.yaml:11: traffic[0].poisson.rate_per_s: must be greater than 0" in found
    assert "scenario.yaml:13: traffic[1].burst.requests: required" in found


def test_a_yaml_syntax_error_and_a_duplicate_key_are_located():
    assert problems_of("traffic: [{burst: {requests: 3}}\n")[0].startswith("scenario.yaml:2: YAML syntax error")
    assert problems_of("traffic: [{burst: {requests: 3}}]\nseed: 1\nseed: 2\n") == [
        "scenario.yaml:3: seed: duplicate key (first at line 2)"
    ]


def test_a_provisioned_schedule_must_move_forward_in_time():
    found = problems_of("""
        function:
          provisioned_concurrency: [{at_s: 100, value: 2}, {at_s: 50, value: 1}]
        traffic: [{burst: {requests: 1}}]
    """)
    assert found == ["scenario.yaml:3: function.provisioned_concurrency[1].at_s: must come after the previous step (100)"]


def test_empirical_durations_come_from_invoke_records_and_traces_from_per_minute_counts(tmp_path):
    records = [{"duration_ms": 12.5, "init_duration_ms": 300.0}, {"duration_ms": 7.5, "init_duration_ms": None}]
    (tmp_path / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (tmp_path / "minutes.csv").write_text("minute,count\n0,3\n2,1\n")
    scenario = scenario_of("""
        function:
          duration_ms: {empirical: records.jsonl}
          init_ms: {empirical: records.jsonl}
        traffic: [{trace: {file: minutes.csv}}]
    """, tmp_path)
    [spec] = scenario.functions
    assert spec.duration_ms.values == (12.5, 7.5) and spec.init_ms.values == (300.0,)
    [trace] = spec.traffic
    assert trace.offsets == (10.0, 30.0, 50.0, 150.0) and trace.for_s == 180


def test_a_missing_file_and_an_unreadable_trace_row_are_reported(tmp_path):
    (tmp_path / "bad.csv").write_text("1.5\nsoon\n")
    found = problems_of("""
        function: {duration_ms: {empirical: nowhere.txt}}
        traffic: [{trace: {file: bad.csv}}]
    """, tmp_path)
    assert found[0].startswith("scenario.yaml:2: function.duration_ms.empirical: cannot read nowhere.txt")
    assert found[1] == "scenario.yaml:3: traffic[0].trace.file: bad.csv: row 2: expected SECONDS or MINUTE,COUNT (non-negative numbers)"


def test_a_missing_scenario_file_is_one_line(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(tmp_path / "nope.yaml", "nope.yaml")
    assert str(caught.value) == "nope.yaml: no such file"
