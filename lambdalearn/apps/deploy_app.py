"""`lambdalearn app deploy`: publish each AutoPublishAlias function's new version and move its alias as SAM would.

A deploy remembers what it published (in the data folder, one folder per template and function), so the
second deploy of changed code is a real release: version 2 is published and the alias moves from version 1
to 2 by the function's `DeploymentPreference` while traffic runs, watched by its alarms, rolled back when
one fires. As with SAM:

- the first deploy creates the alias on version 1 (no traffic shifting: there is nothing to shift from);
- an unchanged function publishes nothing and leaves its alias alone;
- without a `DeploymentPreference`, or with `Enabled: false`, the alias moves at once.

Times are AWS time on the deployment's own clock (see `apps/deploy.py`), counted from the start of the deploy;
the timeline has `deployment` lines (started, hook, shifted, alarm, rolled_back, succeeded/failed) and
`invocation` lines for the traffic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lambdalearn.apps.deploy import Deployment, DeploymentPreference, Traffic
from lambdalearn.apps.model import App, Function
from lambdalearn.apps.template_shipping import runtime_config_with_layers
from lambdalearn.apps.timeline import Event, Timeline
from lambdalearn.runtime.clock import ManualClock
from lambdalearn.runtime.function import LambdaFunction
from lambdalearn.runtime.versions import FunctionVersions

DEFAULT_TIME_SCALE = 60.0  # a five-minute canary passes in five seconds
DEFAULT_RATE_PER_S = 1.0


@dataclass
class DeployOutcome:
    """What one function's deploy did: its alias, the versions, and whether the release went through."""

    function: str
    alias: str
    from_version: str | None
    to_version: str
    status: str  # "Created", "Unchanged", "Succeeded" or "Failed"
    reason: str = ""


def state_folder(data_dir: Path, template: Path) -> Path:
    """Where deploys of `template` keep their versions (one subfolder per function)."""
    digest = hashlib.sha256(str(template.resolve()).encode()).hexdigest()[:16]
    return Path(data_dir) / "apps" / f"{template.stem}-{digest}"


def deployable(app: App) -> list[Function]:
    return [function for function in app.functions.values() if function.auto_publish_alias]


async def deploy_app(
    app: App,
    state_dir: Path,
    *,
    traffic: Traffic | None,
    on_event: Callable[[Event], None] | None = None,
    pace_s: float = 0.0,
    seed: int | None = None,
) -> tuple[list[DeployOutcome], list[Event]]:
    """Deploy every function of `app` that has an AutoPublishAlias, in template order: an outcome each, and the
    timeline (`on_event` sees each line as it happens; `pace_s` real seconds pass per AWS second)."""
    clock = ManualClock()
    timeline = Timeline(clock.now)
    if on_event is not None:
        timeline.subscribe(on_event)
    outcomes = []
    for function in deployable(app):
        store = state_dir / function.logical_id
        outcomes.append(await _deploy_function(app, function, store, timeline, clock, traffic, seed, pace_s))
    return outcomes, timeline.events


async def _deploy_function(
    app: App, function: Function, store: Path, timeline: Timeline, clock: ManualClock,
    traffic: Traffic | None, seed: int | None, pace_s: float,
) -> DeployOutcome:
    alias = function.auto_publish_alias or "live"
    latest = runtime_config_with_layers(app, function, store)
    versions = FunctionVersions.load(latest, store)
    previous = versions.aliases()
    published = versions.publish()
    current = next((a for a in previous if a.name == alias), None)
    lambda_function = LambdaFunction(latest, versions=versions, seed=seed)
    hooks: dict[str, LambdaFunction] = {}
    try:
        if current is None:
            versions.create_alias(alias, published.number)
            await _provision(lambda_function, function, alias)
            timeline.emit("deployment", event="created", function=function.logical_id, alias=alias, to_version=published.number)
            return DeployOutcome(function.logical_id, alias, None, published.number, "Created")
        if current.function_version == published.number and not current.routing:
            timeline.emit("deployment", event="unchanged", function=function.logical_id, alias=alias, to_version=published.number)
            return DeployOutcome(function.logical_id, alias, current.function_version, published.number, "Unchanged")
        await _provision(lambda_function, function, alias)
        spec = function.deployment
        if spec is None or not spec.enabled:
            await lambda_function.update_alias(alias, function_version=published.number, routing={})
            timeline.emit("deployment", event="shifted", function=function.logical_id, alias=alias, weights={published.number: 1.0})
            return DeployOutcome(function.logical_id, alias, current.function_version, published.number, "Succeeded")
        for hook in (spec.pre_traffic_hook, spec.post_traffic_hook):
            if hook is not None and hook not in hooks:
                hooks[hook] = LambdaFunction(app.functions[hook].runtime_config())
        preference = DeploymentPreference(
            spec.type,
            alarms=tuple(app.alarms[alarm_id].alarm for alarm_id in spec.alarms),
            pre_traffic_hook=spec.pre_traffic_hook,
            post_traffic_hook=spec.post_traffic_hook,
        )
        deployment = Deployment(
            lambda_function, alias, preference, clock=clock,
            emit=lambda kind, **fields: timeline.emit(kind, **({"function": function.logical_id} | fields)),
            hooks=hooks, traffic=traffic, seed=seed, pace_s=pace_s,
        )
        result = await deployment.run(published.number)
        return DeployOutcome(function.logical_id, alias, current.function_version, published.number, result.status, result.reason)
    finally:
        versions.save()
        await lambda_function.aclose()
        for hook_function in hooks.values():
            await hook_function.aclose()


async def _provision(lambda_function: LambdaFunction, function: Function, alias: str) -> None:
    """The template's ProvisionedConcurrencyConfig goes on the AutoPublishAlias (never on $LATEST)."""
    if function.provisioned_concurrency:
        await lambda_function.set_provisioned_concurrency(alias, function.provisioned_concurrency)
