"""Gradual deployments of a function alias, as SAM's `DeploymentPreference` runs them through CodeDeploy.

The steps a learner should watch (AWS docs: SAM "Deploying serverless applications gradually", CodeDeploy
"Deployment configurations on an AWS Lambda compute platform" and "AppSpec 'hooks' section for an AWS
Lambda deployment"):

1. the PreTraffic hook function runs before any traffic moves; if it fails, the deployment fails and the
   alias never changes;
2. the alias's weights shift: `Canary10Percent5Minutes` sends 10 % to the new version, waits 5 minutes, then
   sends the rest; `Linear10PercentEvery1Minute` adds 10 % a minute (10 % at once, 100 % after 9 minutes);
   `AllAtOnce` switches at once;
3. all the while the alarms are watched; one in ALARM rolls the alias back to the old version at once;
4. with 100 % shifted the PostTraffic hook runs; its failure rolls back too. Then the deployment succeeds
   and the alias points at the new version alone.

Local simplification, said where it shows: a real hook reports its result with CodeDeploy's
`PutLifecycleEventHookExecutionStatus`; here the hook's own outcome is the report (an error, or a return value
of "Failed" or {"status": "Failed"}, fails it).

Time is AWS time on a `ManualClock` that the deployment drives itself, one AWS second a step: each step sends
that second's share of the traffic (`rate_per_s`) and waits for it, then moves the clock on. So every run of
the same release sees the same number of requests per second and the same alarm windows, however busy the
machine is; `pace_s` adds real seconds per step when a person is watching.
"""

from __future__ import annotations

import asyncio
import random
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lambdalearn.apps.alarms import Alarm, TimedRecord
from lambdalearn.runtime.clock import ManualClock
from lambdalearn.runtime.function import LambdaFunction
from lambdalearn.runtime.invoke_async import function_error
from lambdalearn.runtime.records import InvocationRecord

DEPLOYMENT_TYPES = (
    "Canary10Percent5Minutes",
    "Canary10Percent10Minutes",
    "Canary10Percent15Minutes",
    "Canary10Percent30Minutes",
    "Linear10PercentEvery1Minute",
    "Linear10PercentEvery2Minutes",
    "Linear10PercentEvery3Minutes",
    "Linear10PercentEvery10Minutes",
    "AllAtOnce",
)
_CANARY = re.compile(r"Canary(\d+)Percent(\d+)Minutes")
_LINEAR = re.compile(r"Linear(\d+)PercentEvery(\d+)Minutes?")

Emit = Callable[..., None]


class DeploymentError(ValueError):
    """A deployment preference that cannot run; the message names the part."""


def shift_steps(deployment_type: str) -> list[tuple[float, float]]:
    """(seconds after the start, share of traffic on the new version) for each shift of `deployment_type`."""
    if deployment_type not in DEPLOYMENT_TYPES:
        raise DeploymentError(f"deployment type {deployment_type!r} is not one of {', '.join(DEPLOYMENT_TYPES)}")
    if deployment_type == "AllAtOnce":
        return [(0.0, 1.0)]
    canary = _CANARY.fullmatch(deployment_type)
    if canary:
        percent, minutes = int(canary[1]), int(canary[2])
        return [(0.0, percent / 100), (minutes * 60.0, 1.0)]
    linear = _LINEAR.fullmatch(deployment_type)
    assert linear is not None
    percent, minutes = int(linear[1]), int(linear[2])
    steps, share, index = [], 0, 0
    while share < 100:
        share = min(100, share + percent)
        steps.append((index * minutes * 60.0, share / 100))
        index += 1
    return steps


@dataclass(frozen=True)
class DeploymentPreference:
    """What the template's `DeploymentPreference` asks for (hooks name functions of the app)."""

    type: str
    alarms: tuple[Alarm, ...] = ()
    pre_traffic_hook: str | None = None
    post_traffic_hook: str | None = None

    def __post_init__(self) -> None:
        shift_steps(self.type)


@dataclass(frozen=True)
class Traffic:
    """Requests sent to the alias while the deployment runs: `rate_per_s` of AWS time, each with `event`."""

    rate_per_s: float
    event: Any = field(default_factory=dict)


@dataclass
class DeploymentResult:
    status: str  # "Succeeded" or "Failed"
    reason: str = ""
    history: list[TimedRecord] = field(default_factory=list)


