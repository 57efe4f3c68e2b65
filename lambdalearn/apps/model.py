"""The model of an event-driven app: what a SAM template declares, resolved to names and ARNs.

`template.read_app` builds an `App` from `template.yaml`; the local services, the async invoker and the pollers
run from it. Each resource keeps its logical id and the line it was declared on, so a later error can say
where. Extend by adding a dataclass here and its reader in `template.py` (one function per resource type).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdalearn.runtime.config import ACCOUNT_ID, FunctionConfig

REGION = "us-east-1"
DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2  # async invocation: two retries of a function error
DEFAULT_MAXIMUM_EVENT_AGE_S = 21600  # six hours in the async event queue
DEFAULT_VISIBILITY_TIMEOUT_S = 30


def arn(service: str, resource: str) -> str:
    """An ARN in the local app's account and Region (`arn:aws:sqs:us-east-1:123456789012:orders`)."""
    return f"arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{resource}"


@dataclass
class Resource:
    """What every resource has: its logical id in the template and the line it starts on."""

    logical_id: str
    line: int


@dataclass
class AsyncConfig:
    """EventInvokeConfig: how Lambda retries an asynchronous event and where it sends the outcome."""

    maximum_retry_attempts: int = DEFAULT_MAXIMUM_RETRY_ATTEMPTS
    maximum_event_age_s: int = DEFAULT_MAXIMUM_EVENT_AGE_S
    on_success: str | None = None  # a destination ARN
    on_failure: str | None = None


@dataclass
class Function(Resource):
    """An AWS::Serverless::Function run by the mini-runtime."""

    name: str
    code_dir: Path
    handler: str
    runtime: str = "python3.13"
    memory_mb: int = 128
    timeout_s: float = 3.0
    environment: dict[str, str] = field(default_factory=dict)
    architecture: str = "x86_64"
    reserved_concurrency: int | None = None
    async_config: AsyncConfig = field(default_factory=AsyncConfig)
    dead_letter_arn: str | None = None  # DeadLetterQueue (SQS or SNS): the event only, after async retries
    recursive_loop: str = "Terminate"  # or "Allow"
    layers: list[str] = field(default_factory=list)  # logical ids of its LayerVersions, in order
    auto_publish_alias: str | None = None  # SAM publishes a version on each deploy and points this alias at it
    provisioned_concurrency: int = 0  # on the AutoPublishAlias (SAM's ProvisionedConcurrencyConfig)
    deployment: DeploymentSpec | None = None
    url: FunctionUrl | None = None

    @property
    def arn(self) -> str:
        return arn("lambda", f"function:{self.name}")

    def runtime_config(self) -> FunctionConfig:
        """The mini-runtime's configuration of this function (call `validated()` to check it)."""
        return FunctionConfig(
            handler=self.handler,
            code_dir=self.code_dir,
            function_name=self.name,
            memory_mb=self.memory_mb,
            timeout_s=self.timeout_s,
            environment=dict(self.environment),
            architecture=self.architecture,
            reserved_concurrency=self.reserved_concurrency,
            runtime=self.runtime,
        )


@dataclass
class RedrivePolicy:
    """A queue's dead-letter queue: a message received more than `max_receive_count` times moves there."""

    dead_letter_arn: str
    max_receive_count: int


@dataclass
class Queue(Resource):
    """An AWS::SQS::Queue."""

    name: str
    visibility_timeout_s: int = DEFAULT_VISIBILITY_TIMEOUT_S
    redrive: RedrivePolicy | None = None
    content_based_deduplication: bool = False

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")

    @property
    def arn(self) -> str:
        return arn("sqs", self.name)

    @property
    def url(self) -> str:
        return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{self.name}"


@dataclass
class Subscription:
    """An SNS subscription: protocol `sqs` or `lambda`, and the endpoint ARN."""

    protocol: str
    endpoint: str


@dataclass
class Topic(Resource):
    """An AWS::SNS::Topic and its subscriptions (from `Subscription` and from functions' SNS events)."""

    name: str
    subscriptions: list[Subscription] = field(default_factory=list)

    @property
    def arn(self) -> str:
        return arn("sns", self.name)


@dataclass
class Stream(Resource):
    """An AWS::Kinesis::Stream."""

    name: str
    shard_count: int = 1

    @property
    def arn(self) -> str:
        return arn("kinesis", f"stream/{self.name}")


@dataclass
class Table(Resource):
    """An AWS::DynamoDB::Table; `stream_view_type` set when it has a stream (one shard locally)."""

    name: str
    key_names: tuple[str, ...] = ()
    key_types: tuple[str, ...] = ()  # S, N or B per key attribute
    stream_view_type: str | None = None

    @property
    def arn(self) -> str:
        return arn("dynamodb", f"table/{self.name}")

    @property
    def stream_arn(self) -> str:
        return f"{self.arn}/stream/1970-01-01T00:00:00.000"


@dataclass
class Bucket(Resource):
    """An AWS::S3::Bucket."""

    name: str

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


@dataclass
class EventBus(Resource):
    """An AWS::Events::EventBus: a destination, and where EventBridge rules watch for events."""

    name: str

    @property
    def arn(self) -> str:
        return arn("events", f"event-bus/{self.name}")


