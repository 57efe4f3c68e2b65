"""The parts of a SAM template that ship a function: layers, versions, aliases, gradual deployments, alarms, URLs.

Read as `template.py` reads the rest (same `_Props` checks, same `file:line: path: message` problems):

- `AWS::Serverless::LayerVersion` (ContentUri, LayerName) and a function's `Layers` (at most five, in order);
- a function's `AutoPublishAlias`, `ProvisionedConcurrencyConfig` (on that alias) and `DeploymentPreference`
  (Type, Alarms, Hooks PreTraffic/PostTraffic, Enabled), as SAM turns them into CodeDeploy;
- `AWS::Lambda::Version` (numbered per function in template order) and `AWS::Lambda::Alias` (FunctionVersion,
  RoutingConfig.AdditionalVersionWeights, ProvisionedConcurrencyConfig);
- `AWS::CloudWatch::Alarm` on AWS/Lambda metrics, plain or with metric math (`Metrics`);
- a function's `FunctionUrlConfig` (AuthType, InvokeMode).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lambdalearn.apps.alarms import COMPARISONS, METRICS, STATISTICS, Alarm, AlarmDefinitionError, MetricStat
from lambdalearn.apps.deploy import DEPLOYMENT_TYPES
from lambdalearn.apps.model import (
    AliasResource,
    AlarmResource,
    DeploymentSpec,
    Function,
    FunctionUrl,
    LayerVersion,
    VersionResource,
    arn,
)
from lambdalearn.runtime.config import INVOKE_MODES, FunctionConfig
from lambdalearn.runtime.layers import MAX_LAYERS, assemble_opt
from lambdalearn.runtime.versions import code_sha256

if TYPE_CHECKING:
    from lambdalearn.apps.template import _Props, _Reader


def read_function_shipping(reader: _Reader, function: Function, props: _Props) -> None:
    """The shipping properties of an AWS::Serverless::Function."""
    layers = props.raw("Layers", [])
    if not isinstance(layers, list):
        props.error("expected a list of layer ARNs (!Ref of LayerVersion resources)", "Layers")
    elif len(layers) > MAX_LAYERS:
        props.error(f"a function can use at most {MAX_LAYERS} layers, not {len(layers)}", "Layers")
    else:
        for index, layer_arn in enumerate(layers):
            logical_id = _logical_id_of(reader, "AWS::Serverless::LayerVersion", layer_arn)
            if logical_id is None:
                props.error(f"{layer_arn!r} is not a LayerVersion of this template", "Layers", index)
            else:
                function.layers.append(logical_id)
    function.auto_publish_alias = props.text("AutoPublishAlias")
    provisioned = props.mapping("ProvisionedConcurrencyConfig")
    if provisioned is not None:
        function.provisioned_concurrency = provisioned.integer("ProvisionedConcurrentExecutions", 0, 0, 100000) or 0
        provisioned.report_unused("ProvisionedConcurrencyConfig")
        if function.auto_publish_alias is None:
            props.error("provisioned concurrency goes on a version or alias: set AutoPublishAlias too"
                        " (Lambda refuses it on $LATEST)", "ProvisionedConcurrencyConfig")
    preference = props.mapping("DeploymentPreference")
    if preference is not None:
        function.deployment = _deployment(reader, preference)
        preference.report_unused("DeploymentPreference")
        if function.auto_publish_alias is None:
            props.error("a DeploymentPreference shifts the AutoPublishAlias: set AutoPublishAlias", "DeploymentPreference")
    url = props.mapping("FunctionUrlConfig")
    if url is not None:
        function.url = FunctionUrl(
            auth_type=url.text("AuthType", "AWS_IAM", ("NONE", "AWS_IAM")) or "AWS_IAM",
            invoke_mode=url.text("InvokeMode", "BUFFERED", INVOKE_MODES) or "BUFFERED",
        )
        url.report_unused("FunctionUrlConfig")


def _deployment(reader: _Reader, props: _Props) -> DeploymentSpec:
    kind = props.text("Type", None, DEPLOYMENT_TYPES)
    if kind is None and "Type" not in props.values:
        props.error("required (for example Canary10Percent5Minutes)", "Type")
    alarms = props.raw("Alarms", [])
    alarm_ids: list[str] = []
    if not isinstance(alarms, list):
        props.error("expected a list of alarms (!Ref of AWS::CloudWatch::Alarm resources)", "Alarms")
    else:
        for index, name in enumerate(alarms):
            found = _logical_id_of(reader, "AWS::CloudWatch::Alarm", name)
            if found is None:
                props.error(f"{name!r} is not an AWS::CloudWatch::Alarm of this template", "Alarms", index)
            else:
                alarm_ids.append(found)
    hooks = props.mapping("Hooks")
    spec = DeploymentSpec(kind or "AllAtOnce", alarm_ids, enabled=props.flag("Enabled", True))
    if hooks is not None:
        for phase in ("PreTraffic", "PostTraffic"):
            name = hooks.text(phase)
            if name is None:
                continue
            function = _function_logical_id(reader, name)
            if function is None:
                hooks.error(f"{name!r} is not a function of this template", phase)
            elif phase == "PreTraffic":
                spec.pre_traffic_hook = function
            else:
                spec.post_traffic_hook = function
        hooks.report_unused("Hooks")
    props.raw("Role")  # CodeDeploy's role: nothing to simulate
    return spec


def read_layer(reader: _Reader, logical_id: str, props: _Props) -> None:
    """AWS::Serverless::LayerVersion: its ContentUri folder (relative to the template)."""
    content = props.text("ContentUri")
    if content is None:
        props.error("required: the folder of the layer (its python/ subfolder is importable)", "ContentUri")
        return
    folder = (reader.path.parent / content).resolve()
    if not folder.is_dir():
        props.error(f"layer folder {content} does not exist (relative to the template)", "ContentUri")
    props.raw("LayerName")
    for ignored in ("CompatibleRuntimes", "CompatibleArchitectures", "Description", "LicenseInfo", "RetentionPolicy"):
        props.raw(ignored)
    name = reader._identity(logical_id).ref.rsplit(":", 2)[-2]  # type: ignore[union-attr]
    reader.app.layers[logical_id] = LayerVersion(logical_id, reader._line(logical_id), name, folder)


def read_alarm(reader: _Reader, logical_id: str, props: _Props) -> None:
    """AWS::CloudWatch::Alarm on AWS/Lambda metrics: one metric, or `Metrics` with one expression."""
    name = reader._identity(logical_id).ref  # type: ignore[union-attr]
    props.raw("AlarmName")
    for ignored in ("AlarmDescription", "AlarmActions", "OKActions", "InsufficientDataActions", "ActionsEnabled",
                    "TreatMissingData", "DatapointsToAlarm", "Unit"):
        props.raw(ignored)
    threshold = props.raw("Threshold")
    comparison = props.text("ComparisonOperator", None, tuple(COMPARISONS))
    evaluation_periods = props.integer("EvaluationPeriods", 1, 1, 100) or 1
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool):
        props.error("required: a number", "Threshold")
        return
    if comparison is None:
        props.error("required", "ComparisonOperator")
        return
    try:
        if "Metrics" in props.values:
            stats, expression, period = _metric_math(props)
        else:
            stats = {"m1": _metric_stat(props, props.text("MetricName"), props.text("Statistic", "Sum"))}
            expression, period = None, props.integer("Period", 60, 10, 86400) or 60
        if stats is None:
            return
        alarm = Alarm(name, float(threshold), comparison, period, evaluation_periods, stats, expression)
    except AlarmDefinitionError as error:
        props.error(str(error), "Metrics" if "Metrics" in props.values else "MetricName")
        return
    reader.app.alarms[logical_id] = AlarmResource(logical_id, reader._line(logical_id), name, alarm)


def _metric_stat(props: _Props, metric: str | None, statistic: str | None, dimensions_props: _Props | None = None) -> MetricStat:
    where = dimensions_props or props
    namespace = where.text("Namespace", "AWS/Lambda")
    if namespace != "AWS/Lambda":
        raise AlarmDefinitionError(f"namespace {namespace} is not simulated locally; use AWS/Lambda metrics")
    if metric not in METRICS:
        raise AlarmDefinitionError(f"MetricName {metric!r}: the local CloudWatch has {', '.join(METRICS)}")
    if statistic not in STATISTICS:
        raise AlarmDefinitionError(f"Statistic {statistic!r} is not one of {', '.join(STATISTICS)}")
    version = None
    dimensions = where.raw("Dimensions", []) or []
    for dimension in dimensions if isinstance(dimensions, list) else []:
        if isinstance(dimension, dict) and dimension.get("Name") == "ExecutedVersion":
            version = str(dimension.get("Value"))
    return MetricStat(metric, statistic, version)


def _metric_math(props: _Props) -> tuple[dict[str, MetricStat] | None, str | None, int]:
    entries = props.raw("Metrics")
    if not isinstance(entries, list) or not entries:
        raise AlarmDefinitionError("Metrics must be a list of metric stats and one expression")
    stats: dict[str, MetricStat] = {}
    expression, period = None, 60
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("Id"), str):
            raise AlarmDefinitionError("each entry of Metrics needs an Id")
        if "Expression" in entry:
            expression = str(entry["Expression"])
            continue
        stat = entry.get("MetricStat") or {}
        metric = stat.get("Metric") or {}
        period = int(stat.get("Period", period))
        stats[entry["Id"]] = MetricStat(
            str(metric.get("MetricName")), str(stat.get("Stat", "Sum")),
            next((str(d.get("Value")) for d in metric.get("Dimensions") or [] if isinstance(d, dict)
                  and d.get("Name") == "ExecutedVersion"), None),
        )
        if metric.get("Namespace", "AWS/Lambda") != "AWS/Lambda":
            raise AlarmDefinitionError(f"namespace {metric.get('Namespace')} is not simulated locally; use AWS/Lambda metrics")
    if expression is None and len(stats) != 1:
        raise AlarmDefinitionError("several metrics need an entry with an Expression that combines them")
    return stats, expression, period


def read_version(reader: _Reader, logical_id: str, props: _Props) -> None:
    """AWS::Lambda::Version: a published snapshot of the function it names."""
    function = _function_ref(reader, props)
    if function is None:
        return
    provisioned = props.mapping("ProvisionedConcurrencyConfig")
    count = provisioned.integer("ProvisionedConcurrentExecutions", 0, 0, 100000) or 0 if provisioned else 0
    props.raw("Description")
    reader.app.versions[logical_id] = VersionResource(
        logical_id, reader._line(logical_id), function, _version_number(reader, logical_id), count
    )


def read_alias(reader: _Reader, logical_id: str, props: _Props) -> None:
    """AWS::Lambda::Alias: a name for a version, with at most one additional weighted version."""
    function = _function_ref(reader, props)
    name = props.text("Name")
    version = props.raw("FunctionVersion")
    if name is None:
        props.error("required", "Name")
    if version is None:
        props.error("required (a version number, or !GetAtt MyVersion.Version)", "FunctionVersion")
    routing: dict[str, float] = {}
    config = props.mapping("RoutingConfig")
    if config is not None:
        weights = config.raw("AdditionalVersionWeights", [])
        if not isinstance(weights, list) or len(weights) > 1:
            config.error("an alias routes to at most one additional version", "AdditionalVersionWeights")
        else:
            for index, weight in enumerate(weights):
                if not isinstance(weight, dict) or "FunctionVersion" not in weight or "FunctionWeight" not in weight:
                    config.error("each entry needs FunctionVersion and FunctionWeight", "AdditionalVersionWeights", index)
                    continue
                share = weight["FunctionWeight"]
                if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share <= 1:
                    config.error(f"FunctionWeight {share!r} must be between 0.0 and 1.0", "AdditionalVersionWeights", index)
                    continue
                routing[str(weight["FunctionVersion"])] = float(share)
        config.report_unused("RoutingConfig")
    provisioned = props.mapping("ProvisionedConcurrencyConfig")
    count = provisioned.integer("ProvisionedConcurrentExecutions", 0, 0, 100000) or 0 if provisioned else 0
    props.raw("Description")
    if function is None or name is None or version is None:
        return
    if str(version) == "$LATEST" and routing:
        props.error("$LATEST is not supported for an alias pointing to more than 1 version", "RoutingConfig")
    reader.app.aliases[logical_id] = AliasResource(
        logical_id, reader._line(logical_id), function, name, str(version), routing, count
    )


def identity_ref(reader: _Reader, logical_id: str, kind: str, spec: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
    """Ref and GetAtt values of the resource types above (None for other types)."""
    if kind == "AWS::Serverless::LayerVersion":
        name = reader._name(logical_id, spec, "LayerName")
        layer_arn = arn("lambda", f"layer:{name}:1")
        return layer_arn, {"Arn": layer_arn}
    if kind == "AWS::CloudWatch::Alarm":
        name = reader._name(logical_id, spec, "AlarmName")
        return name, {"Arn": arn("cloudwatch", f"alarm:{name}")}
    if kind == "AWS::Lambda::Version":
        number = _version_number(reader, logical_id)
        function = reader._name(logical_id, spec, "FunctionName")
        return f"{arn('lambda', 'function')}:{function}:{number}", {"Version": number}
    if kind == "AWS::Lambda::Alias":
        function = reader._name(logical_id, spec, "FunctionName")
        name = reader._name(logical_id, spec, "Name")
        return f"{arn('lambda', 'function')}:{function}:{name}", {}
    return None


def check_shipping_references(reader: _Reader) -> None:
    """Aliases must point at versions (or numbers) of their own function."""
    for alias in reader.app.aliases.values():
        where = ("Resources", alias.logical_id, "Properties", "FunctionVersion")
        for version in (alias.version, *alias.routing):
            if version == "$LATEST" or version.isdigit() or version in reader.app.versions:
                continue
            reader.error(where, f"{version!r} is not a version of this template")


def _version_number(reader: _Reader, logical_id: str) -> str:
    """Versions are numbered 1, 2, ... per function, in the order the template declares them."""
    function = reader._name(logical_id, reader.resources[logical_id], "FunctionName")
    same = [lid for lid, other in reader.resources.items()
            if isinstance(other, dict) and other.get("Type") == "AWS::Lambda::Version"
            and reader._name(lid, other, "FunctionName") == function]
    return str(same.index(logical_id) + 1)


def _function_ref(reader: _Reader, props: _Props) -> str | None:
    name = props.text("FunctionName")
    if name is None:
        props.error("required (!Ref of a function of this template)", "FunctionName")
        return None
    logical_id = _function_logical_id(reader, name)
    if logical_id is None:
        props.error(f"{name!r} is not a function of this template", "FunctionName")
    return logical_id


def _function_logical_id(reader: _Reader, name: str) -> str | None:
    """A function by logical id, name or ARN, whether or not its resource has been read yet."""
    return _logical_id_of(reader, "AWS::Serverless::Function", name, by_id_and_arn=True)


def _logical_id_of(reader: _Reader, kind: str, value: Any, *, by_id_and_arn: bool = False) -> str | None:
    """The logical id of the `kind` resource whose Ref is `value` (or, with `by_id_and_arn`, whose logical id or
    Arn is), found through the template's identities, so a resource declared further down is found too."""
    for logical_id, spec in reader.resources.items():
        if isinstance(spec, dict) and spec.get("Type") == kind:
            identity = reader._identity(logical_id)
            if identity is None:
                continue
            names = (identity.ref, logical_id, identity.attributes.get("Arn")) if by_id_and_arn else (identity.ref,)
            if value in names:
                return logical_id
    return None


