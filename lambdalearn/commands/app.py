"""Opening the Textual study app from the command line.

Imports stay minimal here: Textual and the app come in when the app opens, and the services (packs,
database) are imported by the app itself after its first frame, so the home screen shows at once.
"""

from __future__ import annotations

import click


def open_app(ctx: click.Context, catalog=None, quiz: dict | None = None, seed: int | None = None) -> None:
    """Run the app until the learner quits. `quiz` (the filters of `lambdalearn quiz`: pack, deck, lesson,
    tag, limit, new_limit, cram) opens it on the quiz screen; `catalog` saves loading the packs again."""
    from lambdalearn.tui.app import LambdaLearnApp, QuizRequest
    from lambdalearn.web.hosting import follow_server

    follow_server()  # a no-op unless `lambdalearn web` started this app

    explicit = (ctx.find_root().obj or {}).get("data_dir")
    request = QuizRequest(**quiz) if quiz is not None else None
    run_app(LambdaLearnApp(explicit, catalog=catalog, start_quiz=request, seed=seed))


def run_app(app) -> None:
    """Run `app` until it ends, always closing the learner's database; a load error ends as a clean message."""
    try:
        app.run()
    finally:
        app.close_store()
    if app.load_error:
        raise click.ClickException(app.load_error)
