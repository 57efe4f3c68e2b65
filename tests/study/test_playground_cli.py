"""`lambdalearn playground`: the event options, `--plain` (one run printed, the first failure's log), and the
README's own example run as written."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli

REPO = Path(__file__).resolve().parents[2]
LAB = REPO / "labs" / "handler-basics"


@pytest.fixture
def home(tmp_path) -> Path:
    """~/labs/handler-basics as section 6 of the README leaves it: the lab solved, its sample events beside."""
    workspace = tmp_path / "home" / "labs" / "handler-basics"
    shutil.copytree(LAB / "solution", workspace)
    shutil.copytree(LAB / "events", workspace / "events")
    return tmp_path / "home"


def readme_commands(home: Path) -> list[list[str]]:
    """The README's `lambdalearn playground --code ~/labs/handler-basics ...` lines, `~` made `home`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"^\$ lambdalearn (playground --code ~/labs/handler-basics.*)$", readme, flags=re.MULTILINE)
    return [shlex.split(line.split("  #")[0].replace("~", str(home))) for line in lines]


def test_the_readme_example_runs_the_lab_handler_on_its_sample_order_without_an_error(home, monkeypatch):
    from lambdalearn.tui.app import LambdaLearnApp

    commands = readme_commands(home)
    assert len(commands) == 2, "the README shows the app command and its --plain form"
    opened = []
    monkeypatch.setattr(LambdaLearnApp, "run", lambda self: opened.append(self.start_screen()))
    in_app, plain = (commands[0], commands[1]) if "--plain" in commands[1] else (commands[1], commands[0])
    result = CliRunner().invoke(cli, ["--data-dir", str(home / "data"), *in_app])
    assert result.exit_code == 0, result.output
    [screen] = opened
    assert screen.initial_event.event()["order_id"] == "A-1001"
    result = CliRunner().invoke(cli, plain)
    assert result.exit_code == 0, result.output
    figures = dict((name, int(value)) for name, value in re.findall(r"(sent|invocations|throttles|errors) (\d+)", result.output))
    assert figures["sent"] == figures["invocations"] + figures["throttles"] == 20 and figures["errors"] == 0
    peak = int(re.search(r"peak concurrency (\d+)", result.output).group(1))
    assert 1 <= peak <= 5 and "first failure" not in result.output


def test_without_an_event_the_lab_handler_fails_and_plain_prints_the_first_failures_log(home):
    code = home / "labs" / "handler-basics"
    result = CliRunner().invoke(cli, ["playground", "--code", str(code), "--requests", "3", "--concurrency", "1", "--plain"])
    assert result.exit_code == 1
    assert "errors 3" in result.output and "event: the empty event {}" in result.output
    failure = result.output[result.output.index("first failure (of 3)"):]
    assert "KeyError: 'order_id'" in failure.splitlines()[0]
    assert "  START RequestId:" in failure and "  REPORT RequestId:" in failure


def test_a_generated_sample_or_inline_json_event_can_be_sent(home):
    code = home / "labs" / "handler-basics"
    order = '{"order_id": "Z-9", "items": [{"price_cents": 5, "qty": 2}]}'
    result = CliRunner().invoke(cli, ["playground", "--code", str(code), "--event-json", order, "--requests", "2", "--plain"])
    assert result.exit_code == 0 and "errors 0" in result.output and "the given JSON event" in result.output
    result = CliRunner().invoke(cli, ["playground", "--event", "sqs", "--requests", "2", "--plain"])
    assert result.exit_code == 0 and "a generated sqs event" in result.output


def test_a_steady_run_is_planned_from_rate_and_duration(home):
    result = CliRunner().invoke(cli, ["playground", "--rate", "20", "--duration", "0.2", "--plain"])
    assert result.exit_code == 0, result.output
    assert "20 requests a second for 0.2 s" in result.output and "sent 4 " in result.output


@pytest.mark.parametrize(("arguments", "message"), [
    (["--event", "nope"], "--event: unknown event source 'nope'"),
    (["--event", "sqs", "--event-json", "{}"], "give one of --event, --event-file and --event-json, not --event and --event-json"),
    (["--event-json", "{\n  1"], "--event-json:2:3: invalid JSON"),
    (["--memory", "64", "--plain"], "memorySize"),
])
def test_bad_event_options_stop_before_anything_runs(arguments, message):
    result = CliRunner().invoke(cli, ["playground", *arguments])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_broken_event_file_is_named_with_its_line_and_column(tmp_path):
    broken = tmp_path / "order.json"
    broken.write_text('{\n  "order_id": "A",\n}\n')
    result = CliRunner().invoke(cli, ["playground", "--event-file", str(broken)])
    assert result.exit_code == 2 and f"{broken}:3:1: invalid JSON" in result.output
