"""FilterCriteria: EventBridge-style patterns on a record, as event source mappings apply them.

A record is delivered if it matches any pattern. For SQS the `body` is matched as JSON when it parses as a
JSON object (docs: invocation-eventfiltering.html); supported rules are exact values (a list of allowed
values), `prefix`, `suffix`, `anything-but` (a value, a list, or a prefix/suffix), `exists` and `numeric`
comparisons; a field holding an array matches when any of its elements does. EventBridge rules
(apps/eventbridge.py) use the same matcher.
"""

from __future__ import annotations

import json
from typing import Any

_MISSING = object()


def decoded(record: dict[str, Any]) -> dict[str, Any]:
    """The record as filters see it: an SQS body or Kinesis data that is JSON is matched as an object."""
    view = dict(record)
    if isinstance(view.get("body"), str):
        try:
            view["body"] = json.loads(view["body"])
        except ValueError:
            pass
    return view


def matches_any(patterns: list[dict[str, Any]], record: dict[str, Any]) -> bool:
    return not patterns or any(matches(pattern, decoded(record)) for pattern in patterns)


def matches(pattern: dict[str, Any], value: Any) -> bool:
    for key, rule in pattern.items():
        field = value.get(key, _MISSING) if isinstance(value, dict) else _MISSING
        if isinstance(rule, dict):
            if field is _MISSING or not matches(rule, field):
                return False
        elif isinstance(rule, list):
            if not any(_matches_rule(item, field) for item in rule):
                return False
        else:
            return False
    return True


def _matches_rule(rule: Any, field: Any) -> bool:
    """One rule of a pattern's list against a field; a field holding an array matches when any element does."""
    if isinstance(rule, dict) and "exists" in rule:
        return (field is not _MISSING) == bool(rule["exists"])
    if isinstance(field, list):
        return any(_matches_rule(rule, item) for item in field)
    if not isinstance(rule, dict):
        return field is not _MISSING and field == rule
    if field is _MISSING:
        return False
    if "prefix" in rule:
        return isinstance(field, str) and field.startswith(rule["prefix"])
    if "suffix" in rule:
        return isinstance(field, str) and field.endswith(rule["suffix"])
    if "anything-but" in rule:
        excluded = rule["anything-but"]
        if isinstance(excluded, dict):  # anything-but {prefix: ...} or {suffix: ...}
            return not _matches_rule(excluded, field)
        return field not in (excluded if isinstance(excluded, list) else [excluded])
    if "numeric" in rule:
        return isinstance(field, (int, float)) and not isinstance(field, bool) and _numeric(rule["numeric"], field)
    return False


def _numeric(conditions: list[Any], number: float) -> bool:
    checks = {"<": float.__lt__, "<=": float.__le__, "=": float.__eq__, ">": float.__gt__, ">=": float.__ge__}
    for operator, bound in zip(conditions[::2], conditions[1::2]):
        if operator not in checks or not checks[operator](float(number), float(bound)):
            return False
    return True


OPERATORS = ("prefix", "suffix", "anything-but", "numeric", "exists")


def pattern_problem(pattern: Any, path: str = "") -> str | None:
    """Why `pattern` cannot be used, or None: a pattern is a JSON object whose leaves are non-empty arrays
    (EventBridge refuses others with InvalidEventPatternException) of values or of one-operator objects this
    matcher knows (EventBridge has more, such as wildcard and $or: those are refused as not simulated)."""
    if not isinstance(pattern, dict) or not pattern:
        return f"{path or 'the pattern'}: expected a non-empty JSON object"
    for key, rule in pattern.items():
        where = f"{path}.{key}" if path else str(key)
        if str(key).startswith("$"):
            return f"{where}: {key} is not simulated locally"
        if isinstance(rule, dict):
            problem = pattern_problem(rule, where)
            if problem:
                return problem
        elif not isinstance(rule, list) or not rule:
            return f"{where}: match values are given in a non-empty array, such as [{json.dumps(rule)}]"
        else:
            for item in rule:
                if isinstance(item, dict) and (len(item) != 1 or next(iter(item)) not in OPERATORS):
                    return f"{where}: {json.dumps(item)}: the local matcher knows the operators {', '.join(OPERATORS)}"
    return None
