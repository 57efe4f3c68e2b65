"""Grading compares answers as a reader would: numbers with suffixes and words, units, hyphens, plurals.

Tested with the course's own cheat-sheet values (lesson 1's cheat sheet: "$0.20 per 1M requests", "1M requests
and 400,000 GB-seconds every month"), the prices AWS publishes on https://aws.amazon.com/lambda/pricing/.
"""

from __future__ import annotations

import pytest

from lambdalearn.content.answers import AnswerFormatError, parse_response
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack
from lambdalearn.content.normalise import same_answer, tokens
from lambdalearn.content.questions import Numeric


@pytest.fixture(scope="module")
def course():
    pack = load_pack(bundled_pack_root())
    return {q.id: q for q in pack.questions()}


@pytest.mark.parametrize("given", ["1M", "1m", "1 million", "one million", "1,000,000", "1000000", "1 Million", "1mn"])
def test_one_million_in_every_spelling(given):
    assert tokens(given) == ["1000000"]


@pytest.mark.parametrize("given, accepted", [
    ("gb seconds", "GB-seconds"), ("GB second", "GB-seconds"), ("gigabyte seconds", "GB-s"),
    ("$0.2", "0.20"), ("128MB", "128 MB"), ("10,240 megabytes", "10240 MB"), ("requests", "request"),
    ("function urls", "Function URL"), ("aliases", "alias"), ("event source mappings", "event-source mapping"),
    ("400k", "400,000"), ("twenty five thousand", "25,000"), ("15 minutes", "15 min"),
    ("1.5 million", "1,500,000"),
])
def test_equivalent_answers_match(given, accepted):
    assert same_answer(given, accepted)


@pytest.mark.parametrize("given, accepted", [
    ("10", "100"), ("1 billion", "1 million"), ("gb", "mb"), ("context", "contact"), ("1 second", "1 minute"),
    ("reserved concurrency", "provisioned concurrency"),
])
def test_different_answers_do_not(given, accepted):
    assert not same_answer(given, accepted)


def test_the_cheat_sheet_values_are_accepted_in_the_free_tier_cloze(course):
    """Finding 4 of issue 17: ws-09 rejected "1M" where the cheat sheet says "1M requests"."""
    ws09 = course["ws-09"]
    assert ws09.grade(["$0.20", "1M", "400,000"]).correct
    assert ws09.grade(["0.2", "one million", "400k"]).correct
    assert not ws09.grade(["$0.20", "1 billion", "400,000"]).correct
    assert ws09.blank_verdicts(["$0.20", "10M", "400,000"]) == [True, False, True]


def test_gb_seconds_is_the_unit_of_duration(course):
    """Finding 4 of issue 17: ws-15 rejected "gb seconds"."""
    for given in ("gb seconds", "GB seconds", "gigabyte-second", "GB-s"):
        assert course["ws-15"].grade(given).correct, given
    assert not course["ws-15"].grade("MB-seconds").correct


def test_numeric_answers_take_suffixes_words_and_the_unit_in_any_spelling():
    question = Numeric(id="n", answer=1_000_000, unit="requests")
    for text in ("1M", "1 million", "1,000,000 requests", "one million requests", "1M request"):
        assert question.grade(parse_response(question, text)).correct, text
    timeout = Numeric(id="t", answer=900, unit="seconds")
    assert timeout.grade(parse_response(timeout, "900 s")).correct
    with pytest.raises(AnswerFormatError):
        parse_response(timeout, "15 minutes")  # another unit is not silently converted


# Pack-level aliases (issue 17: "let authors list accepted aliases"), with the course's own pack.yaml list.
def test_the_course_lists_its_aliases_once_for_every_typed_answer(course):
    """pr-02 (numeric, unit GB-s), bp-17 (cloze, "p99"), vpc-16 (text, "RDS Proxy") and va-16 ("$LATEST")
    list none of these spellings themselves: pack.yaml's `answer_aliases` reaches them all."""
    assert parse_response(course["pr-02"], "0.5 GBs") == 0.5
    assert course["bp-17"].grade(["6", "99th-percentile latency"]).correct
    assert course["vpc-16"].grade("AWS RDS Proxy").correct
    assert course["va-16"].grade("latest").correct


def test_an_alias_is_read_in_both_answers_and_inside_longer_ones():
    from lambdalearn.content.normalise import alias_table

    aliases = alias_table({"dead-letter queue": ("DLQ",), "RDS Proxy": ("Amazon RDS Proxy",)})
    assert same_answer("a DLQ", "a dead-letter queue", aliases)
    assert same_answer("dead letter queues", "DLQs", aliases)
    assert same_answer("Amazon RDS Proxy", "RDS Proxy", aliases)  # the longer alias, not a partial one
    assert not same_answer("DLQ", "dead-letter queue")  # without the pack's list, no
    assert not same_answer("an SQS queue", "a DLQ", aliases)


def test_case_sensitive_names_read_no_aliases(mini_pack):
    from lambdalearn.content.questions import TextAnswer

    (mini_pack / "pack.yaml").write_text((mini_pack / "pack.yaml").read_text() + "answer_aliases:\n  ctx: [kontext]\n")
    questions = {q.id: q for q in load_pack(mini_pack).questions()}
    assert isinstance(questions["h-text"], TextAnswer) and questions["h-text"].grade("kontext").correct
    sensitive = TextAnswer("x", accepted=("ctx",), case_sensitive=True, aliases=questions["h-text"].aliases)
    assert not sensitive.grade("kontext").correct
