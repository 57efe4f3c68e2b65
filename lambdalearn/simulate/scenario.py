"""The scenario file: what to simulate, read with line numbers so every mistake is `file:line: field: message`.

Every key is optional except `traffic` (docs/simulate.md lists the defaults). A scenario describes one
function (`function:`) or several sharing one account (`functions: {name: {...}}`); `invocation` and
`traffic` given at the top level apply to every function that does not set its own.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lambdalearn.content.problems import Problem
from lambdalearn.content.yamlsource import YamlError, YamlSource, format_field, parse_yaml
from lambdalearn.runtime import billing, policy
from lambdalearn.simulate.distributions import Distribution, fixed
from lambdalearn.simulate.traffic import Burst, Diurnal, Phase, Poisson, Steady, Trace

MAX_REQUESTS = 20_000_000  # about a minute of simulation: more is a typo, not a question
MEMORY_RANGE_MB = (128, 10240)
EVENT_AGE_RANGE_S = (60, 21600)  # MaximumEventAgeInSeconds
DEFAULT_IDLE_TIMEOUT_S = 600.0  # AWS does not document it; the runtime uses the same default

TOP_KEYS = ("function", "functions", "account", "invocation", "maximum_event_age_s", "traffic", "seed")
FUNCTION_KEYS = (
    "memory_mb", "architecture", "duration_ms", "init_ms", "idle_timeout_s", "reserved_concurrency",
    "provisioned_concurrency", "invocation", "maximum_event_age_s", "traffic",
)
ACCOUNT_KEYS = ("concurrency_limit", "scale_per_10s")
SHAPES = ("poisson", "burst", "steady", "diurnal", "trace")


@dataclass(frozen=True)
class FunctionSpec:
    """One simulated function: its configuration, its invocation type and its traffic."""

    name: str
    traffic: tuple[Phase, ...]
    memory_mb: int = 1024
    architecture: str = "x86_64"
    duration_ms: Distribution = field(default_factory=lambda: fixed(200))
    init_ms: Distribution = field(default_factory=lambda: fixed(400))
    idle_timeout_s: Distribution = field(default_factory=lambda: fixed(DEFAULT_IDLE_TIMEOUT_S))
    reserved_concurrency: int | None = None
    provisioned: tuple[tuple[float, int], ...] = ()  # (at_s, value) steps; empty = none
    invocation: str = "sync"
    maximum_event_age_s: float = policy.MAXIMUM_EVENT_AGE_S


@dataclass(frozen=True)
class Scenario:
    """A whole simulation: functions, the account they share, and the seed of every random draw."""

    functions: tuple[FunctionSpec, ...]
    concurrency_limit: int = policy.ACCOUNT_CONCURRENCY_LIMIT
    scale_per_10s: int = policy.SCALE_PER_WINDOW
    seed: int = 7
    source: str = "<scenario>"

    @property
    def expected_requests(self) -> float:
        return sum(phase.expected_requests for spec in self.functions for phase in spec.traffic)

    @property
    def traffic_span_s(self) -> float:
        return max(sum(phase.for_s for phase in spec.traffic) for spec in self.functions)


class ScenarioError(Exception):
    """The scenario cannot be simulated; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def load_scenario(path: Path, shown_as: str | None = None) -> Scenario:
    """Read and validate the scenario at `path`; raises ScenarioError listing every problem found."""
    rel = shown_as or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(rel, 0, "", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(rel, 0, "", f"cannot read: {exc}")]) from None
    return parse_scenario(text, rel, path.parent)


def parse_scenario(text: str, rel: str, base_dir: Path) -> Scenario:
    """Validate scenario YAML `text` (shown as `rel`); files it names are relative to `base_dir`."""
    try:
        source, problems = parse_yaml(text, rel)
    except YamlError as exc:
        raise ScenarioError([exc.problem]) from None
    reader = _Reader(source, base_dir, problems)
    scenario = reader.scenario()
    if problems or scenario is None:
        raise ScenarioError(sorted(set(problems)))
    return scenario


