"""`lambdalearn playground`: fire traffic at a function and watch its environment pool in the app.

Without options it runs a bundled demo function (a slow INIT, 100 ms invocations); `--code DIR --handler
module.function` runs yours. Bad options stop here with one line, before the app opens.
"""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--code", "code_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The folder with your function's code (default: a bundled demo function).")
@click.option("--handler", help="module.function inside --code (default: app.handler).")
@click.pass_context
def playground(ctx: click.Context, code_dir: Path | None, handler: str | None) -> None:
    """Fire bursts or steady traffic at a function and watch cold starts, throttles and the pool live."""
    from lambdalearn.study.playground import DEMO_HANDLER

    if handler is not None and code_dir is None:
        raise click.UsageError("--handler needs --code DIR (the folder that holds the handler's module)")
    if code_dir is not None:
        handler = handler or DEMO_HANDLER
        module, dot, function = handler.rpartition(".")
        if not dot or not module or not function:
            raise click.UsageError(f"--handler: '{handler}' is not module.function (for example app.handler)")
        if not code_dir.is_dir():
            raise click.UsageError(f"--code: {code_dir} is not a folder")
        path = code_dir / (module.replace(".", "/") + ".py")
        if not path.is_file():
            raise click.UsageError(f"--handler: {path} does not exist")
    from lambdalearn.commands.app import run_app
    from lambdalearn.tui.app import LambdaLearnApp
    from lambdalearn.tui.screens.playground import PlaygroundScreen

    run_app(LambdaLearnApp((ctx.find_root().obj or {}).get("data_dir"),
                           start_screen=lambda: PlaygroundScreen(code_dir, handler)))
