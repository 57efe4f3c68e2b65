"""`lambdalearn invoke HANDLER`: run a Python handler in the local mini-Lambda, like `sam local invoke`.

Standard output carries one line per invocation (the response payload or the error object as JSON, or with
`--records` the whole invocation record); the function's output and Lambda's START/END/REPORT lines go to
standard error. Exit status: 0 if every invocation succeeded; 1 if the function failed (an error it raised,
a crash, a timeout: what Lambda flags with X-Amz-Function-Error); 3 if Lambda throttled a request; 4 if the
Invoke API refused one (an oversized event); 2 for bad usage (with a one-line message). With several
outcomes, the first in that order wins.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import click

from lambdalearn.runtime.config import UNPUBLISHED_PROVISIONED_MESSAGE, ConfigError, FunctionConfig, interpreter_note
from lambdalearn.runtime.records import InvocationRecord


EXIT_FUNCTION_ERROR = 1
EXIT_USAGE = 2
EXIT_THROTTLED = 3
EXIT_REFUSED = 4


def exit_status(results: list[InvocationRecord]) -> int:
    """0 when all succeeded; otherwise a status that tells function errors, throttles and refusals apart."""
    if any(record.function_error for record in results):
        return EXIT_FUNCTION_ERROR
    if any(record.status == "throttled" for record in results):
        return EXIT_THROTTLED
    if any(not record.succeeded for record in results):
        return EXIT_REFUSED
    return 0


class UsageProblem(ValueError):
    """A bad command-line argument, reported in one line with exit status 2."""


def parse_environment(pairs: tuple[str, ...]) -> dict[str, str]:
    """KEY=VALUE pairs from repeated --env options."""
    environment = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise UsageProblem(f"--env expects KEY=VALUE, got {pair!r}")
        environment[key] = value
    return environment


def load_event(event_file: Path | None, event_json: str | None) -> Any:
    """The event from --event FILE or --event-json JSON; {} when neither is given."""
    if event_file is not None and event_json is not None:
        raise UsageProblem("give either --event FILE or --event-json JSON, not both")
    if event_file is not None:
        try:
            text = event_file.read_text(encoding="utf-8")
        except OSError as error:
            raise UsageProblem(f"cannot read event file {event_file}: {error.strerror}") from None
        source = str(event_file)
    elif event_json is not None:
        text, source = event_json, "--event-json"
    else:
        return {}
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UsageProblem(f"{source}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from None


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise UsageProblem(f"{name} must be at least 1, got {value}")


async def _run(config: FunctionConfig, event: Any, times: int, concurrency: int, verbose: bool = False) -> list[InvocationRecord]:
    from lambdalearn.runtime.service import LambdaRuntime

    async with LambdaRuntime(config) as runtime:
        if verbose:
            if runtime.sandbox is not None:
                click.echo(f"lambdalearn: sandbox: {runtime.sandbox[0]} ({runtime.sandbox[1]})", err=True)
            click.echo(f"lambdalearn: {interpreter_note(config.runtime)}", err=True)
        for line in runtime.provisioning_logs:
            click.echo(line, err=True)
        return await runtime.invoke_many([event] * times, concurrency)


@click.command()
@click.argument("handler", required=False)
@click.option("--code", "code_dir", type=click.Path(path_type=Path), default=Path("."), show_default="current directory", help="Directory with the function's code.")
@click.option("--event", "event_file", type=click.Path(path_type=Path), help="File with the event (JSON).")
@click.option("--event-json", help="The event as a JSON string (default: {}).")
@click.option("--memory", type=int, default=128, show_default=True, help="Memory size in MB (128-10240).")
@click.option("--timeout", type=float, default=3.0, show_default=True, help="Timeout in seconds (1-900).")
@click.option("--env", "env_pairs", multiple=True, metavar="KEY=VALUE", help="Environment variable (repeatable).")
@click.option("--arch", default="x86_64", show_default=True, help="Architecture: x86_64 or arm64 (changes the price).")
@click.option("--times", type=int, default=1, show_default=True, help="How many invocations.")
@click.option("--concurrency", type=int, default=1, show_default=True, help="At most this many in flight.")
@click.option("--reserved-concurrency", type=int, help="Reserved concurrency of the function.")
@click.option("--provisioned-concurrency", type=int, default=0, show_default=True, help="Environments initialised before traffic.")
@click.option("--records", "as_records", is_flag=True, help="Print one JSON record per invocation instead of the payload.")
@click.option("--verbose", is_flag=True, help="Also say which containment (sandbox) the environments run in.")
@click.option("--explain-sandbox", is_flag=True, help="Explain what seals an environment on this machine, and exit.")
@click.pass_context
def invoke(
    ctx: click.Context,
    handler: str | None,
    code_dir: Path,
    event_file: Path | None,
    event_json: str | None,
    memory: int,
    timeout: float,
    env_pairs: tuple[str, ...],
    arch: str,
    times: int,
    concurrency: int,
    reserved_concurrency: int | None,
    provisioned_concurrency: int,
    as_records: bool,
    verbose: bool,
    explain_sandbox: bool,
) -> None:
    """Invoke HANDLER (module.function) in a local Lambda execution environment."""
    if explain_sandbox:
        ctx.exit(_explain_sandbox())
    try:
        if handler is None:
            raise UsageProblem("missing argument HANDLER (module.function)")
        if not code_dir.is_dir():
            raise UsageProblem(f"code directory {code_dir} does not exist")
        _check_positive("--times", times)
        _check_positive("--concurrency", concurrency)
        event = load_event(event_file, event_json)
        config = FunctionConfig(
            handler=handler,
            code_dir=code_dir,
            memory_mb=memory,
            timeout_s=timeout,
            environment=parse_environment(env_pairs),
            architecture=arch,
            reserved_concurrency=reserved_concurrency,
            provisioned_concurrency=provisioned_concurrency,
        ).validated()
    except (UsageProblem, ConfigError) as problem:
        click.echo(f"Error: {problem}{_hint(problem)}", err=True)
        ctx.exit(2)
    from lambdalearn.runtime.launcher import LauncherError

    try:
        results = asyncio.run(_run(config, event, times, concurrency, verbose))
    except LauncherError as error:
        click.echo(f"Error: the local Lambda could not start an execution environment: {error}", err=True)
        ctx.exit(1)
    for record in results:
        for line in record.logs:
            click.echo(line, err=True)
        shown = record.to_dict() if as_records else record.payload
        click.echo(json.dumps(shown))
    ctx.exit(exit_status(results))


def _hint(problem: Exception) -> str:
    """What to do instead, where Lambda's own message does not say it."""
    if str(problem) == UNPUBLISHED_PROVISIONED_MESSAGE:
        return (
            " `lambdalearn invoke` runs $LATEST and cannot publish versions yet: leave out"
            " --provisioned-concurrency (try --times 3 to see warm starts), or open the provisioned-concurrency lab."
        )
    return ""


def _explain_sandbox() -> int:
    """Print which containment path this machine gives environments and what it seals; the exit status."""
    from lambdalearn.runtime import sandbox

    try:
        path, reason = sandbox.probe()
    except sandbox.SandboxError as refusal:
        click.echo(f"Error: {refusal}", err=True)
        return 2
    for line in sandbox.explain(path, reason):
        click.echo(line)
    return 0
