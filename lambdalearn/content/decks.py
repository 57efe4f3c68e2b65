"""Reading one deck file: its header and each question, checked type by type.

A broken question is skipped with its problems reported; the rest of the deck still loads.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lambdalearn.content.exhibits import EXHIBIT_KINDS, Exhibit, exhibit_problems
from lambdalearn.content.fields import Fields
from lambdalearn.content.models import Deck
from lambdalearn.content.problems import Problem
from lambdalearn.content.provenance import aws_doc_url_problem, read_verified, require_together
from lambdalearn.content.questions import (
    CLOZE_BLANK,
    DIFFICULTIES,
    LEVELS,
    QUESTION_TYPES,
    Choice,
    Cloze,
    Flashcard,
    MultiChoice,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TextAnswer,
    TrueFalse,
)
from lambdalearn.content.yamlsource import YamlSource, load_mapping_file

_DECK_KEYS = frozenset({"id", "title", "lesson", "domain", "description", "questions"})
_COMMON_KEYS = frozenset({
    "id", "type", "prompt", "explanation", "lesson_section", "tags", "difficulty", "domain", "exhibit", "level",
    "source", "verified",
})
_EXHIBIT_KEYS = frozenset({"kind", "title", "text"})
_TYPE_KEYS: dict[str, frozenset[str]] = {
    "single": frozenset({"choices", "answer"}),
    "multi": frozenset({"choices", "answer"}),
    "truefalse": frozenset({"answer"}),
    "numeric": frozenset({"answer", "tolerance", "unit"}),
    "text": frozenset({"answer", "case_sensitive"}),
    "cloze": frozenset({"text"}),
    "order": frozenset({"items"}),
    "flashcard": frozenset({"front", "back"}),
}
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_SELECT_N = re.compile(r"\b(?:select|choose|pick)\s+(\d+|one|two|three|four|five|six|seven|eight|nine)\b", re.I)


def load_deck(
    path: Path, rel: str, problems: list[Problem], lessons: dict[str, str], domains: frozenset[str] | None
) -> Deck | None:
    """The deck in `path`, or None (with problems recorded) when its header is unusable.

    `lessons` maps the pack's lesson ids to their difficulty (the default for the deck's questions);
    `domains` holds the blueprint's domain ids, or None when the pack has no exam.
    """
    source = load_mapping_file(path, rel, problems, "id, title and questions")
    if source is None:
        return None
    deck = Fields(source, (), problems)
    deck.reject_unknown(_DECK_KEYS)
    deck_id, title = deck.ident("id"), deck.text("title")
    lesson = deck.ident("lesson", required=False)
    domain = deck.ident("domain", required=False)
    if lesson and lesson not in lessons:
        deck.problem("lesson", f"no lesson with id '{lesson}' in this pack")
    if domain and domains is not None and domain not in domains:
        deck.problem("domain", f"'{domain}' is not a domain of the exam blueprint")
    indexes = deck.mapping_list("questions")
    if deck_id is None or title is None:
        return None
    difficulty = lessons.get(lesson or "", "beginner")
    questions = []
    for index in indexes:
        question = _load_question(source, index, deck_id, difficulty, problems)
        if question is not None:
            questions.append(question)
    if isinstance(source.data.get("questions"), list) and not source.data["questions"]:
        deck.problem("questions", "the deck has no questions")
    return Deck(deck_id, title, lesson, domain, tuple(questions), rel)


def _load_question(source: YamlSource, index: int, deck_id: str, difficulty: str, problems: list[Problem]) -> Question | None:
    raw = source.data["questions"][index]
    label = f"questions[{raw['id']}]" if isinstance(raw.get("id"), str) and raw["id"].strip() else f"questions[{index}]"
    q = Fields(source, ("questions", index), problems, label)
    qid = q.ident("id")
    qtype = q.choice("type", tuple(QUESTION_TYPES))
    if qtype is None:
        return None
    q.reject_unknown(_COMMON_KEYS | _TYPE_KEYS[qtype])
    common: dict[str, Any] = dict(
        id=qid,
        deck_id=deck_id,
        explanation=q.text("explanation", required=False),
        lesson_section=q.text("lesson_section", required=False),
        tags=q.text_list("tags", required=False) or (),
        difficulty=q.choice("difficulty", DIFFICULTIES, required=False, default=difficulty),
        domain=q.ident("domain", required=False),
        source=source.path,
        line=source.line("questions", index),
        exhibit=_exhibit(q) if q.has("exhibit") else None,
        level=q.choice("level", LEVELS, required=False),
        **_provenance(q),
    )
    if qtype not in ("flashcard", "cloze"):
        common["prompt"] = q.text("prompt")
    question = _BUILDERS[qtype](q, common)
    if q.failed or question is None:
        return None
    return question


def _exhibit(q: Fields) -> Exhibit | None:
    """The question's exhibit; its text is checked line by line, and parsed when its kind has a syntax."""
    if not isinstance(q.mapping["exhibit"], dict):
        q.problem("exhibit", "expected a mapping with kind, text and an optional title")
        return None
    sub = Fields(q.source, (*q.path, "exhibit"), q.problems, f"{q.label}.exhibit")
    sub.reject_unknown(_EXHIBIT_KEYS)
    kind, title = sub.choice("kind", EXHIBIT_KINDS), sub.text("title", required=False)
    raw = sub.mapping.get("text")
    text = raw.rstrip("\n") if isinstance(raw, str) and raw.strip() else sub.text("text")
    if sub.failed:
        q.failed = True
    if kind is None or text is None:
        return None
    key_line, name = sub.where("text")
    # A block scalar (`text: |`) starts on the line below its key; a one-line value sits on the key's line.
    first = key_line + 1 if "\n" in raw else key_line
    for offset, message in exhibit_problems(kind, text):
        q.problems.append(Problem(q.source.path, first + offset - 1, name, message))
        q.failed = True
    return Exhibit(kind, text, title)


