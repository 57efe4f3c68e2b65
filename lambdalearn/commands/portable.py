"""`lambdalearn export`, `import` and `backup`: progress that is the learner's to keep and move."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from lambdalearn.commands.common import load_catalog, open_store
from lambdalearn.progress.backup import BACKUP_DIR_NAME, backup_to, keep_copy, pending_copy
from lambdalearn.progress.store import StoreError
from lambdalearn.progress.portable import ImportRefused, import_progress, read_export, write_export


@click.command(name="export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--anki", is_flag=True, help="Write an Anki package (.apkg) of the questions instead of your progress.")
@click.option("--pack", "pack_id", help="With --anki: only this pack (default: every pack).")
@click.pass_context
def export_command(ctx: click.Context, file: Path, anki: bool, pack_id: str | None) -> None:
    """Write all your progress to FILE as versioned JSON (or, with --anki, the questions as Anki decks).

    Missing folders on the way to FILE are created (and named), as `backup` does."""
    prepare_folder(file)
    if anki:
        from lambdalearn.content.anki import export_anki
        from lambdalearn.progress.marks import load_marks

        packs = [p for p in load_catalog(ctx).packs if pack_id is None or p.id == pack_id]
        if not packs:
            raise click.UsageError(f"no pack '{pack_id}'; see `lambdalearn pack list`")
        counts = export_anki(packs, file, load_marks(open_store(ctx)))
        held = f", {counts['suspended']} suspended as you suspended them" if counts["suspended"] else ""
        click.echo(f"wrote {file}: {counts['decks']} Anki decks, {counts['notes']} notes{held}"
                   " (re-export updates them in Anki)")
        return
    if pack_id:
        raise click.UsageError("--pack goes with --anki; a progress export always holds everything")
    counts = write_export(open_store(ctx), file)
    summary = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in counts.items() if n)
    click.echo(f"wrote {file}: {summary or 'nothing yet'}")


def prepare_folder(file: Path) -> None:
    """The one rule for files the learner names: create the missing folders on the way and say so; a folder
    that cannot be made is a one-line error naming it, never a traceback."""
    folder = file.parent
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.ClickException(f"{file}: cannot create its folder {folder}: {exc.strerror or exc}") from None
    click.echo(f"created the folder {folder}")


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Merge an export into your progress. Importing the same file again changes nothing."""
    try:
        data = read_export(file)
    except ImportRefused as exc:
        raise click.ClickException(f"{exc}; nothing was changed") from None
    store = open_store(ctx)
    pending = pending_copy(store.db.conn, store.path, "import")  # taken before: the import writes in one go
    try:
        report = import_progress(store, data)
    except BaseException as exc:
        pending.unlink(missing_ok=True)
        if isinstance(exc, ImportRefused):
            raise click.ClickException(str(exc)) from None
        raise
    if not report.changed_anything:  # no backup is needed, and none was pruned for it
        pending.unlink(missing_ok=True)
        click.echo(f"{file}: nothing new; your progress already holds all of it")
        return
    copy = keep_copy(pending, store.path)
    added = ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in report.added.items() if n)
    updated = ", ".join(f"{n} {t.replace('_', ' ')}" for t, n in report.updated.items() if n)
    click.echo(f"imported {file}" + (f": added {added}" if added else "") + (f"; updated {updated}" if updated else ""))
    click.echo(f"  (a copy of your progress from before the import is at {copy})")


@click.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def backup(ctx: click.Context, file: Path | None) -> None:
    """Take a consistent copy of your progress database (safe while the app is running)."""
    store = open_store(ctx)
    if file is None:  # outside the automatic backups' name pattern, so they never prune it
        file = store.path.parent / BACKUP_DIR_NAME / f"manual-{datetime.now():%Y%m%d-%H%M%S}.db"
    else:
        prepare_folder(file)
    try:
        target = backup_to(store, file)
    except FileExistsError as exc:
        raise click.UsageError(str(exc)) from None
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up your progress to {target}")
