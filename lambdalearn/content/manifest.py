"""Reading `pack.yaml`: the pack's identity and its mock-exam blueprint."""

from __future__ import annotations

import re
from pathlib import Path

from lambdalearn.content.fields import Fields
from lambdalearn.content.models import Domain, ExamBlueprint, ExamGuide, LintSettings, Manifest, StalePhrase
from lambdalearn.content.problems import Problem
from lambdalearn.content.yamlsource import load_mapping_file

MANIFEST_FILE = "pack.yaml"
_VERSION = re.compile(r"^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$")
_KEYS = frozenset({"id", "title", "version", "authors", "license", "description", "exam", "lint", "answer_aliases"})
_LINT_KEYS = frozenset({"stale_phrases", "sourced_decks", "sourced_cheat_sheets"})
_EXAM_KEYS = frozenset({"questions", "minutes", "pass_mark", "domains", "guide"})
_DOMAIN_KEYS = frozenset({"id", "title", "weight", "guide_domain"})
_GUIDE_KEYS = frozenset({"code", "title", "domains"})


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
        answer_aliases=_load_answer_aliases(source, problems) if fields.has("answer_aliases") else (),
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
    guide = _load_guide(source, problems) if exam.has("guide") else None
    domains = _load_domains(exam, ("exam",), guide)
    if guide is not None:
        _check_guide_weights(exam, guide, domains)
    if exam.failed or not (questions and minutes and pass_mark):
        return None
    return ExamBlueprint(questions, minutes, pass_mark, tuple(domains), guide)


def _load_domains(parent: Fields, path: tuple, guide: ExamGuide | None) -> list[Domain]:
    """The `domains` list under `path`: ids unique, weights adding up to 100; with a guide, each names its guide domain."""
    domains: list[Domain] = []
    for index in parent.mapping_list("domains"):
        domain = Fields(parent.source, (*path, "domains", index), parent.problems)
        course_domain = path == ("exam",)
        domain.reject_unknown(_DOMAIN_KEYS if course_domain else _DOMAIN_KEYS - {"guide_domain"})
        domain_id, title = domain.ident("id"), domain.text("title")
        weight = domain.number("weight", minimum=0.000001, maximum=100)
        guide_domain = domain.ident("guide_domain", required=guide is not None) if course_domain else None
        if guide_domain and guide is None:
            domain.problem("guide_domain", "name the certification exam first, in exam.guide")
        elif guide is not None and guide_domain and guide_domain not in {d.id for d in guide.domains}:
            domain.problem("guide_domain", f"'{guide_domain}' is not a domain of {guide.code}; its domains: "
                                           f"{', '.join(d.id for d in guide.domains)}")
        if domain_id and title and weight:
            if any(d.id == domain_id for d in domains):
                domain.problem("id", f"duplicate domain id '{domain_id}'")
            domains.append(Domain(domain_id, title, weight, guide_domain))
    raw = parent.source.data
    for part in path:
        raw = raw[part]
    if parent.has("domains") and isinstance(raw.get("domains"), list) and not domains:
        parent.problem("domains", "list at least one domain")
    total = sum(d.weight for d in domains)
    if domains and abs(total - 100) > 0.01:
        parent.problem("domains", f"weights must add up to 100, they add up to {total:g}")
    return domains


def _load_guide(source, problems: list[Problem]) -> ExamGuide | None:
    """`exam.guide`: the certification exam the blueprint tracks, with its own domains and weights."""
    if not isinstance(source.data["exam"]["guide"], dict):
        problems.append(Problem(MANIFEST_FILE, source.line("exam", "guide"), "exam.guide", "expected a mapping"))
        return None
    guide = Fields(source, ("exam", "guide"), problems)
    guide.reject_unknown(_GUIDE_KEYS)
    code, title = guide.text("code"), guide.text("title")
    domains = _load_domains(guide, ("exam", "guide"), None)
    if guide.failed or not (code and title and domains):
        return None
    return ExamGuide(code, title, tuple(domains))


def _check_guide_weights(exam: Fields, guide: ExamGuide, domains: list[Domain]) -> None:
    """The course's domains that count toward one guide domain must weigh together what the guide gives it."""
    for target in guide.domains:
        total = sum(d.weight for d in domains if d.guide_domain == target.id)
        if abs(total - target.weight) > 0.01:
            exam.problem("domains", f"the domains counting toward {guide.code} '{target.id}' weigh {total:g}%, "
                                    f"the guide gives it {target.weight:g}%")


def _load_lint(source, problems: list[Problem]) -> LintSettings:
    """`lint:` in pack.yaml: `stale_phrases` (each a `phrase` and what holds `now`), `sourced_decks` (deck ids)
    and `sourced_cheat_sheets` (true: every lesson's cheat sheet that states a number cites its pages)."""
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
    cheat_sheets = lint.boolean("sourced_cheat_sheets", required=False, default=False)
    return LintSettings(tuple(phrases), decks, bool(cheat_sheets))


def _load_answer_aliases(source, problems: list[Problem]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`answer_aliases:` in pack.yaml: each term of the pack with the other ways a learner may type it
    (`"dead-letter queue": [DLQ]`), read in every typed answer of the pack. An alias that already matches its
    term, or that names two terms, is a problem: it would do nothing, or make grading depend on order."""
    from lambdalearn.content.normalise import same_answer, tokens

    if not isinstance(source.data["answer_aliases"], dict):
        problems.append(Problem(MANIFEST_FILE, source.line("answer_aliases"), "answer_aliases",
                                'expected a mapping of terms to their aliases, e.g. "dead-letter queue": [DLQ]'))
        return ()
    fields = Fields(source, ("answer_aliases",), problems)
    term_of: dict[tuple[str, ...], str] = {}
    terms = []
    for key in fields.mapping:
        term = str(key)
        aliases = fields.text_list(key, allow_scalar=True)
        if not aliases:
            continue
        if not tokens(term):
            fields.problem(key, "the term has no words or numbers to match")
            continue
        kept = []
        for alias in aliases:
            said = tuple(tokens(alias))
            if not said:
                fields.problem(key, f"alias '{alias}' has no words or numbers to match")
            elif same_answer(alias, term):
                fields.problem(key, f"'{alias}' already matches '{term}' (answers are read without case, hyphens "
                                    "or plurals): drop it")
            elif term_of.get(said, term) != term:
                fields.problem(key, f"'{alias}' is also an alias of '{term_of[said]}': an alias stands for one term")
            else:
                term_of[said] = term
                kept.append(alias)
        terms.append((term, tuple(kept)))
    return tuple(terms)
