"""What several commands share: opening the progress store and loading the packs, with clean errors."""

from __future__ import annotations

from pathlib import Path

import click

from typing import TYPE_CHECKING

from lambdalearn.progress.paths import resolve_data_dir
from lambdalearn.progress.store import ProgressStore, StoreError
from lambdalearn.textsafe import printable

if TYPE_CHECKING:  # loading packs pulls in the Markdown parser: only the commands that need it pay for it
    from lambdalearn.study.catalog import Catalog


def echo(message: object = "", **options) -> None:
    """`click.echo` for text that may hold pack text: terminal control characters are stripped."""
    click.echo(printable(str(message)), **options)


def secho(message: object = "", **options) -> None:
    """`click.secho` with the same stripping as `echo` (the styles themselves are added after)."""
    click.secho(printable(str(message)), **options)


def open_store(ctx: click.Context) -> ProgressStore:
    """The learner's store for this command; a clear message (exit 1) instead of a traceback on failure."""
    try:
        store = ProgressStore.open(data_dir_of(ctx))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    for notice in store.notices:
        click.secho(f"note: {notice}", err=True, fg="yellow")
    ctx.call_on_close(store.close)
    return store


def data_dir_of(ctx: click.Context) -> Path:
    """The data folder chosen by --data-dir, LAMBDALEARN_HOME or the platform default (created if needed)."""
    try:
        return resolve_data_dir((ctx.find_root().obj or {}).get("data_dir"))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def load_catalog(ctx: click.Context, roots: list[Path] | None = None) -> Catalog:
    """The packs to study from (default: bundled and installed ones), reporting what failed validation."""
    from lambdalearn.study.catalog import Catalog

    catalog = Catalog.load(roots, data_dir_of(ctx))
    skipped = catalog.skipped
    if skipped:
        click.secho(f"note: {len(skipped)} content problem(s) skipped; run `lambdalearn pack validate` for the list",
                    err=True, fg="yellow")
    return catalog
