"""`AWS::Serverless::StateMachine` in app templates: the definition, read and checked, and made ready for moto.

The definition comes from `Definition` (intrinsics resolved, as SAM does) or `DefinitionUri` (a JSON or YAML
file beside the template), then `DefinitionSubstitutions` replace `${name}` in its strings. Every Task that
invokes Lambda (a function ARN, or `arn:aws:states:::lambda:invoke` with `Parameters.FunctionName`) must name a
function of the template, so a typo is reported at its line rather than failing mid-execution.

moto's interpreter waits in real time. `for_moto` takes the waiting out (docs/step-functions.md): a Wait state
waits 0 s and a retrier waits its 1 s minimum with a BackoffRate of 1; the AWS seconds each would have waited
(`aws_wait_s`, `aws_retry_delay_s`) go into the timeline instead, so the order of events is AWS's and a run
with minutes of waiting takes seconds.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from lambdalearn.apps.model import arn

TYPES = ("STANDARD", "EXPRESS")
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
    """What would stop the definition from running here: a broken graph, a Task naming no template function."""
    problems = _graph_problems(definition, "")
    if problems:
        return problems
    for name, state in states(definition):
        function = task_function(state)
        if function is None:
            continue
        bare = function.split(":")[6] if function.startswith("arn:") and len(function.split(":")) > 6 else function.split(":")[0]
        if not bare or app.function_named(bare) is None:
            problems.append(f"state {name}: the Task invokes {function or '(no FunctionName)'}, which is not a function of this template")
    return problems


def check_references(reader: Any) -> None:
    """Report each state machine's definition problems (once every function is read) at its line."""
    for machine in reader.app.state_machines.values():
        properties = reader.resources[machine.logical_id].get("Properties") or {}
        key = "Definition" if "Definition" in properties else "DefinitionUri"
        for problem in check_definition(machine.definition, reader.app):
            reader.error(("Resources", machine.logical_id, "Properties", key), problem)


def aws_wait_s(state: dict[str, Any], state_input: Any = None) -> float | None:
    """The AWS seconds a Wait state waits (Seconds, or SecondsPath read from its input); None when unknown."""
    if "Seconds" in state:
        return float(state["Seconds"])
    path = state.get("SecondsPath")
    if isinstance(path, str) and path.startswith("$.") and isinstance(state_input, dict):
        value: Any = state_input
        for part in path[2:].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return float(value) if isinstance(value, (int, float)) else None
    return None


def aws_retry_delay_s(retrier: dict[str, Any], retry_number: int) -> float:
    """AWS's wait before retry `retry_number` (1 = the first): IntervalSeconds x BackoffRate^(n-1), capped by
    MaxDelaySeconds (docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)."""
    delay = float(retrier.get("IntervalSeconds", 1)) * float(retrier.get("BackoffRate", 2.0)) ** (retry_number - 1)
    cap = retrier.get("MaxDelaySeconds")
    return min(delay, float(cap)) if cap is not None else delay


def for_moto(definition: dict[str, Any]) -> str:
    """The definition as moto runs it: no real waiting (see the module docstring), as JSON."""
    prepared = copy.deepcopy(definition)
    for _, state in states(prepared):
        if state.get("Type") == "Wait":
            for key in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"):
                state.pop(key, None)
            state["Seconds"] = 0
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

