"""`lambdalearn serve HANDLER`: a function URL on loopback, so `curl` can call a handler the way a browser would.

Each request prints one access line and the function's own log lines (START, END, REPORT) on standard error,
as `invoke` does. Ctrl+C stops the server and shuts every execution environment down.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from lambdalearn.commands.invoke import UsageProblem, function_options, layers_opt, parse_environment
from lambdalearn.runtime.config import ConfigError, FunctionConfig


@click.command()
@click.argument("handler")
@function_options
@click.option("--port", type=click.IntRange(0, 65535), default=3000, show_default=True, help="TCP port (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on (127.0.0.1, ::1 or localhost only).")
@click.option("--auth-type", type=click.Choice(["NONE", "AWS_IAM"]), default="NONE", show_default=True, help="AWS_IAM accepts only SigV4-signed requests.")
@click.pass_context
def serve(
    ctx: click.Context,
    handler: str,
    code_dir: Path,
    memory: int,
    timeout: float,
    env_pairs: tuple[str, ...],
    arch: str,
    layer_dirs: tuple[Path, ...],
    qualifier: str | None,
    port: int,
    host: str,
    auth_type: str,
) -> None:
    """Serve HANDLER (module.function) at a local function URL until Ctrl+C."""
    from lambdalearn.apps.url_server import FunctionUrlServer, NotLoopback, UrlSettings, check_loopback

    try:
        if not code_dir.is_dir():
            raise UsageProblem(f"code directory {code_dir} does not exist")
        check_loopback(host)
        config = FunctionConfig(
            handler=handler,
            code_dir=code_dir,
            memory_mb=memory,
            timeout_s=timeout,
            environment=parse_environment(env_pairs),
            architecture=arch,
        ).validated()
    except (UsageProblem, ConfigError, NotLoopback) as problem:
        click.echo(f"Error: {problem}", err=True)
        ctx.exit(2)
    from lambdalearn.runtime.function import LambdaFunction

    with contextlib.ExitStack() as stack:
        try:
            config = stack.enter_context(layers_opt(config, layer_dirs))
            function = LambdaFunction(config)
            function.publish_for(qualifier)
            server = FunctionUrlServer(
                function, UrlSettings(auth_type=auth_type, qualifier=qualifier), host=host, port=port, on_record=_print_request
            )
        except (UsageProblem, ConfigError) as problem:
            click.echo(f"Error: {problem}", err=True)
            ctx.exit(2)
        except OSError as error:
            click.echo(f"Error: cannot listen on {host}:{port}: {error.strerror}", err=True)
            ctx.exit(1)
        click.echo(f"Function URL (AuthType {auth_type}) for {handler}: {server.url}", err=True)
        click.echo("Press Ctrl+C to stop.", err=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("Stopping: shutting the execution environments down.", err=True)
        finally:
            server.close()


def _print_request(method: str, target: str, record, response) -> None:
    """One access line per request, then the function's log lines, all on standard error."""
    click.echo(f"{method} {target} -> {response.status}", err=True)
    for line in record.logs if record is not None else []:
        click.echo(line, err=True)
