"""`lambdalearn playground`: fire traffic at a function and watch its environment pool in the app.

Without options it runs a bundled demo function (a slow INIT, 100 ms invocations); `--code DIR --handler
module.function` runs yours. `--event NAME`, `--event-file FILE` or `--event-json JSON` choose the event every
request carries (default `{}`). `--plain` runs one burst (or, with `--rate`, a steady run) without the app
and prints the figures, concurrency over time and the first failure's log. Bad options stop here with one
line, before the app opens.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click

from lambdalearn.commands.common import echo

_BAR_WIDTH = 40  # columns of the widest bar in --plain's concurrency chart


@click.command()
@click.option("--code", "code_dir", type=click.Path(file_okay=False, path_type=Path),
              help="The folder with your function's code (default: a bundled demo function).")
@click.option("--handler", help="module.function inside --code (default: app.handler).")
@click.option("--event", "sample", metavar="NAME", help="Send a generated sample event (see `lambdalearn event list`).")
@click.option("--event-file", type=click.Path(dir_okay=False, path_type=Path), help="Send the JSON event in FILE.")
@click.option("--event-json", metavar="JSON", help="Send this JSON event (default: {}).")
@click.option("--requests", type=click.IntRange(min=1), default=20, show_default=True, help="Burst: how many requests.")
@click.option("--concurrency", type=click.IntRange(min=1), default=10, show_default=True, help="Burst: at most this many at once.")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), help="Steady instead of a burst: requests a second.")
@click.option("--duration", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              help="Steady: for this many seconds.")
@click.option("--memory", type=int, default=128, show_default=True, help="Memory size in MB.")
@click.option("--reserved", type=click.IntRange(min=0), help="Reserved concurrency (default: none).")
@click.option("--provisioned", type=click.IntRange(min=0), default=0, show_default=True, help="Provisioned concurrency.")
@click.option("--plain", is_flag=True, help="Run once without the app and print the figures (exit 1 if any invocation failed).")
@click.pass_context
def playground(ctx: click.Context, code_dir: Path | None, handler: str | None, sample: str | None,
               event_file: Path | None, event_json: str | None, plain: bool, **traffic: Any) -> None:
    """Fire bursts or steady traffic at a function and watch cold starts, throttles and the pool live."""
    from lambdalearn.study.playground import DEMO_HANDLER, demo_code_dir

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
    choice = _event_choice(sample, event_file, event_json)
    if plain:
        ctx.exit(_run_plain(code_dir or demo_code_dir(), handler or DEMO_HANDLER, choice, traffic))
    from lambdalearn.commands.app import run_app
    from lambdalearn.tui.app import LambdaLearnApp
    from lambdalearn.tui.screens.playground import PlaygroundScreen

    given = {name: value for name, value in traffic.items() if ctx.get_parameter_source(name).name != "DEFAULT"}
    run_app(LambdaLearnApp((ctx.find_root().obj or {}).get("data_dir"),
                           start_screen=lambda: PlaygroundScreen(code_dir, handler, event=choice, values=given)))


def _event_choice(sample: str | None, event_file: Path | None, event_json: str | None):
    """The EventChoice the options name, checked now (a bad file or name stops here, in one line)."""
    from lambdalearn.runtime.sample_events import EventOptionError
    from lambdalearn.study.playground import FILE_EVENT, JSON_EVENT, NO_EVENT, EventChoice

    given = [(flag, value) for flag, value in (("--event", sample), ("--event-file", event_file),
                                                ("--event-json", event_json)) if value is not None]
    if len(given) > 1:
        raise click.UsageError(f"give one of --event, --event-file and --event-json, not {given[0][0]} and {given[1][0]}")
    if sample is not None:
        choice = EventChoice(sample)
    elif event_file is not None:
        choice = EventChoice(FILE_EVENT, str(event_file))
    elif event_json is not None:
        choice = EventChoice(JSON_EVENT, event_json)
    else:
        return EventChoice(NO_EVENT)
    try:
        choice.event()
    except EventOptionError as problem:
        raise click.UsageError(f"--event: {problem}") from None
    except ValueError as problem:
        raise click.UsageError(str(problem)) from None
    return choice


def _run_plain(code_dir: Path, handler: str, choice, traffic: dict[str, Any]) -> int:
    """One run, printed: the figures, concurrency over time, and the first failure's log; 1 if any failed."""
    from lambdalearn.runtime.concurrency_trace import time_label
    from lambdalearn.runtime.config import ConfigError
    from lambdalearn.runtime.traffic import Burst, Steady
    from lambdalearn.study.playground import PlaygroundSettings, failure_headline, log_tail, run_traffic

    settings = PlaygroundSettings(traffic["memory"], traffic["reserved"], traffic["provisioned"])
    if traffic["rate"] is not None:
        plan: Burst | Steady = Steady(traffic["rate"], traffic["duration"])
        description = f"{plan.rate_per_s:g} requests a second for {plan.duration_s:g} s"
    else:
        plan = Burst(traffic["requests"], traffic["concurrency"])
        description = f"a burst of {plan.requests} at concurrency {plan.concurrency}"
    try:
        tally = asyncio.run(run_traffic(code_dir, handler, settings, plan, choice.event()))
    except ConfigError as problem:
        raise click.UsageError(str(problem)) from None
    reserved = "none" if settings.reserved_concurrency is None else settings.reserved_concurrency
    echo(f"{handler} in {code_dir}, event: {choice.describe()}")
    echo(f"{description} · memory {settings.memory_mb} MB · reserved {reserved} · provisioned "
         f"{settings.provisioned_concurrency}")
    echo(f"sent {tally.sent} · invocations {tally.invocations} · cold starts {tally.cold_starts} · "
         f"throttles {tally.throttles} · errors {tally.errors}")
    echo(f"peak concurrency {tally.peak_in_flight} · p50 {_ms(tally.p50_ms)} · p99 {_ms(tally.p99_ms)} · "
         f"cost ${tally.cost_usd:.8f}")
    buckets = tally.trace.buckets(tally.trace.bucket_width(most=20))
    if buckets:
        echo(f"\nconcurrency over time (the most requests running in each {time_label(buckets[0].width_s)}, and throttles):")
        scale = max(1, max(bucket.running for bucket in buckets))
        for bucket in buckets:
            bar = "█" * round(bucket.running / scale * _BAR_WIDTH) if bucket.running else ""
            throttled = f"  throttled {bucket.throttles}" if bucket.throttles else ""
            echo(f"{time_label(bucket.start_s):>9}  {bar} {bucket.running}{throttled}")
    first = tally.first_failure
    if first is not None:
        echo(f"\nfirst failure (of {tally.errors}), request {first.request_id}: {failure_headline(first)}")
        for line in log_tail(first):
            echo(f"  {line}")
    return 1 if tally.errors else 0


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} ms"
