"""`lambdalearn app validate|run TEMPLATE`: an event-driven app from a SAM template, run locally.

`validate` prints every error as `file:line: path: message` (exit 2) and every part of the template the local
app does not simulate as a note; `run` performs a script of actions and prints the timeline.
"""

from __future__ import annotations

from pathlib import Path

import click


def _load_app(ctx: click.Context, template: Path):  # -> App
    """The app of TEMPLATE, its notes on standard error; errors end the command with exit status 2."""
    from lambdalearn.apps.template import check_template

    app, problems = check_template(template)
    for problem in problems:
        click.echo(str(problem), err=True)
    if app is not None:
        for notice in app.notices:
            click.echo(f"{template}:{notice.line}: {notice.path}: note: {notice.message}", err=True)
    if problems or app is None:
        ctx.exit(2)
    return app


def _load_script(ctx: click.Context, script_path: Path | None, loaded) -> list:
    """The actions of --script, checked against the app; located errors end the command with exit 2."""
    from lambdalearn.apps.script import ScriptError, read_script

    try:
        return read_script(script_path, loaded) if script_path is not None else []
    except ScriptError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        ctx.exit(2)
        return []  # ctx.exit raised: not reached


@click.group()
def app() -> None:
    """Event-driven apps from a SAM template: async invocation, event source mappings, destinations."""


@app.command()
@click.argument("template", type=click.Path(path_type=Path), default=Path("template.yaml"))
@click.pass_context
def validate(ctx: click.Context, template: Path) -> None:
    """Check TEMPLATE (default template.yaml) as `app run` would read it."""
    loaded = _load_app(ctx, template)
    counts = {
        "function": len(loaded.functions),
        "queue": len(loaded.queues),
        "topic": len(loaded.topics),
        "stream": len(loaded.streams),
        "table": len(loaded.tables),
        "bucket": len(loaded.buckets),
        "event bus": len(loaded.buses),
        "event source mapping": len(loaded.mappings),
        "trigger": len(loaded.triggers),
    }
    parts = [f"{count} {name}{'' if count == 1 else 's'}" for name, count in counts.items() if count]
    click.echo(f"{template}: OK: {', '.join(parts)}")


@app.command()
@click.argument("template", type=click.Path(path_type=Path), default=Path("template.yaml"))
@click.option("--script", "script_path", type=click.Path(path_type=Path), help="YAML list of actions to perform.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line instead of the readable timeline.")
@click.option("--time-scale", type=float, help="Pace the run: this many AWS seconds a wall second (default: as fast as possible).")
@click.option("--for", "for_s", type=float, help="Stop after this many seconds of AWS time.")
@click.pass_context
def run(ctx: click.Context, template: Path, script_path: Path | None, as_json: bool, time_scale: float | None, for_s: float | None) -> None:
    """Deploy TEMPLATE locally, perform the script's actions and print the timeline (times are AWS time)."""
    import asyncio

    from lambdalearn.apps.run import AppRun
    from lambdalearn.apps.timeline import as_json as json_line, as_text

    loaded = _load_app(ctx, template)
    if time_scale is not None and time_scale <= 0:
        click.echo(f"Error: --time-scale must be positive, got {time_scale:g}", err=True)
        ctx.exit(2)
    actions = _load_script(ctx, script_path, loaded)
    printer = json_line if as_json else as_text

    async def go() -> None:
        async with AppRun(loaded, time_scale=time_scale) as app_run:
            app_run.timeline.subscribe(lambda event: click.echo(printer(event)))
            await app_run.run(actions, until=for_s)

    asyncio.run(go())


@app.command()
@click.argument("template", type=click.Path(path_type=Path), default=Path("template.yaml"))
@click.option("--script", "script_path", type=click.Path(path_type=Path), help="YAML list of actions to perform.")
@click.option("--for", "for_s", type=float, help="Stop after this many seconds of AWS time.")
@click.pass_context
def flow(ctx: click.Context, template: Path, script_path: Path | None, for_s: float | None) -> None:
    """Open the Flow screen: TEMPLATE's resources and its run, with pause, step and speed."""
    loaded = _load_app(ctx, template)
    actions = _load_script(ctx, script_path, loaded)
    from lambdalearn.commands.app import run_app
    from lambdalearn.tui.app import LambdaLearnApp
    from lambdalearn.tui.screens.flow import FlowScreen

    run_app(LambdaLearnApp((ctx.find_root().obj or {}).get("data_dir"),
                           start_screen=lambda: FlowScreen(loaded, actions, until=for_s)))
