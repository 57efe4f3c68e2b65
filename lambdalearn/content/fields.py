"""Typed reading of one YAML mapping, recording a located problem for every bad or unknown field.

Each loader (manifest, lesson front matter, deck, question) declares what it expects through this one
reader instead of hand-checking types, so every error reads the same way.
"""

from __future__ import annotations

import re
from typing import Any

from lambdalearn.content.problems import Problem
from lambdalearn.content.yamlsource import PathKey, YamlSource, format_field

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MISSING = object()


class Fields:
    """Reads keys of the mapping at `path` in `source`; problems go to `problems`.

    `label` replaces the path in messages (e.g. `questions[ff-03]` instead of `questions[2]`).
    """

    def __init__(self, source: YamlSource, path: PathKey, problems: list[Problem], label: str | None = None):
        self.source = source
        self.path = path
        self.problems = problems
        self.label = label if label is not None else format_field(path)
        value = source.data
        for part in path:
            value = value[part]
        self.mapping: dict[str, Any] = value
        self.failed = False

    def where(self, key: str | None = None) -> tuple[int, str]:
        line = self.source.line(*self.path, key) if key else self.source.line(*self.path)
        name = f"{self.label}.{key}" if self.label and key else (key or self.label)
        return line, name

    def problem(self, key: str | None, message: str) -> None:
        line, name = self.where(key)
        self.problems.append(Problem(self.source.path, line, name, message))
        self.failed = True

    def reject_unknown(self, allowed: set[str] | frozenset[str]) -> None:
        for key in self.mapping:
            if key not in allowed:
                hint = _closest(str(key), allowed)
                self.problem(str(key), "unknown key" + (f" (did you mean '{hint}'?)" if hint else ""))

    def has(self, key: str) -> bool:
        return key in self.mapping

    def _get(self, key: str, required: bool) -> Any:
        if key not in self.mapping or self.mapping[key] is None:
            if required:
                self.problem(None if key not in self.mapping else key, f"'{key}' is required")
            return _MISSING
        return self.mapping[key]

    def text(self, key: str, required: bool = True, default: str | None = None) -> str | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            self.problem(key, f"expected non-empty text, got {_describe(value)}")
            return default
        return value.strip()

    def ident(self, key: str, required: bool = True) -> str | None:
        value = self.text(key, required)
        if value is not None and not ID_PATTERN.match(value):
            self.problem(key, f"'{value}' is not a valid id (lowercase letters, digits and hyphens)")
            return None
        return value

    def integer(self, key: str, required: bool = True, default: int | None = None, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"expected an integer, got {_describe(value)}")
            return default
        return self._bounded(key, value, minimum, maximum, default)

    def number(self, key: str, required: bool = True, default: float | None = None, minimum: float | None = None,
               maximum: float | None = None) -> float | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(key, f"expected a number, got {_describe(value)}")
            return default
        return self._bounded(key, float(value), minimum, maximum, default)

    def boolean(self, key: str, required: bool = True, default: bool | None = None) -> bool | None:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.problem(key, f"expected true or false, got {_describe(value)}")
            return default
        return value

    def choice(self, key: str, options: tuple[str, ...], required: bool = True, default: str | None = None) -> str | None:
        value = self.text(key, required)
        if value is None:
            return default
        if value not in options:
            self.problem(key, f"'{value}' is not one of: {', '.join(options)}")
            return default
        return value

    def text_list(self, key: str, required: bool = True, allow_scalar: bool = False) -> tuple[str, ...] | None:
        value = self._get(key, required)
        if value is _MISSING:
            return () if not required else None
        if allow_scalar and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list):
            self.problem(key, f"expected a list of texts, got {_describe(value)}")
            return None
        for number, item in enumerate(value, start=1):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                self.problem(key, f"expected a list of texts, but item {number} is {_describe_item(item)}")
                return None
        return tuple(str(item).strip() for item in value)

    def mapping_list(self, key: str, required: bool = True) -> list[int]:
        """Indexes of the items of list `key` that are mappings; a problem for each one that is not."""
        value = self._get(key, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.problem(key, f"expected a list, got {_describe(value)}")
            return []
        good = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                good.append(index)
            else:
                line = self.source.line(*self.path, key, index)
                self.problems.append(
                    Problem(self.source.path, line, f"{self.where(key)[1]}[{index}]", f"expected a mapping, got {_describe(item)}")
                )
                self.failed = True
        return good

    def _bounded(self, key: str, value: Any, minimum: Any, maximum: Any, default: Any) -> Any:
        if minimum is not None and value < minimum:
            self.problem(key, f"must be at least {minimum}, got {value}")
            return default
        if maximum is not None and value > maximum:
            self.problem(key, f"must be at most {maximum}, got {value}")
            return default
        return value


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _describe_item(item: Any) -> str:
    """What a bad item of a text list is, with the usual YAML slip that produces it."""
    if isinstance(item, dict):
        return "a mapping; quote it if it contains ': '"
    if isinstance(item, list):
        return "a list; quote it if it starts with '['"
    if isinstance(item, bool):
        return f"{_describe(item)}, not text; quote it"
    if item is None:
        return "empty"
    if isinstance(item, str):
        return "blank"
    return f"{_describe(item)}, read as a {type(item).__name__}; quote it"


def _closest(key: str, allowed: set[str] | frozenset[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
    return matches[0] if matches else None
