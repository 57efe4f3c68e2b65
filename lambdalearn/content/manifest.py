"""Reading `pack.yaml`: the pack's identity and its mock-exam blueprint."""

from __future__ import annotations

import re
from pathlib import Path

from lambdalearn.content.fields import Fields
from lambdalearn.content.models import Domain, ExamBlueprint, LintSettings, Manifest, StalePhrase
from lambdalearn.content.problems import Problem
from lambdalearn.content.yamlsource import load_mapping_file

MANIFEST_FILE = "pack.yaml"
_VERSION = re.compile(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")
_KEYS = frozenset({"id", "title", "version", "authors", "license", "description", "exam", "lint"})
_LINT_KEYS = frozenset({"stale_phrases", "sourced_decks"})
_EXAM_KEYS = frozenset({"questions", "minutes", "pass_mark", "domains"})
_DOMAIN_KEYS = frozenset({"id", "title", "weight"})


def load_manifest(root: Path, problems: list[Problem]) -> Manifest:
    """The pack's manifest; on any problem, a stand-in named after the folder so the rest still loads."""
    fallback = Manifest(id=root.name.lower(), title=root.name, version="0.0.0", authors=(), license="", description="")
    path = root / MANIFEST_FILE
    if not path.is_file():
        problems.append(Problem(MANIFEST_FILE, 0, "", "missing: a pack needs a pack.yaml manifest"))
        return fallback
    source = load_mapping_file(path, MANIFEST_FILE, problems, "id, title, version, authors, license and description")
    if source is None:
        return fallback
    fields = Fields(source, (), problems)
    fields.reject_unknown(_KEYS)
    version = fields.text("version")
    if version is not None and not _VERSION.match(version):
        fields.problem("version", f"'{version}' is not a semantic version such as 1.0.0")
    authors = fields.text_list("authors")
    if authors == ():
        fields.problem("authors", "name at least one author")
    manifest = Manifest(
        id=fields.ident("id") or fallback.id,
        title=fields.text("title") or fallback.title,
        version=version or fallback.version,
        authors=authors or (),
        license=fields.text("license") or "",
        description=fields.text("description") or "",
        exam=_load_exam(source, problems) if fields.has("exam") else None,
        lint=_load_lint(source, problems) if fields.has("lint") else LintSettings(),
    )
    return manifest


def _load_exam(source, problems: list[Problem]) -> ExamBlueprint | None:
    if not isinstance(source.data["exam"], dict):
        problems.append(Problem(MANIFEST_FILE, source.line("exam"), "exam", "expected a mapping"))
        return None
    exam = Fields(source, ("exam",), problems)
    exam.reject_unknown(_EXAM_KEYS)
    questions = exam.integer("questions", minimum=1, maximum=500)
    minutes = exam.integer("minutes", minimum=1, maximum=600)
    pass_mark = exam.number("pass_mark", minimum=1, maximum=100)
    domains: list[Domain] = []
    for index in exam.mapping_list("domains"):
        domain = Fields(source, ("exam", "domains", index), problems)
        domain.reject_unknown(_DOMAIN_KEYS)
        domain_id, title = domain.ident("id"), domain.text("title")
        weight = domain.number("weight", minimum=0.000001, maximum=100)
        if domain_id and title and weight:
            if any(d.id == domain_id for d in domains):
                domain.problem("id", f"duplicate domain id '{domain_id}'")
            domains.append(Domain(domain_id, title, weight))
    if exam.has("domains") and isinstance(source.data["exam"].get("domains"), list) and not domains:
        exam.problem("domains", "list at least one domain")
    total = sum(d.weight for d in domains)
    if domains and abs(total - 100) > 0.01:
        exam.problem("domains", f"weights must add up to 100, they add up to {total:g}")
    if exam.failed or not (questions and minutes and pass_mark):
        return None
    return ExamBlueprint(questions, minutes, pass_mark, tuple(domains))


def _load_lint(source, problems: list[Problem]) -> LintSettings:
    """`lint:` in pack.yaml: `stale_phrases` (each a `phrase` and what holds `now`) and `sourced_decks` (deck ids)."""
    if not isinstance(source.data["lint"], dict):
        problems.append(Problem(MANIFEST_FILE, source.line("lint"), "lint", "expected a mapping"))
        return LintSettings()
    lint = Fields(source, ("lint",), problems)
    lint.reject_unknown(_LINT_KEYS)
    phrases = []
    for index in lint.mapping_list("stale_phrases", required=False):
        entry = Fields(source, ("lint", "stale_phrases", index), problems)
        entry.reject_unknown({"phrase", "now"})
        phrase, now = entry.text("phrase"), entry.text("now")
        if phrase and now:
            phrases.append(StalePhrase(phrase, now))
    decks = lint.text_list("sourced_decks", required=False) or ()
    return LintSettings(tuple(phrases), decks)
