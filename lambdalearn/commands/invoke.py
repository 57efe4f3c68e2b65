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
import contextlib
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from lambdalearn.runtime.config import UNPUBLISHED_PROVISIONED_MESSAGE, ConfigError, FunctionConfig, interpreter_note
from lambdalearn.runtime.event_input import EventInputError, parse_event_json, read_event_file
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
    try:
        if event_file is not None:
            return read_event_file(event_file)
        if event_json is not None:
            return parse_event_json(event_json, "--event-json")
    except EventInputError as problem:
        raise UsageProblem(str(problem)) from None
    return {}


@contextlib.contextmanager
def layers_opt(config: FunctionConfig, layer_dirs: tuple[Path, ...]) -> Iterator[FunctionConfig]:
    """The config with its layers merged into a temporary /opt (the config itself without layers)."""
    if not layer_dirs:
        yield config
        return
    from lambdalearn.runtime.layers import assemble_opt

    with tempfile.TemporaryDirectory(prefix="lambdalearn-opt-") as scratch:
        opt = assemble_opt(list(layer_dirs), config.code_dir, Path(scratch) / "opt")
        yield config.replace(opt_dir=opt)


def _check_positive(name: str, value: int) -> None:
    if value < 1:
        raise UsageProblem(f"{name} must be at least 1, got {value}")


async def _run(
    config: FunctionConfig, event: Any, times: int, concurrency: int, qualifier: str | None, provisioned: int,
    verbose: bool = False,
) -> list[InvocationRecord]:
    """Run the invocations against `qualifier`: a number publishes the code as that version's snapshot, a name
    makes an alias to it; provisioned concurrency goes on that version or alias, as Lambda requires."""
    from lambdalearn.runtime.function import LambdaFunction

    async with LambdaFunction(config) as function:
        function.publish_for(qualifier)
        if provisioned:
            await function.set_provisioned_concurrency(qualifier or "$LATEST", provisioned)
            for runtime in function.runtimes().values():
                for line in runtime.provisioning_logs:
                    click.echo(line, err=True)
        records = await function.invoke_many([event] * times, concurrency, qualifier=qualifier)
        if verbose:
            sandboxes = {runtime.sandbox for runtime in function.runtimes().values() if runtime.sandbox is not None}
            for path, reason in sorted(sandboxes):
                click.echo(f"lambdalearn: sandbox: {path} ({reason})", err=True)
            units = {runtime.unit.describe() for runtime in function.runtimes().values() if runtime.unit is not None}
            for unit in sorted(units):
                click.echo(f"lambdalearn: {unit}", err=True)
            click.echo(f"lambdalearn: {interpreter_note(config.runtime)}", err=True)
        return records


def function_options(command: Callable) -> Callable:
    """The options that describe one function, shared by `invoke` and `serve`."""
    options = [
        click.option("--code", "code_dir", type=click.Path(path_type=Path), default=Path("."), show_default="current directory", help="Directory with the function's code."),
        click.option("--memory", type=int, default=128, show_default=True, help="Memory size in MB (128-10240)."),
        click.option("--timeout", type=float, default=3.0, show_default=True, help="Timeout in seconds (1-900)."),
        click.option("--env", "env_pairs", multiple=True, metavar="KEY=VALUE", help="Environment variable (repeatable)."),
        click.option("--arch", default="x86_64", show_default=True, help="Architecture: x86_64 or arm64 (changes the price)."),
        click.option("--layer", "layer_dirs", multiple=True, type=click.Path(path_type=Path), help="A layer folder, shown under /opt (repeatable, up to 5, later ones win)."),
        click.option("--qualifier", help="Run a version or alias: 1 publishes the code as version 1, a name makes an alias to it."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command()
@click.argument("handler", required=False)
@function_options
@click.option("--event", "event_file", type=click.Path(path_type=Path), help="File with the event (JSON).")
@click.option("--event-json", help="The event as a JSON string (default: {}).")
@click.option("--times", type=int, default=1, show_default=True, help="How many invocations.")
@click.option("--concurrency", type=int, default=1, show_default=True, help="At most this many in flight.")
@click.option("--reserved-concurrency", type=int, help="Reserved concurrency of the function.")
@click.option("--provisioned-concurrency", type=int, default=0, show_default=True, help="Environments initialised before traffic.")
@click.option("--records", "as_records", is_flag=True, help="Print one JSON record per invocation instead of the payload.")
@click.option("--verbose", is_flag=True, help="Also say which containment (sandbox) the environments run in.")
@click.option("--explain-sandbox", is_flag=True, help="Explain what seals an environment on this machine, and exit.")
@click.option("--invocation-type", type=click.Choice(["RequestResponse", "Event"]), default="RequestResponse", show_default=True,
              help="Event: answer 202 at once, then run Lambda's async retries (AWS time, compressed) in the foreground.")
@click.option("--maximum-retry-attempts", type=click.IntRange(0, 2), default=2, show_default=True, help="Event only: retries of a function error.")
@click.option("--maximum-event-age", type=click.IntRange(60, 21600), default=21600, show_default=True, help="Event only: seconds an event may wait.")
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
    qualifier: str | None,
    layer_dirs: tuple[Path, ...],
    as_records: bool,
    verbose: bool,
    explain_sandbox: bool,
    invocation_type: str,
    maximum_retry_attempts: int,
    maximum_event_age: int,
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
        ).validated()
        if provisioned_concurrency and qualifier in (None, "$LATEST"):
            raise UsageProblem(f"{UNPUBLISHED_PROVISIONED_MESSAGE} Add --qualifier live (an alias) or --qualifier 1 (a version).")
        if provisioned_concurrency < 0:
            raise UsageProblem("--provisioned-concurrency must be 0 or more")
    except (UsageProblem, ConfigError) as problem:
        click.echo(f"Error: {problem}", err=True)
        ctx.exit(2)
    from lambdalearn.runtime.launcher import LauncherError

    try:
        with layers_opt(config, layer_dirs) as config:
            if invocation_type == "Event":
                from lambdalearn.commands.invoke_event import invoke_event

                ok = invoke_event(config, event, times, maximum_retry_attempts, maximum_event_age)
                ctx.exit(0 if ok else 1)
            results = asyncio.run(_run(config, event, times, concurrency, qualifier, provisioned_concurrency, verbose))
    except ConfigError as problem:
        click.echo(f"Error: {problem}", err=True)
        ctx.exit(2)
    except LauncherError as error:
        click.echo(f"Error: the local Lambda could not start an execution environment: {error}", err=True)
        ctx.exit(1)
    for record in results:
        for line in record.logs:
            click.echo(line, err=True)
        shown = record.to_dict() if as_records else record.payload
        click.echo(json.dumps(shown))
    ctx.exit(exit_status(results))


def _explain_sandbox() -> int:
    """Print which containment path this machine gives environments, what it seals, and what makes an
    environment's processes one unit; the exit status."""
    from lambdalearn.runtime import cgroup, sandbox

    try:
        path, reason = sandbox.probe()
        unit = cgroup.probe()
    except (sandbox.SandboxError, cgroup.CgroupUnavailable) as refusal:
        click.echo(f"Error: {refusal}", err=True)
        return 2
    if unit.path:
        cgroup.remove_tree(unit.path)
    for line in [*sandbox.explain(path, reason), *unit.explain()]:
        click.echo(line)
    return 0
