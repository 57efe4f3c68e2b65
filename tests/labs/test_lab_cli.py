"""`lambdalearn lab ...` through the CLI, on the bundled handler-basics lab, with an isolated data folder."""

from __future__ import annotations

import json
import shutil
import threading
import time

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.labs.finder import find_lab
from lambdalearn.labs.watch import watch_lab
from lambdalearn.progress.store import ProgressStore
from lambdalearn.progress.xp import total_xp

pytestmark = pytest.mark.slow
LAB = "handler-basics"
SOLUTION = bundled_pack_root() / "labs" / LAB / "solution" / "app.py"


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def found_lab_folder():
    return bundled_pack_root() / "labs" / LAB


def status_of(lab_id: str) -> str:
    rows = json.loads(run("lab", "list", "--json").output)
    return next(row["status"] for row in rows if row["id"] == lab_id)


def test_start_check_until_green_awards_xp_once(tmp_path, isolated_home):
    workspace = tmp_path / "ws"
    assert status_of(LAB) == "new"
    started = run("lab", "start", LAB, "--dir", str(workspace))
    assert started.exit_code == 0
    assert f"workspace: {workspace}" in started.output and "# Your first handler" in started.output
    assert "## Hint" not in started.output  # hints come one at a time from `lab hint`
    assert f"lab folder: {bundled_pack_root().resolve() / 'labs' / LAB}" in started.output
    assert "sample events: events/order.json in the workspace" in started.output
    assert (workspace / "events" / "order.json").read_bytes() == (found_lab_folder() / "events" / "order.json").read_bytes()
    assert (workspace / "app.py").is_file() and status_of(LAB) == "started"

    failing = run("lab", "check", LAB)  # the workspace is remembered: no --dir needed
    assert failing.exit_code == 1
    assert "FAIL  totals the sample order" in failing.output and "checks passed" in failing.output
    assert status_of(LAB) == "attempted"

    shutil.copyfile(SOLUTION, workspace / "app.py")
    passing = run("lab", "check", LAB, "--json")
    assert passing.exit_code == 0
    report = json.loads(passing.output)
    assert report["lab"] == LAB and report["passed"] is True
    assert {"name", "passed", "message"} <= set(report["checks"][0])
    again = run("lab", "check", LAB)
    assert again.exit_code == 0 and "+40 XP" not in again.output
    with ProgressStore.open(isolated_home) as store:
        assert total_xp(store) == 40
    assert status_of(LAB) == "completed"
    then = run("lab", "next")  # Rustlings' habit: on to the first lab not completed yet
    second = json.loads(run("lab", "list", "--json").output)[1]["id"]
    assert then.exit_code == 0 and f"next lab: {second} (1/" in then.output and "workspace:" in then.output
    assert status_of(second) == "started"


