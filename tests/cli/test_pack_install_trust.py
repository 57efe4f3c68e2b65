"""`pack install` of a pack with labs says what its labs run and asks; `--yes` is for scripts."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.registry import PackRegistry


def install(home, pack, *options, stdin=None):
    return CliRunner().invoke(cli, ["--data-dir", str(home), "pack", "install", str(pack), *options], input=stdin,
                              catch_exceptions=False)


@pytest.mark.parametrize("stdin", ["n\n", "", None])
def test_a_pack_with_labs_is_not_installed_without_a_yes(tmp_path, mini_pack, stdin):
    result = install(tmp_path, mini_pack, stdin=stdin)
    assert "Running a lab runs the pack's own Python (its checks and starter code) with your rights" in result.output
    assert result.exit_code == 1
    assert "not confirmed; nothing was installed (pass --yes to install it)" in result.output
    assert PackRegistry(tmp_path).get("mini") is None


def test_answering_yes_or_passing_yes_installs_it(tmp_path, mini_pack):
    assert install(tmp_path / "a", mini_pack, stdin="y\n").exit_code == 0
    assert PackRegistry(tmp_path / "a").get("mini") is not None
    quiet = install(tmp_path / "b", mini_pack, "--yes")
    assert quiet.exit_code == 0 and "Install it?" not in quiet.output
    assert PackRegistry(tmp_path / "b").get("mini") is not None


def test_a_pack_without_labs_installs_without_a_question(tmp_path, mini_pack):
    shutil.rmtree(mini_pack / "labs")
    result = install(tmp_path, mini_pack)
    assert result.exit_code == 0, result.output
    assert "Install it?" not in result.output
