"""Whatever a learner types, parsing and grading answer with a verdict or a hint, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdalearn.content.answers import AnswerFormatError, parse_response
from lambdalearn.content.loader import load_pack

MINI = Path(__file__).parent.parent / "fixtures" / "packs" / "mini"
QUESTIONS = {q.id: q for q in load_pack(MINI).questions()}


@pytest.mark.parametrize("typed", ["²", "1²", "٣", "1" * 4301, "12345", "0x1", "+1", "1.0"])
@pytest.mark.parametrize("qid", ["h-single", "h-multi", "h-order", "h-card"])
def test_choice_numbers_are_short_ascii_digits_else_a_hint(qid, typed):
    with pytest.raises(AnswerFormatError):
        parse_response(QUESTIONS[qid], typed)


def test_a_plain_choice_number_still_parses():
    assert parse_response(QUESTIONS["h-single"], " 2 ") == 2
    assert parse_response(QUESTIONS["h-multi"], "1, 3") == {1, 3}


@settings(max_examples=2000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(qid=st.sampled_from(sorted(QUESTIONS)), typed=st.text(max_size=60))
def test_any_typed_text_parses_and_grades_or_gives_a_hint(qid, typed):
    question = QUESTIONS[qid]
    try:
        response = parse_response(question, typed)
    except AnswerFormatError as hint:
        assert str(hint) and "\n" not in str(hint)
        return
    verdict = question.grade(response)
    assert isinstance(verdict.correct, bool)