class _Reader:
    """Walks the parsed YAML, turning each part into model objects and each mistake into a Problem."""

    def __init__(self, source: YamlSource, base_dir: Path, problems: list[Problem]) -> None:
        self.source, self.base_dir, self.problems = source, base_dir, problems

    def problem(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(self.source.path, self.source.line(*path), format_field(path), message))

    def scenario(self) -> Scenario | None:
        data = self.source.data
        if not isinstance(data, dict):
            self.problems.append(Problem(self.source.path, 1, "", "expected a mapping with at least `traffic`"))
            return None
        self.unknown_keys(data, (), TOP_KEYS)
        account = data.get("account") or {}
        if not isinstance(account, dict):
            self.problem(("account",), "expected a mapping with concurrency_limit and scale_per_10s")
            account = {}
        self.unknown_keys(account, ("account",), ACCOUNT_KEYS)
        limit = self.integer(account, ("account", "concurrency_limit"), policy.ACCOUNT_CONCURRENCY_LIMIT, 1)
        scale = self.integer(account, ("account", "scale_per_10s"), policy.SCALE_PER_WINDOW, 1)
        seed = self.integer(data, ("seed",), 7, 0)
        defaults = {key: data[key] for key in ("invocation", "maximum_event_age_s", "traffic") if key in data}
        functions = self.functions(data, defaults)
        if not functions:
            return None
        self.check_reservations(functions, limit)
        return Scenario(tuple(functions), limit, scale, seed, self.source.path)

    def functions(self, data: dict[str, Any], defaults: dict[str, Any]) -> list[FunctionSpec]:
        if "function" in data and "functions" in data:
            self.problem(("functions",), "give either `function` or `functions`, not both")
            return []
        if "functions" in data:
            named = data["functions"]
            if not isinstance(named, dict) or not named:
                self.problem(("functions",), "expected a mapping of function names to their settings")
                return []
            return [
                spec for name, raw in named.items() if (spec := self.function(str(name), raw, ("functions", name), defaults))
            ]
        spec = self.function("function", data.get("function") or {}, ("function",), defaults)
        return [spec] if spec else []

    def function(self, name: str, raw: Any, path: tuple[Any, ...], defaults: dict[str, Any]) -> FunctionSpec | None:
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.problem(path, "expected a mapping of function settings")
            return None
        self.unknown_keys(raw, path, FUNCTION_KEYS)
        before = len(self.problems)
        memory = self.integer(raw, (*path, "memory_mb"), 1024, *MEMORY_RANGE_MB)
        architecture = raw.get("architecture", "x86_64")
        if architecture not in billing.PRICES["gb_second"]:
            self.problem((*path, "architecture"), f"expected one of {', '.join(billing.PRICES['gb_second'])}")
        reserved = None
        if raw.get("reserved_concurrency") is not None:
            reserved = self.integer(raw, (*path, "reserved_concurrency"), 0, 0)
        provisioned = self.provisioned(raw.get("provisioned_concurrency", 0), (*path, "provisioned_concurrency"))
        if reserved is not None and any(value > reserved for _, value in provisioned):
            self.problem((*path, "provisioned_concurrency"), f"more than the reserved concurrency ({reserved})")
        invocation, invocation_path = self.inherited(raw, path, defaults, "invocation", "sync")
        if invocation not in ("sync", "async"):
            self.problem(invocation_path, "expected sync or async")
        age_holder, age_path = (raw, path) if "maximum_event_age_s" in raw else (defaults, ())
        age = self.number(age_holder, (*age_path, "maximum_event_age_s"), policy.MAXIMUM_EVENT_AGE_S, *EVENT_AGE_RANGE_S)
        traffic_raw, traffic_path = self.inherited(raw, path, defaults, "traffic", None)
        if traffic_raw is None:
            self.problem((*path, "traffic") if path != ("function",) else ("traffic",), "required: a list of phases")
            traffic: tuple[Phase, ...] = ()
        else:
            traffic = self.traffic(traffic_raw, traffic_path)
        spec = FunctionSpec(
            name=name,
            traffic=traffic,
            memory_mb=memory,
            architecture=str(architecture),
            duration_ms=self.distribution(raw, (*path, "duration_ms"), fixed(200), "duration_ms"),
            init_ms=self.distribution(raw, (*path, "init_ms"), fixed(400), "init_duration_ms"),
            idle_timeout_s=self.distribution(raw, (*path, "idle_timeout_s"), fixed(DEFAULT_IDLE_TIMEOUT_S), None),
            reserved_concurrency=reserved,
            provisioned=provisioned,
            invocation=str(invocation),
            maximum_event_age_s=age,
        )
        return spec if len(self.problems) == before else None

    def inherited(self, raw: dict, path: tuple, defaults: dict, key: str, default: Any) -> tuple[Any, tuple]:
        """A function's own `key`, else the top-level one, with the path to report it under."""
        if key in raw:
            return raw[key], (*path, key)
        return defaults.get(key, default), (key,)

    def check_reservations(self, functions: list[FunctionSpec], limit: int) -> None:
        reserved = sum(spec.reserved_concurrency or 0 for spec in functions)
        if reserved > limit:
            self.problem(("account", "concurrency_limit"), f"the functions reserve {reserved}, more than the limit {limit}")
        total = sum(spec.traffic and sum(phase.expected_requests for phase in spec.traffic) or 0 for spec in functions)
        if total > MAX_REQUESTS:
            self.problem(("traffic",), f"about {total:,.0f} requests; the simulator takes at most {MAX_REQUESTS:,}")

    # -- values ---------------------------------------------------------------------------------------------

    def unknown_keys(self, raw: dict, path: tuple, allowed: tuple[str, ...]) -> None:
        for key in raw:
            if key not in allowed:
                self.problem((*path, key), f"unknown key; expected one of {', '.join(allowed)}")

    def integer(self, raw: dict, path: tuple, default: int, low: float = -math.inf, high: float = math.inf) -> int:
        value = raw.get(path[-1], default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"expected a whole number, got {value!r}")
            return default
        if not low <= value <= high:
            self.problem(path, f"{value} is out of range ({_range(low, high)})")
            return default
        return value

    def number(self, raw: dict, path: tuple, default: float, low: float = -math.inf, high: float = math.inf) -> float:
        value = raw.get(path[-1], default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.problem(path, f"expected a number, got {value!r}")
            return default
        if not low <= value <= high:
            self.problem(path, f"{value:g} is out of range ({_range(low, high)})")
            return default
        return float(value)

    def positive(self, raw: dict, path: tuple) -> float:
        if path[-1] not in raw:
            self.problem(path, "required")
            return 1.0
        value = self.number(raw, path, 1.0)
        if value <= 0:
            self.problem(path, "must be greater than 0")
            return 1.0
        return value

    def distribution(self, raw: dict, path: tuple, default: Distribution, record_field: str | None) -> Distribution:
        """`{fixed: V}`, `{exponential: MEAN}`, `{lognormal: {median, p99}}`, `{uniform: [A, B]}`, `{empirical: FILE}`."""
        if path[-1] not in raw:
            return default
        value = raw[path[-1]]
        forms = "fixed, exponential, lognormal, uniform or empirical"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = {"fixed": value}
        if not isinstance(value, dict) or len(value) != 1:
            self.problem(path, f"expected one of {forms}, e.g. {{fixed: 200}}")
            return default
        kind, arg = next(iter(value.items()))
        at = (*path, kind)
        if kind in ("fixed", "exponential"):
            number = self.number(value, at, 1.0, 0)
            if kind == "exponential" and number <= 0:
                self.problem(at, "the mean must be greater than 0")
                return default
            return Distribution(kind, number)
        if kind == "lognormal":
            if not isinstance(arg, dict):
                self.problem(at, "expected {median: M, p99: P}")
                return default
            median, p99 = self.positive(arg, (*at, "median")), self.positive(arg, (*at, "p99"))
            if p99 <= median:
                self.problem((*at, "p99"), f"must be above the median ({median:g})")
                return default
            return Distribution(kind, median, p99)
        if kind == "uniform":
            ok = isinstance(arg, list) and len(arg) == 2 and all(_is_number(x) and x >= 0 for x in arg)
            if not ok or arg[0] > arg[1]:
                self.problem(at, "expected [LOW, HIGH] with 0 <= LOW <= HIGH")
                return default
            return Distribution(kind, float(arg[0]), float(arg[1]))
        if kind == "empirical":
            values = self.empirical(arg, at, record_field)
            return Distribution(kind, values=values) if values else default
        self.problem(path, f"unknown form {kind!r}; expected {forms}")
        return default

    def empirical(self, name: Any, path: tuple, record_field: str | None) -> tuple[float, ...]:
        """Numbers from a file: one a line, or JSON lines of `invoke --records` (their `record_field`)."""
        if not isinstance(name, str):
            self.problem(path, "expected a file name")
            return ()
        file = self.base_dir / name
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(path, f"cannot read {name}: {exc.__class__.__name__}")
            return ()
        values = []
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            value = _record_value(line, record_field)
            if value is _WARM_RECORD:
                continue
            if value is None or value < 0:
                self.problem(path, f"{name}:{number}: expected a non-negative number or a JSON record with {record_field}")
                return ()
            values.append(value)
        if not values:
            self.problem(path, f"{name} holds no values")
        return tuple(values)

    def provisioned(self, raw: Any, path: tuple) -> tuple[tuple[float, int], ...]:
        """An integer, or a schedule `[{at_s: 0, value: 10}, ...]` with increasing times."""
        if isinstance(raw, int) and not isinstance(raw, bool):
            if raw < 0:
                self.problem(path, "must not be negative")
                return ()
            return ((0.0, raw),) if raw else ()
        if not isinstance(raw, list) or not raw:
            self.problem(path, "expected a number or a schedule [{at_s: 0, value: 10}, ...]")
            return ()
        steps: list[tuple[float, int]] = []
        for index, step in enumerate(raw):
            at = (*path, index)
            if not isinstance(step, dict) or set(step) != {"at_s", "value"}:
                self.problem(at, "expected {at_s: SECONDS, value: ENVIRONMENTS}")
                continue
            at_s = self.number(step, (*at, "at_s"), 0.0, 0)
            value = self.integer(step, (*at, "value"), 0, 0)
            if steps and at_s <= steps[-1][0]:
                self.problem((*at, "at_s"), f"must come after the previous step ({steps[-1][0]:g})")
            steps.append((at_s, value))
        return tuple(steps)

    def traffic(self, raw: Any, path: tuple) -> tuple[Phase, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem(path, "expected a list of phases, e.g. - poisson: {rate_per_s: 5}")
            return ()
        phases = [phase for index, item in enumerate(raw) if (phase := self.phase(item, (*path, index)))]
        return tuple(phases)

    def phase(self, raw: Any, path: tuple) -> Phase | None:
        shapes = [key for key in (raw if isinstance(raw, dict) else {}) if key in SHAPES]
        if len(shapes) != 1:
            self.problem(path, f"expected exactly one of {', '.join(SHAPES)} (with for_s where it needs one)")
            return None
        shape = shapes[0]
        self.unknown_keys(raw, path, (shape,) if shape in ("burst", "trace") else (shape, "for_s"))
        args = raw[shape]
        at = (*path, shape)
        if not isinstance(args, dict):
            self.problem(at, "expected a mapping of the phase's settings")
            return None
        keys = {"poisson": ("rate_per_s",), "steady": ("rate_per_s",), "burst": ("requests",),
                "diurnal": ("peak_per_s", "trough_per_s", "period_s"), "trace": ("file",)}[shape]
        self.unknown_keys(args, at, keys)
        if shape == "burst":
            if "requests" not in args:
                self.problem((*at, "requests"), "required")
                return None
            return Burst(self.integer(args, (*at, "requests"), 1, 1, MAX_REQUESTS))
        if shape == "trace":
            return self.trace(args.get("file"), (*at, "file"))
        for_s = self.positive(raw, (*path, "for_s"))
        if shape == "diurnal":
            peak, trough = self.positive(args, (*at, "peak_per_s")), self.number(args, (*at, "trough_per_s"), 0.0, 0)
            if trough > peak:
                self.problem((*at, "trough_per_s"), f"must not exceed peak_per_s ({peak:g})")
            return Diurnal(peak, trough, self.positive(args, (*at, "period_s")), for_s)
        rate = self.positive(args, (*at, "rate_per_s"))
        return Poisson(rate, for_s) if shape == "poisson" else Steady(rate, for_s)

    def trace(self, name: Any, path: tuple) -> Trace | None:
        """A CSV of arrival offsets in seconds (one column) or of `minute,count` rows; a header line is skipped."""
        if not isinstance(name, str):
            self.problem(path, "expected a file name")
            return None
        try:
            rows = list(csv.reader(line for line in (self.base_dir / name).read_text(encoding="utf-8").splitlines()
                                   if line.strip() and not line.startswith("#")))
        except (OSError, UnicodeDecodeError) as exc:
            self.problem(path, f"cannot read {name}: {exc.__class__.__name__}")
            return None
        if rows and not _is_float(rows[0][0]):
            rows = rows[1:]  # a header
        offsets: list[float] = []
        for number, row in enumerate(rows, 1):
            cells = [cell.strip() for cell in row]
            if len(cells) not in (1, 2) or not all(_is_float(cell) and float(cell) >= 0 for cell in cells):
                self.problem(path, f"{name}: row {number}: expected SECONDS or MINUTE,COUNT (non-negative numbers)")
                return None
            if len(cells) == 1:
                offsets.append(float(cells[0]))
            else:
                minute, count = float(cells[0]), int(float(cells[1]))
                offsets.extend(minute * 60 + (n + 0.5) * 60 / count for n in range(count))
        if not offsets:
            self.problem(path, f"{name} holds no requests")
            return None
        offsets.sort()
        per_minute = len(rows[0]) == 2
        span = (math.floor(offsets[-1] / 60) + 1) * 60 if per_minute else offsets[-1]
        return Trace(name, tuple(offsets), max(span, 1e-9))


_WARM_RECORD = object()  # a record without the field's value: a warm start has no init_duration_ms


def _record_value(line: str, record_field: str | None) -> Any:
    if _is_float(line):
        return float(line)
    if record_field is None:
        return None
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict) or record_field not in record:
        return None
    value = record[record_field]
    if value is None:
        return _WARM_RECORD
    return float(value) if _is_number(value) else None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_float(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _range(low: float, high: float) -> str:
    if high == math.inf:
        return f"at least {low:g}"
    return f"{low:g}-{high:g}"