class Deployment:
    """One deployment of `alias` of `function` to a new version; `emit(kind, **fields)` reports each step."""

    def __init__(
        self,
        function: LambdaFunction,
        alias: str,
        preference: DeploymentPreference,
        *,
        clock: ManualClock,
        emit: Emit,
        hooks: Mapping[str, LambdaFunction] | None = None,
        traffic: Traffic | None = None,
        seed: int | None = None,
        pace_s: float = 0.0,
    ) -> None:
        self.function = function
        self.alias = alias
        self.preference = preference
        self.clock = clock
        self.emit = emit
        self.hooks = dict(hooks or {})
        self.traffic = traffic
        self.pace_s = pace_s
        self.deployment_id = "d-" + "".join(random.Random(seed).choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=9))
        self.history: list[TimedRecord] = []

    async def run(self, new_version: str) -> DeploymentResult:
        """Shift the alias to `new_version` step by step; roll back on an alarm or a failed hook."""
        old_version = self.function.versions.alias(self.alias).function_version
        self.emit("deployment", event="started", deployment_id=self.deployment_id, alias=self.alias,
                  from_version=old_version, to_version=new_version, type=self.preference.type)
        shifting = asyncio.create_task(self._shift(old_version, new_version))
        credit = 0.0
        while not shifting.done():
            if self.clock.sleepers == 0:
                await asyncio.wait({shifting}, timeout=0.01)  # real work (a hook, a re-provisioning): let it run
                continue
            if self.traffic is not None:
                credit += self.traffic.rate_per_s
                due, credit = int(credit), credit - int(credit)
                await asyncio.gather(*(self._one_request() for _ in range(due)))
            if self.pace_s:
                await asyncio.sleep(self.pace_s)
            await self.clock.advance(1.0)
        result = shifting.result()
        result.history = self.history
        self.emit("deployment", event=result.status.lower(), deployment_id=self.deployment_id, reason=result.reason)
        return result

    async def _shift(self, old: str, new: str) -> DeploymentResult:
        failure = await self._hook("PreTraffic", self.preference.pre_traffic_hook)
        if failure:
            return DeploymentResult("Failed", failure)  # nothing shifted, so nothing to roll back
        start = self.clock.now()
        for at, weight in shift_steps(self.preference.type):
            alarm = await self._watch_until(start + at)
            if alarm:
                return await self._roll_back(old, alarm)
            if weight >= 1.0:
                await self.function.update_alias(self.alias, function_version=new, routing={})
            else:
                await self.function.update_alias(self.alias, function_version=old, routing={new: weight})
            self.emit("deployment", event="shifted", alias=self.alias, weights={old: round(1 - weight, 4), new: weight}
                      if weight < 1.0 else {new: 1.0})
        alarm = await self._watch_until(self.clock.now())
        if alarm:
            return await self._roll_back(old, alarm)
        failure = await self._hook("PostTraffic", self.preference.post_traffic_hook)
        if failure:
            return await self._roll_back(old, failure)
        return DeploymentResult("Succeeded")

    async def _watch_until(self, deadline: float) -> str | None:
        """Wait until `deadline` (AWS time), checking the alarms at every period boundary; an alarm's reason."""
        periods = [alarm.period_s for alarm in self.preference.alarms]
        tick = min(periods) if periods else None
        while True:
            reason = self._alarm_reason()
            if reason:
                return reason
            remaining = deadline - self.clock.now()
            if remaining <= 0:
                return None
            await self.clock.sleep(min(remaining, tick) if tick else remaining)

    def _alarm_reason(self) -> str | None:
        now = self.clock.now()
        for alarm in self.preference.alarms:
            firing, point = alarm.in_alarm(self.history, now)
            if firing:
                self.emit("deployment", event="alarm", alarm=alarm.name, datapoint=point, threshold=alarm.threshold)
                return f"alarm {alarm.name} went to ALARM (datapoint {point:g}, threshold {alarm.threshold:g})"
        return None

    async def _roll_back(self, old: str, reason: str) -> DeploymentResult:
        await self.function.update_alias(self.alias, function_version=old, routing={})
        self.emit("deployment", event="rolled_back", alias=self.alias, weights={old: 1.0}, reason=reason)
        return DeploymentResult("Failed", reason)

    async def _hook(self, phase: str, name: str | None) -> str | None:
        """Run a lifecycle hook function; the reason it failed, or None."""
        if name is None:
            return None
        hook = self.hooks.get(name)
        if hook is None:
            return f"{phase} hook {name} is not a function of this app"
        event = {"DeploymentId": self.deployment_id, "LifecycleEventHookExecutionId": secrets.token_urlsafe(32)}
        record = await hook.invoke(event)
        status = _hook_status(record)
        self.emit("deployment", event="hook", phase=phase, function=name, status=status, request_id=record.request_id)
        return None if status == "Succeeded" else f"{phase} hook {name} reported {status}"

    async def _one_request(self) -> None:
        record = await self.function.invoke(self.traffic.event if self.traffic else {}, qualifier=self.alias)
        self.history.append(TimedRecord(self.clock.now(), record))
        name = self.function.versions.latest.function_name
        if record.status == "throttled":
            self.emit("throttle", function=name, source="deployment traffic", request_id=record.request_id)
            return
        self.emit(
            "invocation", function=name, qualifier=self.alias, executed_version=record.executed_version,
            request_id=record.request_id, attempt=1, invocation_type="RequestResponse", source="deployment traffic",
            status=record.status, error_type=record.error_type, function_error=function_error(record),
            cold_start=record.cold_start,
        )


def _hook_status(record: InvocationRecord) -> str:
    if record.status != "success":
        return "Failed"
    payload = record.payload
    said = payload.get("status") if isinstance(payload, dict) else payload
    return "Failed" if isinstance(said, str) and said.lower() == "failed" else "Succeeded"


@dataclass
class DeploymentTally:
    """What a screen shows of a deployment, kept up to date from its timeline events (`add`)."""

    weights: dict[str, float] = field(default_factory=dict)  # version -> share of the alias's traffic
    served: dict[str, int] = field(default_factory=dict)  # version -> requests it served
    failed: dict[str, int] = field(default_factory=dict)  # version -> requests that failed there
    status: str = "waiting"  # then "deploying", "succeeded", "failed", "created" or "unchanged"
    reason: str = ""

    def add(self, event: Mapping[str, Any]) -> None:
        if event["kind"] == "invocation" and event.get("executed_version"):
            version = event["executed_version"]
            self.served[version] = self.served.get(version, 0) + 1
            self.failed[version] = self.failed.get(version, 0) + (event["status"] != "success")
            return
        if event["kind"] != "deployment":
            return
        what = event["event"]
        if what == "started":
            self.status = "deploying"
            self.weights = {event["from_version"]: 1.0}
        elif what in ("shifted", "rolled_back"):
            self.weights = dict(event["weights"])
        elif what in ("created", "unchanged"):
            self.status, self.weights = what, {event["to_version"]: 1.0}
        elif what in ("succeeded", "failed"):
            self.status, self.reason = what, event.get("reason", "")
