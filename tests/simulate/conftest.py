"""Helpers for simulator tests: scenarios written inline as YAML, run to their JSON figures."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lambdalearn.simulate.engine import SimulationResult, simulate
from lambdalearn.simulate.report import to_json
from lambdalearn.simulate.scenario import Scenario, parse_scenario


def scenario_of(text: str, base_dir: Path = Path(".")) -> Scenario:
    return parse_scenario(textwrap.dedent(text), "scenario.yaml", base_dir)


def run(text: str, **options) -> tuple[SimulationResult, dict]:
    result = simulate(scenario_of(text))
    return result, to_json(result, **options)


@pytest.fixture
def sim():
    return run