def _provenance(q: Fields) -> dict[str, Any]:
    """`source` (an https AWS documentation page) and `verified` (the ISO date it was checked): both or neither."""
    if not (q.has("source") or q.has("verified")):
        return {}
    reference = q.text("source", required=False)
    if reference is not None and (problem := aws_doc_url_problem(reference)):
        q.problem("source", problem)
        reference = None
    verified = read_verified(q)
    require_together(q, "source")
    return {"reference": reference, "verified": verified}


def _choices(q: Fields) -> tuple[Choice, ...] | None:
    raw = q.mapping.get("choices")
    if not isinstance(raw, list) or len(raw) < 2:
        q.problem("choices" if "choices" in q.mapping else None, "give at least two choices")
        return None
    choices = []
    for index, item in enumerate(raw):
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) and str(item).strip():
            choices.append(Choice(str(item).strip()))
        elif isinstance(item, dict):
            sub = Fields(q.source, (*q.path, "choices", index), q.problems, f"{q.label}.choices[{index + 1}]")
            sub.reject_unknown({"text", "why"})
            text, why = sub.text("text"), sub.text("why", required=False)
            if text is None:
                q.failed = True
                continue
            choices.append(Choice(text, why))
        else:
            q.problem("choices", f"choice {index + 1} must be text or a mapping with 'text' and 'why'")
    texts = [c.text.casefold() for c in choices]
    if len(set(texts)) != len(texts):
        q.problem("choices", "two choices have the same text")
    return tuple(choices)


