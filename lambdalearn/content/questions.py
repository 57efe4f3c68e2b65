"""Question models, one class per type, each able to grade a learner's response.

Responses are plain values so that the plain-text quiz, the TUI widgets and the tests share one grader:
single → choice number (1-based); multi → set of choice numbers; truefalse → bool; numeric → float;
text → str; cloze → one string per blank; order → the item numbers (1-based, as authored) in the order the
learner put them; flashcard → the learner's own rating 1-4.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, ClassVar

from lambdalearn.content.exhibits import Exhibit
from lambdalearn.content.normalise import Aliases, same_answer

DIFFICULTIES = ("beginner", "intermediate", "advanced")
# Cognitive levels, after Bloom: recall a fact, use it in a given case, or reason through a new situation.
LEVELS = ("remember", "apply", "analyse")
CLOZE_BLANK = re.compile(r"\{\{(.+?)\}\}")


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading: right or wrong, and what the right answer was, in words."""

    correct: bool
    expected: str
    wrong_blanks: tuple[int, ...] = ()  # cloze: the numbers of the blanks that were wrong


@dataclass(frozen=True)
class Choice:
    text: str
    why: str | None = None


@dataclass(frozen=True)
class Question:
    """Fields every question type shares."""

    id: str
    type: ClassVar[str] = ""
    deck_id: str = ""
    prompt: str = ""
    explanation: str | None = None
    lesson_section: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: str = "beginner"
    domain: str | None = None
    source: str = ""
    line: int = 0
    exhibit: Exhibit | None = None
    level: str | None = None
    reference: str | None = None  # the AWS doc page a numeric fact comes from (YAML key `source`)
    verified: date | None = None  # when that fact was last checked against the page

    @property
    def gradable(self) -> bool:
        """Whether the app can grade it (flashcards are self-graded, so they stay out of mock exams)."""
        return True

    @property
    def expected_answer(self) -> str:  # pragma: no cover - every subclass overrides it
        """The right answer in words, as shown after a wrong answer."""
        raise NotImplementedError

    def grade(self, response: Any) -> Verdict:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError


@dataclass(frozen=True)
class SingleChoice(Question):
    type: ClassVar[str] = "single"
    choices: tuple[Choice, ...] = ()
    answer: int = 1

    @property
    def expected_answer(self) -> str:
        return f"{self.answer}. {self.choices[self.answer - 1].text}"

    def grade(self, response: int) -> Verdict:
        return Verdict(response == self.answer, self.expected_answer)


@dataclass(frozen=True)
class MultiChoice(Question):
    type: ClassVar[str] = "multi"
    choices: tuple[Choice, ...] = ()
    answer: frozenset[int] = frozenset()

    @property
    def expected_answer(self) -> str:
        return "; ".join(f"{n}. {self.choices[n - 1].text.rstrip('.')}" for n in sorted(self.answer))  # not ".;"

    def grade(self, response: set[int] | frozenset[int]) -> Verdict:
        return Verdict(frozenset(response) == self.answer, self.expected_answer)


@dataclass(frozen=True)
class TrueFalse(Question):
    type: ClassVar[str] = "truefalse"
    answer: bool = True

    @property
    def expected_answer(self) -> str:
        return "True" if self.answer else "False"

    def grade(self, response: bool) -> Verdict:
        return Verdict(response is self.answer, self.expected_answer)


@dataclass(frozen=True)
class Numeric(Question):
    type: ClassVar[str] = "numeric"
    answer: float = 0.0
    tolerance: float = 0.0
    unit: str | None = None
    aliases: Aliases = ()  # the pack's answer aliases, for the unit typed after the number

    @property
    def expected_answer(self) -> str:
        expected = f"{_number(self.answer)}" + (f" {self.unit}" if self.unit else "")
        return expected + (f" (± {_number(self.tolerance)})" if self.tolerance else "")

    def grade(self, response: float) -> Verdict:
        return Verdict(abs(response - self.answer) <= self.tolerance + 1e-9, self.expected_answer)


@dataclass(frozen=True)
class TextAnswer(Question):
    type: ClassVar[str] = "text"
    accepted: tuple[str, ...] = ()
    case_sensitive: bool = False
    aliases: Aliases = ()  # the pack's answer aliases (pack.yaml `answer_aliases`), not for case-sensitive names

    @property
    def expected_answer(self) -> str:
        return " or ".join(self.accepted)

    def grade(self, response: str) -> Verdict:
        """Case-sensitive answers (names in code) match exactly but for spaces; others as `same_answer` says."""
        if self.case_sensitive:
            ok = any(_normalise(response, True) == _normalise(answer, True) for answer in self.accepted)
        else:
            ok = any(same_answer(response, answer, self.aliases) for answer in self.accepted)
        return Verdict(ok, self.expected_answer)


