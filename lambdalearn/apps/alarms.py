"""CloudWatch alarms over a function's invocations, as a deployment watches them.

A deployment rolls back when one of its alarms goes to ALARM, so what counts is how CloudWatch decides that:
the metric is aggregated per period (`Sum`, `Average`, `Maximum`, `Minimum`, `SampleCount`), compared with
the threshold, and the alarm fires when the last `EvaluationPeriods` periods all breach (a period with no
data is missing, not breaching: CloudWatch's default `TreatMissingData: missing`). Metrics are Lambda's own:
`Invocations`, `Errors` (function errors, not throttles), `Throttles` and `Duration`, for the alias
(`Resource: name:alias`) or one `ExecutedVersion`. A rate needs metric math: `Metrics` with two metric stats
and an expression such as `errors / invocations * 100` (AWS docs: "Using Amazon CloudWatch alarms",
"Using metric math", "Types of metrics for Lambda functions").
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from lambdalearn.runtime.records import InvocationRecord

METRICS = ("Invocations", "Errors", "Throttles", "Duration")
STATISTICS = ("Sum", "Average", "Maximum", "Minimum", "SampleCount")
COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanOrEqualToThreshold": operator.ge,
    "GreaterThanThreshold": operator.gt,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class AlarmDefinitionError(ValueError):
    """An alarm the local CloudWatch cannot evaluate; the message says which part."""


@dataclass(frozen=True)
class TimedRecord:
    """An invocation and the AWS time it ended at, which is when CloudWatch counts it."""

    at: float
    record: InvocationRecord


@dataclass(frozen=True)
class MetricStat:
    """One metric of the function: `metric` aggregated by `statistic`, for one version or all of them."""

    metric: str
    statistic: str = "Sum"
    executed_version: str | None = None

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise AlarmDefinitionError(f"metric {self.metric!r} is not one of {', '.join(METRICS)}")
        if self.statistic not in STATISTICS:
            raise AlarmDefinitionError(f"statistic {self.statistic!r} is not one of {', '.join(STATISTICS)}")

    def value(self, records: Sequence[InvocationRecord]) -> float | None:
        """This period's datapoint, or None when the period has no data."""
        if self.executed_version is not None:
            records = [r for r in records if r.executed_version == self.executed_version]
        samples = [_sample(self.metric, r) for r in records]
        samples = [s for s in samples if s is not None]
        if not samples:
            return None
        if self.statistic == "Sum":
            return float(sum(samples))
        if self.statistic == "Average":
            return sum(samples) / len(samples)
        if self.statistic == "Maximum":
            return float(max(samples))
        if self.statistic == "Minimum":
            return float(min(samples))
        return float(len(samples))


@dataclass(frozen=True)
class Alarm:
    """A CloudWatch alarm on one metric, or on a metric-math `expression` over named `stats`."""

    name: str
    threshold: float
    comparison: str = "GreaterThanOrEqualToThreshold"
    period_s: int = 60
    evaluation_periods: int = 1
    stats: Mapping[str, MetricStat] = None  # type: ignore[assignment]
    expression: str | None = None

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise AlarmDefinitionError(f"comparison {self.comparison!r} is not one of {', '.join(COMPARISONS)}")
        if self.period_s < 10 or self.evaluation_periods < 1:
            raise AlarmDefinitionError("Period must be at least 10 seconds and EvaluationPeriods at least 1")
        if not self.stats:
            raise AlarmDefinitionError("an alarm needs a metric")
        if self.expression is not None:
            _check_expression(self.expression, set(self.stats))
        elif len(self.stats) != 1:
            raise AlarmDefinitionError("several metrics need an expression that combines them")

    def datapoint(self, records: Sequence[InvocationRecord]) -> float | None:
        values = {name: stat.value(records) for name, stat in self.stats.items()}
        if self.expression is None:
            return next(iter(values.values()))
        if any(value is None for value in values.values()):
            return None
        return _evaluate(self.expression, values)  # type: ignore[arg-type]

    def in_alarm(self, history: Sequence[TimedRecord], now: float) -> tuple[bool, float | None]:
        """Whether the last `evaluation_periods` whole periods before `now` all breach, and the last datapoint."""
        breaches, last = [], None
        for index in range(self.evaluation_periods):
            end = now - index * self.period_s
            window = [timed.record for timed in history if end - self.period_s <= timed.at < end]
            point = self.datapoint(window)
            if index == 0:
                last = point
            breaches.append(point is not None and COMPARISONS[self.comparison](point, self.threshold))
        return all(breaches), last


def _sample(metric: str, record: InvocationRecord) -> float | None:
    throttled = record.status == "throttled"
    if metric == "Throttles":
        return 1.0 if throttled else 0.0
    if throttled:
        return None  # a throttled request is not an invocation: no Invocations, Errors or Duration sample
    if metric == "Invocations":
        return 1.0
    if metric == "Errors":
        return 1.0 if record.status == "error" else 0.0
    return record.duration_ms


def _check_expression(expression: str, names: set[str]) -> None:
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise AlarmDefinitionError(f"expression {expression!r} is not arithmetic over the metric ids") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in names:
            raise AlarmDefinitionError(f"expression {expression!r} names {node.id!r}, which is not one of its metrics")
        if not isinstance(node, (ast.Expression, ast.BinOp, ast.Name, ast.Constant, ast.Load, *_OPERATORS)):
            raise AlarmDefinitionError(f"expression {expression!r}: only + - * / over metric ids and numbers is supported")


def _evaluate(expression: str, values: Mapping[str, float]) -> float | None:
    def walk(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return values[node.id]
        assert isinstance(node, ast.BinOp)
        return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))

    try:
        return walk(ast.parse(expression, mode="eval"))
    except ZeroDivisionError:
        return None  # metric math gives no datapoint for a division by zero
