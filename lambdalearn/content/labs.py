"""Reading and validating one lab folder (`labs/<id>/lab.yaml` and its files) into a `LabSpec`.

The lab format is documented in docs/authoring.md ("Labs"). Everything an author can get wrong is reported
as a located `Problem` (`labs/x/lab.yaml:14: checks[2].expect.status: ...`) when the pack loads, so that the
lab runner (`lambdalearn.labs`) only ever sees a well-formed lab. Values may hold `${var}` placeholders,
filled in per check run from the check's random `vars`; those are checked here for unknown names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lambdalearn.content.packfiles import read_pack_text
from lambdalearn.content.problems import Problem
from lambdalearn.content.questions import DIFFICULTIES

if TYPE_CHECKING:  # the validators are imported when a lab is read, not when a cached one is unpickled
    from lambdalearn.content.fields import Fields
    from lambdalearn.content.yamlsource import YamlSource

LAB_FILE = "lab.yaml"
README_FILE = "README.md"
CHECKS_FILE = "checks.py"
TUNING_FILE = "function.yaml"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
HINT_HEADING = re.compile(r"^##\s+Hint\s+(\d+)\s*$", re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^#{1,2}\s")

_LAB_KEYS = frozenset(
    {"id", "title", "lesson", "lesson_section", "difficulty", "xp", "minutes", "function", "editable", "tunable",
     "resources", "hints", "checks", "reuse_environments"}
)
_FUNCTION_KEYS = frozenset(
    {"handler", "memory", "timeout", "env", "architecture", "ephemeral_storage", "reserved_concurrency",
     "provisioned_concurrency", "qualifier", "layers"}
)
# function.yaml keys a tuning lab may let the learner set.
TUNABLE_KEYS = ("memory", "timeout", "architecture", "ephemeral_storage", "reserved_concurrency",
                "provisioned_concurrency", "qualifier", "layers")
_RESOURCE_KEYS = frozenset({"buckets", "queues", "tables", "topics"})
_CHECK_KEYS = frozenset({"name", "vars", "invoke", "expect", "python"})
_INVOKE_KEYS = frozenset({"event", "event_json", "generate", "count", "concurrency", "config", "setup", "qualifier"})
SETUP_ACTIONS: dict[str, frozenset[str]] = {
    "s3_put": frozenset({"bucket", "key", "body"}),
    "sqs_send": frozenset({"queue", "body"}),
    "dynamodb_put": frozenset({"table", "item"}),
}
COUNT_KEYS = ("cold_starts", "warm_starts", "throttles", "errors")
BOUND_KEYS = ("duration_ms", "p50_duration_ms", "cost_usd")
DURATION_MODELS = ("measured", "cpu-share")
STATUSES = ("success", "error", "throttled")
VAR_KINDS = ("word", "int", "choice")
MAX_COUNT = 200


@dataclass(frozen=True)
class LabFunction:
    """The function's configuration (names follow `lambdalearn.runtime.config.FunctionConfig`)."""

    handler: str
    memory_mb: int = 128
    timeout_s: float = 3.0
    environment: Mapping[str, str] = field(default_factory=dict)
    architecture: str = "x86_64"
    ephemeral_storage_mb: int = 512
    reserved_concurrency: int | None = None
    provisioned_concurrency: int = 0
    # Invoke through this alias or version: the checks publish the code as version 1 (and alias it) first.
    qualifier: str | None = None
    layers: tuple[str, ...] = ()  # folders of the code (e.g. layers/common) shown as the function's layers under /opt


@dataclass(frozen=True)
class Bucket:
    name: str
    objects: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Queue:
    name: str
    fifo: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[tuple[str, str], ...]  # (attribute, S|N|B): the partition key, then the sort key if any
    items: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class Topic:
    name: str


@dataclass(frozen=True)
class Resources:
    """AWS resources created in the local moto server before each check."""

    buckets: tuple[Bucket, ...] = ()
    queues: tuple[Queue, ...] = ()
    tables: tuple[Table, ...] = ()
    topics: tuple[Topic, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.buckets or self.queues or self.tables or self.topics)


@dataclass(frozen=True)
class Invoke:
    """How a check invokes the function. Exactly one of event_file / event_json / generate, or none ({}).

    `generate` is `{"event": NAME, OPTION: value...}`: the sample event's name, then its generator's options."""

    event_file: str | None = None
    event_json: Any = None
    generate: Mapping[str, Any] | None = None
    count: int = 1
    concurrency: int = 1
    config: Mapping[str, Any] = field(default_factory=dict)
    setup: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    qualifier: str | None = None  # invoke through this version or alias (default: the function's qualifier)


