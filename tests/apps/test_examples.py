"""The apps in examples/ (linked from the lessons) validate and do what their README table says."""

from __future__ import annotations

from pathlib import Path

import pytest

from lambdalearn.apps.script import read_script
from lambdalearn.apps.template import read_app

from .conftest import run_template

pytestmark = pytest.mark.slow
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run_example(name: str) -> dict:
    """The summary of the example's run."""
    path = EXAMPLES / name / "template.yaml"
    events, _ = run_template(path, read_script(EXAMPLES / name / "actions.yaml", read_app(path)))
    return events[-1]


def test_async_destinations_sends_each_outcome_to_its_place():
    summary = run_example("async-destinations")
    queues = summary["queues"]
    assert (queues["Resized"]["visible"], queues["FailureInbox"]["visible"], queues["DeadEvents"]["visible"]) == (1, 1, 1)
    assert summary["functions"]["Resize"] == {"invocations": 4, "errors": 3, "throttles": 0}


def test_sqs_partial_batch_parks_only_the_bad_order():
    summary = run_example("sqs-partial-batch")
    assert summary["queues"]["OrdersDlq"]["visible"] == 1
    assert summary["queues"]["Orders"] == {"visible": 0, "in_flight": 0, "moved_to_dlq": 1}


def test_kinesis_bisect_reports_one_poison_record_and_catches_up():
    summary = run_example("kinesis-bisect")
    assert summary["queues"]["BadBatches"]["visible"] == 1
    assert all(checkpoint for checkpoint in summary["streams"]["Readings"]["checkpoints"].values())


def test_order_pipeline_fans_out_and_streams():
    summary = run_example("order-pipeline")
    functions = summary["functions"]
    assert (functions["Bill"]["invocations"], functions["Ship"]["invocations"], functions["Audit"]["invocations"]) == (2, 2, 2)
    assert functions["NightlyReport"]["invocations"] == 0  # a schedule alone does not keep the run going
