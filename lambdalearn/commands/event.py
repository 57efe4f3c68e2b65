"""`lambdalearn event list|generate`: print realistic sample events to feed `lambdalearn invoke`.

Bad usage (an unknown source, an option the source does not take, a value out of range) exits 2 with one
line on standard error, never click's multi-line usage block and never a traceback.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import click

from lambdalearn.runtime.sample_events import SOURCES, EventOptionError, generate, source_named

# Every option any source takes; `generate` passes on only those given, and refuses those the source lacks.
_EVENT_OPTIONS: tuple[tuple[str, type, str], ...] = (
    ("method", str, "HTTP method (GET, POST, ...)."),
    ("path", str, "URL path, such as /orders/42."),
    ("query", str, "Query string, such as 'page=2&sort=asc'."),
    ("body", str, "Request body, message body or record data."),
    ("bucket", str, "S3 bucket name."),
    ("key", str, "S3 object key (sent URL-encoded, as S3 does)."),
    ("size", int, "S3 object size in bytes."),
    ("count", int, "How many records in the batch."),
    ("queue", str, "SQS queue name (a .fifo name adds FIFO attributes)."),
    ("topic", str, "SNS topic name."),
    ("subject", str, "SNS subject."),
    ("rule", str, "EventBridge rule name."),
    ("source", str, "EventBridge source, such as com.example.orders."),
    ("detail_type", str, "EventBridge detail-type."),
    ("detail", str, "EventBridge detail, a JSON object."),
    ("table", str, "DynamoDB table name."),
    ("event_name", str, "DynamoDB stream event: INSERT, MODIFY or REMOVE."),
    ("stream", str, "Kinesis stream name."),
    ("partition_key", str, "Kinesis partition key."),
)


class OneLineUsageErrors(click.Group):
    """Report usage errors of `event` and its subcommands as one line and exit 2."""

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as error:
            _bad_usage(error.format_message())

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            _bad_usage(error.format_message())


@click.group(cls=OneLineUsageErrors, invoke_without_command=True)
@click.pass_context
def event(ctx: click.Context) -> None:
    """Sample events, with the field names AWS sends, for `lambdalearn invoke --event`."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@event.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print the sources and their options as JSON.")
def list_sources(as_json: bool) -> None:
    """List the event sources, one line each."""
    if as_json:
        listing = [{"name": s.name, "description": s.description, "options": _cli_names(s.options)} for s in SOURCES]
        click.echo(json.dumps(listing, indent=2))
        return
    width = max(len(source.name) for source in SOURCES)
    for source in SOURCES:
        click.echo(f"{source.name:<{width}}  {source.description}")


def _with_event_options(command: Any) -> Any:
    for name, kind, help_text in reversed(_EVENT_OPTIONS):
        command = click.option(f"--{name.replace('_', '-')}", name, type=kind, default=None, help=help_text)(command)
    return command


@event.command(name="generate")
@click.argument("source_name", metavar="SOURCE")
@_with_event_options
@click.option("--region", default="us-east-1", show_default=True, help="AWS region written into the event.")
@click.option("--seed", type=int, default=None, help="Same ids and timestamps on every run.")
@click.option("--compact", is_flag=True, help="One line of JSON instead of indented JSON.")
def generate_event(source_name: str, region: str, seed: int | None, compact: bool, **given: Any) -> None:
    """Print a sample SOURCE event as JSON (see `lambdalearn event list`)."""
    options = {name: value for name, value in given.items() if value is not None}
    try:
        source = source_named(source_name)
        extra = [name for name in options if name not in source.options]
        if extra:
            takes = ", ".join(_cli_names(source.options)) or "no options"
            _bad_usage(f"{_cli_name(extra[0])} does not apply to {source.name}; it takes {takes}")
        payload = generate(source.name, seed=seed, region=region, **options)
    except EventOptionError as error:
        _bad_usage(str(error))
    click.echo(json.dumps(payload, separators=(",", ":")) if compact else json.dumps(payload, indent=2))


def _cli_name(option: str) -> str:
    return "--" + option.replace("_", "-")


def _cli_names(options: dict[str, Any]) -> list[str]:
    return [_cli_name(option) for option in options]


def _bad_usage(message: str) -> NoReturn:
    click.echo(f"lambdalearn event: {message}", err=True)
    raise SystemExit(2)