@dataclass(frozen=True)
class Check:
    """One check: an invocation and its expectations, or a function of checks.py (`python`)."""

    name: str
    line: int
    vars: Mapping[str, tuple[str, Any]] = field(default_factory=dict)  # name -> (kind, argument)
    invoke: Invoke | None = None
    expect: Mapping[str, Any] = field(default_factory=dict)
    python: str | None = None

    @property
    def hidden_input(self) -> bool:
        """The learner cannot know this check's input in advance (random vars, generated event, checks.py)."""
        return bool(self.vars) or self.python is not None or (self.invoke is not None and self.invoke.generate is not None)


@dataclass(frozen=True)
class LabSpec:
    """A validated lab: everything in lab.yaml plus where its files are."""

    id: str
    title: str
    folder: Path
    source: str  # lab.yaml relative to the pack root, for messages
    lesson: str
    difficulty: str
    xp: int
    minutes: int
    function: LabFunction
    editable: tuple[str, ...]
    checks: tuple[Check, ...]
    lesson_section: str | None = None
    tunable: tuple[str, ...] = ()
    resources: Resources = field(default_factory=Resources)
    hints: tuple[str, ...] = ()
    reuse_environments: bool = False  # checks share warm environments, as successive events would on Lambda

    @property
    def starter(self) -> Path:
        return self.folder / "starter"

    @property
    def solution(self) -> Path:
        return self.folder / "solution"

    @property
    def readme(self) -> Path:
        return self.folder / README_FILE

    @property
    def checks_module(self) -> Path:
        return self.folder / CHECKS_FILE


def lab_folders(root: Path, problems: list[Problem], lessons: Mapping[str, frozenset[str]] | None) -> list[Any]:
    """Every lab folder of the pack at `root` as a `LabFolder`, its `spec` None when the lab has problems.

    `lessons` maps the pack's lesson ids to their anchors; None skips the lesson links (running one lab does
    not need them and should not pay for loading every lesson; `pack validate` checks them).
    """
    return [lab for folder in lab_folder_paths(root) if (lab := lab_folder(root, folder, problems, lessons))]


def lab_folder_paths(root: Path) -> list[Path]:
    """The folders under the pack's labs/, in order."""
    return sorted(p for p in (root / "labs").glob("*") if p.is_dir())


def lab_folder(root: Path, folder: Path, problems: list[Problem], lessons: Mapping[str, frozenset[str]] | None) -> Any:
    """One lab folder as a `LabFolder` (see `lab_folders`); None, with a problem, when it has no lab.yaml."""
    from lambdalearn.content.models import LabFolder

    rel = (folder / LAB_FILE).relative_to(root).as_posix()
    if not (folder / LAB_FILE).is_file():
        problems.append(Problem(rel, 0, "", "missing: every lab folder needs a lab.yaml"))
        return None
    spec = load_lab(folder, rel, problems, lessons)
    return LabFolder(spec.id if spec else folder.name, folder, spec.title if spec else folder.name, spec)


def load_lab(folder: Path, rel: str, problems: list[Problem], lessons: Mapping[str, frozenset[str]] | None) -> LabSpec | None:
    """The lab in `folder`, or None when it is unusable; every problem found goes to `problems`.

    `rel` is lab.yaml's path relative to the pack root; `lessons` maps the pack's lesson ids to their anchors
    (None: do not check the lesson link).
    """
    from lambdalearn.content.yamlsource import load_mapping_file

    source = load_mapping_file(folder / LAB_FILE, rel, problems, "id, title, function and checks")
    if source is None:
        return None
    return _LabReader(folder, source, problems, lessons).read()


def read_hints(spec: LabSpec) -> list[str]:
    """The lab's hints as `lab hint` numbers them (1..N): those of lab.yaml, then the README's `## Hint N`
    sections, whose numbers validation keeps in step (the first README hint is numbered after lab.yaml's)."""
    hints = list(spec.hints)
    if spec.readme.is_file():
        hints.extend(body for _, _, body in _readme_hints(spec.readme.read_text(encoding="utf-8")))
    return hints


def read_instructions(spec: LabSpec) -> str:
    """The README as the learner first reads it: without its `## Hint N` sections (`lab hint` gives those)."""
    kept: list[str] = []
    in_hint = False
    for _, heading, line in _headed_lines(spec.readme.read_text(encoding="utf-8")):
        if heading:
            in_hint = bool(HINT_HEADING.match(line))
        if not in_hint:
            kept.append(line)
    return "\n".join(kept).rstrip()


def _readme_hints(text: str) -> list[tuple[int, int, str]]:
    """(line, number in its heading, body) of each non-empty `## Hint N` section; a section ends at the next
    heading of level 1 or 2."""
    hints: list[tuple[int, int, str]] = []
    current: list[str] | None = None
    heading_line = number = 0
    for line_number, heading, line in [*_headed_lines(text), (0, True, "## end")]:
        if heading:
            if current is not None and "\n".join(current).strip():
                hints.append((heading_line, number, "\n".join(current).strip()))
            matched = HINT_HEADING.match(line)
            current = [] if matched else None
            heading_line, number = (line_number, int(matched.group(1))) if matched else (0, 0)
        elif current is not None:
            current.append(line)
    return hints


