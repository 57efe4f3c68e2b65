"""`lambdalearn web`: study in a browser, the full app on the same data folder, one app process per tab."""

from __future__ import annotations

import click

from lambdalearn.commands.common import data_dir_of
from lambdalearn.web.hosting import exposure_warning

DEFAULT_PORT = 8000


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines in (a warning says so).")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True, help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the app in your web browser once it is served.")
@click.pass_context
def web(ctx: click.Context, host: str, port: int, open_browser: bool) -> None:
    """Serve the study app to a web browser (every screen, this data folder) until Ctrl+C."""
    data_dir = data_dir_of(ctx).resolve()
    warning = exposure_warning(host)
    if warning:
        click.secho(warning, err=True, fg="yellow")
    from lambdalearn.web.server import PortUnavailable, serve

    try:
        serve(data_dir, host, port, announce=lambda line: click.echo(line), open_browser=open_browser)
    except PortUnavailable as error:
        raise click.ClickException(str(error)) from None
