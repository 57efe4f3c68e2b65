"""The simulator labs judge only the learner's tunable keys, on the lab's own traffic and the check's seed."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from lambdalearn.simulate.labcheck import judged_scenario

LAB_SCENARIO = """\
function:
  memory_mb: 1024
  provisioned_concurrency: 0
traffic:
  - burst: {requests: 10}
seed: 7
"""


def lab_with(tmp_path: Path, learner_text: str):
    (tmp_path / "scenario.yaml").write_text(LAB_SCENARIO)
    return SimpleNamespace(code_text=lambda name: learner_text, lab=SimpleNamespace(starter=tmp_path))


def test_the_tunable_key_comes_from_the_learner_and_the_seed_from_the_check(tmp_path):
    lab = lab_with(tmp_path, LAB_SCENARIO.replace("provisioned_concurrency: 0", "provisioned_concurrency: 4"))
    scenario = judged_scenario(lab, ("provisioned_concurrency",), seed=99)
    assert scenario.functions[0].provisioned == ((0.0, 4),) and scenario.seed == 99


def test_changing_the_labs_part_is_refused_by_name(tmp_path):
    lab = lab_with(tmp_path, LAB_SCENARIO.replace("requests: 10", "requests: 1"))
    with pytest.raises(AssertionError, match="^scenario.yaml: traffic: this is the lab's part of the scenario"):
        judged_scenario(lab, ("provisioned_concurrency",), seed=1)
    lab = lab_with(tmp_path, LAB_SCENARIO.replace("memory_mb: 1024", "memory_mb: 128"))
    with pytest.raises(AssertionError, match="function.memory_mb: this is the lab's part"):
        judged_scenario(lab, ("provisioned_concurrency",), seed=1)


def test_a_broken_scenario_is_reported_with_its_line(tmp_path):
    lab = lab_with(tmp_path, LAB_SCENARIO.replace("provisioned_concurrency: 0", "provisioned_concurrency: -2"))
    with pytest.raises(AssertionError, match="^scenario.yaml:3: function.provisioned_concurrency: must not be negative"):
        judged_scenario(lab, ("provisioned_concurrency",), seed=1)


def test_a_check_reads_the_learners_copy_of_an_editable_file_and_nothing_outside(tmp_path):
    import asyncio
    import random

    from lambdalearn.labs.context import LabContext

    code = tmp_path / "code"
    code.mkdir()
    (code / "scenario.yaml").write_text("mine")
    (tmp_path / "secret.txt").write_text("no")
    loop = asyncio.new_event_loop()
    context = LabContext(SimpleNamespace(id="x"), code, {}, aws=None, endpoint_url="", rng=random.Random(1), loop=loop)
    try:
        assert context.code_text("scenario.yaml") == "mine"
        with pytest.raises(ValueError, match="outside the code under test"):
            context.code_text("../secret.txt")
    finally:
        loop.close()
