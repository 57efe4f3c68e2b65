"""Turning what a learner typed into a response the question can grade.

Shared by the line-mode quiz and the app's text inputs, so "1, 3", "1 3" and "yes" mean the same everywhere.
"""

from __future__ import annotations

import re

from lambdalearn.content.normalise import same_answer, tokens
from lambdalearn.content.questions import (
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

_TRUE = {"t", "true", "y", "yes", "1"}
_FALSE = {"f", "false", "n", "no", "0"}
# A choice number: short ASCII digits (`str.isdigit` also accepts "²", which `int()` refuses).
_CHOICE_NUMBER = re.compile(r"[0-9]{1,4}")


class AnswerFormatError(ValueError):
    """The text is not an answer of the right shape; the message says what to type."""


def input_hint(question: Question) -> str:
    """A short instruction for typing an answer to `question`."""
    if isinstance(question, SingleChoice):
        return f"type the number of your choice (1-{len(question.choices)})"
    if isinstance(question, MultiChoice):
        return f"type the numbers of your {len(question.answer)} choices, e.g. 1 3"
    if isinstance(question, TrueFalse):
        return "type true or false (t/f)"
    if isinstance(question, Numeric):
        return "type a number" + (f" (in {question.unit})" if question.unit else "")
    if isinstance(question, Cloze):
        return "type the missing word" if len(question.blanks) == 1 else "type the blanks in order, separated by ;"
    if isinstance(question, Ordering):
        count = len(question.items)
        example = " ".join(str(n) for n in (*range(2, count + 1), 1))
        return f"type all {count} step numbers in the right order, e.g. {example}"
    if isinstance(question, Flashcard):
        return "rate your recall: 1 again, 2 hard, 3 good, 4 easy"
    return "type your answer"


def parse_response(question: Question, text: str, display_order: tuple[int, ...] | None = None):
    """The graded-response value for `text`; raises AnswerFormatError with a hint when it does not fit.

    `display_order` is how an order question's steps were shown: display position k (1-based) showed the
    authored step `display_order[k-1]`.
    """
    text = text.strip()
    if isinstance(question, SingleChoice):
        return _numbers(text, len(question.choices), exactly=1, hint=input_hint(question))[0]
    if isinstance(question, MultiChoice):
        return set(_numbers(text, len(question.choices), exactly=None, hint=input_hint(question)))
    if isinstance(question, TrueFalse):
        word = text.lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise AnswerFormatError(input_hint(question))
    if isinstance(question, Numeric):
        return _number(text, question)
    if isinstance(question, TextAnswer):
        if not text:
            raise AnswerFormatError(input_hint(question))
        return text
    if isinstance(question, Cloze):
        parts = [text] if len(question.blanks) == 1 else [part.strip() for part in text.split(";")]
        if len(parts) != len(question.blanks) or not all(parts):
            raise AnswerFormatError(f"{input_hint(question)} ({len(question.blanks)} blanks)")
        return parts
    if isinstance(question, Ordering):
        count = len(question.items)
        shown = _numbers(text, count, exactly=count, hint=input_hint(question))
        if len(set(shown)) != count:
            raise AnswerFormatError(f"use each step number once: {input_hint(question)}")
        order = display_order or tuple(range(1, count + 1))
        return [order[k - 1] for k in shown]
    if isinstance(question, Flashcard):
        return _numbers(text, 4, exactly=1, hint=input_hint(question))[0]
    raise AnswerFormatError("this question type cannot be answered here")


def _numbers(text: str, highest: int, exactly: int | None, hint: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,;]+", text) if p]
    if not parts or not all(_CHOICE_NUMBER.fullmatch(p) for p in parts):
        raise AnswerFormatError(hint)
    numbers = [int(p) for p in parts]
    if any(not 1 <= n <= highest for n in numbers):
        raise AnswerFormatError(f"numbers go from 1 to {highest}: {hint}")
    if exactly is not None and len(numbers) != exactly:
        given = f"you typed {len(numbers)} number{'s' if len(numbers) != 1 else ''}"
        raise AnswerFormatError(f"{given}: {hint}")
    return numbers


def _number(text: str, question: Numeric) -> float:
    """A number as people write it ("1M", "1 million", "1,000,000", "0.5"), optionally with the question's
    unit in any spelling ("900 s", "900 seconds")."""
    given = tokens(text)
    if question.unit and len(given) > 1 and same_answer(" ".join(given[1:]), question.unit, question.aliases):
        given = given[:1]
    try:
        if len(given) != 1:
            raise ValueError
        return float(given[0])
    except ValueError:
        raise AnswerFormatError(input_hint(question)) from None
