"""LabRunner end to end: real handlers in the mini-runtime, a staged workspace, the hard-coding guard."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from lambdalearn.labs.authoring import check_lab
from lambdalearn.labs.report import ERROR, FAIL, PASS
from lambdalearn.labs.runner import LabRunner, run_checks
from lambdalearn.labs.workspace import start_workspace
from tests.labs.conftest import add_lab, spec_of

pytestmark = pytest.mark.slow


def workspace_with(spec, tmp_path: Path, files: dict[str, str] | None = None, solution: bool = False) -> Path:
    workspace = tmp_path / "ws"
    start_workspace(spec, workspace)
    if solution:
        shutil.copytree(spec.solution, workspace, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in (files or {}).items():
        (workspace / name).write_text(text)
    return workspace


def test_the_solution_passes_every_kind_of_check(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "kinds")
    seen = []
    report = run_checks(spec, workspace_with(spec, tmp_path, solution=True), on_check=seen.append)
    assert report.passed, [c.to_dict() for c in report.checks]
    assert [c.name for c in seen] == [c.name for c in spec.checks]
    assert any(line.startswith("REPORT RequestId:") for line in report.checks[0].output)


def test_checks_read_the_labs_own_events_not_the_workspace_copies(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "kinds")
    workspace = workspace_with(spec, tmp_path, solution=True)
    assert (workspace / "events" / "ada.json").is_file()  # start_workspace copied the sample events
    (workspace / "events" / "ada.json").write_text('{"name": "Bob"}')
    assert run_checks(spec, workspace).checks[0].status == PASS  # still greets Ada, from the lab's own file


def test_the_starter_fails_with_a_message_and_the_function_output(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "kinds")
    report = run_checks(spec, workspace_with(spec, tmp_path))
    first = report.checks[0]
    assert first.status == FAIL
    assert "logs: no log line matches /greeting Ada/" in first.message
    assert "Traceback" not in first.message
    assert report.to_dict()["checks"][0]["passed"] is False


def test_hard_coding_the_sample_answer_fails_the_hidden_check(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "kinds")
    hard_coded = (
        "import json\n\n"
        "def handler(event, context):\n"
        "    print('greeting Ada')\n"
        "    print(json.dumps({'level': 'INFO', 'requestId': context.aws_request_id}))\n"
        "    if 'name' not in event:\n        raise KeyError('name')\n"
        "    return {'statusCode': 200, 'body': json.dumps({'message': 'Hello, Ada!'})}\n"
    )
    report = run_checks(spec, workspace_with(spec, tmp_path, {"app.py": hard_coded}))
    status = {check.name: check.status for check in report.checks}
    assert status["greets from the event file"] == PASS
    assert status["greets a random name, warm after the first"] == FAIL


def test_two_runs_draw_different_values(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "kinds")
    workspace = workspace_with(spec, tmp_path)
    messages = {run_checks(spec, workspace, seed=seed).checks[1].message for seed in (1, 2)}
    assert len(messages) == 2


def test_python_checks_pass_fail_and_error(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "pychecks")
    report = run_checks(spec, workspace_with(spec, tmp_path))
    doubles, warm, broken = report.checks
    assert doubles.status == FAIL and "doubled is" in doubles.message
    assert warm.status == PASS
    assert broken.status == ERROR
    assert broken.message == "the check could not run: ZeroDivisionError: the author divided by zero"


def test_the_workspace_is_never_written_and_locked_files_come_from_the_lab(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "tuning")
    workspace = workspace_with(spec, tmp_path, {"function.yaml": "memory: 1024\n", "app.py": "def handler(e, c):\n    return {}\n"})
    before = sorted(p.name for p in workspace.rglob("*"))
    report = run_checks(spec, workspace)
    assert report.passed  # app.py is not editable in this lab: the lab's own app.py ran
    assert sorted(p.name for p in workspace.rglob("*")) == before  # no __pycache__ or anything else


@pytest.mark.parametrize(
    ("function_yaml", "message"),
    [
        ("memory: 100000\n", "function.yaml:1: memory: 1 validation error detected: Value '100000' at 'memorySize'"),
        ("handler: other.handler\n", "function.yaml:1: handler: this lab lets you set only memory"),
        ("memory: [1\n", "YAML syntax error"),
    ],
)
def test_a_bad_function_yaml_is_reported_not_run(lab_pack, tmp_path, function_yaml, message):
    spec = spec_of(lab_pack, "tuning")
    report = run_checks(spec, workspace_with(spec, tmp_path, {"function.yaml": function_yaml}))
    assert not report.passed and message in report.error
    assert all(check.status == ERROR and check.message.startswith("not run: ") for check in report.checks)


def test_resources_setup_and_resource_checks_against_moto(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "aws")
    solved = run_checks(spec, workspace_with(spec, tmp_path, solution=True))
    assert solved.passed, [c.to_dict() for c in solved.checks]
    starter = run_checks(spec, workspace_with(spec, tmp_path / "again"))
    copy_check = starter.checks[0]
    assert copy_check.status == FAIL
    assert "s3_object: expected an object at s3://outbox/" in copy_check.message
    assert "sqs_messages: expected exactly 1 messages left on jobs, found 0" in copy_check.message
    assert "sns_published: expected exactly 1 messages published to alerts, found 0" in copy_check.message
    assert "sns_published: nothing was published to alerts; expected a message with json {\"order\": " in copy_check.message
    assert starter.checks[1].status == PASS  # each check starts from the seeded state


def test_authoring_check_finds_the_broken_lab(lab_pack):
    verdict = check_lab(spec_of(lab_pack, "pychecks"))
    assert verdict.problems == [
        "the solution fails 'a broken check is an error, not a failure': the check could not run: ZeroDivisionError: "
        "the author divided by zero"
    ]
    assert check_lab(spec_of(lab_pack, "tuning")).problems == []


def test_reuse_environments_keeps_the_function_warm_from_check_to_check(lab_pack, tmp_path):
    path = lab_pack / "labs/kinds/lab.yaml"
    path.write_text(path.read_text().replace("editable: [app.py]", "editable: [app.py]\nreuse_environments: true"))
    spec = spec_of(lab_pack, "kinds")
    assert spec.reuse_environments
    report = run_checks(spec, workspace_with(spec, tmp_path, solution=True))
    first, second = report.checks[:2]
    assert first.status == PASS  # the first check still starts cold
    assert second.status == FAIL and "cold_starts: expected exactly 1, got 0" in second.message


def test_on_log_streams_every_log_line(lab_pack, tmp_path):
    spec = spec_of(lab_pack, "kinds")
    lines: list[str] = []
    run_checks(spec, workspace_with(spec, tmp_path, solution=True), on_log=lines.append)
    # 1 + 3 + 1 invocations, then a burst of 3 where reserved concurrency 1 throttles 2 (no logs for those)
    assert sum(line.startswith("START RequestId:") for line in lines) == 1 + 3 + 1 + 1
    assert "greeting Ada" in lines


ECHO_APP = "def handler(event, context):\n    return event\n"


@pytest.mark.parametrize(("generate", "source", "detail_type"), [
    ("{event: eventbridge-custom, source: shop.orders}", "shop.orders", "OrderPlaced"),
    ("{source: eventbridge-custom, detail_type: Shipped}", "com.example.orders", "Shipped"),  # the older form
])
def test_generate_names_the_event_and_passes_eventbridge_its_own_source(lab_pack, tmp_path, generate, source, detail_type):
    spec = add_lab(lab_pack, "echo", f"checks:\n  - name: generated\n    invoke: {{generate: {generate}}}\n"
                   f"    expect: {{jsonpath: {{'$.source': {source}, '$.detail-type': {detail_type}}}}}\n", ECHO_APP)
    assert spec.checks[0].invoke.generate["event"] == "eventbridge-custom"
    report = run_checks(spec, workspace_with(spec, tmp_path))
    assert report.passed, report.checks[0].message


def test_lab_generate_takes_eventbridge_source_as_an_option(lab_pack, tmp_path):
    spec = add_lab(lab_pack, "echo", "checks:\n  - name: in python\n    python: check_source\n", ECHO_APP,
                   checks_py="def check_source(lab):\n"
                             "    [record] = lab.invoke(lab.generate('eventbridge-custom', source='shop.orders'))\n"
                             "    assert record.payload['source'] == 'shop.orders', record.payload\n")
    report = run_checks(spec, workspace_with(spec, tmp_path))
    assert report.passed, report.checks[0].message


def test_a_checks_py_function_that_hangs_is_stopped_and_reported(lab_pack, tmp_path):
    spec = add_lab(lab_pack, "hangs", "checks:\n  - name: spins\n    python: check_spins\n"
                   "  - name: still runs\n    python: check_fine\n", ECHO_APP,
                   checks_py="def check_spins(lab):\n    while True:\n        pass\n\n\n"
                             "def check_fine(lab):\n    assert lab.invoke({'a': 1})[0].payload == {'a': 1}\n")
    report = asyncio.run(LabRunner(spec, workspace_with(spec, tmp_path), checks_timeout_s=0.5).run())
    spins, fine = report.checks
    assert spins.status == ERROR
    assert spins.message.startswith("checks.py check_spins did not finish within 0.5 s and was stopped")
    assert fine.status == PASS  # the run went on


def test_checks_read_the_labs_own_helper_modules(lab_pack, tmp_path):
    spec = add_lab(lab_pack, "helpers", "checks:\n  - name: uses the helper\n    python: check_helper\n", ECHO_APP,
                   checks_py="def check_helper(lab):\n"
                             "    prices = lab.lab_module('prices')\n"
                             "    assert lab.lab_module('prices') is prices\n"
                             "    [record] = lab.invoke({'total': prices.TOTAL})\n"
                             "    assert record.payload == {'total': 42}\n"
                             "    lab.lab_module('app')\n",
                   files={"starter/prices.py": "TOTAL = 42\n"})
    workspace = workspace_with(spec, tmp_path, {"prices.py": "TOTAL = 0\n"})  # not editable: the lab's own is read
    [check] = run_checks(spec, workspace).checks
    assert check.status == ERROR
    assert check.message == "the check could not run: ValueError: app.py is editable: the learner's copy is under " \
                            "test, a check cannot rely on it"
