"""Comparing what a function returned with what a check expects, and saying how they differ.

`subset_mismatch` is the rule for `payload`, `log_json` and `dynamodb_item`: every key the check names must be
there with a matching value; other keys may be there too. `find_path` reads a small JSONPath subset
(`$.body.count`, `$.items[0].id`) and looks inside JSON text on the way, so `$.body.message` reaches into the
JSON string body of an API Gateway proxy response. `readable_diff` lays expected and actual side by side as
a unified diff of pretty-printed JSON, which is what a learner reads when a check fails.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

_PATH_PART = re.compile(r"\.([A-Za-z_][\w-]*)|\[(\d+)\]")
_MISSING = object()


def subset_mismatch(expected: Any, actual: Any, where: str = "$") -> str | None:
    """None if `actual` contains `expected`; otherwise where the first difference is and what it is."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {_kind(actual)}"
        for key, value in expected.items():
            if key not in actual:
                return f"{where}.{key}: missing"
            mismatch = subset_mismatch(value, actual[key], f"{where}.{key}")
            if mismatch:
                return mismatch
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{where}: expected a list, got {_kind(actual)}"
        if len(expected) != len(actual):
            return f"{where}: expected {len(expected)} items, got {len(actual)}"
        for index, (want, got) in enumerate(zip(expected, actual)):
            mismatch = subset_mismatch(want, got, f"{where}[{index}]")
            if mismatch:
                return mismatch
        return None
    if not same_value(expected, actual):
        return f"{where}: expected {json.dumps(expected)}, got {_short(actual)}"
    return None


def same_value(expected: Any, actual: Any) -> bool:
    """Scalars compare equal; numbers compare by value but a bool is never a number."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return expected == actual


def find_path(document: Any, path: str) -> Any:
    """The value at `path` ($.a.b[0]) in `document`, decoding JSON text met on the way; raises KeyError."""
    value = document
    for match in _PATH_PART.finditer(path[1:]):
        value = _decoded(value)
        key, index = match.group(1), match.group(2)
        if key is not None:
            if not isinstance(value, dict) or key not in value:
                raise KeyError(f"{path}: no '{key}' here ({_kind(value)})")
            value = value[key]
        else:
            position = int(index)
            if not isinstance(value, list) or position >= len(value):
                raise KeyError(f"{path}: no item {position} here ({_kind(value)})")
            value = value[position]
    return value


def readable_diff(expected: Any, actual: Any) -> str:
    """A unified diff of the two values as indented JSON, labelled expected/actual."""
    want = _pretty(expected).splitlines()
    got = _pretty(actual).splitlines()
    lines = difflib.unified_diff(want, got, "expected", "actual", lineterm="", n=2)
    return "\n".join(lines)


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _pretty(value: Any) -> str:
    return json.dumps(_decoded_strings(value), indent=2, sort_keys=True, default=str)


def _decoded_strings(value: Any) -> Any:
    """JSON text inside a value shown as structure, so a proxy body diffs line by line."""
    if isinstance(value, dict):
        return {key: _decoded_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decoded_strings(item) for item in value]
    decoded = _decoded(value)
    return decoded if decoded is value else _decoded_strings(decoded)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return _short(value)


def _short(value: Any, limit: int = 120) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "..."
