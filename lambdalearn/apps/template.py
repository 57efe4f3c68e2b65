"""Read a SAM template (`template.yaml`) into an `App`, or say exactly where and why it cannot be run.

Problems come out as `template.yaml:14: Resources.Worker.Properties.Timeout: ...`, one a line. Two kinds:

- errors (a bad value, a dangling `!Ref`, a missing handler): the app cannot run; `app validate` exits 2;
- notices (a resource type or property the local app does not simulate, such as `Policies` or
  `AWS::ApiGateway::RestApi`): reported and skipped, never silently dropped.

Values are checked against the limits of the AWS APIs the template maps to (CreateEventSourceMapping,
PutFunctionEventInvokeConfig, SQS and Kinesis). The template is also passed through `aws-sam-translator`, the
library `sam build` and CloudFormation use, so an event property SAM itself refuses is refused here in SAM's
words (`sam_check.py`). A name left out (`QueueName`) becomes the logical id, where CloudFormation would
generate one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lambdalearn.apps import state_machines, template_shipping
from lambdalearn.apps.eventbridge import DEFAULT_BUS, bus_arn
from lambdalearn.apps.intrinsics import CfnLoader, Identity, ResolveError, Resolver
from lambdalearn.apps.mappings.filters import pattern_problem
from lambdalearn.apps.model import (
    REGION,
    App,
    AsyncConfig,
    Bucket,
    EventBus,
    Function,
    Mapping,
    Notice,
    Queue,
    RedrivePolicy,
    Stream,
    Subscription,
    Table,
    Topic,
    Trigger,
    arn,
)
from lambdalearn.content.problems import Problem
from lambdalearn.content.yamlsource import YamlError, YamlSource, format_field, parse_yaml
from lambdalearn.runtime.config import ACCOUNT_ID, PYTHON_RUNTIMES, ConfigError

STACK_NAME = "lambdalearn-app"
PSEUDO_PARAMETERS = {
    "AWS::Region": REGION,
    "AWS::AccountId": ACCOUNT_ID,
    "AWS::Partition": "aws",
    "AWS::StackName": STACK_NAME,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NoValue": None,
}
DESTINATION_TYPES = ("SQS", "SNS", "Lambda", "EventBridge", "S3Bucket")  # SAM's names for the Type
STARTING_POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")
RULE_STATES = ("ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")  # an EventBridge rule's State
TOP_LEVEL_READ = ("AWSTemplateFormatVersion", "Transform", "Description", "Parameters", "Globals", "Resources")


class TemplateError(Exception):
    """The template cannot be run; `problems` lists every error, located."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def read_app(path: Path, *, shown_as: str | None = None, sam_check: bool = True) -> App:
    """The app declared by the template at `path`; raises TemplateError listing every error.

    `shown_as` is how the file is named in messages (default: the path as given).
    """
    app, problems = check_template(path, shown_as=shown_as, sam_check=sam_check)
    if problems or app is None:
        raise TemplateError(problems)
    return app


def check_template(path: Path, *, shown_as: str | None = None, sam_check: bool = True) -> tuple[App | None, list[Problem]]:
    """Read and check a template: the app (None if unreadable) and every error found, sorted by line."""
    rel = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [Problem(rel, 0, "", f"cannot read the template: {error.strerror}")]
    except UnicodeDecodeError:
        return None, [Problem(rel, 0, "", "not UTF-8 text")]
    try:
        source, problems = parse_yaml(text, rel, loader_class=CfnLoader)
    except YamlError as error:
        return None, [error.problem]
    data = source.data
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict) or not data["Resources"]:
        return None, [*problems, Problem(rel, source.line("Resources"), "Resources", "a template needs a Resources mapping")]
    reader = _Reader(path, source, problems)
    app = reader.read()
    if sam_check and not problems:
        from lambdalearn.apps.sam_check import sam_problems

        problems.extend(sam_problems(data, source, path))
    return app, sorted(problems)


