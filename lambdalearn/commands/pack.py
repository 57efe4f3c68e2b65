"""`lambdalearn pack ...`: create, check, build, install and manage content packs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from lambdalearn.commands.common import data_dir_of
from lambdalearn.content.build import BuildError, build_pack
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.install import InstallError, install_pack
from lambdalearn.content.loader import PackNotFound, load_pack
from lambdalearn.content.models import LabFolder, Pack
from lambdalearn.content.registry import PackRegistry, RegistryError
from lambdalearn.content.scaffold import ScaffoldError, create_pack


def plural(count: int, noun: str) -> str:
    """`1 lesson`, `2 lessons`."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


@click.group()
def pack() -> None:
    """Create, check and manage content packs."""


@pack.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def validate(directory: Path | None) -> None:
    """Check a pack (default: the bundled course) and list every problem as file:line: field: message."""
    root = directory or bundled_pack_root()
    try:
        loaded = load_pack(root)
    except PackNotFound as exc:
        raise click.UsageError(str(exc)) from None
    counts = (
        f"{plural(len(loaded.lessons), 'lesson')}, {plural(len(loaded.questions()), 'question')} in "
        f"{plural(len(loaded.decks), 'deck')}, {plural(len(loaded.labs), 'lab')}"
    )
    if loaded.ok:
        click.echo(f"ok: {loaded.manifest.id} {loaded.manifest.version}: {counts}; no problems")
        return
    for problem in loaded.problems:
        click.echo(str(problem))
    files = len({problem.path for problem in loaded.problems})
    click.echo(f"{plural(len(loaded.problems), 'problem')} in {plural(files, 'file')} ({counts} loaded)", err=True)
    raise SystemExit(1)


@pack.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--id", "pack_id", help="The pack id (default: the folder name).")
@click.option("--title", help="The pack title.")
def new(directory: Path, pack_id: str | None, title: str | None) -> None:
    """Scaffold a small, valid pack in DIRECTORY to start writing from."""
    try:
        files = create_pack(directory, pack_id, title)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"created a new pack in {directory}:")
    for path in files:
        click.echo(f"  {path}")
    click.echo(f"next: edit the files, then run `lambdalearn pack validate {directory}`")


