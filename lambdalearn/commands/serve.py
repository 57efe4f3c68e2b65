"""`lambdalearn serve HANDLER|TEMPLATE`: function URLs on loopback, so `curl` can call a handler as a browser would.

With a handler (`app.handler`) one URL serves it; with a SAM template (`template.yaml`) every function that has
a `FunctionUrlConfig` gets its own URL (ports counting up from `--port`), with the template's AuthType,
InvokeMode, layers and AutoPublishAlias. In RESPONSE_STREAM mode a handler that returns a generator streams its
chunks to the client as it yields them. Each request prints one access line and the function's own log lines (START, END,
REPORT) on standard error, as `invoke` does. Ctrl+C stops the servers and shuts every environment down.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
from pathlib import Path

import click

from lambdalearn.commands.common import echo
from lambdalearn.commands.invoke import UsageProblem, function_options, layers_opt, parse_environment
from lambdalearn.runtime.config import INVOKE_MODES, ConfigError, FunctionConfig


@click.command()
@click.argument("target", metavar="HANDLER|TEMPLATE")
@function_options
@click.option("--port", type=click.IntRange(0, 65535), default=3000, show_default=True, help="TCP port (0 picks a free one); a template's URLs count up from it.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on (127.0.0.1, ::1 or localhost only).")
@click.option("--auth-type", type=click.Choice(["NONE", "AWS_IAM"]), default="NONE", show_default=True, help="For a HANDLER: AWS_IAM accepts only SigV4-signed requests (a template says its own).")
@click.option("--invoke-mode", type=click.Choice(INVOKE_MODES), default="BUFFERED", show_default=True, help="For a HANDLER: RESPONSE_STREAM sends a returned generator's chunks as they come (a template says its own).")
@click.pass_context
def serve(
    ctx: click.Context,
    target: str,
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
    invoke_mode: str,
) -> None:
    """Serve HANDLER (module.function) or the function URLs of TEMPLATE until Ctrl+C."""
    from lambdalearn.apps.url_server import NotLoopback, check_loopback

    try:
        check_loopback(host)
    except NotLoopback as problem:
        echo(f"Error: {problem}", err=True)
        ctx.exit(2)
    with contextlib.ExitStack() as stack:
        if target.endswith((".yaml", ".yml")) and Path(target).is_file():
            servers = _template_servers(ctx, Path(target), host, port, stack)
        else:
            servers = [_handler_server(ctx, target, code_dir, memory, timeout, env_pairs, arch, layer_dirs,
                                       qualifier, host, port, auth_type, invoke_mode, stack)]
        for server in servers:
            stack.callback(server.close)
            server.start()
        echo("Press Ctrl+C to stop.", err=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            echo("Stopping: shutting the execution environments down.", err=True)


def _handler_server(ctx, handler, code_dir, memory, timeout, env_pairs, arch, layer_dirs, qualifier, host, port,
                    auth_type, invoke_mode, stack):
    from lambdalearn.apps.url_server import UrlSettings
    from lambdalearn.runtime.function import LambdaFunction

    try:
        if not code_dir.is_dir():
            raise UsageProblem(f"code directory {code_dir} does not exist")
        config = FunctionConfig(handler=handler, code_dir=code_dir, memory_mb=memory, timeout_s=timeout,
                                environment=parse_environment(env_pairs), architecture=arch,
                                invoke_mode=invoke_mode).validated()
        config = stack.enter_context(layers_opt(config, layer_dirs))
        function = LambdaFunction(config)
        function.publish_for(qualifier)
    except (UsageProblem, ConfigError) as problem:
        echo(f"Error: {problem}", err=True)
        ctx.exit(2)
    server = _listen(ctx, function, UrlSettings(auth_type=auth_type, qualifier=qualifier, invoke_mode=invoke_mode), host, port)
    echo(f"Function URL (AuthType {auth_type}{_mode_note(invoke_mode)}) for {handler}: {server.url}", err=True)
    return server


def _template_servers(ctx, template: Path, host: str, port: int, stack):
    from lambdalearn.apps.template_shipping import runtime_config_with_layers
    from lambdalearn.apps.url_server import UrlSettings
    from lambdalearn.commands.apps import load_app_or_exit
    from lambdalearn.runtime.function import LambdaFunction

    app = load_app_or_exit(ctx, template)
    with_urls = [function for function in app.functions.values() if function.url is not None]
    if not with_urls:
        echo(f"{template}: no function has a FunctionUrlConfig: nothing to serve", err=True)
        ctx.exit(2)
    cache = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="lambdalearn-serve-")))
    servers = []
    for index, function in enumerate(with_urls):
        try:
            config = runtime_config_with_layers(app, function, cache / function.logical_id)
            lambda_function = LambdaFunction(config.replace(invoke_mode=function.url.invoke_mode))
            lambda_function.publish_for(function.auto_publish_alias)
        except ConfigError as problem:
            echo(f"Error: {function.logical_id}: {problem}", err=True)
            ctx.exit(2)
        settings = UrlSettings(auth_type=function.url.auth_type, qualifier=function.auto_publish_alias,
                               invoke_mode=function.url.invoke_mode)
        server = _listen(ctx, lambda_function, settings, host, port + index if port else 0)
        servers.append(server)
        alias = f":{function.auto_publish_alias}" if function.auto_publish_alias else ""
        echo(f"Function URL (AuthType {function.url.auth_type}{_mode_note(function.url.invoke_mode)}) for"
                   f" {function.logical_id}{alias}: {server.url}", err=True)
    return servers


def _mode_note(invoke_mode: str) -> str:
    """", InvokeMode RESPONSE_STREAM" in the banner of a streaming URL; nothing for the default."""
    return f", InvokeMode {invoke_mode}" if invoke_mode != "BUFFERED" else ""


def _listen(ctx, function, settings, host: str, port: int):
    from lambdalearn.apps.url_server import FunctionUrlServer

    try:
        return FunctionUrlServer(function, settings, host=host, port=port, on_record=_print_request)
    except OSError as error:
        echo(f"Error: cannot listen on {host}:{port}: {error.strerror}", err=True)
        ctx.exit(1)


def _print_request(method: str, target: str, record, response) -> None:
    """One access line per request, then the function's log lines, all on standard error."""
    echo(f"{method} {target} -> {response.status}", err=True)
    for line in record.logs if record is not None else []:
        echo(line, err=True)
