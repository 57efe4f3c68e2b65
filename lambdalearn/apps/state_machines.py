"""`AWS::Serverless::StateMachine` in app templates: the definition, read and checked, and made ready for moto.

The definition comes from `Definition` (intrinsics resolved, as SAM does) or `DefinitionUri` (a JSON or YAML
file beside the template), then `DefinitionSubstitutions` replace `${name}` in its strings. Every Task that
invokes Lambda (a function ARN, or `arn:aws:states:::lambda:invoke` with `Parameters.FunctionName`) must name a
function of the template, so a typo is reported at its line rather than failing mid-execution.

moto's interpreter waits in real time. `for_moto` hands each Wait state to the run (docs/step-functions.md): it
becomes a Task that invokes the reserved `WAIT_FUNCTION` through the run's Lambda Invoke API, which answers once
the run's clock has passed `wait_seconds` (AWS time: the app's other work goes on meanwhile, and minutes pass in
a moment of real time). A retrier waits the 1 s minimum ASL allows, with a BackoffRate of 1; its AWS delay
(`aws_retry_delay_s`) goes into the timeline.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from lambdalearn.apps.model import arn
from lambdalearn.labs.matching import find_path

TYPES = ("STANDARD", "EXPRESS")
WAIT_FUNCTION = "lambdalearn-wait"  # answered by the run's clock, not by a function of the app
LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
_SUBSTITUTION = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")


@dataclass
class StateMachine:
    """One state machine of the template."""

    logical_id: str
    line: int
    name: str
    type: str = "STANDARD"
    definition: dict[str, Any] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return arn("states", f"stateMachine:{self.name}")


def identity(logical_id: str, spec: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """(Ref, GetAtt attributes): a state machine's Ref is its ARN."""
    raw = (spec.get("Properties") or {}).get("Name")
    name = raw if isinstance(raw, str) else logical_id
    machine = StateMachine(logical_id, 0, name)
    return machine.arn, {"Arn": machine.arn, "Name": name}


def read_state_machine(reader: Any, logical_id: str, props: Any) -> None:
    """Read one `AWS::Serverless::StateMachine` into `reader.app.state_machines` (errors at their lines)."""
    machine = StateMachine(logical_id, reader.source.line("Resources", logical_id), identity(logical_id, {"Properties": props.values})[1]["Name"])
    props.raw("Name")
    machine.type = props.text("Type", "STANDARD", TYPES) or "STANDARD"
    for ignored in ("Role", "Policies", "Logging", "Tracing", "PermissionsBoundary", "Tags"):
        props.raw(ignored)  # IAM and observability: nothing to run locally
    definition = _definition(reader, props)
    if definition is None:
        return
    substitutions = props.raw("DefinitionSubstitutions", {}) or {}
    if not isinstance(substitutions, dict):
        props.error("expected a mapping", "DefinitionSubstitutions")
        return
    machine.definition = substitute(definition, {str(k): v for k, v in substitutions.items()})
    reader.app.state_machines[logical_id] = machine


def _definition(reader: Any, props: Any) -> dict[str, Any] | None:
    inline, uri = props.raw("Definition"), props.text("DefinitionUri")
    if (inline is None) == (uri is None):
        props.error("give exactly one of Definition and DefinitionUri", "Definition" if inline is not None else "DefinitionUri")
        return None
    if inline is not None:
        if not isinstance(inline, dict):
            props.error("expected a mapping (the Amazon States Language definition)", "Definition")
            return None
        return inline
    path = reader.path.parent / str(uri)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        props.error(f"cannot read {path}: {error}", "DefinitionUri")
        return None
    if not isinstance(loaded, dict):
        props.error(f"{path} does not hold a JSON or YAML object", "DefinitionUri")
        return None
    return loaded


def substitute(value: Any, substitutions: dict[str, Any]) -> Any:
    """Replace `${name}` in every string; a string that is only `${name}` takes the value's own type."""
    if isinstance(value, dict):
        return {key: substitute(item, substitutions) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, substitutions) for item in value]
    if isinstance(value, str):
        whole = _SUBSTITUTION.fullmatch(value)
        if whole and whole[1] in substitutions:
            return substitutions[whole[1]]
        return _SUBSTITUTION.sub(lambda m: str(substitutions.get(m[1], m[0])), value)
    return value


