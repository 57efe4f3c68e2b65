"""FilterCriteria: EventBridge-style patterns on a record, as event source mappings apply them.

A record is delivered if it matches any pattern. For SQS the `body` is matched as JSON when it parses as a
JSON object (docs: invocation-eventfiltering.html); supported rules are exact values (a list of allowed
values), `prefix`, `suffix`, `anything-but`, `exists` and `numeric` comparisons.
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
    if not isinstance(rule, dict):
        if isinstance(field, list):
            return rule in field
        return field is not _MISSING and field == rule
    if "exists" in rule:
        return (field is not _MISSING) == bool(rule["exists"])
    if field is _MISSING:
        return False
    if "prefix" in rule:
        return isinstance(field, str) and field.startswith(rule["prefix"])
    if "suffix" in rule:
        return isinstance(field, str) and field.endswith(rule["suffix"])
    if "anything-but" in rule:
        excluded = rule["anything-but"]
        return field not in (excluded if isinstance(excluded, list) else [excluded])
    if "numeric" in rule:
        return isinstance(field, (int, float)) and _numeric(rule["numeric"], field)
    return False


def _numeric(conditions: list[Any], number: float) -> bool:
    checks = {"<": float.__lt__, "<=": float.__le__, "=": float.__eq__, ">": float.__gt__, ">=": float.__ge__}
    for operator, bound in zip(conditions[::2], conditions[1::2]):
        if operator not in checks or not checks[operator](float(number), float(bound)):
            return False
    return True
