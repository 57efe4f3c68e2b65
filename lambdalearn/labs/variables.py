"""Random per-run values for checks (`vars`) and their `${name}` substitution into events and expectations.

A check whose input comes from `vars` changes every run, so a handler that hard-codes the sample answer fails.
A string that is exactly `${name}` becomes the variable's own value (an int stays an int); `${name}` inside a
longer string is replaced by its text.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from typing import Any

from lambdalearn.content.labs import PLACEHOLDER


def draw(variables: Mapping[str, tuple[str, Any]], rng: random.Random) -> dict[str, Any]:
    """One value per declared variable: {word: N} letters, {int: [lo, hi]}, {choice: [...]}."""
    values: dict[str, Any] = {}
    for name, (kind, argument) in variables.items():
        if kind == "word":
            values[name] = "".join(rng.choice(string.ascii_lowercase) for _ in range(argument))
        elif kind == "int":
            values[name] = rng.randint(argument[0], argument[1])
        else:
            values[name] = rng.choice(list(argument))
    return values


def substitute(value: Any, values: Mapping[str, Any]) -> Any:
    """`value` with every `${name}` filled in from `values` (names not in `values` are left as they are)."""
    if isinstance(value, str):
        whole = PLACEHOLDER.fullmatch(value)
        if whole and whole.group(1) in values:
            return values[whole.group(1)]
        return PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), value)
    if isinstance(value, dict):
        return {substitute(key, values): substitute(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, values) for item in value]
    return value