def _choice_number(q: Fields, value: Any, count: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        q.problem("answer", f"expected a choice number (1 to {count}), got '{value}'")
        return None
    if not 1 <= value <= count:
        q.problem("answer", f"choice {value} does not exist (the question has {count} choices, numbered from 1)")
        return None
    return value


def _single(q: Fields, common: dict) -> Question | None:
    choices = _choices(q)
    if not q.has("answer"):
        q.problem(None, "'answer' is required")
        return None
    if choices is None:
        return None
    answer = _choice_number(q, q.mapping["answer"], len(choices))
    return SingleChoice(**common, choices=choices, answer=answer) if answer else None


def _multi(q: Fields, common: dict) -> Question | None:
    choices = _choices(q)
    raw = q.mapping.get("answer")
    if not isinstance(raw, list) or len(raw) < 2:
        q.problem("answer" if q.has("answer") else None, "a multi question needs a list of at least two choice numbers")
        return None
    if choices is None:
        return None
    numbers = [_choice_number(q, value, len(choices)) for value in raw]
    if None in numbers:
        return None
    if len(set(numbers)) != len(numbers):
        q.problem("answer", "a choice number is listed twice")
    if len(numbers) >= len(choices):
        q.problem("answer", "every choice is right: leave at least one wrong choice")
    prompt = common.get("prompt") or ""
    match = _SELECT_N.search(prompt)
    if match is None:
        q.problem("prompt", f"say how many to select, e.g. 'Select {_word(len(numbers))}.'")
    else:
        word = match.group(1).lower()
        said = int(word) if word.isdigit() else _COUNT_WORDS[word]
        if said != len(set(numbers)):
            q.problem("prompt", f"says select {match.group(1)}, but the answer lists {len(set(numbers))} choices")
    return MultiChoice(**common, choices=choices, answer=frozenset(numbers))


def _truefalse(q: Fields, common: dict) -> Question | None:
    answer = q.boolean("answer")
    return TrueFalse(**common, answer=answer) if answer is not None else None


def _numeric(q: Fields, common: dict) -> Question | None:
    answer = q.number("answer")
    tolerance = q.number("tolerance", required=False, default=0.0, minimum=0)
    unit = q.text("unit", required=False)
    return Numeric(**common, answer=answer, tolerance=tolerance, unit=unit) if answer is not None else None


def _text(q: Fields, common: dict) -> Question | None:
    accepted = q.text_list("answer", allow_scalar=True)
    case_sensitive = q.boolean("case_sensitive", required=False, default=False)
    if not accepted:
        if accepted == ():
            q.problem("answer", "list at least one accepted answer")
        return None
    return TextAnswer(**common, accepted=accepted, case_sensitive=case_sensitive)


def _cloze(q: Fields, common: dict) -> Question | None:
    text = q.text("text")
    if text is None:
        return None
    blanks = tuple(
        tuple(part.strip() for part in match.group(1).split("|") if part.strip()) for match in CLOZE_BLANK.finditer(text)
    )
    if not blanks:
        q.problem("text", "mark at least one blank with double braces, e.g. 'The limit is {{900}} seconds.'")
        return None
    if any(not blank for blank in blanks):
        q.problem("text", "a blank has no accepted answer")
        return None
    return Cloze(**common, prompt=text, text=text, blanks=blanks)


def _order(q: Fields, common: dict) -> Question | None:
    items = q.text_list("items")
    if items is None:
        return None
    if len(items) < 3:
        q.problem("items", "list at least three steps to put in order")
        return None
    if len({i.casefold() for i in items}) != len(items):
        q.problem("items", "two steps have the same text")
        return None
    return Ordering(**common, items=items)


def _flashcard(q: Fields, common: dict) -> Question | None:
    front, back = q.text("front"), q.text("back")
    if front is None or back is None:
        return None
    return Flashcard(**common, prompt=front, front=front, back=back)


_BUILDERS = {
    "single": _single,
    "multi": _multi,
    "truefalse": _truefalse,
    "numeric": _numeric,
    "text": _text,
    "cloze": _cloze,
    "order": _order,
    "flashcard": _flashcard,
}


def _word(n: int) -> str:
    return {v: k for k, v in _COUNT_WORDS.items()}.get(n, str(n)).upper()