def _headed_lines(text: str) -> list[tuple[int, bool, str]]:
    """(line number, is a level 1 or 2 heading, line) for each line; `# ...` inside a fenced block is code."""
    lines = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        lines.append((number, not fenced and bool(_SECTION_HEADING.match(line)), line))
    return lines


class _LabReader:
    """Reads one lab.yaml top to bottom, recording problems; `read()` returns the spec or None."""

    def __init__(self, folder: Path, source: YamlSource, problems: list[Problem],
                 lessons: Mapping[str, frozenset[str]] | None):
        self.folder = folder
        self.source = source
        self.problems = problems
        self.lessons = lessons
        self.count_before = len(problems)

    def fields(self, path: tuple[Any, ...], label: str | None = None) -> Fields:
        from lambdalearn.content.fields import Fields

        return Fields(self.source, path, self.problems, label)

    def read(self) -> LabSpec | None:
        lab = self.fields(())
        lab.reject_unknown(_LAB_KEYS)
        lab_id = lab.ident("id")
        if lab_id is not None and lab_id != self.folder.name:
            lab.problem("id", f"'{lab_id}' must match its folder name '{self.folder.name}'")
        title = lab.text("title")
        lesson = lab.ident("lesson")
        section = lab.text("lesson_section", required=False)
        if lesson is not None and self.lessons is not None:
            if lesson not in self.lessons:
                lab.problem("lesson", f"no lesson with id '{lesson}' in this pack")
            elif section is not None and section not in self.lessons[lesson]:
                lab.problem("lesson_section", f"lesson '{lesson}' has no section '#{section}'")
        difficulty = lab.choice("difficulty", DIFFICULTIES)
        xp = lab.integer("xp", minimum=0, maximum=1000)
        minutes = lab.integer("minutes", minimum=1, maximum=600)
        hints = lab.text_list("hints", required=False) or ()
        self._hint_numbers(len(hints))
        reuse = lab.boolean("reuse_environments", required=False, default=False)
        self._folders(lab)
        function = self._function(lab)
        editable = self._editable(lab)
        tunable = self._tunable(lab, editable)
        resources = self._resources(lab)
        checks = self._checks(lab, resources)
        if len(self.problems) > self.count_before or None in (lab_id, title, lesson, difficulty, xp, minutes, function):
            return None
        return LabSpec(
            id=lab_id, title=title, folder=self.folder, source=self.source.path, lesson=lesson,  # type: ignore[arg-type]
            difficulty=difficulty, xp=xp, minutes=minutes, function=function, editable=editable,  # type: ignore[arg-type]
            checks=tuple(checks), lesson_section=section, tunable=tunable, resources=resources, hints=hints,
            reuse_environments=bool(reuse),
        )

    # -- folders and files ----------------------------------------------------------------------------------

    def _folders(self, lab: Fields) -> None:
        for name in ("starter", "solution"):
            if not (self.folder / name).is_dir():
                lab.problem(None, f"missing folder {name}/: every lab needs a starter and a solution")
        if not (self.folder / README_FILE).is_file():
            lab.problem(None, f"missing {README_FILE}: the instructions for the learner")
        starter, solution = _files(self.folder / "starter"), _files(self.folder / "solution")
        for extra in sorted(solution - starter) if starter else ():
            lab.problem(None, f"solution/{extra} is not in starter/: only starter files (and the editable ones "
                              "from the workspace) are run, so the solution must use the same file names")
        for event in sorted((self.folder / "events").glob("*.json")):
            text = read_pack_text(event, _sibling(self.source.path, f"events/{event.name}"), self.problems)
            if text is None:
                continue
            try:
                json.loads(text)
            except ValueError as exc:
                self.problems.append(Problem(_sibling(self.source.path, f"events/{event.name}"),
                                             getattr(exc, "lineno", 0), "", f"invalid JSON: {exc}"))

    def _hint_numbers(self, lab_yaml_hints: int) -> None:
        """README hints come after lab.yaml's in `lab hint`: their headings must carry the numbers shown there."""
        readme = self.folder / README_FILE
        if not readme.is_file():
            return
        try:
            sections = _readme_hints(readme.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            self.problems.append(Problem(_sibling(self.source.path, README_FILE), 0, "", "not UTF-8 text"))
            return
        for position, (line, number, _) in enumerate(sections, start=1):
            shown = lab_yaml_hints + position
            if number != shown:
                self.problems.append(Problem(
                    _sibling(self.source.path, README_FILE), line, f"Hint {number}",
                    f"`lab hint` shows this as hint {shown} (lab.yaml has {lab_yaml_hints} before the README's): "
                    f"number it ## Hint {shown}"))

    def _editable(self, lab: Fields) -> tuple[str, ...]:
        editable = lab.text_list("editable") or ()
        for name in editable:
            if Path(name).is_absolute() or ".." in Path(name).parts:
                lab.problem("editable", f"'{name}' must be a path inside the workspace")
                continue
            for folder in ("starter", "solution"):
                if (self.folder / folder).is_dir() and not (self.folder / folder / name).is_file():
                    lab.problem("editable", f"'{name}' is missing from {folder}/")
        shared = _files(self.folder / "solution") & _files(self.folder / "starter")
        for name in sorted(shared - set(editable)):
            lab.problem(None, f"solution/{name} is never used: checks take it from starter/, and only the editable "
                              "files of solution/ are run; delete it from solution/")
        return editable

    def _tunable(self, lab: Fields, editable: tuple[str, ...]) -> tuple[str, ...]:
        tunable = lab.text_list("tunable", required=False) or ()
        for key in tunable:
            if key not in TUNABLE_KEYS:
                lab.problem("tunable", f"'{key}' cannot be tuned; choose from: {', '.join(TUNABLE_KEYS)}")
        if tunable and TUNING_FILE not in editable:
            lab.problem("tunable", f"a tuning lab must list {TUNING_FILE} in 'editable'")
        return tunable

    # -- the function ---------------------------------------------------------------------------------------

    def _function(self, lab: Fields) -> LabFunction | None:
        if not isinstance(lab.mapping.get("function"), dict):
            lab.problem("function" if lab.has("function") else None, "'function' is required: a mapping with at least 'handler'")
            return None
        f = self.fields(("function",))
        f.reject_unknown(_FUNCTION_KEYS)
        handler = f.text("handler")
        if handler is not None and not re.fullmatch(r"[A-Za-z_][\w.]*\.[A-Za-z_]\w*", handler):
            f.problem("handler", f"'{handler}' is not module.function (for example app.handler)")
        env = self._environment(f)
        function = LabFunction(
            handler=handler or "app.handler",
            memory_mb=f.integer("memory", required=False, default=128),  # type: ignore[arg-type]
            timeout_s=f.number("timeout", required=False, default=3.0),  # type: ignore[arg-type]
            environment=env,
            architecture=f.text("architecture", required=False, default="x86_64"),  # type: ignore[arg-type]
            ephemeral_storage_mb=f.integer("ephemeral_storage", required=False, default=512),  # type: ignore[arg-type]
            reserved_concurrency=f.integer("reserved_concurrency", required=False),
            provisioned_concurrency=f.integer("provisioned_concurrency", required=False, default=0),  # type: ignore[arg-type]
            qualifier=f.text("qualifier", required=False),
            layers=f.text_list("layers", required=False) or (),
        )
        if f.failed:
            return None
        for layer in function.layers:
            if Path(layer).is_absolute() or ".." in Path(layer).parts:
                f.problem("layers", f"'{layer}' must be a folder of the function's code (e.g. layers/common)")
                return None
        message = config_problem(function, {}, self.folder)
        if message:
            f.problem(None, message)
            return None
        if function.provisioned_concurrency and function.qualifier in (None, "$LATEST"):
            f.problem("provisioned_concurrency", "Lambda refuses provisioned concurrency on $LATEST: set"
                      " qualifier: live (an alias) or qualifier: 1 (a version)")
            return None
        return function

    def _environment(self, f: Fields) -> dict[str, str]:
        raw = f.mapping.get("env")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            f.problem("env", "expected a mapping of NAME: value")
            return {}
        f.failed = f.failed or any(str(key).startswith("AWS_") or isinstance(v, (dict, list)) or v is None
                                   for key, v in raw.items())
        env = {}
        located = self.fields(("function", "env"))
        for key, value in raw.items():
            if str(key).startswith("AWS_"):
                located.problem(str(key), "a lab may not set AWS_* variables: the lab runner sets the endpoint, region and credentials")
            elif isinstance(value, (dict, list)) or value is None:
                located.problem(str(key), "expected a text value")
            else:
                env[str(key)] = str(value).lower() if isinstance(value, bool) else str(value)
        return env

    # -- resources ------------------------------------------------------------------------------------------

    def _resources(self, lab: Fields) -> Resources:
        if not lab.has("resources") or lab.mapping["resources"] is None:
            return Resources()
        if not isinstance(lab.mapping["resources"], dict):
            lab.problem("resources", "expected a mapping of buckets, queues, tables and topics")
            return Resources()
        r = self.fields(("resources",))
        r.reject_unknown(_RESOURCE_KEYS)
        buckets, queues, tables, topics = [], [], [], []
        for index in r.mapping_list("buckets", required=False):
            b = self.fields(("resources", "buckets", index))
            b.reject_unknown({"name", "objects"})
            name = b.text("name")
            objects = b.mapping.get("objects") or {}
            if not isinstance(objects, dict) or not all(isinstance(v, str) for v in objects.values()):
                b.problem("objects", "expected a mapping of key: text content")
                objects = {}
            if name is not None and not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", name):
                b.problem("name", f"'{name}' is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)")
            buckets.append(Bucket(name or "", {str(k): v for k, v in objects.items()}))
        for index in r.mapping_list("queues", required=False):
            q = self.fields(("resources", "queues", index))
            q.reject_unknown({"name", "fifo"})
            name = q.text("name")
            fifo = q.boolean("fifo", required=False, default=False)
            if name is not None and fifo and not name.endswith(".fifo"):
                q.problem("name", "a FIFO queue's name must end in .fifo")
            queues.append(Queue(name or "", bool(fifo)))
        for index in r.mapping_list("tables", required=False):
            tables.append(self._table(index))
        for index in r.mapping_list("topics", required=False):
            t = self.fields(("resources", "topics", index))
            t.reject_unknown({"name"})
            topics.append(Topic(t.text("name") or ""))
        for kind, items in (("buckets", buckets), ("queues", queues), ("tables", tables), ("topics", topics)):
            names = [item.name for item in items]
            for name in {n for n in names if names.count(n) > 1}:
                r.problem(kind, f"two {kind} are named '{name}'")
        return Resources(tuple(buckets), tuple(queues), tuple(tables), tuple(topics))

    def _table(self, index: int) -> Table:
        t = self.fields(("resources", "tables", index))
        t.reject_unknown({"name", "key", "items"})
        name = t.text("name") or ""
        key = t.mapping.get("key")
        pairs: tuple[tuple[str, str], ...] = ()
        if not isinstance(key, dict) or not 1 <= len(key) <= 2 or not all(v in ("S", "N", "B") for v in key.values()):
            t.problem("key", "expected the partition key and optional sort key with their types, e.g. {pk: S, sk: S}")
        else:
            pairs = tuple((str(k), str(v)) for k, v in key.items())
        items = t.mapping.get("items") or []
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            t.problem("items", "expected a list of mappings (the seed items)")
            items = []
        for position, item in enumerate(items):
            missing = [attribute for attribute, _ in pairs if attribute not in item]
            if missing:
                t.problem("items", f"item {position + 1} lacks its key attribute '{missing[0]}'")
        return Table(name, pairs, tuple(items))

    # -- checks ---------------------------------------------------------------------------------------------

    def _checks(self, lab: Fields, resources: Resources) -> list[Check]:
        indexes = lab.mapping_list("checks")
        if isinstance(lab.mapping.get("checks"), list) and not lab.mapping["checks"]:
            lab.problem("checks", "a lab needs at least one check")
        python_names = _defined_functions(self.folder / CHECKS_FILE)
        if isinstance(python_names, str):
            self.problems.append(Problem(_sibling(self.source.path, CHECKS_FILE), 0, "", python_names))
            python_names = set()
        checks = []
        for index in indexes:
            check = self._check(index, resources, python_names)
            if check is not None:
                checks.append(check)
        names = [check.name for check in checks]
        for name in {n for n in names if names.count(n) > 1}:
            lab.problem("checks", f"two checks are named '{name}'")
        if checks and len(checks) == len(indexes) and not any(check.hidden_input for check in checks):
            lab.problem(
                "checks",
                "every lab needs a check whose input the learner never sees (random 'vars', 'invoke.generate' or "
                "a 'python' check), so that hard-coding the sample answer fails",
            )
        return checks

    def _check(self, index: int, resources: Resources, python_names: set[str] | None) -> Check | None:
        raw = self.source.data["checks"][index]
        label = f"checks[{index}]"
        c = self.fields(("checks", index), label)
        c.reject_unknown(_CHECK_KEYS)
        name = c.text("name")
        python = c.text("python", required=False)
        if python is not None:
            if python_names is None:
                c.problem("python", f"'{python}' needs a {CHECKS_FILE} beside lab.yaml")
            elif python not in python_names:
                c.problem("python", f"{CHECKS_FILE} defines no function '{python}'")
            for key in ("invoke", "expect"):
                if key in raw:
                    c.problem(key, "a 'python' check does its own invoking and expecting; remove this key")
        elif "expect" not in raw or not isinstance(raw["expect"], dict) or not raw["expect"]:
            c.problem("expect" if "expect" in raw else None, "a check needs 'expect' (a mapping) or 'python'")
        variables = self._vars(c)
        known = set(variables)
        invoke = self._invoke(index, label, known) if python is None else None
        expect = self._expect(index, label, known, resources) if python is None and isinstance(raw.get("expect"), dict) else {}
        if name is None or c.failed:
            return None
        return Check(name, self.source.line("checks", index), variables, invoke, expect, python)

    def _vars(self, c: Fields) -> dict[str, tuple[str, Any]]:
        raw = c.mapping.get("vars")
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            c.problem("vars", "expected a mapping of name: {word: 8} | {int: [low, high]} | {choice: [a, b]}")
            return {}
        variables: dict[str, tuple[str, Any]] = {}
        for var_name, spec in raw.items():
            where = f"vars.{var_name}"
            if not isinstance(var_name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var_name):
                c.problem(where, "a variable name is letters, digits and underscores")
                continue
            if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in VAR_KINDS:
                c.problem(where, "expected one of: {word: LENGTH}, {int: [LOW, HIGH]}, {choice: [A, B, ...]}")
                continue
            kind, argument = next(iter(spec.items()))
            good = (
                (kind == "word" and _is_int(argument) and 1 <= argument <= 64)
                or (kind == "int" and isinstance(argument, list) and len(argument) == 2 and all(_is_int(v) for v in argument)
                    and argument[0] <= argument[1])
                or (kind == "choice" and isinstance(argument, list) and len(argument) >= 2)
            )
            if not good:
                c.problem(where, {"word": "word takes a length from 1 to 64", "int": "int takes [LOW, HIGH] with LOW <= HIGH",
                                  "choice": "choice takes a list of at least two values"}[kind])
                continue
            variables[var_name] = (kind, argument)
        return variables

    def _invoke(self, index: int, label: str, known: set[str]) -> Invoke | None:
        raw = self.source.data["checks"][index].get("invoke")
        if raw is None:
            return Invoke()
        path = ("checks", index, "invoke")
        if not isinstance(raw, dict):
            self.fields(("checks", index), label).problem("invoke", "expected a mapping (event, count, concurrency...)")
            return None
        i = self.fields(path, f"{label}.invoke")
        i.reject_unknown(_INVOKE_KEYS)
        given = [key for key in ("event", "event_json", "generate") if key in raw]
        if len(given) > 1:
            i.problem(given[1], f"give one of event, event_json or generate, not {' and '.join(given)}")
        event_file = i.text("event", required=False)
        if event_file is not None:
            self._event_file(i, event_file)
        generate = self._generate(i, raw["generate"]) if raw.get("generate") is not None else None
        count = i.integer("count", required=False, default=1, minimum=1, maximum=MAX_COUNT)
        concurrency = i.integer("concurrency", required=False, default=1, minimum=1, maximum=MAX_COUNT)
        config = raw.get("config") or {}
        if not isinstance(config, dict):
            i.problem("config", "expected a mapping of function settings to override")
            config = {}
        for key in config:
            if key not in _FUNCTION_KEYS:
                i.problem(f"config.{key}", f"not a function setting; choose from: {', '.join(sorted(_FUNCTION_KEYS))}")
        setup = self._setup(i, raw.get("setup"))
        self._placeholders(i, raw, known)
        qualifier = i.text("qualifier", required=False)
        return Invoke(event_file, raw.get("event_json"), generate, count or 1, concurrency or 1, config, setup, qualifier)

    def _event_file(self, i: Fields, event_file: str) -> None:
        path = self.folder / event_file
        if Path(event_file).is_absolute() or ".." in Path(event_file).parts:
            i.problem("event", f"'{event_file}' must be a file inside the lab folder (e.g. events/put.json)")
        elif not path.is_file():
            i.problem("event", f"no such file {event_file} in the lab folder")
        else:
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as exc:
                i.problem("event", f"{event_file} is not valid JSON: {exc}")

    def _generate(self, i: Fields, generate: Any) -> dict[str, Any] | None:
        """`{event: NAME, OPTION: value...}` as the runner uses it, or None (a problem is recorded).

        `event` names the sample event (`lambdalearn event list`); every other key is the generator's option,
        so EventBridge's own `source` option needs no escaping. The older `{source: NAME, ...}` (no `event`)
        still reads as the event's name: without `event` it cannot mean anything else.
        """
        from lambdalearn.runtime.sample_events import EventOptionError, source_named

        name_key = "event" if isinstance(generate, dict) and "event" in generate else "source"
        if not isinstance(generate, dict) or not isinstance(generate.get(name_key), str):
            i.problem("generate", "expected a mapping with 'event' (e.g. s3-put) and the generator's options")
            return None
        try:
            source = source_named(generate[name_key])
        except EventOptionError as exc:
            i.problem(f"generate.{name_key}", str(exc))
            return None
        options = {key: value for key, value in generate.items() if key != name_key}
        for option in options:
            if option not in source.options:
                i.problem(f"generate.{option}", f"{source.name} takes no option '{option}'; its options are: "
                          f"{', '.join(source.options) or 'none'}")
        return {"event": source.name, **options}

    def _setup(self, i: Fields, raw: Any) -> tuple[tuple[str, Mapping[str, Any]], ...]:
        if raw is None:
            return ()
        items = raw if isinstance(raw, list) else [raw]
        actions = []
        for item in items:
            if not isinstance(item, dict):
                i.problem("setup", f"expected actions such as {{s3_put: {{bucket, key, body}}}}; choose from: {', '.join(SETUP_ACTIONS)}")
                continue
            for action, arguments in item.items():
                if action not in SETUP_ACTIONS:
                    i.problem(f"setup.{action}", f"unknown action; choose from: {', '.join(SETUP_ACTIONS)}")
                elif not isinstance(arguments, dict) or set(arguments) != SETUP_ACTIONS[action]:
                    i.problem(f"setup.{action}", f"expected exactly: {', '.join(sorted(SETUP_ACTIONS[action]))}")
                else:
                    actions.append((action, arguments))
        return tuple(actions)

    def _placeholders(self, f: Fields, value: Any, known: set[str]) -> None:
        for name in sorted(_placeholder_names(value) - known):
            f.problem(None, f"'${{{name}}}' is used but not declared in the check's vars")

    def _expect(self, index: int, label: str, known: set[str], resources: Resources) -> dict[str, Any]:
        e = self.fields(("checks", index, "expect"), f"{label}.expect")
        e.reject_unknown(set(EXPECTATIONS))
        expect = {}
        for key, value in e.mapping.items():
            validate = EXPECTATIONS.get(key)
            if validate is None:
                continue
            message = validate(value, resources)
            if message:
                e.problem(key, message)
            else:
                expect[key] = value
        if "duration_model" in expect and not any(k in expect for k in BOUND_KEYS):
            e.problem("duration_model", f"applies to {', '.join(BOUND_KEYS)}; none is given")
        self._placeholders(e, e.mapping, known | {"request_id"})
        return expect


def config_problem(function: LabFunction, overrides: Mapping[str, Any], code_dir: Path) -> str | None:
    """Lambda's own message if `function` with `overrides` breaks a limit, else None."""
    from lambdalearn.runtime.config import ConfigError

    try:
        function_config(function, overrides, code_dir).validated()
    except ConfigError as exc:
        return str(exc)
    except (TypeError, ValueError) as exc:
        return f"invalid setting: {exc}"
    return None


def function_config(function: LabFunction, overrides: Mapping[str, Any], code_dir: Path, **extra: Any) -> Any:
    """A runtime `FunctionConfig` for `function` with `overrides` (lab.yaml/function.yaml key names) applied."""
    from lambdalearn.runtime.config import FunctionConfig

    settings = {
        "memory": function.memory_mb,
        "timeout": function.timeout_s,
        "env": dict(function.environment),
        "architecture": function.architecture,
        "ephemeral_storage": function.ephemeral_storage_mb,
        "reserved_concurrency": function.reserved_concurrency,
        "provisioned_concurrency": function.provisioned_concurrency,
        "qualifier": function.qualifier,
        **overrides,
    }
    # With a qualifier the checks run version 1 (published from the staged code): check the settings as that
    # version, where Lambda accepts provisioned concurrency.
    published = settings["qualifier"] not in (None, "$LATEST")
    return FunctionConfig(
        handler=settings.get("handler", function.handler),
        code_dir=code_dir,
        memory_mb=settings["memory"],
        timeout_s=settings["timeout"],
        environment={str(k): str(v) for k, v in (settings["env"] or {}).items()},
        architecture=settings["architecture"],
        ephemeral_storage_mb=settings["ephemeral_storage"],
        reserved_concurrency=settings["reserved_concurrency"],
        provisioned_concurrency=settings["provisioned_concurrency"] or 0,
        **({"version": "1"} if published else {}),
        **extra,
    )


# -- expectations: each validator returns None when the value is well-formed, else a one-line message ----------

def _bound(value: Any, _: Resources) -> str | None:
    if _is_number(value):
        return None
    if isinstance(value, dict) and value and set(value) <= {"min", "max"} and all(_is_number(v) for v in value.values()):
        return None
    return "expected a number or {min: N, max: N}"


def _status(value: Any, _: Resources) -> str | None:
    return None if value in STATUSES else f"expected one of: {', '.join(STATUSES)}"


def _text(value: Any, _: Resources) -> str | None:
    return None if isinstance(value, str) and value.strip() else "expected text"


def _any_json(value: Any, _: Resources) -> str | None:
    return None


def _jsonpath(value: Any, _: Resources) -> str | None:
    if not isinstance(value, dict) or not value:
        return 'expected a mapping of path: value, e.g. {"$.body.count": 3}'
    for path in value:
        if not isinstance(path, str) or not re.fullmatch(r"\$(\.[A-Za-z_][\w-]*|\[\d+\])*", path):
            return f"'{path}' is not a supported path: $.key.key[0].key"
    return None


def _regex_list(value: Any, _: Resources) -> str | None:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return "expected a list of regular expressions"
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"'{pattern}' is not a regular expression: {exc}"
    return None


def _mapping(value: Any, _: Resources) -> str | None:
    return None if isinstance(value, dict) and value else "expected a mapping of field: value"


def _duration_model(value: Any, _: Resources) -> str | None:
    return None if value in DURATION_MODELS else f"expected one of: {', '.join(DURATION_MODELS)}"


def _resource_check(kind: str, required: set[str], optional: set[str], exclusive: set[str]) -> Any:
    """A validator for one resource expectation, or a list of them (several objects or items to check)."""

    def validate_all(value: Any, resources: Resources) -> str | None:
        for item in value if isinstance(value, list) and value else [value]:
            message = validate(item, resources)
            if message:
                return message
        return None

    def validate(value: Any, resources: Resources) -> str | None:
        if not isinstance(value, dict) or not required <= set(value) or not set(value) <= required | optional:
            wanted = ", ".join(sorted(required)) + (f" and one of {', '.join(sorted(exclusive))}" if exclusive else "")
            return f"expected a mapping with {wanted}"
        if exclusive and len(set(value) & exclusive) != 1:
            return f"give exactly one of: {', '.join(sorted(exclusive))}"
        names = {"bucket": resources.buckets, "table": resources.tables, "queue": resources.queues}[kind]
        if value[kind] not in {item.name for item in names}:
            return f"no {kind} '{value[kind]}' in the lab's resources"
        return None

    return validate_all


def _sns_published(value: Any, resources: Resources) -> str | None:
    """{topic, count?, contains?, json?, subject?}: at least one of the four; or a list of such mappings."""
    for item in value if isinstance(value, list) and value else [value]:
        wanted = {"count", "contains", "json", "subject"}
        if not isinstance(item, dict) or "topic" not in item or not set(item) - {"topic"} or not set(item) <= wanted | {"topic"}:
            return "expected a mapping with topic and at least one of: contains, count, json, subject"
        if item["topic"] not in {topic.name for topic in resources.topics}:
            return f"no topic '{item['topic']}' in the lab's resources"
        if "count" in item and _count(item["count"], resources):
            return f"count: {_count(item['count'], resources)}"
        if "json" in item and not isinstance(item["json"], dict):
            return "json: expected a mapping (a subset of the message's JSON)"
    return None


def _count(value: Any, _: Resources) -> str | None:
    if _is_int(value) and value >= 0:
        return None
    if isinstance(value, dict) and value and set(value) <= {"min", "max"} and all(_is_int(v) and v >= 0 for v in value.values()):
        return None
    return "expected a whole number or {min: N, max: N}"


EXPECTATIONS: dict[str, Any] = {
    "status": _status,
    "error_type": _text,
    "payload": _any_json,
    "jsonpath": _jsonpath,
    **{key: _count for key in COUNT_KEYS},
    "logs": _regex_list,
    "log_json": _mapping,
    **{key: _bound for key in BOUND_KEYS},
    "duration_model": _duration_model,
    "s3_object": _resource_check("bucket", {"bucket", "key"}, {"equals", "contains", "exists"}, {"equals", "contains", "exists"}),
    "dynamodb_item": _resource_check("table", {"table", "key"}, {"equals", "exists"}, {"equals", "exists"}),
    "dynamodb_count": _resource_check("table", {"table", "count"}, set(), set()),
    "sqs_messages": _resource_check("queue", {"queue", "count"}, set(), set()),
    "sns_published": _sns_published,
}


def _placeholder_names(value: Any) -> set[str]:
    if isinstance(value, str):
        return set(PLACEHOLDER.findall(value))
    if isinstance(value, dict):
        return set().union(*(_placeholder_names(k) | _placeholder_names(v) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(_placeholder_names(v) for v in value)) if value else set()
    return set()


def _defined_functions(path: Path) -> set[str] | str | None:
    """Top-level function names of checks.py (read, not imported); None without the file; a message if broken."""
    import ast

    if not path.is_file():
        return None
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except SyntaxError as exc:
        return f"line {exc.lineno}: Python syntax error: {exc.msg}"
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def _files(folder: Path) -> set[str]:
    """Relative paths of the files under `folder`, without Python caches."""
    if not folder.is_dir():
        return set()
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def _sibling(rel: str, name: str) -> str:
    return rel.rsplit("/", 1)[0] + "/" + name if "/" in rel else name


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
