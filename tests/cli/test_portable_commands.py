"""`export`, `export --anki` and `backup` follow one rule for the file named: missing folders are created and
named, a folder that cannot be made is a one-line error (issue 17, finding 6)."""

from __future__ import annotations

from click.testing import CliRunner

from lambdalearn.cli import cli


def run(home, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(home), *args], catch_exceptions=False)


def test_every_writer_creates_missing_folders_and_says_so(tmp_path):
    for args, target in (
        (["export"], tmp_path / "a" / "b" / "progress.json"),
        (["backup"], tmp_path / "c" / "copy.db"),
        (["export", "--anki"], tmp_path / "d" / "e" / "cards.apkg"),
    ):
        result = run(tmp_path / "data", *args, str(target))
        assert result.exit_code == 0, result.output
        assert f"created the folder {target.parent}" in result.output and target.is_file()


def test_a_folder_that_cannot_be_made_is_one_clear_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for args in (["export"], ["backup"]):
        result = run(tmp_path / "data", *args, str(blocker / "sub" / "x.json"))
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert result.output.strip().splitlines()[-1].startswith(f"Error: {blocker / 'sub' / 'x.json'}: cannot create its folder")
