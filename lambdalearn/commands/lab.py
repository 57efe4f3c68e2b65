"""`lambdalearn lab ...`: hands-on labs from the terminal (list, next, start, check, watch, hint, reset, solution).

Exit status: 0 when all is well (for `check`: every check passed), 1 when checks failed or the lab cannot be
run as asked, 2 for bad usage (an unknown lab, a missing workspace). Every run of the checks is recorded in
the progress database; the first full pass awards the lab's XP once.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from lambdalearn.commands.common import data_dir_of, echo, open_store, secho
from lambdalearn.content.labs import read_hints, read_instructions
from lambdalearn.labs.finder import FoundLab, LabNotFound, all_labs, find_lab, pack_roots
from lambdalearn.labs.report import PASS, CheckResult, LabReport
from lambdalearn.labs.workspace import (
    WorkspaceError,
    copy_events,
    holds_files,
    reset_workspace,
    start_workspace,
)
from lambdalearn.progress.labs import COMPLETED, lab_progress, record_lab_result, remember_workspace, take_hint
from lambdalearn.study.labs import completed_notice, lab_workspace, passing_workspace

_MARKS = {PASS: "PASS", "fail": "FAIL", "error": "ERROR"}


@click.group()
def lab() -> None:
    """Hands-on labs: write a real handler and run it until the checks pass."""


def _find(ctx: click.Context, lab_ref: str) -> FoundLab:
    try:
        return find_lab(pack_roots(data_dir_of(ctx)), lab_ref)
    except LabNotFound as exc:
        raise click.UsageError(str(exc)) from None


def _workspace(ctx: click.Context, found: FoundLab, directory: Path | None, must_exist: bool) -> Path:
    """--dir, else where `lab start` put it, else the default under the data folder."""
    if directory is None:
        directory = lab_workspace(open_store(ctx), data_dir_of(ctx), found)
    if must_exist and not directory.is_dir():
        raise click.UsageError(f"no workspace at {directory}; run `lambdalearn lab start {found.spec.id}` first")
    return directory


@lab.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of objects.")
@click.pass_context
def list_labs(ctx: click.Context, as_json: bool) -> None:
    """List the labs in course order with your status (new, started, attempted, completed)."""
    store = open_store(ctx)
    rows = []
    for found in all_labs(pack_roots(data_dir_of(ctx))):
        spec = found.spec
        progress = lab_progress(store, found.pack_id, spec.id)
        rows.append({"id": spec.id, "pack": found.pack_id, "title": spec.title, "lesson": spec.lesson,
                     "difficulty": spec.difficulty, "xp": spec.xp, "minutes": spec.minutes, "status": progress.status})
    if as_json:
        echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        echo(f"{row['id']:<26} {row['status']:<10} {row['difficulty']:<13} {row['xp']:>4} XP  "
                   f"{row['title']}  (lesson: {row['lesson']})")


@lab.command()
@click.argument("lab_id")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), help="Where to put the workspace.")
@click.option("--fresh", is_flag=True,
              help="Start over from the starter, even on a completed lab; the workspace there is kept as a backup.")
@click.pass_context
def start(ctx: click.Context, lab_id: str, directory: Path | None, fresh: bool) -> None:
    """Copy the lab's starter into a workspace and show the instructions.

    A completed lab is left as it is: this says where its passing workspace is; --fresh starts over.
    """
    found = _find(ctx, lab_id)
    spec = found.spec
    workspace = (directory or _workspace(ctx, found, None, must_exist=False)).resolve()
    passing = passing_workspace(open_store(ctx), data_dir_of(ctx), found)
    if passing is not None and not fresh:
        echo(completed_notice(found, passing))
        echo(f"`lambdalearn lab check {spec.id}` runs its checks again; `lambdalearn lab start {spec.id} --fresh`"
             " starts over from the starter (the workspace there is kept as a backup).")
        return
    backup = None
    try:
        if fresh and holds_files(workspace):
            backup = reset_workspace(spec, workspace)
            created = True
        else:
            created = start_workspace(spec, workspace)
    except (WorkspaceError, OSError) as exc:
        raise click.UsageError(str(exc)) from None
    if not created:
        copy_events(spec, workspace)  # a workspace started before events were copied gets them now
    remember_workspace(open_store(ctx), found.pack_id, spec.id, workspace)
    if backup is not None:
        echo(f"your previous workspace is kept at {backup}")
    if passing is not None and passing.resolve() != workspace and holds_files(passing):
        echo(f"your passing workspace stays at {passing}")
    if created:
        echo(f"workspace: {workspace}")
    else:
        echo(f"workspace: {workspace} (already started; `lambdalearn lab start {spec.id} --fresh` starts over)")
    echo(f"lab folder: {spec.folder.resolve()}")
    events = sorted(path.name for path in (workspace / "events").glob("*.json"))
    if events:
        echo(f"sample events: events/{', events/'.join(events)} in the workspace (yours to change; the checks "
                   "use the lab's own)")
    echo(f"edit: {', '.join(spec.editable)}    then: lambdalearn lab check {spec.id}\n")
    echo(read_instructions(spec))


@lab.command()
@click.argument("lab_id")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), help="The workspace to check.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object {lab, passed, checks} instead.")
@click.pass_context
def check(ctx: click.Context, lab_id: str, directory: Path | None, as_json: bool) -> None:
    """Run every check of the lab against your workspace (exit 0 when all pass)."""
    from lambdalearn.labs.runner import run_checks

    found = _find(ctx, lab_id)
    workspace = _workspace(ctx, found, directory, must_exist=True)
    report = run_checks(found.spec, workspace, pack_id=found.pack_id, on_check=None if as_json else _print_check)
    awarded = record_lab_result(open_store(ctx), found.pack_id, found.spec.id, report.to_dict(), found.spec.xp)
    if as_json:
        echo(json.dumps(report.to_dict()))
    else:
        _print_summary(report, awarded)
    ctx.exit(0 if report.passed else 1)


@lab.command()
@click.argument("lab_id")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), help="The workspace to watch.")
@click.option("--runs", type=int, hidden=True, help="Stop after this many runs (for scripts and tests).")
@click.pass_context
def watch(ctx: click.Context, lab_id: str, directory: Path | None, runs: int | None) -> None:
    """Run the checks again every time you save a file of the workspace (Ctrl-C to stop)."""
    from lambdalearn.labs.watch import watch_lab

    found = _find(ctx, lab_id)
    workspace = _workspace(ctx, found, directory, must_exist=True)
    store = open_store(ctx)

    def before_run() -> None:
        click.clear()
        echo(f"watching {workspace} (Ctrl-C to stop); checking {found.spec.id}...")

    def on_report(report: LabReport) -> None:
        for result in report.checks if report.error is None else ():
            _print_check(result)
        awarded = record_lab_result(store, found.pack_id, found.spec.id, report.to_dict(), found.spec.xp)
        _print_summary(report, awarded)
        echo("\nwaiting for you to save a file...")

    try:
        watch_lab(found.spec, workspace, on_report, before_run=before_run, max_runs=runs)
    except KeyboardInterrupt:
        echo("\nstopped watching")


@lab.command()
@click.argument("lab_id")
@click.pass_context
def hint(ctx: click.Context, lab_id: str) -> None:
    """Show the next hint."""
    found = _find(ctx, lab_id)
    hints = read_hints(found.spec)
    if not hints:
        echo("this lab has no hints; read its README again, or run `lambdalearn lab check` for details")
        return
    shown = take_hint(open_store(ctx), found.pack_id, found.spec.id, len(hints))
    more = "" if shown < len(hints) else " (the last one)"
    echo(f"Hint {shown} of {len(hints)}{more}:\n{hints[shown - 1]}")


@lab.command()
@click.argument("lab_id")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), help="The workspace to reset.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def reset(ctx: click.Context, lab_id: str, directory: Path | None, yes: bool) -> None:
    """Start the lab over from the starter; your current workspace is kept as a backup."""
    found = _find(ctx, lab_id)
    workspace = _workspace(ctx, found, directory, must_exist=False)
    if not yes and not click.confirm(f"Replace {workspace} with a fresh copy of the starter (yours is kept as a backup)?"):
        echo("nothing changed")
        return
    backup = reset_workspace(found.spec, workspace)
    remember_workspace(open_store(ctx), found.pack_id, found.spec.id, workspace)
    if backup is not None:
        echo(f"your previous workspace is kept at {backup}")
    echo(f"fresh workspace: {workspace}")


@lab.command(name="next")
@click.pass_context
def next_lab(ctx: click.Context) -> None:
    """Start (or resume) the first lab in course order that is not completed yet, as Rustlings does."""
    store = open_store(ctx)
    labs = all_labs(pack_roots(data_dir_of(ctx)))
    pending = [found for found in labs if lab_progress(store, found.pack_id, found.spec.id).status != COMPLETED]
    if not pending:
        click.echo(f"all {len(labs)} labs completed: well done. `lambdalearn lab list` shows them.")
        return
    click.echo(f"next lab: {pending[0].spec.id} ({len(labs) - len(pending)}/{len(labs)} labs completed)")
    ctx.invoke(start, lab_id=pending[0].spec.id, directory=None)


@lab.command()
@click.argument("lab_id")
@click.pass_context
def solution(ctx: click.Context, lab_id: str) -> None:
    """Show the reference solution (after a first attempt with `lab check`)."""
    found = _find(ctx, lab_id)
    if lab_progress(open_store(ctx), found.pack_id, found.spec.id).attempts == 0:
        echo(f"make a first attempt before you look: `lambdalearn lab check {found.spec.id}`", err=True)
        ctx.exit(1)
    for name in found.spec.editable:  # headers on stderr: stdout is the code alone, so `> app.py` works
        echo(f"--- {name} ---", err=True)
        echo((found.spec.solution / name).read_text(encoding="utf-8").rstrip())


def _print_check(result: CheckResult) -> None:
    colour = "green" if result.passed else ("red" if result.status == "fail" else "yellow")
    secho(f"{_MARKS[result.status]:<5} {result.name}", fg=colour)
    if result.passed:
        return
    for line in result.message.splitlines():
        echo(f"      {line}")
    if result.output:
        echo("      function output (last lines):")
        for line in result.output:
            echo(f"      | {line}")


def _print_summary(report: LabReport, awarded: int) -> None:
    if report.error is not None:
        secho(f"cannot run the checks: {report.error}", fg="yellow")
    total = len(report.checks)
    if report.passed:
        secho(f"\nall {total} checks passed in {report.duration_ms / 1000:.1f} s", fg="green", bold=True)
    else:
        echo(f"\n{report.checks_passed} of {total} checks passed in {report.duration_ms / 1000:.1f} s")
    if awarded:
        secho(f"+{awarded} XP: lab completed", fg="green")