def states(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (name, state), nested Parallel branches and Map processors included."""
    for name, state in (definition.get("States") or {}).items():
        if not isinstance(state, dict):
            continue
        yield name, state
        for branch in state.get("Branches") or []:
            if isinstance(branch, dict):
                yield from states(branch)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(key), dict):
                yield from states(state[key])


def nested_states(state: dict[str, Any]) -> list[str]:
    """The names of the states inside a Parallel's branches or a Map's processor (none for other states)."""
    scopes = [*(state.get("Branches") or []), *(state.get(key) for key in ("ItemProcessor", "Iterator"))]
    return [name for scope in scopes if isinstance(scope, dict) for name, _ in states(scope)]


def task_function(state: dict[str, Any]) -> str | None:
    """The function (name or ARN, qualifier kept) a Lambda Task invokes; None for other states."""
    if state.get("Type") != "Task":
        return None
    resource = str(state.get("Resource", ""))
    if resource.startswith(LAMBDA_INVOKE):
        parameters = state.get("Parameters") or state.get("Arguments") or {}
        name = parameters.get("FunctionName") if isinstance(parameters, dict) else None
        return str(name) if name is not None else ""
    if resource.startswith("arn:aws:lambda:"):
        return resource
    return None


def transitions(state: dict[str, Any]) -> list[str]:
    """The states `state` may go to: Next, a Choice's rules and Default, its catchers' Next."""
    targets = [state.get("Next"), state.get("Default")]
    targets += [rule.get("Next") for rule in state.get("Choices") or [] if isinstance(rule, dict)]
    targets += [catcher.get("Next") for catcher in state.get("Catch") or [] if isinstance(catcher, dict)]
    return [target for target in targets if isinstance(target, str)]


def _graph_problems(scope: dict[str, Any], where: str) -> list[str]:
    """AWS's MISSING_TRANSITION_TARGET rules in one scope (the machine, a branch, a Map's processor): every
    target exists and every state is reachable from StartAt. moto does not check these."""
    declared = scope.get("States")
    if not isinstance(declared, dict) or scope.get("StartAt") not in declared:
        return [f"{where}needs StartAt naming one of its States"]
    problems, reached, pending = [], set(), [scope["StartAt"]]
    while pending:
        name = pending.pop()
        if name in reached:
            continue
        reached.add(name)
        for target in transitions(declared[name] if isinstance(declared[name], dict) else {}):
            if target not in declared:
                problems.append(f"{where}state {name} goes to {target}, which is not a state here")
            else:
                pending.append(target)
    problems += [f"{where}state {name} is not reachable from {scope['StartAt']} (AWS refuses the definition)"
                 for name in declared if name not in reached]
    for name, state in declared.items():
        nested = [*(state.get("Branches") or []), *(state.get(key) for key in ("ItemProcessor", "Iterator") if isinstance(state.get(key), dict))] if isinstance(state, dict) else []
        for scope_index, inner in enumerate(nested):
            problems += _graph_problems(inner, f"{where}{name} {'branch ' + str(scope_index + 1) if state.get('Branches') else 'processor'}: ") if isinstance(inner, dict) else []
    return problems


def check_definition(definition: dict[str, Any], app: Any) -> list[str]:
    """What would stop the definition from running here: a broken graph, a Task naming no template function, a
    function named as the run's Wait states are answered (WAIT_FUNCTION)."""
    problems = _graph_problems(definition, "")
    if problems:
        return problems
    for name, state in states(definition):
        function = task_function(state)
        if function is not None and task_target(app, state) is None:
            problems.append(f"state {name}: the Task invokes {function or '(no FunctionName)'}, which is not a function of this template")
        if state.get("Type") == "Wait" and app.function_named(WAIT_FUNCTION) is not None:
            problems.append(f"state {name}: a Wait state runs here as a call to {WAIT_FUNCTION}, so no function of the"
                            " template may take that name")
    return problems


def task_target(app: Any, state: dict[str, Any]) -> Any:
    """The template function a Lambda Task invokes (by name or ARN, qualifier ignored); None if none."""
    function = task_function(state)
    if not function:
        return None
    parts = function.split(":")
    bare = parts[6] if function.startswith("arn:") and len(parts) > 6 else parts[0]
    return app.function_named(bare) if bare else None


