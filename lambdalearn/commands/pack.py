"""`lambdalearn pack ...`: create and validate content packs."""

from __future__ import annotations

from pathlib import Path

import click

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import PackNotFound, load_pack
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