@dataclass
class _Props:
    """The properties of one resource (or event), read with type and range checks; remembers what was used."""

    reader: _Reader
    path: tuple[Any, ...]
    values: dict[str, Any]

    def __post_init__(self) -> None:
        self.used: set[str] = set()

    def where(self, *keys: Any) -> tuple[Any, ...]:
        return (*self.path, *keys)

    def error(self, message: str, *keys: Any) -> None:
        self.reader.error(self.where(*keys), message)

    def raw(self, name: str, default: Any = None) -> Any:
        self.used.add(name)
        if name not in self.values:
            return default
        try:
            return self.reader.resolver.resolve(self.values[name])
        except ResolveError as error:
            self.error(str(error), name)
            return default

    def text(self, name: str, default: str | None = None, choices: tuple[str, ...] = ()) -> str | None:
        value = self.raw(name, default)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(f"expected text, got {value!r}", name)
            return default
        if choices and value not in choices:
            self.error(f"{value!r} is not one of {', '.join(choices)}", name)
            return default
        return value

    def integer(self, name: str, default: int | None, low: int, high: int, *, also: tuple[int, ...] = ()) -> int | None:
        value = self.raw(name, default)
        if value is None or value is default:
            return value
        if isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"expected a whole number, got {value!r}", name)
            return default
        if value in also:
            return value
        if not low <= value <= high:
            extra = f" (or {', '.join(map(str, also))})" if also else ""
            self.error(f"{value} is out of range: must be {low} to {high}{extra}", name)
            return default
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw(name, default)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if not isinstance(value, bool):
            self.error(f"expected true or false, got {value!r}", name)
            return default
        return value

    def mapping(self, name: str) -> _Props | None:
        value = self.values.get(name)
        self.used.add(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error("expected a mapping", name)
            return None
        return _Props(self.reader, self.where(name), value)

    def require(self, name: str) -> bool:
        if name not in self.values:
            self.error("required", name)
            return False
        return True

    def report_unused(self, what: str) -> None:
        for name in self.values:
            if name not in self.used:
                self.reader.notice(self.where(name), f"{what} property {name} is not simulated locally (ignored)")


class _Reader:
    """One pass over the template: identities first (so `!Ref` works in any order), then each resource."""

    def __init__(self, path: Path, source: YamlSource, problems: list[Problem]) -> None:
        self.path = path
        self.source = source
        self.problems = problems
        self.resources: dict[str, Any] = source.data["Resources"]
        self.app = App(path=path)
        self.resolver = Resolver(self._parameters(), self._identity)
        self._identities: dict[str, Identity | None] = {}
        self._globals = self._function_globals()

    # -- reporting ----------------------------------------------------------------------------------------

    def error(self, where: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.source.path, self.source.line(*where), format_field(where), message))

    def notice(self, where: tuple[Any, ...], message: str) -> None:
        self.app.notices.append(Notice(self.source.line(*where), format_field(where), message))

    # -- identities ---------------------------------------------------------------------------------------

    def _parameters(self) -> dict[str, Any]:
        parameters = dict(PSEUDO_PARAMETERS)
        declared = self.source.data.get("Parameters") or {}
        for name, spec in declared.items() if isinstance(declared, dict) else ():
            if isinstance(spec, dict) and "Default" in spec:
                parameters[name] = spec["Default"]
            else:
                self.error(("Parameters", name), "a parameter needs a Default to run locally")
        return parameters

    def _identity(self, logical_id: str) -> Identity | None:
        if logical_id not in self._identities:
            self._identities[logical_id] = None  # a reference cycle resolves to "no such resource"
            self._identities[logical_id] = self._compute_identity(logical_id)
        return self._identities[logical_id]

    def _name(self, logical_id: str, spec: dict[str, Any], name_property: str, lower: bool = False) -> str:
        raw = (spec.get("Properties") or {}).get(name_property)
        try:
            name = self.resolver.resolve(raw) if raw is not None else None
        except ResolveError:
            name = None  # reported when the resource itself is read
        if not isinstance(name, str):
            name = logical_id.lower() if lower else logical_id
        return name

    def _compute_identity(self, logical_id: str) -> Identity | None:
        spec = self.resources.get(logical_id)
        if not isinstance(spec, dict):
            return None
        kind = spec.get("Type")
        if kind == "AWS::Serverless::Function":
            name = self._name(logical_id, spec, "FunctionName")
            return Identity(name, {"Arn": arn("lambda", f"function:{name}")})
        if kind == "AWS::SQS::Queue":
            fifo = (spec.get("Properties") or {}).get("FifoQueue") in (True, "true")
            name = self._name(logical_id, spec, "QueueName")
            if fifo and not name.endswith(".fifo"):
                name += ".fifo"
            queue = Queue(logical_id, 0, name)
            return Identity(queue.url, {"Arn": queue.arn, "QueueName": name, "QueueUrl": queue.url})
        if kind == "AWS::SNS::Topic":
            topic = Topic(logical_id, 0, self._name(logical_id, spec, "TopicName"))
            return Identity(topic.arn, {"TopicArn": topic.arn, "TopicName": topic.name})
        if kind == "AWS::Kinesis::Stream":
            stream = Stream(logical_id, 0, self._name(logical_id, spec, "Name"))
            return Identity(stream.name, {"Arn": stream.arn})
        if kind == "AWS::DynamoDB::Table":
            table = Table(logical_id, 0, self._name(logical_id, spec, "TableName"))
            return Identity(table.name, {"Arn": table.arn, "StreamArn": table.stream_arn})
        if kind == "AWS::S3::Bucket":
            bucket = Bucket(logical_id, 0, self._name(logical_id, spec, "BucketName", lower=True))
            return Identity(bucket.name, {"Arn": bucket.arn, "DomainName": f"{bucket.name}.s3.amazonaws.com"})
        if kind == "AWS::Events::EventBus":
            bus = EventBus(logical_id, 0, self._name(logical_id, spec, "Name"))
            return Identity(bus.name, {"Arn": bus.arn, "Name": bus.name})
        if kind == "AWS::Serverless::StateMachine":
            return Identity(*state_machines.identity(logical_id, spec))
        shipping = template_shipping.identity_ref(self, logical_id, str(kind), spec)
        if shipping is not None:
            return Identity(*shipping)
        # Other types are not simulated, but a reference to them should still resolve to something stable.
        return Identity(logical_id, {"Arn": arn("cloudformation", f"resource/{logical_id}")})

    # -- resources ----------------------------------------------------------------------------------------

    def _function_globals(self) -> dict[str, Any]:
        globals_section = self.source.data.get("Globals") or {}
        function_globals = globals_section.get("Function") if isinstance(globals_section, dict) else None
        for section in globals_section if isinstance(globals_section, dict) else ():
            if section != "Function":
                self.notice(("Globals", section), f"Globals.{section} is not simulated locally (ignored)")
        return function_globals if isinstance(function_globals, dict) else {}

    def read(self) -> App:
        readers: dict[str, Callable[[str, _Props], None]] = {
            "AWS::Serverless::Function": self._function,
            "AWS::SQS::Queue": self._queue,
            "AWS::SNS::Topic": self._topic,
            "AWS::Kinesis::Stream": self._stream,
            "AWS::DynamoDB::Table": self._table,
            "AWS::S3::Bucket": self._bucket,
            "AWS::Events::EventBus": self._bus,
            "AWS::Serverless::LayerVersion": partial(template_shipping.read_layer, self),
            "AWS::CloudWatch::Alarm": partial(template_shipping.read_alarm, self),
            "AWS::Lambda::Version": partial(template_shipping.read_version, self),
            "AWS::Lambda::Alias": partial(template_shipping.read_alias, self),
            "AWS::Serverless::StateMachine": partial(state_machines.read_state_machine, self),
        }
        for section in self.source.data:
            if section not in TOP_LEVEL_READ:
                self.notice((section,), f"the {section} section is not simulated locally (ignored)")
        for logical_id, spec in self.resources.items():
            where = ("Resources", logical_id)
            if not isinstance(spec, dict) or not isinstance(spec.get("Type"), str):
                self.error(where, "a resource needs a Type")
                continue
            kind = spec["Type"]
            for attribute in spec:
                if attribute not in ("Type", "Properties"):
                    self.notice((*where, attribute), f"resource attribute {attribute} is not simulated locally (ignored)")
            if kind not in readers:
                self.notice((*where, "Type"), f"{kind} is not simulated locally (skipped)")
                continue
            properties = spec.get("Properties") or {}
            if not isinstance(properties, dict):
                self.error((*where, "Properties"), "expected a mapping")
                continue
            props = _Props(self, (*where, "Properties"), properties)
            readers[kind](logical_id, props)
            props.report_unused(kind)
        self._check_references()
        return self.app

    def _line(self, logical_id: str) -> int:
        return self.source.line("Resources", logical_id)

    def _function(self, logical_id: str, own: _Props) -> None:
        merged = {**self._globals, **own.values}
        if isinstance(self._globals.get("Environment"), dict) and isinstance(own.values.get("Environment"), dict):
            variables = {**(self._globals["Environment"].get("Variables") or {}), **(own.values["Environment"].get("Variables") or {})}
            merged["Environment"] = {"Variables": variables}
        props = _Props(self, own.path, merged)
        handler = props.text("Handler")
        code_uri = props.text("CodeUri", ".")
        if handler is None:
            props.error("required (module.function)", "Handler")
        runtime = props.text("Runtime", "python3.13")
        if runtime not in PYTHON_RUNTIMES:
            props.error(f"{runtime!r}: the local runtime runs Python ({', '.join(PYTHON_RUNTIMES)})", "Runtime")
            runtime = "python3.13"
        code_dir = (self.path.parent / (code_uri or ".")).resolve()
        if not code_dir.is_dir():
            props.error(f"code folder {code_uri} does not exist (relative to the template)", "CodeUri")
        architectures = props.raw("Architectures", ["x86_64"])
        environment = props.mapping("Environment")
        variables = (environment.raw("Variables", {}) if environment else {}) or {}
        if environment:
            environment.report_unused("Environment")
        function = Function(
            logical_id,
            self._line(logical_id),
            name=self._identity(logical_id).ref,  # type: ignore[union-attr]
            code_dir=code_dir,
            handler=handler or "",
            runtime=runtime or "python3.13",
            memory_mb=props.integer("MemorySize", 128, 128, 10240) or 128,
            timeout_s=props.integer("Timeout", 3, 1, 900) or 3,
            environment={str(key): "" if value is None else str(value) for key, value in variables.items()},
            architecture=architectures[0] if isinstance(architectures, list) and architectures else "x86_64",
            reserved_concurrency=props.integer("ReservedConcurrentExecutions", None, 0, 1000),
            recursive_loop=props.text("RecursiveLoop", "Terminate", ("Terminate", "Allow")) or "Terminate",
        )
        props.raw("FunctionName")
        function.async_config = self._async_config(props.mapping("EventInvokeConfig"))
        dead_letter = props.mapping("DeadLetterQueue")
        if dead_letter is not None:
            dead_letter.text("Type", None, ("SQS", "SNS"))
            function.dead_letter_arn = dead_letter.text("TargetArn")
            if function.dead_letter_arn is None:
                dead_letter.error("required", "TargetArn")
            dead_letter.report_unused("DeadLetterQueue")
        template_shipping.read_function_shipping(self, function, props)
        self._check_config(function, props)
        self.app.functions[logical_id] = function
        events = props.mapping("Events")
        for event_name, event in (events.values.items() if events else ()):
            self._event(function, event_name, _Props(self, events.where(event_name), event if isinstance(event, dict) else {}))  # type: ignore[union-attr]
        own.used.update(props.used)  # the caller reports the function's own unused properties

    def _check_config(self, function: Function, props: _Props) -> None:
        """What CreateFunction would refuse (reserved environment keys, a 4 KB environment...), in its words."""
        try:
            function.runtime_config().validated()
        except ConfigError as error:
            props.error(str(error), "Environment" if "environment" in str(error).lower() else "Handler")

    def _async_config(self, props: _Props | None) -> AsyncConfig:
        config = AsyncConfig()
        if props is None:
            return config
        config.maximum_retry_attempts = props.integer("MaximumRetryAttempts", 2, 0, 2)  # type: ignore[assignment]
        config.maximum_event_age_s = props.integer("MaximumEventAgeInSeconds", 21600, 60, 21600)  # type: ignore[assignment]
        destinations = props.mapping("DestinationConfig")
        if destinations is not None:
            config.on_success = self._destination(destinations.mapping("OnSuccess"), allow_s3=False)
            config.on_failure = self._destination(destinations.mapping("OnFailure"), allow_s3=True)
            destinations.report_unused("DestinationConfig")
        props.report_unused("EventInvokeConfig")
        return config

    def _destination(self, props: _Props | None, *, allow_s3: bool) -> str | None:
        if props is None:
            return None
        kind = props.text("Type", None, DESTINATION_TYPES)
        if kind == "S3Bucket" and not allow_s3:
            props.error("an S3 bucket can only be an on-failure destination", "Type")
        target = props.text("Destination")
        if target is None:
            props.error("required (the ARN of the destination)", "Destination")
        props.report_unused("destination")
        return target

    def _event(self, function: Function, name: str, event: _Props) -> None:
        kind = event.text("Type")
        properties = event.mapping("Properties") or _Props(self, event.where("Properties"), {})
        line = self.source.line(*event.path)
        if kind in ("SQS", "Kinesis", "DynamoDB"):
            self._mapping(function, name, kind, properties, line)
        elif kind == "SNS":
            topic = properties.text("Topic")
            if properties.require("Topic") and topic:
                self.app.triggers.append(Trigger(name, line, function.logical_id, "SNS", topic))
        elif kind == "S3":
            self._s3_trigger(function, name, properties, line)
        elif kind in ("EventBridgeRule", "CloudWatchEvent"):
            self._rule_trigger(function, name, properties, line)
        elif kind in ("Schedule", "ScheduleV2"):
            expression_key = "Schedule" if kind == "Schedule" else "ScheduleExpression"
            expression = properties.text(expression_key)
            if properties.require(expression_key) and expression:
                trigger = Trigger(name, line, function.logical_id, "Schedule", expression)
                trigger.input = properties.raw("Input")
                trigger.enabled = properties.flag("Enabled", True)
                if kind == "ScheduleV2":
                    trigger.enabled = properties.text("State", "ENABLED", ("ENABLED", "DISABLED")) == "ENABLED"
                self.app.triggers.append(trigger)
        else:
            self.notice(event.where("Type"), f"event type {kind} is not simulated locally (skipped)")
            return
        properties.report_unused(f"{kind} event")
        event.report_unused("event")

    def _mapping(self, function: Function, name: str, kind: str, props: _Props, line: int) -> None:
        source_key = {"SQS": "Queue", "Kinesis": "Stream", "DynamoDB": "Stream"}[kind]
        source = props.text(source_key)
        if not props.require(source_key) or source is None:
            return
        is_sqs = kind == "SQS"
        mapping = Mapping(name, line, function.logical_id, kind, source)
        mapping.batch_size = props.integer("BatchSize", 10 if is_sqs else 100, 1, 10000) or mapping.batch_size
        mapping.batching_window_s = props.integer("MaximumBatchingWindowInSeconds", 0, 0, 300) or 0
        responses = props.raw("FunctionResponseTypes", []) or []
        if not isinstance(responses, list) or any(value != "ReportBatchItemFailures" for value in responses):
            props.error("the only response type is ReportBatchItemFailures", "FunctionResponseTypes")
        mapping.report_batch_item_failures = "ReportBatchItemFailures" in (responses if isinstance(responses, list) else [])
        mapping.enabled = props.flag("Enabled", True)
        mapping.filter_patterns = self._filters(props.mapping("FilterCriteria"))
        if is_sqs:
            scaling = props.mapping("ScalingConfig")
            if scaling is not None:
                mapping.maximum_concurrency = scaling.integer("MaximumConcurrency", None, 2, 1000)
                scaling.report_unused("ScalingConfig")
        else:
            positions = STARTING_POSITIONS if kind == "Kinesis" else STARTING_POSITIONS[:2]
            if props.require("StartingPosition"):
                mapping.starting_position = props.text("StartingPosition", "TRIM_HORIZON", positions) or "TRIM_HORIZON"
            mapping.bisect_on_error = props.flag("BisectBatchOnFunctionError", False)
            mapping.maximum_retry_attempts = props.integer("MaximumRetryAttempts", -1, 0, 10000, also=(-1,))  # type: ignore[assignment]
            mapping.maximum_record_age_s = props.integer("MaximumRecordAgeInSeconds", -1, 60, 604800, also=(-1,))  # type: ignore[assignment]
            mapping.parallelization_factor = props.integer("ParallelizationFactor", 1, 1, 10) or 1
            destinations = props.mapping("DestinationConfig")
            if destinations is not None:
                on_failure = destinations.mapping("OnFailure")
                if on_failure is not None:
                    mapping.on_failure = on_failure.text("Destination")
                    on_failure.raw("Type")
                    on_failure.report_unused("OnFailure")
                destinations.report_unused("DestinationConfig")
        if is_sqs and mapping.batch_size > 10 and mapping.batching_window_s < 1:
            props.error("a batch size over 10 needs MaximumBatchingWindowInSeconds of at least 1", "BatchSize")
        self.app.mappings.append(mapping)

    def _filters(self, props: _Props | None) -> list[dict[str, Any]]:
        import json

        if props is None:
            return []
        patterns = []
        filters = props.raw("Filters", []) or []
        for index, entry in enumerate(filters if isinstance(filters, list) else []):
            pattern = entry.get("Pattern") if isinstance(entry, dict) else None
            try:
                parsed = json.loads(pattern) if isinstance(pattern, str) else pattern
            except ValueError as error:
                props.error(f"the pattern is not JSON: {error}", "Filters", index, "Pattern")
                continue
            if not isinstance(parsed, dict):
                props.error("expected a JSON object pattern", "Filters", index, "Pattern")
                continue
            patterns.append(parsed)
        props.report_unused("FilterCriteria")
        return patterns

    def _s3_trigger(self, function: Function, name: str, props: _Props, line: int) -> None:
        bucket = props.text("Bucket")
        if not props.require("Bucket") or bucket is None:
            return
        events = props.raw("Events", [])
        events = [events] if isinstance(events, str) else events
        if not events:
            props.error("required (for example s3:ObjectCreated:*)", "Events")
        trigger = Trigger(name, line, function.logical_id, "S3", bucket, s3_events=tuple(events or ()))
        key_filter = props.raw("Filter") or {}
        rules = ((key_filter.get("S3Key") or {}).get("Rules") or []) if isinstance(key_filter, dict) else []
        for rule in rules:
            rule_name = str(rule.get("Name", "")).lower() if isinstance(rule, dict) else ""
            if rule_name == "prefix":
                trigger.s3_prefix = str(rule.get("Value", ""))
            elif rule_name == "suffix":
                trigger.s3_suffix = str(rule.get("Value", ""))
            else:
                props.error("a key filter rule is {Name: prefix|suffix, Value: ...}", "Filter")
        self.app.triggers.append(trigger)

    def _rule_trigger(self, function: Function, name: str, props: _Props, line: int) -> None:
        """An EventBridge rule on `EventBusName` (the default bus when absent) whose `Pattern` invokes the
        function asynchronously (SAM's EventBridgeRule; CloudWatchEvent is its older name)."""
        bus = props.text("EventBusName", DEFAULT_BUS) or DEFAULT_BUS
        pattern = props.raw("Pattern")
        if not props.require("Pattern"):
            return
        problem = pattern_problem(pattern)
        if problem:
            props.error(problem, "Pattern")
            return
        trigger = Trigger(name, line, function.logical_id, "EventBridge", bus, pattern=pattern, input=props.raw("Input"))
        trigger.enabled = props.text("State", "ENABLED", RULE_STATES) != "DISABLED"
        self.app.triggers.append(trigger)

    def _queue(self, logical_id: str, props: _Props) -> None:
        identity = self._identity(logical_id)
        props.raw("QueueName")
        props.raw("FifoQueue")
        queue = Queue(logical_id, self._line(logical_id), identity.attributes["QueueName"])  # type: ignore[union-attr]
        queue.visibility_timeout_s = props.integer("VisibilityTimeout", 30, 0, 43200) or 0
        queue.content_based_deduplication = props.flag("ContentBasedDeduplication", False)
        redrive = props.raw("RedrivePolicy")
        if isinstance(redrive, str):
            import json

            try:
                redrive = json.loads(redrive)
            except ValueError:
                props.error("expected a mapping or a JSON object", "RedrivePolicy")
                redrive = None
        if isinstance(redrive, dict):
            target, count = redrive.get("deadLetterTargetArn"), redrive.get("maxReceiveCount")
            if not isinstance(target, str):
                props.error("deadLetterTargetArn is required", "RedrivePolicy")
            elif isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
                props.error(f"maxReceiveCount must be 1 to 1000, got {count!r}", "RedrivePolicy")
            else:
                queue.redrive = RedrivePolicy(target, count)
        self.app.queues[logical_id] = queue

    def _topic(self, logical_id: str, props: _Props) -> None:
        props.raw("TopicName")
        topic = Topic(logical_id, self._line(logical_id), self._identity(logical_id).attributes["TopicName"])  # type: ignore[union-attr]
        for index, entry in enumerate(props.raw("Subscription", []) or []):
            protocol = str(entry.get("Protocol", "")).lower() if isinstance(entry, dict) else ""
            if protocol not in ("sqs", "lambda"):
                props.error("the local topic delivers to sqs and lambda subscriptions", "Subscription", index)
                continue
            topic.subscriptions.append(Subscription(protocol, str(entry.get("Endpoint"))))
        self.app.topics[logical_id] = topic

    def _stream(self, logical_id: str, props: _Props) -> None:
        props.raw("Name")
        stream = Stream(logical_id, self._line(logical_id), self._identity(logical_id).ref)  # type: ignore[union-attr]
        stream.shard_count = props.integer("ShardCount", 1, 1, 64) or 1
        self.app.streams[logical_id] = stream

    def _table(self, logical_id: str, props: _Props) -> None:
        props.raw("TableName")
        table = Table(logical_id, self._line(logical_id), self._identity(logical_id).ref)  # type: ignore[union-attr]
        key_schema = props.raw("KeySchema", []) or []
        table.key_names = tuple(str(key.get("AttributeName")) for key in key_schema if isinstance(key, dict))
        if not table.key_names:
            props.error("required (a HASH key at least)", "KeySchema")
        definitions = props.raw("AttributeDefinitions", []) or []
        types = {str(d.get("AttributeName")): str(d.get("AttributeType", "S")) for d in definitions if isinstance(d, dict)}
        table.key_types = tuple(types.get(name, "S") for name in table.key_names)
        props.raw("BillingMode")
        stream = props.mapping("StreamSpecification")
        if stream is not None:
            views = ("NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY")
            table.stream_view_type = stream.text("StreamViewType", "NEW_AND_OLD_IMAGES", views)
            stream.report_unused("StreamSpecification")
        self.app.tables[logical_id] = table

    def _bucket(self, logical_id: str, props: _Props) -> None:
        props.raw("BucketName")
        self.app.buckets[logical_id] = Bucket(logical_id, self._line(logical_id), self._identity(logical_id).ref)  # type: ignore[union-attr]

    def _bus(self, logical_id: str, props: _Props) -> None:
        props.raw("Name")
        self.app.buses[logical_id] = EventBus(logical_id, self._line(logical_id), self._identity(logical_id).ref)  # type: ignore[union-attr]

    # -- wiring -------------------------------------------------------------------------------------------

    def _check_references(self) -> None:
        """Every ARN a function, queue or mapping points at must name a resource of the right kind here."""
        app = self.app
        template_shipping.check_shipping_references(self)
        state_machines.check_references(self)

        def expect(target: str | None, kinds: tuple[type, ...], where: tuple[Any, ...], what: str) -> None:
            if target is None:
                return
            resource = app.by_arn(target) or app.function_named(target)
            if EventBus in kinds and target == bus_arn(DEFAULT_BUS):
                return
            if resource is None or not isinstance(resource, kinds):
                self.error(where, f"{what} {target} is not a {' or '.join(kind.__name__.lower() for kind in kinds)} in this template")

        destination_kinds = (Queue, Topic, Function, EventBus, Bucket)
        for function in app.functions.values():
            base = ("Resources", function.logical_id, "Properties")
            expect(function.async_config.on_success, destination_kinds, (*base, "EventInvokeConfig"), "destination")
            expect(function.async_config.on_failure, destination_kinds, (*base, "EventInvokeConfig"), "destination")
            expect(function.dead_letter_arn, (Queue, Topic), (*base, "DeadLetterQueue"), "dead-letter target")
        for queue in app.queues.values():
            if queue.redrive:
                expect(queue.redrive.dead_letter_arn, (Queue,), ("Resources", queue.logical_id, "Properties", "RedrivePolicy"), "dead-letter queue")
        for mapping in app.mappings:
            where = ("Resources", mapping.function, "Properties", "Events", mapping.logical_id)
            resource = app.by_arn(mapping.source_arn)
            wanted = {"SQS": Queue, "Kinesis": Stream, "DynamoDB": Table}[mapping.kind]
            if not isinstance(resource, wanted):
                self.error(where, f"{mapping.source_arn} is not a {wanted.__name__.lower()} in this template")
            elif isinstance(resource, Table) and resource.stream_view_type is None:
                self.error(where, f"table {resource.logical_id} has no StreamSpecification")
            elif isinstance(resource, Queue) and resource.fifo and (mapping.batch_size > 10 or mapping.batching_window_s):
                self.error(where, "a FIFO queue takes a batch size of at most 10 and no batching window")
            expect(mapping.on_failure, (Queue, Topic, Bucket), where, "on-failure destination")
        for trigger in app.triggers:
            where = ("Resources", trigger.function, "Properties", "Events", trigger.logical_id)
            if trigger.kind == "SNS":
                topic = app.by_arn(trigger.source)
                if isinstance(topic, Topic):
                    topic.subscriptions.append(Subscription("lambda", app.functions[trigger.function].arn))
                else:
                    self.error(where, f"{trigger.source} is not a topic in this template")
            elif trigger.kind == "S3" and app.find(app.buckets, trigger.source) is None:
                self.error(where, f"bucket {trigger.source} is not in this template (SAM needs !Ref to a bucket here)")
            elif trigger.kind == "EventBridge" and trigger.source != DEFAULT_BUS:
                bus = app.find(app.buses, trigger.source)
                if bus is None:
                    self.error((*where, "Properties", "EventBusName"), f"event bus {trigger.source} is neither {DEFAULT_BUS} nor a bus of this template")
                else:
                    trigger.source = bus.name
        for topic in app.topics.values():
            for subscription in topic.subscriptions:
                expect(subscription.endpoint, (Queue, Function), ("Resources", topic.logical_id, "Properties", "Subscription"), "subscriber")
