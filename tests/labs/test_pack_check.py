"""`lambdalearn pack check`: validation plus every starter failing and every solution passing."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli

pytestmark = pytest.mark.slow


def test_a_sound_pack_passes(mini_pack):
    result = CliRunner().invoke(cli, ["pack", "check", str(mini_pack)])
    assert result.exit_code == 0, result.output
    assert "ok    hello: starter fails 1 of 1 checks, solution passes all" in result.output
    assert "ok: mini 1.0.0: valid, 1 lab sound" in result.output


def test_a_starter_that_already_passes_is_an_offender(mini_pack):
    lab = mini_pack / "labs" / "hello"
    shutil.copyfile(lab / "solution" / "app.py", lab / "starter" / "app.py")
    result = CliRunner().invoke(cli, ["pack", "check", str(mini_pack)])
    assert result.exit_code == 1
    assert "FAIL  hello" in result.output
    assert "the starter passes every check: it leaves the learner nothing to do" in result.output


def test_validation_problems_are_offenders_too(mini_pack):
    (mini_pack / "labs" / "hello" / "lab.yaml").write_text("id: hello\ntitle: Hello\n")
    result = CliRunner().invoke(cli, ["pack", "check", str(mini_pack)])
    assert result.exit_code == 1
    assert "labs/hello/lab.yaml:1: 'checks' is required" in result.output


def test_lab_option_checks_only_the_labs_named(mini_pack):
    broken = mini_pack / "labs" / "broken-copy"
    shutil.copytree(mini_pack / "labs" / "hello", broken)
    (broken / "lab.yaml").write_text((broken / "lab.yaml").read_text().replace("id: hello", "id: broken-copy"))
    shutil.copyfile(broken / "solution" / "app.py", broken / "starter" / "app.py")
    (mini_pack / "quizzes" / "limits.yaml").write_text("id: [broken\n")  # a problem outside the lab

    only_hello = CliRunner().invoke(cli, ["pack", "check", str(mini_pack), "--lab", "hello"])
    assert only_hello.exit_code == 0, only_hello.output
    assert "ok    hello:" in only_hello.output and "broken-copy" not in only_hello.output

    both = CliRunner().invoke(cli, ["pack", "check", str(mini_pack), "--lab", "hello", "--lab", "broken-copy"])
    assert both.exit_code == 1 and "ok    hello:" in both.output and "FAIL  broken-copy" in both.output
    assert "limits.yaml" not in both.output

    everything = CliRunner().invoke(cli, ["pack", "check", str(mini_pack)])
    assert everything.exit_code == 1 and "limits.yaml" in everything.output and "FAIL  broken-copy" in everything.output


def test_lab_option_with_an_unknown_id_is_a_usage_error(mini_pack):
    result = CliRunner().invoke(cli, ["pack", "check", str(mini_pack), "--lab", "helo"])
    assert result.exit_code == 2 and "--lab helo: no such lab in mini; labs: hello" in result.output