def runtime_config_with_layers(app: Any, function: Function, cache_dir: Path) -> FunctionConfig:
    """The function's runtime configuration, its layers merged into a folder under `cache_dir` (named by their
    contents, so a published version keeps the /opt it was published with)."""
    config = function.runtime_config()
    folders = layer_folders(app, function)
    if not folders:
        return config
    digest = hashlib.sha256("\n".join(str(folder) for folder in folders).encode())
    for folder in folders:
        digest.update(code_sha256(folder).encode())
    opt = Path(cache_dir) / "layers" / digest.hexdigest()[:16]
    if not opt.exists():
        staging = opt.with_suffix(".tmp")
        assemble_opt(folders, config.code_dir, staging)
        shutil.move(str(staging), opt)
    return config.replace(opt_dir=opt)


def layer_folders(app: Any, function: Function) -> list[Path]:
    """The content folders of a function's layers, in the order it lists them."""
    return [app.layers[logical_id].content_dir for logical_id in function.layers if logical_id in app.layers]


async def prepare_versions(app: Any, function: Function, lambda_function: Any) -> None:
    """Publish what the template declares for `function` before a run: its AWS::Lambda::Version resources (one
    version each, in order), its aliases with their routing, its AutoPublishAlias on a new version, and
    provisioned concurrency where the template puts it."""
    numbers: dict[str, str] = {}
    for version in app.versions.values():
        if version.function == function.logical_id:
            numbers[version.logical_id] = lambda_function.versions.publish(version.logical_id, even_unchanged=True).number
    for alias in app.aliases.values():
        if alias.function != function.logical_id:
            continue
        routing = {numbers.get(target, target): weight for target, weight in alias.routing.items()}
        lambda_function.versions.create_alias(alias.alias_name, numbers.get(alias.version, alias.version), routing)
        if alias.provisioned_concurrency:
            await lambda_function.set_provisioned_concurrency(alias.alias_name, alias.provisioned_concurrency)
    for version in app.versions.values():
        if version.function == function.logical_id and version.provisioned_concurrency:
            await lambda_function.set_provisioned_concurrency(numbers[version.logical_id], version.provisioned_concurrency)
    if function.auto_publish_alias:
        published = lambda_function.versions.publish()
        lambda_function.versions.create_alias(function.auto_publish_alias, published.number)
        if function.provisioned_concurrency:
            await lambda_function.set_provisioned_concurrency(function.auto_publish_alias, function.provisioned_concurrency)