@dataclass
class Mapping(Resource):
    """An event source mapping (a function's SQS, Kinesis or DynamoDB event): Lambda polls the source.

    Fields follow CreateEventSourceMapping; those that do not apply to a source keep their defaults.
    """

    function: str  # logical id
    kind: str  # "SQS", "Kinesis" or "DynamoDB"
    source_arn: str
    batch_size: int = 10
    batching_window_s: int = 0
    report_batch_item_failures: bool = False
    maximum_concurrency: int | None = None  # SQS ScalingConfig
    filter_patterns: list[dict[str, Any]] = field(default_factory=list)
    enabled: bool = True
    starting_position: str = "TRIM_HORIZON"
    bisect_on_error: bool = False
    maximum_retry_attempts: int = -1  # -1: until the record expires
    maximum_record_age_s: int = -1  # -1: the stream's retention
    on_failure: str | None = None  # destination ARN (streams)
    parallelization_factor: int = 1

    @property
    def uuid(self) -> str:
        """A stable identifier, as the mapping's UUID would be (the timeline names mappings by it)."""
        return f"{self.function}-{self.logical_id}"


@dataclass
class Trigger(Resource):
    """A push source that invokes a function asynchronously: SNS, S3, a schedule or an EventBridge rule."""

    function: str  # logical id
    kind: str  # "SNS", "S3", "Schedule", "EventBridge"
    source: str  # topic ARN, bucket name, schedule expression, or event bus name
    s3_events: tuple[str, ...] = ()
    s3_prefix: str = ""
    s3_suffix: str = ""
    input: Any = None  # a schedule's or rule's Input: JSON text sent instead of the event
    enabled: bool = True
    pattern: dict[str, Any] = field(default_factory=dict)  # an EventBridge rule's event pattern


@dataclass
class Notice:
    """Something in the template the local app does not simulate: reported, never silently dropped."""

    line: int
    path: str
    message: str


@dataclass
class App:
    """A whole template: resources by logical id, the mappings and triggers, and what was not simulated."""

    path: Path
    functions: dict[str, Function] = field(default_factory=dict)
    queues: dict[str, Queue] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    streams: dict[str, Stream] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    buckets: dict[str, Bucket] = field(default_factory=dict)
    buses: dict[str, EventBus] = field(default_factory=dict)
    mappings: list[Mapping] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    layers: dict[str, LayerVersion] = field(default_factory=dict)
    alarms: dict[str, AlarmResource] = field(default_factory=dict)
    versions: dict[str, VersionResource] = field(default_factory=dict)
    aliases: dict[str, AliasResource] = field(default_factory=dict)
    state_machines: dict[str, Any] = field(default_factory=dict)  # apps.state_machines.StateMachine by logical id

    def resources(self) -> list[Resource]:
        """Every resource, in template order."""
        every: list[Resource] = [
            *self.functions.values(),
            *self.queues.values(),
            *self.topics.values(),
            *self.streams.values(),
            *self.tables.values(),
            *self.buckets.values(),
            *self.buses.values(),
        ]
        return sorted(every, key=lambda resource: resource.line)

    def by_arn(self, target: str) -> Resource | None:
        """The resource an ARN names (a table's stream ARN names the table), or None."""
        for resource in self.resources():
            if getattr(resource, "arn", None) == target or getattr(resource, "stream_arn", None) == target:
                return resource
        return None

    def function_named(self, name: str) -> Function | None:
        """A function by logical id, function name or ARN."""
        for function in self.functions.values():
            if name in (function.logical_id, function.name, function.arn):
                return function
        return None

    def find(self, kind: dict[str, Any], name: str) -> Any:
        """A queue/topic/stream/table/bucket from `kind` by logical id, name, ARN or (queues) URL."""
        for resource in kind.values():
            if name in (resource.logical_id, resource.name, resource.arn, getattr(resource, "url", None)):
                return resource
        return None


@dataclass
class LayerVersion(Resource):
    """An AWS::Serverless::LayerVersion: a folder extracted under /opt of the functions that list it."""

    name: str
    content_dir: Path

    @property
    def arn(self) -> str:
        return arn("lambda", f"layer:{self.name}:1")


@dataclass
class DeploymentSpec:
    """A function's DeploymentPreference: how CodeDeploy shifts its AutoPublishAlias, and what it watches."""

    type: str
    alarms: list[str] = field(default_factory=list)  # logical ids of AWS::CloudWatch::Alarm resources
    pre_traffic_hook: str | None = None  # logical ids of hook functions
    post_traffic_hook: str | None = None
    enabled: bool = True


@dataclass
class FunctionUrl:
    """A function's FunctionUrlConfig."""

    auth_type: str = "AWS_IAM"
    invoke_mode: str = "BUFFERED"


@dataclass
class AlarmResource(Resource):
    """An AWS::CloudWatch::Alarm on a function's AWS/Lambda metrics, evaluated locally (see apps/alarms.py)."""

    name: str
    alarm: Any  # lambdalearn.apps.alarms.Alarm


@dataclass
class AliasResource(Resource):
    """An AWS::Lambda::Alias: `function` (logical id) -> `version` (a Version's logical id or a number)."""

    function: str
    alias_name: str
    version: str
    routing: dict[str, float] = field(default_factory=dict)  # Version logical id or number -> weight
    provisioned_concurrency: int = 0


@dataclass
class VersionResource(Resource):
    """An AWS::Lambda::Version: a snapshot of `function` as deployed (numbered in template order)."""

    function: str
    number: str
    provisioned_concurrency: int = 0

