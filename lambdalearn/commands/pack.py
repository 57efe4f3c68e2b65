"""`lambdalearn pack ...`: create, check, build, install and manage content packs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import click

from lambdalearn.commands.common import data_dir_of, echo, secho
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
        echo(f"ok: {loaded.manifest.id} {loaded.manifest.version}: {counts}; no problems")
        return
    for problem in loaded.problems:
        echo(str(problem))
    files = len({problem.path for problem in loaded.problems})
    echo(f"{plural(len(loaded.problems), 'problem')} in {plural(files, 'file')} ({counts} loaded)", err=True)
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
    echo(f"created a new pack in {directory}:")
    for path in files:
        echo(f"  {path}")
    echo(f"next: edit the files, then run `lambdalearn pack validate {directory}`")


@pack.command()
@click.argument("source")
@click.option("--yes", is_flag=True, help="Install a pack with labs without asking (for scripts).")
@click.pass_context
def install(ctx: click.Context, source: str, yes: bool) -> None:
    """Install a pack from a folder, a .zip/.tar.gz archive, or a Python distribution's entry point name.

    A pack with labs asks first: running its labs runs the pack's Python with your rights.
    """
    registry = PackRegistry(data_dir_of(ctx))
    try:
        result = install_pack(registry, source, confirm=None if yes else _confirm_labs)
    except InstallError as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        raise click.ClickException(str(exc)) from None
    except (RegistryError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    manifest = result.pack.manifest
    if result.previous_version == manifest.version:
        echo(f"reinstalled {manifest.id} {manifest.version}; your progress is kept")
    elif result.previous_version:
        echo(f"upgraded {manifest.id} from {result.previous_version} to {manifest.version}; your progress is kept")
    else:
        echo(f"installed {manifest.id} {manifest.version}: {manifest.title}")
    if result.changed:
        echo(f"  {plural(len(result.changed), 'question')} changed and are flagged for you: {', '.join(result.changed)}")
    if result.removed:
        echo(f"  {plural(len(result.removed), 'question')} left the pack (history kept, no longer scheduled)")


def _confirm_labs(pack: Pack) -> bool:
    """Ask before installing a pack whose labs would run its Python (a pack without labs needs no question)."""
    if not pack.labs:
        return True
    secho(f"{pack.id} has {plural(len(pack.labs), 'lab')}. Running a lab runs the pack's own Python (its checks "
          "and starter code) with your rights on this computer: install only packs from authors you trust.",
          fg="yellow")
    try:
        return click.confirm("Install it?", default=False)
    except click.Abort:  # no answer (no terminal, end of input): not a yes
        return False


@dataclass(frozen=True)
class _Row:
    pack: Pack
    source: str
    enabled: bool
    shadowed: tuple[str, ...] = ()  # sources of later packs with the same id, which the app does not use


def _rows(ctx: click.Context) -> list[_Row]:
    """One row per pack id, in the order the app takes them (the first pack with an id wins)."""
    registry = PackRegistry(data_dir_of(ctx))
    rows = [_Row(load_pack(bundled_pack_root()), "bundled", True)]
    try:
        rows += [_Row(load_pack(p.path), p.source, p.enabled) for p in registry.installed() if p.path.is_dir()]
        offered = registry.entry_point_packs()
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    rows += [_Row(load_pack(p.path), f"entry point {p.name} ({p.distribution})", p.enabled)
             for p in offered if p.path is not None]
    first: dict[str, _Row] = {}
    for row in rows:
        if row.pack.id in first:
            kept = first[row.pack.id]
            first[row.pack.id] = _Row(kept.pack, kept.source, kept.enabled, (*kept.shadowed, row.source))
        else:
            first[row.pack.id] = row
    return list(first.values())


def _broken_entry_points(ctx: click.Context) -> list[str]:
    """One line per entry point whose distribution could not give a pack folder."""
    return [f"{p.name}: entry point of {p.distribution} is broken ({p.error})"
            for p in PackRegistry(data_dir_of(ctx)).entry_point_packs() if p.error]


def _summary(row: _Row) -> dict:
    pack = row.pack
    return {
        "id": pack.id, "title": pack.manifest.title, "version": pack.manifest.version, "source": row.source,
        "lessons": len(pack.lessons), "questions": len(pack.questions()), "labs": len(pack.labs), "enabled": row.enabled,
        "shadowed": list(row.shadowed),
    }


@pack.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of objects.")
@click.pass_context
def list_packs(ctx: click.Context, as_json: bool) -> None:
    """List the bundled, installed and distribution-offered packs."""
    rows = [_summary(row) for row in _rows(ctx)]
    for problem in _broken_entry_points(ctx):
        secho(f"note: {problem}", err=True, fg="yellow")
    if as_json:
        echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        state = "" if row["enabled"] else "  (disabled)"
        echo(
            f"{row['id']:<24} {row['version']:<9} {plural(row['lessons'], 'lesson'):>11} "
            f"{plural(row['questions'], 'question'):>14} {plural(row['labs'], 'lab'):>8}  {row['title']}{state}\n"
            f"{'':<24} from {row['source']}"
        )
        for source in row["shadowed"]:
            echo(f"{'':<24} also from {source}: not used, the pack above has the same id")


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
    echo(f"{manifest.title} ({manifest.id} {manifest.version}){'' if row.enabled else ' - disabled'}")
    echo(f"  by {', '.join(manifest.authors)}; license {manifest.license}")
    echo(f"  from {row.source}\n  at {row.pack.root}")
    echo(f"  {plural(summary['lessons'], 'lesson')}, {plural(summary['questions'], 'question')}, {plural(summary['labs'], 'lab')}")
    echo(f"  {manifest.description}")
    if manifest.exam:
        exam = manifest.exam
        echo(f"  mock exam: {exam.questions} questions in {exam.minutes} min, pass mark {exam.pass_mark:g}%")
        for domain in exam.domains:
            toward = f", counts toward {domain.guide_domain}" if domain.guide_domain else ""
            echo(f"    {domain.weight:>5g}%  {domain.title} ({domain.id}{toward})")
        if exam.guide:
            echo(f"  tracks {exam.guide.code} ({exam.guide.title}):")
            for domain in exam.guide.domains:
                echo(f"    {domain.weight:>5g}%  {domain.title} ({domain.id})")
    installed = PackRegistry(data_dir_of(ctx)).get(pack_id)
    if installed and installed.changed:
        echo(f"  questions changed since you first studied them: {', '.join(sorted(installed.changed))}")


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
    echo(f"removed {removed.id} {removed.version}")
    if purge:
        from lambdalearn.commands.common import open_store
        from lambdalearn.progress.packs import purge_pack

        counts = purge_pack(open_store(ctx), pack_id)
        echo(f"  deleted progress: {counts['cards']} cards, {counts['reviews']} reviews, {counts['notes']} notes")


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
    echo(f"{'enabled' if enabled else 'disabled'} {pack_id}")


@pack.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Archive path (default: ./<id>-<version>.zip).")
def build(directory: Path, output: Path | None) -> None:
    """Validate a pack and write a reproducible .zip that `pack install` accepts."""
    try:
        result = build_pack(directory, output)
    except BuildError as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        raise click.ClickException(str(exc)) from None
    echo(f"built {result.path} ({result.files} files, sha256 {result.sha256})")


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
            secho(f"FAIL  {folder.id}", fg="red")
            for problem in verdict.problems:
                echo(f"      {problem}")
        else:
            echo(f"ok    {folder.id}: starter fails {starter_fails} of {len(verdict.starter.checks)} checks, "
                       f"solution passes all ({verdict.solution.duration_ms / 1000:.1f} s)")
    if not offenders:
        scope = "valid" if not lab_ids else "the chosen labs are valid"
        echo(f"ok: {loaded.manifest.id} {loaded.manifest.version}: {scope}, {plural(len(labs), 'lab')} sound")
        return
    echo(f"\n{plural(len(offenders), 'offender')}:", err=True)
    for name, problems in offenders.items():
        echo(f"  {name}", err=True)
        for problem in problems:
            echo(f"      {problem}", err=True)
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
        echo(f"the pack has {plural(len(loaded.problems), 'validation problem')}; run `lambdalearn pack validate` first", err=True)
    warnings = lint_pack(loaded)
    for warning in warnings:
        echo(f"{warning.path}:{warning.line}: warning: {warning.field}: {warning.message}")
    if not warnings:
        echo(f"ok: {loaded.id}: no lint warnings in {plural(len(loaded.questions()), 'question')}")
    else:
        echo(plural(len(warnings), "warning"), err=True)
    if strict and (warnings or loaded.problems):
        raise SystemExit(1)


@pack.command(name="stats")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
def pack_stats(directory: Path | None, as_json: bool) -> None:
    """Questions per lesson, type, domain and difficulty, and how well the blueprint is covered."""
    from datetime import date

    from lambdalearn.content.pack_stats import pack_statistics

    figures = pack_statistics(_load_or_usage_error(directory), date.today())
    if as_json:
        echo(json.dumps(figures, indent=2))
        return
    echo(f"{figures['pack']} {figures['version']}: {figures['questions']} questions, {figures['gradable']} gradable")
    for title, key in (("per type", "by_type"), ("per domain", "by_domain"), ("per difficulty", "by_difficulty"),
                       ("per lesson", "by_lesson")):
        echo(f"\n{title}:")
        for name, count in figures[key].items():
            echo(f"  {name:<32} {count:>4}")
    if figures["blueprint"]:
        echo("\nblueprint coverage (gradable questions against a default exam):")
        for row in figures["blueprint"]:
            mark = "ok" if row["available"] >= row["needed"] else "SHORT"
            echo(f"  {row['domain']:<22} {row['weight']:>5g}%  {row['available']:>4} available, {row['needed']:>3} needed  {mark}")
    _echo_bank(figures["bank"])
    sheets = figures["cheat_sheets"]
    echo("\ncheat sheets:")
    echo(f"  {'stating numbers, citing a source':<32} {sheets['sourced']} of {sheets['with_numbers']}")
    stale = sheets["stale"]
    echo(f"  {'verified over a year ago':<32} {len(stale)}" + (f": {', '.join(stale)}" if stale else ""))


def _echo_bank(bank: dict) -> None:
    """The exam-grade figures: how much of the bank reads like a certification exam, and its answer cues."""
    def share(count: int, total: int) -> str:
        return f"{count} of {total} ({100 * count / total:.0f}%)" if total else "0"

    ranks = ", ".join(f"{rank}: {count}" for rank, count in bank["key_length_rank"].items()) or "none"
    tf = bank["true_false"]
    kinds = ", ".join(f"{kind} {count}" for kind, count in bank["exhibits_by_kind"].items())
    levels = ", ".join(f"{level} {count}" for level, count in bank["levels"].items())
    echo("\nexam-grade figures:")
    for label, value in (
        ("scenario items (single/multi)", share(bank["scenarios"], bank["single_multi"])),
        ("Select THREE items", bank["select_three"]),
        ("cross-service items", bank["cross_service"]),
        ("median explanation words", f"{bank['median_explanation_words']:g}"),
        ("items with an exhibit", f"{bank['exhibits']}" + (f" ({kinds})" if kinds else "")),
        ("key length rank (1 = longest)", f"{ranks}; most common {bank['key_length_top_percent']:g}%"),
        ("true/false answers", f"{tf['true']} true, {tf['false']} false"),
        ("levels (gradable items)", levels or "none"),
        ("items citing a source", bank["sourced"]),
        ("verified over a year ago", f"{len(bank['stale'])}" + (f": {', '.join(bank['stale'])}" if bank["stale"] else "")),
    ):
        echo(f"  {label:<32} {value}")


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