@pack.command()
@click.argument("source")
@click.pass_context
def install(ctx: click.Context, source: str) -> None:
    """Install a pack from a folder, a .zip/.tar.gz archive, or a Python distribution's entry point name."""
    registry = PackRegistry(data_dir_of(ctx))
    try:
        result = install_pack(registry, source)
    except InstallError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(str(exc)) from None
    except (RegistryError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    manifest = result.pack.manifest
    if result.previous_version == manifest.version:
        click.echo(f"reinstalled {manifest.id} {manifest.version}; your progress is kept")
    elif result.previous_version:
        click.echo(f"upgraded {manifest.id} from {result.previous_version} to {manifest.version}; your progress is kept")
    else:
        click.echo(f"installed {manifest.id} {manifest.version}: {manifest.title}")
    if result.changed:
        click.echo(f"  {plural(len(result.changed), 'question')} changed and are flagged for you: {', '.join(result.changed)}")
    if result.removed:
        click.echo(f"  {plural(len(result.removed), 'question')} left the pack (history kept, no longer scheduled)")


@dataclass(frozen=True)
class _Row:
    pack: Pack
    source: str
    enabled: bool


def _rows(ctx: click.Context) -> list[_Row]:
    registry = PackRegistry(data_dir_of(ctx))
    rows = [_Row(load_pack(bundled_pack_root()), "bundled", True)]
    try:
        rows += [_Row(load_pack(p.path), p.source, p.enabled) for p in registry.installed() if p.path.is_dir()]
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    rows += [
        _Row(load_pack(p.path), f"entry point {p.name} ({p.distribution})", p.enabled)
        for p in registry.entry_point_packs() if p.path is not None
    ]
    return rows


def _summary(row: _Row) -> dict:
    pack = row.pack
    return {
        "id": pack.id, "title": pack.manifest.title, "version": pack.manifest.version, "source": row.source,
        "lessons": len(pack.lessons), "questions": len(pack.questions()), "labs": len(pack.labs), "enabled": row.enabled,
    }


@pack.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of objects.")
@click.pass_context
def list_packs(ctx: click.Context, as_json: bool) -> None:
    """List the bundled, installed and distribution-offered packs."""
    rows = [_summary(row) for row in _rows(ctx)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = "" if row["enabled"] else "  (disabled)"
        click.echo(
            f"{row['id']:<24} {row['version']:<9} {plural(row['lessons'], 'lesson'):>11} "
            f"{plural(row['questions'], 'question'):>14} {plural(row['labs'], 'lab'):>8}  {row['title']}{state}\n"
            f"{'':<24} from {row['source']}"
        )


@pack.command()
@click.argument("pack_id")
@click.pass_context
def info(ctx: click.Context, pack_id: str) -> None:
    """Everything about one pack: source, counts, exam blueprint, changed questions."""
    row = next((r for r in _rows(ctx) if r.pack.id == pack_id), None)
    if row is None:
        raise click.UsageError(f"no pack '{pack_id}'; see `lambdalearn pack list`")
    manifest = row.pack.manifest
    summary = _summary(row)
    click.echo(f"{manifest.title} ({manifest.id} {manifest.version}){'' if row.enabled else ' - disabled'}")
    click.echo(f"  by {', '.join(manifest.authors)}; license {manifest.license}")
    click.echo(f"  from {row.source}\n  at {row.pack.root}")
    click.echo(f"  {plural(summary['lessons'], 'lesson')}, {plural(summary['questions'], 'question')}, {plural(summary['labs'], 'lab')}")
    click.echo(f"  {manifest.description}")
    if manifest.exam:
        exam = manifest.exam
        click.echo(f"  mock exam: {exam.questions} questions in {exam.minutes} min, pass mark {exam.pass_mark:g}%")
        for domain in exam.domains:
            click.echo(f"    {domain.weight:>5g}%  {domain.title} ({domain.id})")
    installed = PackRegistry(data_dir_of(ctx)).get(pack_id)
    if installed and installed.changed:
        click.echo(f"  questions changed since you first studied them: {', '.join(sorted(installed.changed))}")


@pack.command()
@click.argument("pack_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--purge", is_flag=True, help="Also delete your progress in this pack (kept by default).")
@click.pass_context
def remove(ctx: click.Context, pack_id: str, yes: bool, purge: bool) -> None:
    """Uninstall a pack. Your progress in it is kept unless --purge."""
    registry = PackRegistry(data_dir_of(ctx))
    if registry.get(pack_id) is None:
        raise click.UsageError(f"no installed pack '{pack_id}'; see `lambdalearn pack list`")
    what = "and ALL your progress in it" if purge else "(your progress is kept)"
    if not yes and not click.confirm(f"Remove pack {pack_id} {what}?", default=False):
        raise click.ClickException("nothing removed (answer y to confirm, or pass --yes)")
    removed = registry.forget(pack_id)
    click.echo(f"removed {removed.id} {removed.version}")
    if purge:
        from lambdalearn.commands.common import open_store
        from lambdalearn.progress.packs import purge_pack

        counts = purge_pack(open_store(ctx), pack_id)
        click.echo(f"  deleted progress: {counts['cards']} cards, {counts['reviews']} reviews, {counts['notes']} notes")


@pack.command()
@click.argument("pack_id")
@click.pass_context
def enable(ctx: click.Context, pack_id: str) -> None:
    """Show an installed pack in the app again."""
    _set_enabled(ctx, pack_id, True)


@pack.command()
@click.argument("pack_id")
@click.pass_context
def disable(ctx: click.Context, pack_id: str) -> None:
    """Hide an installed pack from the app without removing it (progress is kept)."""
    _set_enabled(ctx, pack_id, False)


def _set_enabled(ctx: click.Context, pack_id: str, enabled: bool) -> None:
    try:
        PackRegistry(data_dir_of(ctx)).set_enabled(pack_id, enabled)
    except RegistryError as exc:
        raise click.UsageError(f"{exc}; see `lambdalearn pack list`") from None
    click.echo(f"{'enabled' if enabled else 'disabled'} {pack_id}")


@pack.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Archive path (default: ./<id>-<version>.zip).")
def build(directory: Path, output: Path | None) -> None:
    """Validate a pack and write a reproducible .zip that `pack install` accepts."""
    try:
        result = build_pack(directory, output)
    except BuildError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(str(exc)) from None
    click.echo(f"built {result.path} ({result.files} files, sha256 {result.sha256})")


@pack.command(name="check")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--lab", "lab_ids", multiple=True, metavar="ID",
              help="Check only this lab (repeatable): its validation problems and its starter and solution.")
def check_labs(directory: Path | None, lab_ids: tuple[str, ...]) -> None:
    """Validate a pack (default: the bundled course), then prove its labs: every starter fails at least one
    check and every solution passes them all, each in a clean workspace. Exit 1 listing the offenders."""
    from lambdalearn.labs.authoring import check_lab

    root = directory or bundled_pack_root()
    try:
        loaded = load_pack(root)
    except PackNotFound as exc:
        raise click.UsageError(str(exc)) from None
    labs = _chosen_labs(loaded, lab_ids)
    offenders: dict[str, list[str]] = {}
    for problem in loaded.problems:
        if not lab_ids or any(problem.path.startswith(f"labs/{folder.id}/") for folder in labs):
            offenders.setdefault(problem.path, []).append(str(problem))
    for folder in labs:
        if folder.spec is None:
            continue
        verdict = check_lab(folder.spec)
        starter_fails = len(verdict.starter.checks) - verdict.starter.checks_passed
        if verdict.problems:
            offenders[f"lab {folder.id}"] = verdict.problems
            click.secho(f"FAIL  {folder.id}", fg="red")
            for problem in verdict.problems:
                click.echo(f"      {problem}")
        else:
            click.echo(f"ok    {folder.id}: starter fails {starter_fails} of {len(verdict.starter.checks)} checks, "
                       f"solution passes all ({verdict.solution.duration_ms / 1000:.1f} s)")
    if not offenders:
        scope = "valid" if not lab_ids else "the chosen labs are valid"
        click.echo(f"ok: {loaded.manifest.id} {loaded.manifest.version}: {scope}, {plural(len(labs), 'lab')} sound")
        return
    click.echo(f"\n{plural(len(offenders), 'offender')}:", err=True)
    for name, problems in offenders.items():
        click.echo(f"  {name}", err=True)
        for problem in problems:
            click.echo(f"      {problem}", err=True)
    raise SystemExit(1)


def _chosen_labs(loaded: Pack, lab_ids: tuple[str, ...]) -> list[LabFolder]:
    """The pack's lab folders named by --lab (all without it); a usage error names an unknown id."""
    if not lab_ids:
        return list(loaded.labs)
    by_id = {folder.id: folder for folder in loaded.labs}
    unknown = [lab_id for lab_id in lab_ids if lab_id not in by_id]
    if unknown:
        raise click.UsageError(f"--lab {unknown[0]}: no such lab in {loaded.manifest.id}; labs: "
                               f"{', '.join(sorted(by_id)) or 'none'}")
    return [by_id[lab_id] for lab_id in dict.fromkeys(lab_ids)]


@pack.command()
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 when there is any warning (for CI).")
def lint(directory: Path | None, strict: bool) -> None:
    """Item-writing checks beyond validity: answer patterns, explanations, duplicates, coverage."""
    from lambdalearn.content.lint import lint_pack

    loaded = _load_or_usage_error(directory)
    if loaded.problems:
        click.echo(f"the pack has {plural(len(loaded.problems), 'validation problem')}; run `lambdalearn pack validate` first", err=True)
    warnings = lint_pack(loaded)
    for warning in warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.field}: {warning.message}")
    if not warnings:
        click.echo(f"ok: {loaded.id}: no lint warnings in {plural(len(loaded.questions()), 'question')}")
    else:
        click.echo(plural(len(warnings), "warning"), err=True)
    if strict and (warnings or loaded.problems):
        raise SystemExit(1)


