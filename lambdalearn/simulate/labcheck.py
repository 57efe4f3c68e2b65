"""What the simulator labs' checks share: the learner's scenario, judged on the lab's own traffic.

A simulator lab gives the learner `scenario.yaml` to edit, but only some function settings are theirs to
choose (`tunable`); traffic, account and everything else come from the lab's own copy, so a check cannot be
passed by changing the question. Runs use seeds drawn by the check, which the learner never sees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lambdalearn.simulate.engine import simulate
from lambdalearn.simulate.report import to_json
from lambdalearn.simulate.scenario import Scenario, ScenarioError, parse_scenario

SCENARIO = "scenario.yaml"


def judged_scenario(lab: Any, tunable: tuple[str, ...], seed: int) -> Scenario:
    """The lab's scenario with the learner's values of the `tunable` function keys, run with `seed`.

    AssertionError (what the learner reads) for a scenario that does not parse or validate, names where, or
    for a change outside `tunable`.
    """
    learner_text = lab.code_text(SCENARIO)
    try:
        parse_scenario(learner_text, SCENARIO, Path("."))
    except ScenarioError as exc:
        raise AssertionError("\n".join(str(problem) for problem in exc.problems)) from None
    learner = yaml.safe_load(learner_text)
    lab_document = yaml.safe_load((Path(lab.lab.starter) / SCENARIO).read_text(encoding="utf-8"))
    _refuse_changes_outside(learner, lab_document, tunable)
    function = lab_document.setdefault("function", {})
    for key in tunable:
        if key in (learner.get("function") or {}):
            function[key] = learner["function"][key]
        else:
            function.pop(key, None)
    lab_document["seed"] = seed
    return parse_scenario(yaml.safe_dump(lab_document, sort_keys=False), SCENARIO, Path(lab.lab.starter))


def run(scenario: Scenario) -> dict[str, Any]:
    """The `--json` figures of one run."""
    return to_json(simulate(scenario))


def _refuse_changes_outside(learner: dict, lab_document: dict, tunable: tuple[str, ...]) -> None:
    yours = ", ".join(f"function.{key}" for key in tunable)
    for key in set(learner) | set(lab_document):
        if key == "function":
            continue
        if learner.get(key) != lab_document.get(key):
            raise AssertionError(f"{SCENARIO}: {key}: this is the lab's part of the scenario; yours is {yours}")
    mine, theirs = learner.get("function") or {}, lab_document.get("function") or {}
    for key in set(mine) | set(theirs):
        if key not in tunable and mine.get(key) != theirs.get(key):
            raise AssertionError(f"{SCENARIO}: function.{key}: this is the lab's part of the scenario; yours is {yours}")
