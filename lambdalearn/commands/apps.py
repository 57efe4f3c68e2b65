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
