"""One error boundary: every failure of a command ends as one line (what and where), exit status 1."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.progress.reviews import record_answer
from lambdalearn.progress.store import ProgressStore


def run(home, *args, stdin=None):
    return CliRunner().invoke(cli, ["--data-dir", str(home), *args], input=stdin, catch_exceptions=False)


def test_an_unexpected_failure_is_one_line_with_the_place_and_the_log(tmp_path, monkeypatch):
    import lambdalearn.commands.stats as stats_command

    def broken(_store):
        raise RuntimeError("figures went missing")

    monkeypatch.setattr(stats_command, "summary", broken)
    result = run(tmp_path, "stats")
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert "lambdalearn stats failed: RuntimeError: figures went missing" in line
    assert "tests/cli/test_error_boundary.py" in line or "test_error_boundary.py:" in line
    log = tmp_path / "logs" / "errors.log"
    assert str(log) in line
    assert "Traceback (most recent call last)" in log.read_text() and "figures went missing" in log.read_text()


def test_control_characters_in_a_failure_never_reach_the_terminal(tmp_path, monkeypatch):
    import lambdalearn.commands.stats as stats_command

    def broken(_store):
        raise ValueError("bad \x1b]0;owned\x07 value\r\nsecond line")

    monkeypatch.setattr(stats_command, "summary", broken)
    result = run(tmp_path, "stats")
    assert "\x1b" not in result.output and "\r" not in result.output and "\x07" not in result.output
    assert len(result.output.splitlines()) == 1


def filled_database(home):
    """A database whose reviews table spans many pages, closed and checkpointed into the main file."""
    with ProgressStore.open(home) as store:
        for index in range(400):
            record_answer(store, "p", f"q{index}", question_type="single", difficulty="beginner", rating=3,
                          correct=True, duration_ms=1000)
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home / "progress.db"


def damage_table_pages(path):
    """Overwrite a leaf page of each b-tree of the cards and reviews tables (found through dbstat) with garbage."""
    with sqlite3.connect(path) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = [row[0] for row in db.execute(
            "SELECT MIN(pageno) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name IN ('cards', 'reviews'))"
            " AND pagetype = 'leaf' GROUP BY name"
        )]
    with path.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * page_size)
            file.write(b"\xa5" * page_size)


@pytest.mark.parametrize("command", ["stats", "export", "backup", "quiz"])
def test_a_damaged_page_gives_one_line_naming_the_database(tmp_path, mini_pack, command):
    path = filled_database(tmp_path)
    damage_table_pages(path)
    arguments = {
        "stats": ["stats"],
        "export": ["export", str(tmp_path / "out.json")],
        "backup": ["backup"],
        "quiz": ["quiz", "--plain", "--pack-dir", str(mini_pack), "--limit", "1"],
    }[command]
    result = run(tmp_path, *arguments, stdin="1\n")
    assert result.exit_code == 1
    line = result.output.splitlines()[-1]
    assert f"Your progress database {path} is damaged" in line
    assert not (tmp_path / "out.json").exists()
    assert not list((tmp_path / "backups").glob("manual-*")) if (tmp_path / "backups").exists() else True


@pytest.mark.parametrize("command", ["import", "quiz"])
def test_a_busy_database_says_so_in_one_line(tmp_path, mini_pack, monkeypatch, command):
    """A long import holds the write lock: a quiz or a second import waits, then says so (no traceback)."""
    from lambdalearn.progress import store as store_module

    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    filled_database(tmp_path)
    arguments = (["import", str(export_of(tmp_path))] if command == "import"
                 else ["quiz", "--plain", "--pack-dir", str(mini_pack), "--deck", "handlers-quiz", "--limit", "1"])
    holder = sqlite3.connect(tmp_path / "progress.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run(tmp_path, *arguments, stdin="2\n")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    line = result.output.splitlines()[-1]
    assert "is busy: another lambdalearn is writing to it. Try again (database is locked)" in line
    assert "Traceback" not in result.output


def export_of(home):
    target = home / "theirs.json"
    other = home / "other"
    with ProgressStore.open(other) as store:
        record_answer(store, "p", "new-one", question_type="single", difficulty="beginner", rating=3,
                      correct=True, duration_ms=1000)
    from lambdalearn.progress.portable import write_export

    with ProgressStore.open(other) as store:
        write_export(store, target)
    return target


def test_a_file_system_failure_names_the_file_and_the_reason(tmp_path):
    from lambdalearn.errors import report_failure

    line = report_failure(PermissionError(13, "Permission denied", "/srv/out.json"), tmp_path, "lambdalearn export")
    assert line == "Cannot use /srv/out.json: Permission denied."
    assert "PermissionError" in (tmp_path / "logs" / "errors.log").read_text()


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    """`lambdalearn stats | head -3`: once head has its lines the pipe closes; the command stops without an
    error line (exit 141, as a shell reports for a writer whose reader closed). The read end is closed before
    the command starts, so its first write meets the closed pipe every time."""
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "lambdalearn", "--data-dir", str(tmp_path), "stats"],
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60)
    finally:
        os.close(write_end)
    assert done.stderr == "" and done.returncode == 141