@pack.command(name="stats")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def pack_stats(directory: Path | None, as_json: bool) -> None:
    """Questions per lesson, type, domain and difficulty, and how well the blueprint is covered."""
    from lambdalearn.content.pack_stats import pack_statistics

    figures = pack_statistics(_load_or_usage_error(directory))
    if as_json:
        click.echo(json.dumps(figures, indent=2))
        return
    click.echo(f"{figures['pack']} {figures['version']}: {figures['questions']} questions, {figures['gradable']} gradable")
    for title, key in (("per type", "by_type"), ("per domain", "by_domain"), ("per difficulty", "by_difficulty"),
                       ("per lesson", "by_lesson")):
        click.echo(f"\n{title}:")
        for name, count in figures[key].items():
            click.echo(f"  {name:<32} {count:>4}")
    if figures["blueprint"]:
        click.echo("\nblueprint coverage (gradable questions against a default exam):")
        for row in figures["blueprint"]:
            mark = "ok" if row["available"] >= row["needed"] else "SHORT"
            click.echo(f"  {row['domain']:<22} {row['weight']:>5g}%  {row['available']:>4} available, {row['needed']:>3} needed  {mark}")


def _load_or_usage_error(directory: Path | None) -> Pack:
    try:
        return load_pack(directory or bundled_pack_root())
    except PackNotFound as exc:
        raise click.UsageError(str(exc)) from None


@pack.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def preview(directory: Path) -> None:
    """Open the app on a pack folder that is not installed, and reload it each time you save a file.

    Problems show in the app (file:line: field: message) instead of stopping it; progress goes to a
    throwaway folder, never to your own.
    """
    import tempfile

    from lambdalearn.content.manifest import MANIFEST_FILE

    directory = directory.resolve()
    if not (directory / MANIFEST_FILE).is_file():
        raise click.UsageError(f"{directory}: no {MANIFEST_FILE} here; `lambdalearn pack new DIR` starts a pack")
    from lambdalearn.commands.app import run_app
    from lambdalearn.tui.app import LambdaLearnApp

    with tempfile.TemporaryDirectory(prefix="lambdalearn-preview-") as scratch:
        run_app(LambdaLearnApp(Path(scratch), pack_roots=[directory], preview=directory))
