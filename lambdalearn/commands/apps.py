"""`lambdalearn app validate|run TEMPLATE`: an event-driven app from a SAM template, run locally.

`validate` prints every error as `file:line: path: message` (exit 2) and every part of the template the local
app does not simulate as a note; `run` performs a script of actions and prints the timeline.
"""

from __future__ import annotations

from pathlib import Path

import click

from lambdalearn.commands.common import echo


def load_app_or_exit(ctx: click.Context, template: Path):  # -> App
    """The app of TEMPLATE, its notes on standard error; errors end the command with exit status 2."""
    from lambdalearn.apps.template import check_template

    app, problems = check_template(template)
    for problem in problems:
        echo(str(problem), err=True)
    if app is not None:
        for notice in app.notices:
            echo(f"{template}:{notice.line}: {notice.path}: note: {notice.message}", err=True)
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
            echo(str(problem), err=True)
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
    loaded = load_app_or_exit(ctx, template)
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
    echo(f"{template}: OK: {', '.join(parts)}")


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

    loaded = load_app_or_exit(ctx, template)
    if time_scale is not None and time_scale <= 0:
        echo(f"Error: --time-scale must be positive, got {time_scale:g}", err=True)
        ctx.exit(2)
    actions = _load_script(ctx, script_path, loaded)
    printer = json_line if as_json else as_text

    async def go() -> None:
        async with AppRun(loaded, time_scale=time_scale) as app_run:
            app_run.timeline.subscribe(lambda event: echo(printer(event)))
            await app_run.run(actions, until=for_s)

    from lambdalearn.apps.executions import DefinitionRefused

    try:
        asyncio.run(go())
    except DefinitionRefused as refused:
        echo(str(refused), err=True)
        ctx.exit(2)


@app.command()
@click.argument("template", type=click.Path(path_type=Path), default=Path("template.yaml"))
@click.option("--rate", type=float, default=1.0, show_default=True, help="Requests a second (AWS time) sent to each alias during a gradual deployment.")
@click.option("--event", "event_file", type=click.Path(path_type=Path), help="JSON event the traffic sends (default: {}).")
@click.option("--time-scale", type=float, default=60.0, show_default=True, help="AWS seconds per wall second (the request counts do not depend on it).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line instead of the readable timeline.")
@click.option("--reset", is_flag=True, help="Forget earlier deploys of TEMPLATE first (versions and aliases).")
@click.option("--watch", is_flag=True, help="Watch it in the app: the alias's weights move (and roll back) on screen.")
@click.pass_context
def deploy(ctx: click.Context, template: Path, rate: float, event_file: Path | None, time_scale: float, as_json: bool,
           reset: bool, watch: bool) -> None:
    """Publish a new version of each AutoPublishAlias function of TEMPLATE and shift its alias as SAM would.

    The first deploy creates each alias on version 1; later deploys of changed code follow the function's
    DeploymentPreference (canary, linear or all at once) while traffic runs, and roll back when an alarm
    fires. Exit status: 0 when every deployment went through, 1 when one was rolled back, 2 for bad input.
    """
    import asyncio
    import shutil

    from lambdalearn.apps.deploy import Traffic
    from lambdalearn.apps.deploy_app import deploy_app, deployable, state_folder
    from lambdalearn.apps.timeline import as_json as json_line, as_text
    from lambdalearn.commands.invoke import UsageProblem, load_event
    from lambdalearn.commands.common import data_dir_of
    from lambdalearn.runtime.config import ConfigError

    loaded = load_app_or_exit(ctx, template)
    try:
        if rate <= 0 or time_scale <= 0:
            raise UsageProblem("--rate and --time-scale must be positive")
        event = load_event(event_file, None)
    except UsageProblem as problem:
        echo(f"Error: {problem}", err=True)
        ctx.exit(2)
    if not deployable(loaded):
        echo(f"{template}: no function has an AutoPublishAlias: nothing to publish (add AutoPublishAlias: live)", err=True)
        ctx.exit(2)
    state = state_folder(data_dir_of(ctx), template)
    if reset:
        shutil.rmtree(state, ignore_errors=True)
    if watch:
        from lambdalearn.commands.app import run_app
        from lambdalearn.tui.app import LambdaLearnApp
        from lambdalearn.tui.screens.deploy import DeployScreen

        run_app(LambdaLearnApp((ctx.find_root().obj or {}).get("data_dir"),
                               start_screen=lambda: DeployScreen(template, state, time_scale=time_scale, rate_per_s=rate)))
        return
    printer = json_line if as_json else as_text
    try:
        outcomes, _ = asyncio.run(deploy_app(loaded, state, traffic=Traffic(rate, event), pace_s=1 / time_scale,
                                             on_event=lambda line: echo(printer(line))))
    except ConfigError as error:
        echo(f"Error: {error}", err=True)
        ctx.exit(2)
    for outcome in outcomes:
        moved = f"{outcome.from_version} -> {outcome.to_version}" if outcome.from_version else f"version {outcome.to_version}"
        reason = f": {outcome.reason}" if outcome.reason else ""
        echo(f"{outcome.function}: alias {outcome.alias} {moved}: {outcome.status}{reason}", err=True)
    ctx.exit(1 if any(outcome.status == "Failed" for outcome in outcomes) else 0)


@app.command()
@click.argument("template", type=click.Path(path_type=Path), default=Path("template.yaml"))
@click.option("--script", "script_path", type=click.Path(path_type=Path), help="YAML list of actions to perform.")
@click.option("--for", "for_s", type=float, help="Stop after this many seconds of AWS time.")
@click.pass_context
def flow(ctx: click.Context, template: Path, script_path: Path | None, for_s: float | None) -> None:
    """Open the Flow screen: TEMPLATE's resources and its run, with pause, step and speed."""
    loaded = load_app_or_exit(ctx, template)
    actions = _load_script(ctx, script_path, loaded)
    from lambdalearn.commands.app import run_app
    from lambdalearn.tui.app import LambdaLearnApp
    from lambdalearn.tui.screens.flow import FlowScreen

    run_app(LambdaLearnApp((ctx.find_root().obj or {}).get("data_dir"),
                           start_screen=lambda: FlowScreen(loaded, actions, until=for_s)))
