"""`lambdalearn invoke HANDLER`: run a Python handler in the local mini-Lambda, like `sam local invoke`.

Standard output carries one line per invocation (the response payload or the error object as JSON, or with
`--records` the whole invocation record); the function's output and Lambda's START/END/REPORT lines go to
standard error. Exit status: 0 if every invocation succeeded, 1 if any failed or was throttled, 2 for bad
usage (with a one-line message).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import click

from lambdalearn.runtime.config import ConfigError, FunctionConfig
from lambdalearn.runtime.records import InvocationRecord


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


async def _run(config: FunctionConfig, event: Any, times: int, concurrency: int) -> list[InvocationRecord]:
    from lambdalearn.runtime.service import LambdaRuntime

    async with LambdaRuntime(config) as runtime:
        for line in runtime.provisioning_logs:
            click.echo(line, err=True)
        return await runtime.invoke_many([event] * times, concurrency)


@click.command()
@click.argument("handler")
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
@click.option("--invocation-type", type=click.Choice(["RequestResponse", "Event"]), default="RequestResponse", show_default=True,
              help="Event: answer 202 at once, then run Lambda's async retries (AWS time, compressed) in the foreground.")
@click.option("--maximum-retry-attempts", type=click.IntRange(0, 2), default=2, show_default=True, help="Event only: retries of a function error.")
@click.option("--maximum-event-age", type=click.IntRange(60, 21600), default=21600, show_default=True, help="Event only: seconds an event may wait.")
@click.pass_context
def invoke(
    ctx: click.Context,
    handler: str,
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
    invocation_type: str,
    maximum_retry_attempts: int,
    maximum_event_age: int,
) -> None:
    """Invoke HANDLER (module.function) in a local Lambda execution environment."""
    try:
        if not code_dir.is_dir():
            raise UsageProblem(f"code directory {code_dir} does not exist")
        _check_positive("--times", times)
        _check_positive("--concurrency", concurrency)
        event = load_event(event_file, event_json)
        if invocation_type == "Event" and (as_records or concurrency != 1 or provisioned_concurrency):
            raise UsageProblem("--invocation-type Event takes no --records, --concurrency or --provisioned-concurrency")
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
        click.echo(f"Error: {problem}", err=True)
        ctx.exit(2)
    from lambdalearn.runtime.launcher import LauncherError

    if invocation_type == "Event":
        from lambdalearn.commands.invoke_event import invoke_event

        ok = invoke_event(config, event, times, maximum_retry_attempts, maximum_event_age)
        ctx.exit(0 if ok else 1)
    try:
        results = asyncio.run(_run(config, event, times, concurrency))
    except LauncherError as error:
        click.echo(f"Error: the local Lambda could not start an execution environment: {error}", err=True)
        ctx.exit(1)
    for record in results:
        for line in record.logs:
            click.echo(line, err=True)
        shown = record.to_dict() if as_records else record.payload
        click.echo(json.dumps(shown))
    ctx.exit(0 if all(record.succeeded for record in results) else 1)
