"""Opening the Textual study app from the command line (Textual is imported here, never at CLI start-up)."""

from __future__ import annotations

import click

from lambdalearn.commands.common import data_dir_of
from lambdalearn.progress.store import StoreError


def open_app(ctx: click.Context, catalog=None, quiz: dict | None = None, seed: int | None = None) -> None:
    """Run the app until the learner quits. `quiz` (the filters of `lambdalearn quiz`: pack, deck, lesson,
    tag, limit, new_limit, cram) opens it on the quiz screen; `catalog` saves loading the packs again."""
    from lambdalearn.tui.app import LambdaLearnApp, QuizRequest

    try:
        data_dir = data_dir_of(ctx)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    app = LambdaLearnApp(data_dir, catalog=catalog, start_quiz=QuizRequest(**quiz) if quiz is not None else None,
                         seed=seed)
    try:
        app.run()
    finally:
        app.close_store()