def check_references(reader: Any) -> None:
    """Report each state machine's definition problems (once every function is read) at its line."""
    for machine in reader.app.state_machines.values():
        properties = reader.resources[machine.logical_id].get("Properties") or {}
        key = "Definition" if "Definition" in properties else "DefinitionUri"
        for problem in check_definition(machine.definition, reader.app):
            reader.error(("Resources", machine.logical_id, "Properties", key), problem)


class WaitError(ValueError):
    """A Wait state whose time cannot be read from its input (AWS fails the execution with States.Runtime)."""


_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def effective_input(state: dict[str, Any], state_input: Any) -> Any:
    """The state's input after its InputPath (`null` gives `{}`), as its fields read it; None when it is missing."""
    path = state.get("InputPath", "$")
    if path is None:
        return {}
    try:
        return find_path(state_input, str(path))
    except KeyError:
        return None


def wait_seconds(state: dict[str, Any], state_input: Any, now: float) -> float:
    """The AWS seconds a Wait state waits from `now` (epoch seconds), given its effective input: `Seconds` or
    `SecondsPath` (an integer from 0), or until `Timestamp` or `TimestampPath` (RFC 3339 with an uppercase T,
    milliseconds truncated; a past time waits 0 s). Raises WaitError naming the field
    (docs.aws.amazon.com/step-functions/latest/dg/state-wait.html)."""
    for field_name in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"):
        if field_name not in state:
            continue
        value = state[field_name]
        if field_name.endswith("Path"):
            try:
                value = find_path(state_input, str(value))
            except KeyError as missing:
                raise WaitError(f"{field_name}: {missing.args[0]}") from None
        if field_name.startswith("Seconds"):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise WaitError(f"{field_name}: expected an integer from 0, got {json.dumps(value)}")
            return float(value)
        if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
            raise WaitError(f"{field_name}: expected an RFC 3339 timestamp such as 2026-01-01T00:05:00Z, got {json.dumps(value)}")
        until = int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
        return max(0.0, until - now)
    raise WaitError("needs one of Seconds, SecondsPath, Timestamp, TimestampPath")


def aws_retry_delay_s(retrier: dict[str, Any], retry_number: int) -> float:
    """AWS's wait before retry `retry_number` (1 = the first): IntervalSeconds x BackoffRate^(n-1), capped by
    MaxDelaySeconds (docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)."""
    delay = float(retrier.get("IntervalSeconds", 1)) * float(retrier.get("BackoffRate", 2.0)) ** (retry_number - 1)
    cap = retrier.get("MaxDelaySeconds")
    return min(delay, float(cap)) if cap is not None else delay


def _wait_task(name: str, state: dict[str, Any]) -> dict[str, Any]:
    """A Wait state as a Task that invokes WAIT_FUNCTION with its effective input, its execution and its name;
    the answer is that input, so the state's OutputPath and transition work as the Wait's did."""
    parameters = {"input.$": "$", "execution.$": "$$.Execution.Id", "state": name}
    task = {"Type": "Task", "Resource": arn("lambda", f"function:{WAIT_FUNCTION}"), "Parameters": parameters}
    task.update({key: state[key] for key in ("Comment", "InputPath", "OutputPath", "Next", "End") if key in state})
    return task


def for_moto(definition: dict[str, Any]) -> str:
    """The definition as moto runs it: waits handed to the run (see the module docstring), as JSON."""
    prepared = copy.deepcopy(definition)
    for name, state in states(prepared):
        if state.get("Type") == "Wait":
            replacement = _wait_task(name, state)
            state.clear()
            state.update(replacement)
        for retrier in state.get("Retry") or []:
            if isinstance(retrier, dict):
                retrier["IntervalSeconds"] = 1
                retrier["BackoffRate"] = 1.0
                retrier.pop("MaxDelaySeconds", None)
                retrier.pop("JitterStrategy", None)
    return json.dumps(prepared)


def state_named(definition: dict[str, Any], name: str) -> dict[str, Any] | None:
    for found, state in states(definition):
        if found == name:
            return state
    return None