@dataclass(frozen=True)
class Cloze(Question):
    type: ClassVar[str] = "cloze"
    text: str = ""
    blanks: tuple[tuple[str, ...], ...] = ()
    aliases: Aliases = ()  # the pack's answer aliases (pack.yaml `answer_aliases`)

    @property
    def masked(self) -> str:
        """The sentence with numbered gaps, as the learner sees it."""
        counter = iter(range(1, len(self.blanks) + 1))
        return CLOZE_BLANK.sub(lambda _m: f"[{next(counter)}] ____", self.text)

    @property
    def filled(self) -> str:
        """The sentence with each blank's first accepted answer."""
        answers = iter(self.blanks)
        return CLOZE_BLANK.sub(lambda _m: next(answers)[0], self.text)

    @property
    def expected_answer(self) -> str:
        return self.filled

    def grade(self, response: list[str] | tuple[str, ...]) -> Verdict:
        marks = self.blank_verdicts(response)
        wrong = tuple(n for n, ok in enumerate(marks, start=1) if not ok)
        return Verdict(not wrong and len(response) == len(self.blanks), self.expected_answer, wrong)

    def blank_verdicts(self, response: list[str] | tuple[str, ...]) -> list[bool]:
        """Right or wrong, blank by blank (a missing blank is wrong)."""
        given = list(response) + [""] * (len(self.blanks) - len(response))
        return [any(same_answer(text, a, self.aliases) for a in accepted) for text, accepted in zip(given, self.blanks)]


@dataclass(frozen=True)
class Ordering(Question):
    type: ClassVar[str] = "order"
    items: tuple[str, ...] = ()

    @property
    def expected_answer(self) -> str:
        return " → ".join(self.items)

    def grade(self, response: list[int] | tuple[int, ...]) -> Verdict:
        return Verdict(tuple(response) == tuple(range(1, len(self.items) + 1)), self.expected_answer)


@dataclass(frozen=True)
class Flashcard(Question):
    type: ClassVar[str] = "flashcard"
    front: str = ""
    back: str = ""

    @property
    def gradable(self) -> bool:
        return False

    @property
    def expected_answer(self) -> str:
        return self.back

    def grade(self, response: int) -> Verdict:
        """A self-grade of 2 (hard), 3 (good) or 4 (easy) counts as right (recalled, with effort or not);
        only 1 (again) is wrong, as in Anki."""
        return Verdict(response >= 2, self.expected_answer)


QUESTION_TYPES: dict[str, type[Question]] = {
    cls.type: cls for cls in (SingleChoice, MultiChoice, TrueFalse, Numeric, TextAnswer, Cloze, Ordering, Flashcard)
}


def with_answer_aliases(question: Question, aliases: Aliases) -> Question:
    """A copy of a typed question (text, cloze, numeric unit) that reads its pack's answer aliases; other
    types, and case-sensitive names, unchanged."""
    if not aliases or not isinstance(question, (TextAnswer, Cloze, Numeric)):
        return question
    if isinstance(question, TextAnswer) and question.case_sensitive:
        return question
    return replace(question, aliases=aliases)


def with_shuffled_choices(question: Question, rng: random.Random) -> Question:
    """A copy of a single or multi question with its choices in a fresh random order and its answer
    renumbered to match, so that a position cannot be learnt instead of the fact; other types unchanged.

    Everything after it (grading, "why not N", the expected answer) then speaks in the numbers shown.
    """
    if not isinstance(question, (SingleChoice, MultiChoice)):
        return question
    order = list(range(1, len(question.choices) + 1))
    rng.shuffle(order)
    return with_choice_order(question, order)


def with_choice_order(question: Question, order: list[int]) -> Question:
    """A copy of a single or multi question showing its authored choices `order[0]`, `order[1]`, ... first
    to last, its answer renumbered to match (to restore a shown order); other types unchanged."""
    if not isinstance(question, (SingleChoice, MultiChoice)):
        return question
    shown_at = {authored: position for position, authored in enumerate(order, start=1)}
    choices = tuple(question.choices[authored - 1] for authored in order)
    if isinstance(question, SingleChoice):
        return replace(question, choices=choices, answer=shown_at[question.answer])
    return replace(question, choices=choices, answer=frozenset(shown_at[n] for n in question.answer))


def wrong_blanks_text(question: Question, verdict: Verdict) -> str:
    """"Blank 2 was wrong (expected 1 million)." for a cloze answer; "" when no blank was wrong."""
    if not isinstance(question, Cloze) or not verdict.wrong_blanks:
        return ""
    parts = [f"{n} (expected {question.blanks[n - 1][0]})" for n in verdict.wrong_blanks]
    return f"Blank{'s' if len(parts) > 1 else ''} {', '.join(parts)} {'were' if len(parts) > 1 else 'was'} wrong."


def display_prompt(question: Question) -> str:
    """The text to show as the question."""
    if isinstance(question, Cloze):
        return question.masked
    if isinstance(question, Flashcard):
        return question.front
    return question.prompt


def _normalise(text: str, case_sensitive: bool) -> str:
    text = " ".join(str(text).split())
    return text if case_sensitive else text.casefold()


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
