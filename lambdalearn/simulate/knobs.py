"""The Scale screen's knobs as data: a handful of settings that become a validated scenario, and A/B rows.

The screen only collects strings; building, validating and comparing happen here, headless and tested. A
knob set either stands alone (its traffic shape and rate) or starts from a bundled example, whose traffic is
kept while the function's settings come from the knobs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from lambdalearn.simulate.examples import example_path
from lambdalearn.simulate.scenario import Scenario, ScenarioError, parse_scenario

SHAPES = ("poisson", "steady", "burst", "diurnal")

# knob -> label shown next to its input; also how a scenario field is named back to the learner
LABELS = {
    "rate": "Rate /s", "for_s": "For s", "duration_ms": "Duration ms", "init_ms": "INIT ms", "memory_mb": "Memory MB",
    "architecture": "Arch", "reserved": "Reserved", "provisioned": "Provisioned", "account_limit": "Account limit",
    "invocation": "Invocation", "shape": "Traffic",
}
_FIELD_TO_KNOB = {
    "memory_mb": "memory_mb", "architecture": "architecture", "duration_ms": "duration_ms", "init_ms": "init_ms",
    "reserved_concurrency": "reserved", "provisioned_concurrency": "provisioned", "concurrency_limit": "account_limit",
    "rate_per_s": "rate", "peak_per_s": "rate", "requests": "rate", "for_s": "for_s", "invocation": "invocation",
}


@dataclass(frozen=True)
class Knobs:
    """What the learner can turn. Strings as typed; empty `reserved` means none."""

    example: str = ""  # "" = the traffic below; else a bundled example's traffic
    shape: str = "poisson"
    rate: str = "50"  # requests per second; for a burst, the number of requests; for diurnal, the peak
    for_s: str = "600"
    duration_ms: str = "200"
    init_ms: str = "400"
    memory_mb: str = "1024"
    architecture: str = "x86_64"
    reserved: str = ""
    provisioned: str = "0"
    account_limit: str = "1000"
    invocation: str = "sync"
    seed: int = 7


class KnobError(ValueError):
    """A knob value cannot be used: the message names the knob as the screen labels it."""


def knobs_from_example(name: str, base: Knobs | None = None) -> Knobs:
    """Knobs showing an example's (first) function settings; its traffic stays the example's."""
    data = yaml.safe_load(example_path(name).read_text(encoding="utf-8"))
    function = data.get("function") or next(iter((data.get("functions") or {}).values()), {})
    account = data.get("account") or {}
    provisioned = function.get("provisioned_concurrency", 0)
    return replace(
        base or Knobs(),
        example=name,
        duration_ms=_fixed_or_mean_text(function.get("duration_ms"), "200"),
        init_ms=_fixed_or_mean_text(function.get("init_ms"), "400"),
        memory_mb=str(function.get("memory_mb", 1024)),
        architecture=function.get("architecture", "x86_64"),
        reserved="" if function.get("reserved_concurrency") is None else str(function["reserved_concurrency"]),
        provisioned=str(provisioned if isinstance(provisioned, int) else 0),
        account_limit=str(account.get("concurrency_limit", 1000)),
        invocation=function.get("invocation", data.get("invocation", "sync")),
        seed=int(data.get("seed", 7)),
    )


def build_scenario(knobs: Knobs) -> Scenario:
    """The scenario the knobs describe, validated like a file; KnobError names the knob that is wrong."""
    document = _document(knobs)
    text = yaml.safe_dump(document, sort_keys=False)
    base = example_path(knobs.example).parent if knobs.example else Path(".")
    try:
        return parse_scenario(text, "knobs", base)
    except ScenarioError as exc:
        raise KnobError("; ".join(_knob_message(problem.field, problem.message) for problem in exc.problems)) from None


def _document(knobs: Knobs) -> dict[str, Any]:
    function: dict[str, Any] = {
        "memory_mb": _number(knobs, "memory_mb", whole=True),
        "architecture": knobs.architecture,
        "duration_ms": {"fixed": _number(knobs, "duration_ms")},
        "init_ms": {"fixed": _number(knobs, "init_ms")},
        "reserved_concurrency": _number(knobs, "reserved", whole=True) if knobs.reserved.strip() else None,
        "provisioned_concurrency": _number(knobs, "provisioned", whole=True),
    }
    if knobs.example:
        document = yaml.safe_load(example_path(knobs.example).read_text(encoding="utf-8"))
        if "functions" in document:  # several functions: the knobs tune the first
            first = next(iter(document["functions"]))
            document["functions"][first] = {**document["functions"][first], **function}
        else:
            document["function"] = {**(document.get("function") or {}), **function}
    else:
        document = {"function": function, "traffic": [_phase(knobs)]}
    document.setdefault("account", {})["concurrency_limit"] = _number(knobs, "account_limit", whole=True)
    document["invocation"] = knobs.invocation
    document["seed"] = knobs.seed
    return document


def _phase(knobs: Knobs) -> dict[str, Any]:
    if knobs.shape == "burst":
        return {"burst": {"requests": _number(knobs, "rate", whole=True)}}
    rate, for_s = _number(knobs, "rate"), _number(knobs, "for_s")
    if knobs.shape == "diurnal":
        return {"diurnal": {"peak_per_s": rate, "trough_per_s": rate / 20, "period_s": for_s}, "for_s": for_s}
    if knobs.shape not in SHAPES:
        raise KnobError(f"{LABELS['shape']}: expected one of {', '.join(SHAPES)}")
    return {knobs.shape: {"rate_per_s": rate}, "for_s": for_s}


def _number(knobs: Knobs, name: str, whole: bool = False) -> float | int:
    text = getattr(knobs, name).strip().replace(",", "").replace("_", "")
    try:
        value = float(text)
    except ValueError:
        raise KnobError(f"{LABELS[name]}: expected a number, got {text!r}") from None
    if whole:
        if value != int(value):
            raise KnobError(f"{LABELS[name]}: expected a whole number, got {text}")
        return int(value)
    return value


def _knob_message(field: str, message: str) -> str:
    last = field.rsplit(".", 1)[-1].split("[")[0] if field else ""
    knob = _FIELD_TO_KNOB.get(last)
    return f"{LABELS[knob]}: {message}" if knob else f"{field or 'scenario'}: {message}"


def _fixed_or_mean_text(raw: Any, default: str) -> str:
    """A distribution as one number for a knob: its fixed value, mean or median."""
    if isinstance(raw, (int, float)):
        return f"{raw:g}"
    if not isinstance(raw, dict) or not raw:
        return default
    kind, arg = next(iter(raw.items()))
    if kind in ("fixed", "exponential") and isinstance(arg, (int, float)):
        return f"{arg:g}"
    if kind == "lognormal" and isinstance(arg, dict) and "median" in arg:
        return f"{arg['median']:g}"
    if kind == "uniform" and isinstance(arg, list) and len(arg) == 2:
        return f"{(arg[0] + arg[1]) / 2:g}"
    return default


@dataclass(frozen=True)
class CompareRow:
    label: str
    a: float
    b: float
    unit: str  # "usd", "ms", "count"

    @property
    def difference(self) -> float:
        return self.b - self.a

    @property
    def relative(self) -> float | None:
        return (self.b - self.a) / self.a if self.a else None


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[CompareRow]:
    """The A/B rows: cost (total and by line), p99 and p50 latency, cold starts and throttles, from `--json` figures."""
    rows = [CompareRow("Cost total", a["cost_usd"]["total"], b["cost_usd"]["total"], "usd")]
    rows += [CompareRow(f"  {line}", a["cost_usd"][line], b["cost_usd"][line], "usd")
             for line in ("requests", "compute", "init", "provisioned")]
    rows += [
        CompareRow("p99 latency", a["latency_ms"]["p99"], b["latency_ms"]["p99"], "ms"),
        CompareRow("p50 latency", a["latency_ms"]["p50"], b["latency_ms"]["p50"], "ms"),
        CompareRow("Cold starts", a["cold_starts"], b["cold_starts"], "count"),
        CompareRow("Throttles", a["throttles"], b["throttles"], "count"),
        CompareRow("Peak concurrency", a["peak_concurrency"], b["peak_concurrency"], "count"),
    ]
    return rows
