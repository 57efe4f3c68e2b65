"""`lambdalearn invoke`: payloads or records on stdout, Lambda's log lines on stderr, exit 0/1/2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.runtime.records import RECORD_KEYS

pytestmark = pytest.mark.slow


def invoke(*args: str):
    return CliRunner().invoke(cli, ["invoke", *args])


def test_payloads_on_stdout_and_logs_on_stderr(handlers_dir):
    result = invoke("basic.echo", "--code", str(handlers_dir), "--event-json", '{"n": 1}', "--times", "2")
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.stdout.splitlines()] == [{"event": {"n": 1}}] * 2
    stderr = result.stderr.splitlines()
    assert sum(line.startswith("START RequestId: ") for line in stderr) == 2
    assert sum(line.startswith("REPORT RequestId: ") for line in stderr) == 2
    assert 'handling {"n": 1}' in stderr


def test_records_carry_exactly_the_documented_keys(handlers_dir, tmp_path):
    event_file = tmp_path / "event.json"
    event_file.write_text('{"from": "file"}')
    result = invoke(
        "basic.echo", "--code", str(handlers_dir), "--event", str(event_file), "--records", "--memory", "256",
        "--env", "STAGE=test", "--arch", "arm64",
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert tuple(record) == RECORD_KEYS
    assert record["payload"] == {"event": {"from": "file"}}
    assert record["memory_size_mb"] == 256 and record["cold_start"] is True and record["status"] == "success"
    assert isinstance(record["billed_duration_ms"], int) and record["error_type"] is None


def test_a_failed_invocation_prints_the_error_object_and_exits_1(handlers_dir):
    result = invoke("basic.fails", "--code", str(handlers_dir))
    assert result.exit_code == 1
    assert json.loads(invoke("basic.fails", "--code", str(handlers_dir), "--records").stdout)["function_error"] == "Unhandled"
    error = json.loads(result.stdout)
    assert error["errorType"] == "ValueError" and error["errorMessage"] == "something went wrong"
    assert "[ERROR] ValueError: something went wrong" in result.stderr


def test_throttled_invocations_exit_3_unlike_function_errors(handlers_dir):
    result = invoke(
        "hostile.misbehave", "--code", str(handlers_dir), "--event-json", '{"action": "sleep_then_return"}',
        "--times", "3", "--concurrency", "3", "--reserved-concurrency", "1", "--records",
    )
    assert result.exit_code == 3
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(record["status"] for record in records) == ["success", "throttled", "throttled"]
    assert [record["function_error"] for record in records] == [None, None, None]


def test_an_oversized_event_is_refused_by_the_invoke_api_and_exits_4(handlers_dir, tmp_path):
    event = tmp_path / "big.json"
    event.write_text(json.dumps({"blob": "x" * (6 * 1024 * 1024)}))
    result = invoke("basic.echo", "--code", str(handlers_dir), "--event", str(event), "--records")
    assert result.exit_code == 4
    record = json.loads(result.stdout)
    assert record["error_type"] == "RequestEntityTooLargeException" and record["function_error"] is None


def test_provisioned_concurrency_from_the_command_line_goes_on_an_alias(handlers_dir):
    result = invoke(
        "basic.echo", "--code", str(handlers_dir), "--provisioned-concurrency", "1", "--qualifier", "live", "--records"
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["cold_start"] is False and record["init_duration_ms"] is None
    assert record["executed_version"] == "1"
    first, second = result.stderr.splitlines()[:2]  # the provisioned environment's INIT, before any request
    assert first.startswith("INIT_START Runtime Version:") and second == "INIT: module basic loaded"


def test_provisioned_concurrency_on_latest_is_refused_with_what_to_do_instead(handlers_dir):
    result = invoke("basic.echo", "--code", str(handlers_dir), "--provisioned-concurrency", "1")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "Error: Provisioned Concurrency Configs cannot be applied to unpublished function versions."
        " Add --qualifier live (an alias) or --qualifier 1 (a version)."
    )


def test_layers_from_the_command_line_are_on_the_import_path(handlers_dir, tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text("import shared\ndef handler(event, context):\n    return shared.WHO\n")
    for name, who in (("one", "first"), ("two", "second")):
        (tmp_path / name / "python").mkdir(parents=True)
        (tmp_path / name / "python" / "shared.py").write_text(f"WHO = {who!r}\n")
    result = invoke("app.handler", "--code", str(code), "--layer", str(tmp_path / "one"), "--layer", str(tmp_path / "two"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == "second"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--code", "/no/such/dir"], "Error: code directory /no/such/dir does not exist"),
        (["--event-json", "{oops"], "Error: --event-json:1:2: invalid JSON: Expecting property name enclosed in double quotes"),
        (["--memory", "64"], "Error: 1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128"),
        (["--timeout", "901"], "Error: 1 validation error detected: Value '901.0' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"),
        (["--env", "NOEQUALS"], "Error: --env expects KEY=VALUE, got 'NOEQUALS'"),
        (["--times", "0"], "Error: --times must be at least 1, got 0"),
        (["--event", "/no/such/event.json"], "Error: cannot read event file /no/such/event.json: No such file or directory"),
    ],
)
def test_bad_usage_exits_2_with_one_line_and_no_traceback(handlers_dir, args, message):
    if "--code" not in args:
        args = [*args, "--code", str(handlers_dir)]
    result = invoke("basic.echo", *args)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert result.stdout == ""


def test_an_invalid_event_file_names_the_file_line_and_column(handlers_dir, tmp_path):
    event_file = tmp_path / "bad.json"
    event_file.write_text('{\n  "a": 1,\n}\n')
    result = invoke("basic.echo", "--code", str(handlers_dir), "--event", str(event_file))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {event_file}:3:1: invalid JSON: Expecting property name enclosed in double quotes"


def test_explain_sandbox_says_which_containment_is_in_force_and_what_it_seals(sandbox_path):
    result = invoke("--explain-sandbox")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Containment: {sandbox_path} (")
    assert any(line.startswith("- /tmp: ") for line in lines)
    if sandbox_path == "fallback":
        assert "- ephemeral storage size is not enforced." in lines


def test_explain_sandbox_says_what_makes_an_environments_processes_one_unit(process_unit):
    result = invoke("--explain-sandbox")
    assert result.exit_code == 0, result.output
    unit = [line for line in result.stdout.splitlines() if line.startswith("Process unit: ")]
    if process_unit == "walk":
        assert unit == ["Process unit: process walk (forced by LAMBDALEARN_CGROUP=walk)."]
    else:
        assert len(unit) == 1 and unit[0].startswith("Process unit: a cgroup per environment, under ")
        assert unit[0].endswith("(forced by LAMBDALEARN_CGROUP=cgroup).")


def test_explain_sandbox_rejects_an_unknown_forced_unit_in_one_line(monkeypatch):
    monkeypatch.setenv("LAMBDALEARN_CGROUP", "v1")
    result = invoke("--explain-sandbox")
    assert result.exit_code == 2
    assert result.stderr == "Error: LAMBDALEARN_CGROUP='v1': expected auto, cgroup or walk\n"


def test_explain_sandbox_rejects_an_unknown_forced_path_in_one_line(monkeypatch):
    monkeypatch.setenv("LAMBDALEARN_SANDBOX", "chroot")
    result = invoke("--explain-sandbox")
    assert result.exit_code == 2
    assert result.stderr == "Error: LAMBDALEARN_SANDBOX='chroot': expected auto, namespaces or fallback\n"


def test_verbose_names_the_containment_once(handlers_dir, sandbox_path):
    result = invoke("basic.echo", "--code", str(handlers_dir), "--verbose", "--times", "2")
    assert result.exit_code == 0, result.output
    sandbox_lines = [line for line in result.stderr.splitlines() if line.startswith("lambdalearn: sandbox: ")]
    assert len(sandbox_lines) == 1 and sandbox_lines[0].startswith(f"lambdalearn: sandbox: {sandbox_path} (")
    assert "lambdalearn: runtime python3.13 (AWS_EXECUTION_ENV=AWS_Lambda_python3.13); handlers run on Python" in result.stderr


def test_verbose_names_the_process_unit_once(handlers_dir, process_unit):
    result = invoke("basic.echo", "--code", str(handlers_dir), "--verbose", "--times", "2")
    assert result.exit_code == 0, result.output
    unit_lines = [line for line in result.stderr.splitlines() if line.startswith("lambdalearn: process unit: ")]
    expected = "lambdalearn: process unit: cgroup at " if process_unit == "cgroup" else "lambdalearn: process unit: process walk ("
    assert len(unit_lines) == 1 and unit_lines[0].startswith(expected)


def test_a_handler_is_required_unless_explaining(handlers_dir):
    result = invoke("--code", str(handlers_dir))
    assert result.exit_code == 2
    assert result.stderr == "Error: missing argument HANDLER (module.function)\n"