def test_usage_errors_exit_2(tmp_path):
    assert run("lab", "check", "no-such-lab").exit_code == 2
    missing = run("lab", "check", LAB, "--dir", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2 and "lab start" in missing.output


def test_hints_come_one_at_a_time(tmp_path):
    first, second = run("lab", "hint", LAB), run("lab", "hint", LAB)
    assert first.output.startswith("Hint 1 of 5:") and second.output.startswith("Hint 2 of 5:")


def test_hint_numbers_match_the_readme_headings(tmp_path):
    shown = [run("lab", "hint", LAB).output for _ in range(5)]
    readme = (bundled_pack_root() / "labs" / LAB / "README.md").read_text()
    fourth = readme.split("## Hint 4", 1)[1].split("## Hint 5", 1)[0].strip()
    assert shown[3] == f"Hint 4 of 5:\n{fourth}\n"
    assert shown[4].startswith("Hint 5 of 5 (the last one):")


def test_the_solution_is_shown_only_after_an_attempt(tmp_path):
    workspace = tmp_path / "ws"
    run("lab", "start", LAB, "--dir", str(workspace))
    early = run("lab", "solution", LAB)
    assert early.exit_code == 1 and "make a first attempt" in early.output
    run("lab", "check", LAB)
    shown = run("lab", "solution", LAB)
    assert shown.exit_code == 0 and "--- app.py ---" in shown.stderr
    assert shown.stdout == SOLUTION.read_text(encoding="utf-8").rstrip() + "\n"  # redirectable: `> app.py`


def test_reset_keeps_a_backup_and_asks_first(tmp_path):
    workspace = tmp_path / "ws"
    run("lab", "start", LAB, "--dir", str(workspace))
    (workspace / "app.py").write_text("# my attempt\n")
    declined = run("lab", "reset", LAB, input="n\n")
    assert "nothing changed" in declined.output and (workspace / "app.py").read_text() == "# my attempt\n"
    confirmed = run("lab", "reset", LAB, input="y\n")
    assert confirmed.exit_code == 0
    [backup] = [p for p in tmp_path.iterdir() if p.name.startswith("ws.backup-")]
    assert (backup / "app.py").read_text() == "# my attempt\n"
    assert "TODO" in (workspace / "app.py").read_text()


def test_watch_runs_the_checks_and_clears_between_runs(tmp_path):
    workspace = tmp_path / "ws"
    run("lab", "start", LAB, "--dir", str(workspace))
    watched = run("lab", "watch", LAB, "--runs", "1")
    assert watched.exit_code == 0
    assert f"watching {workspace}" in watched.output and "checks passed" in watched.output


def test_watch_reruns_when_a_file_is_saved(tmp_path):
    found = find_lab([bundled_pack_root()], LAB)
    workspace = tmp_path / "ws"
    run("lab", "start", LAB, "--dir", str(workspace))
    reports = []
    saved = threading.Event()

    def keep_saving() -> None:
        while not saved.is_set():  # until the watcher has seen a save and run again
            shutil.copyfile(SOLUTION, workspace / "app.py")
            time.sleep(0.3)

    def on_report(report) -> None:
        reports.append(report)
        if len(reports) == 1:
            threading.Thread(target=keep_saving, daemon=True).start()

    try:
        runs = watch_lab(found.spec, workspace, on_report, max_runs=2)
    finally:
        saved.set()
    assert runs == 2
    assert [report.passed for report in reports] == [False, True]


def test_lab_list_reads_no_lesson_body_and_no_deck(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("lab list must not parse lessons or decks")

    for name in ("lambdalearn.content.decks.load_deck", "lambdalearn.content.lessons.load_lesson",
                 "lambdalearn.content.loader.load_pack", "lambdalearn.study.catalog.load_pack",
                 "lambdalearn.study.catalog.load_pack_cached"):
        monkeypatch.setattr(name, refuse)
    rows = json.loads(run("lab", "list", "--json").output)
    assert [row["id"] for row in rows][:2] == ["handler-basics", "init-vs-invoke"]
    assert len(rows) == len(list((bundled_pack_root() / "labs").glob("*/lab.yaml")))


def test_all_labs_orders_like_the_loaded_course():
    from lambdalearn.content.loader import load_pack
    from lambdalearn.labs.finder import all_labs, course_order

    expected = [(found.pack_id, found.spec.id) for found in course_order([load_pack(bundled_pack_root())])]
    assert [(found.pack_id, found.spec.id) for found in all_labs([bundled_pack_root()])] == expected


def test_start_on_an_older_workspace_adds_the_missing_events_and_keeps_yours(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "app.py").write_text("# mine\n")
    again = run("lab", "start", LAB, "--dir", str(workspace))
    assert "already started" in again.output and (workspace / "events" / "order.json").is_file()
    (workspace / "events" / "order.json").write_text('{"mine": true}')
    run("lab", "start", LAB, "--dir", str(workspace))
    assert (workspace / "events" / "order.json").read_text() == '{"mine": true}'
    assert (workspace / "app.py").read_text() == "# mine\n"


def test_readme_invoke_commands_work_in_the_workspace(tmp_path):
    workspace = tmp_path / "ws"
    run("lab", "start", LAB, "--dir", str(workspace))
    readme = (found_lab_folder() / "README.md").read_text()
    assert "`lambdalearn invoke app.handler --event events/order.json`" in readme
    shutil.copyfile(SOLUTION, workspace / "app.py")
    invoked = run("invoke", "app.handler", "--code", str(workspace), "--event", str(workspace / "events/order.json"))
    assert invoked.exit_code == 0 and '"total_cents": 4150' in invoked.output


def test_a_natural_if_not_items_is_told_why_it_fails(tmp_path):
    """Issue 17, finding 6: the hidden check sends `items: []`; its name now says an empty list totals 0."""
    workspace = tmp_path / "ws"
    run("lab", "start", LAB, "--dir", str(workspace))
    code = SOLUTION.read_text(encoding="utf-8").replace("if items is None:", "if not items:")
    (workspace / "app.py").write_text(code, encoding="utf-8")
    result = run("lab", "check", LAB)
    assert "FAIL  echoes an order id you have not seen (an empty items list totals 0)" in result.output


def complete_the_lab(workspace) -> None:
    run("lab", "start", LAB, "--dir", str(workspace))
    shutil.copyfile(SOLUTION, workspace / "app.py")
    assert run("lab", "check", LAB).exit_code == 0 and status_of(LAB) == "completed"


def test_start_on_a_completed_lab_says_so_and_leaves_the_passing_workspace_alone(tmp_path):
    """Issue 17, finding 6: `lab start` on a completed lab quietly swapped in a fresh starter."""
    workspace = tmp_path / "ws"
    complete_the_lab(workspace)
    again = run("lab", "start", LAB)
    assert again.exit_code == 0
    assert (f"Your first handler - the event and the context is completed (every check passed); its passing "
            f"workspace is {workspace}.") in again.output
    assert f"`lambdalearn lab start {LAB} --fresh` starts over" in again.output
    elsewhere = run("lab", "start", LAB, "--dir", str(tmp_path / "other"))  # nor moved elsewhere
    assert "is completed" in elsewhere.output and not (tmp_path / "other").exists()
    assert (workspace / "app.py").read_bytes() == SOLUTION.read_bytes()
    assert run("lab", "check", LAB).exit_code == 0  # still the passing workspace that check finds


def test_start_fresh_on_a_completed_lab_keeps_the_passing_workspace_as_a_backup(tmp_path):
    workspace = tmp_path / "ws"
    complete_the_lab(workspace)
    fresh = run("lab", "start", LAB, "--fresh")
    [backup] = [p for p in tmp_path.iterdir() if p.name.startswith("ws.backup-")]
    assert f"your previous workspace is kept at {backup}" in fresh.output and f"workspace: {workspace}" in fresh.output
    assert (backup / "app.py").read_bytes() == SOLUTION.read_bytes()
    assert (workspace / "app.py").read_bytes() != SOLUTION.read_bytes() and "# Your first handler" in fresh.output
    assert status_of(LAB) == "completed"  # the lab was done once: starting over does not take that back
    assert run("lab", "check", LAB).exit_code == 1  # the fresh starter is what check runs now


def test_start_fresh_elsewhere_names_where_the_passing_workspace_stays(tmp_path):
    workspace = tmp_path / "ws"
    complete_the_lab(workspace)
    fresh = run("lab", "start", LAB, "--fresh", "--dir", str(tmp_path / "again"))
    assert f"your passing workspace stays at {workspace}" in fresh.output
    assert (tmp_path / "again" / "app.py").is_file() and (workspace / "app.py").read_bytes() == SOLUTION.read_bytes()


def test_a_completed_lab_whose_workspace_was_deleted_is_said_to_be_gone(tmp_path):
    workspace = tmp_path / "ws"
    complete_the_lab(workspace)
    shutil.rmtree(workspace)
    again = run("lab", "start", LAB)
    assert f"its passing workspace {workspace} is gone" in again.output and not workspace.exists()
    assert run("lab", "start", LAB, "--fresh").exit_code == 0 and (workspace / "app.py").is_file()
