"""`lambdalearn simulate`: run a scenario through the simulator and print a summary with charts, or JSON."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from pathlib import Path

import click


@click.command()
@click.argument("scenario_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--example", "example", metavar="NAME", help="Run a bundled example scenario (see --list-examples).")
@click.option("--list-examples", is_flag=True, help="List the bundled example scenarios and exit.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON object on stdout.")
@click.option("--seed", type=int, help="Override the scenario's seed (every random draw follows it).")
@click.option("--timeline", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write per-interval rows (time, arrivals, concurrency, environments, ...) to this CSV file.")
@click.option("--free-tier", is_flag=True, help="Deduct the monthly free tier (1M requests, 400,000 GB-s) once.")
@click.option("--no-charts", is_flag=True, help="Print the summary without the terminal charts.")
def simulate(
    scenario_file: Path | None,
    example: str | None,
    list_examples: bool,
    as_json: bool,
    seed: int | None,
    timeline: Path | None,
    free_tier: bool,
    no_charts: bool,
) -> None:
    """Simulate Lambda at scale: SCENARIO_FILE (YAML, see docs/simulate.md) or --example NAME.

    Models cold starts, the scaling rate, reserved and provisioned concurrency, throttling, async retries and
    cost, for up to millions of requests in seconds.
    """
    from lambdalearn.simulate import examples

    if list_examples:
        for name in examples.example_names():
            click.echo(f"{name:<16} {examples.example_blurb(name)}")
        return
    if (scenario_file is None) == (example is None):
        raise click.UsageError("give a SCENARIO_FILE or --example NAME (one of them)")
    if example is not None:
        try:
            scenario_file = examples.example_path(example)
        except KeyError as exc:
            raise click.UsageError(exc.args[0]) from None
    from lambdalearn.simulate.engine import simulate as run
    from lambdalearn.simulate.report import charts, save_timeline, summary, to_json
    from lambdalearn.simulate.scenario import ScenarioError, load_scenario

    assert scenario_file is not None
    try:
        scenario = load_scenario(scenario_file, f"example {example}" if example else None)
    except ScenarioError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        sys.exit(2)
    if seed is not None:
        scenario = dataclasses.replace(scenario, seed=seed)
    result = run(scenario)
    figures = to_json(result, free_tier=free_tier)
    if timeline is not None:
        try:
            save_timeline(result, timeline)
        except OSError as exc:
            raise click.ClickException(f"{timeline}: cannot write the timeline: {exc.strerror or exc}") from None
    if as_json:
        click.echo(json.dumps(figures))
        return
    click.echo(summary(result, figures))
    if not no_charts:
        click.echo()
        click.echo(charts(result, figures, width=min(100, shutil.get_terminal_size().columns)))
