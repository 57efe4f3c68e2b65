"""The actions script of `app run --script ACTIONS.yaml`: a YAML list, each item one action.

    - sqs_send: {queue: Orders, bodies: ['{"id": 1}', ...], group: g1}   # group for FIFO queues
    - invoke: {function: Worker, type: Event, event: {...}}               # type: RequestResponse (default) or Event
    - sns_publish: {topic: Alerts, message: "..."}
    - s3_put: {bucket: Uploads, key: in/a.txt, body: "..."}
    - kinesis_put: {stream: Clicks, records: [{partition_key: u1, data: {...}}]}
    - ddb_put: {table: Orders, item: {id: "1", ...}}
    - events_put: {bus: Orders, source: shop.orders, detail_type: OrderPlaced, detail: {...}}  # bus: default
    - start_execution: {state_machine: Booking, input: {...}}             # a Step Functions execution
    - wait_s: 90

Resources are named by logical id, name or ARN. Every problem is reported as `file:line: path: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdalearn.apps.eventbridge import DEFAULT_BUS
from lambdalearn.apps.model import App
from lambdalearn.content.problems import Problem
from lambdalearn.content.yamlsource import YamlError, YamlSource, format_field, parse_yaml

# action -> (required keys, optional keys)
ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "invoke": (("function",), ("qualifier", "type", "event")),
    "sqs_send": (("queue", "bodies"), ("group",)),
    "sns_publish": (("topic", "message"), ()),
    "s3_put": (("bucket", "key"), ("body",)),
    "kinesis_put": (("stream", "records"), ()),
    "ddb_put": (("table", "item"), ()),
    "events_put": (("source", "detail_type"), ("bus", "detail")),
    "start_execution": (("state_machine",), ("input",)),
    "wait_s": ((), ()),
}


@dataclass(frozen=True)
class Action:
    kind: str
    args: Any
    line: int


class ScriptError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def read_script(path: Path, app: App) -> list[Action]:
    """The actions of the script at `path`, checked against `app`; raises ScriptError listing every problem."""
    try:
        source, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except OSError as error:
        raise ScriptError([Problem(str(path), 0, "", f"cannot read the script: {error.strerror}")]) from None
    except YamlError as error:
        raise ScriptError([error.problem]) from None
    return check_actions(source, app, problems)


def actions_from(items: list[Any], app: App, where: str = "actions") -> list[Action]:
    """Actions given as data (a lab check's list of one-key mappings); raises ScriptError naming the item."""
    return check_actions(YamlSource(where, items), app, [])


def check_actions(source: YamlSource, app: App, problems: list[Problem]) -> list[Action]:
    """The checked actions of a parsed script; raises ScriptError listing every problem."""
    path = source.path
    if not isinstance(source.data, list):
        raise ScriptError([Problem(str(path), 1, "", "a script is a YAML list of actions")])
    actions = []
    for index, item in enumerate(source.data):
        where = (index,)

        def problem(message: str, *keys: Any) -> None:
            problems.append(Problem(str(path), source.line(*where, *keys), format_field((*where, *keys)), message))

        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in ACTIONS:
            problem(f"an action is one of {', '.join(ACTIONS)} with its arguments")
            continue
        (kind, args), = item.items()
        if kind == "wait_s":
            if isinstance(args, bool) or not isinstance(args, (int, float)) or args < 0:
                problem("seconds of AWS time to wait (a number, at least 0)", kind)
                continue
        elif not isinstance(args, dict):
            problem("expected a mapping of arguments", kind)
            continue
        else:
            required, optional = ACTIONS[kind]
            for key in required:
                if key not in args:
                    problem("required", kind, key)
            for key in args:
                if key not in required + optional:
                    problem(f"unknown argument (known: {', '.join(required + optional)})", kind, key)
            _check_target(app, kind, args, lambda message, key: problem(message, kind, key))
        actions.append(Action(kind, args, source.line(*where)))
    if problems:
        raise ScriptError(sorted(problems))
    return actions


def _check_target(app: App, kind: str, args: dict[str, Any], problem: Any) -> None:
    lookups = {
        "invoke": ("function", None),
        "sqs_send": ("queue", app.queues),
        "sns_publish": ("topic", app.topics),
        "s3_put": ("bucket", app.buckets),
        "kinesis_put": ("stream", app.streams),
        "ddb_put": ("table", app.tables),
        "events_put": ("bus", app.buses),
        "start_execution": ("state_machine", app.state_machines),
    }
    key, kinds = lookups[kind]
    name = args.get(key)
    if name is None:
        return
    found = app.function_named(str(name)) if kinds is None else app.find(kinds, str(name))
    if found is None and not (kind == "events_put" and name == DEFAULT_BUS):
        problem(f"{name!r} is not a {key} of the template", key)
    if kind == "invoke" and args.get("type", "RequestResponse") not in ("RequestResponse", "Event"):
        problem("RequestResponse or Event", "type")
    if kind == "invoke" and found is not None and str(args.get("qualifier", "$LATEST")) not in qualifiers_of(app, found):
        known = ", ".join(sorted(qualifiers_of(app, found)))
        problem(f"{args['qualifier']!r} is not a version or alias of {found.logical_id} (it has: {known})", "qualifier")
    if kind == "sqs_send" and not isinstance(args.get("bodies"), list):
        problem("a list of message bodies", "bodies")
    if kind == "events_put":
        _check_event_entry(args, problem)
    if kind == "kinesis_put":
        records = args.get("records")
        if not isinstance(records, list) or not all(isinstance(r, dict) and "partition_key" in r and "data" in r for r in records):
            problem("a list of {partition_key, data}", "records")


def _check_event_entry(args: dict[str, Any], problem: Any) -> None:
    """What PutEvents refuses in an entry: an empty source or detail type, a source in the `aws.` namespace
    (only AWS services send those), a detail that is not a JSON object."""
    for key in ("source", "detail_type"):
        if key in args and (not isinstance(args[key], str) or not args[key]):
            problem("non-empty text", key)
    if isinstance(args.get("source"), str) and args["source"].startswith("aws."):
        problem("'aws.' sources are reserved for AWS services: use one of your own, such as shop.orders", "source")
    if "detail" in args and not isinstance(args["detail"], dict):
        problem("a mapping (EventBridge's detail is a JSON object)", "detail")


def qualifiers_of(app: App, function: Any) -> set[str]:
    """What a script may invoke a function as: $LATEST, its template versions' numbers, its aliases."""
    names = {"$LATEST"}
    versions = [v for v in app.versions.values() if v.function == function.logical_id]
    names.update(str(number) for number in range(1, len(versions) + 2 if function.auto_publish_alias else len(versions) + 1))
    names.update(alias.alias_name for alias in app.aliases.values() if alias.function == function.logical_id)
    if function.auto_publish_alias:
        names.add(function.auto_publish_alias)
    return names

