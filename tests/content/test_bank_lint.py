"""The exam-grade lint rules (answer cues, stale phrases, levels, sources) and the figures `pack stats` prints."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.lint import lint_pack
from lambdalearn.content.loader import load_pack
from lambdalearn.content.pack_stats import pack_statistics

from .test_lint import rules_fired, single, write_deck

CHOICES = ("a short one", "the second longest choice", "the longest choice of them all", "mid choice")  # ranks 4, 2, 1, 3


def warnings(root, rule: str) -> list[str]:
    return [f"{w.path}:{w.line}: {w.message}" for w in lint_pack(load_pack(root)) if w.field == rule]


def leveled(question: dict, level: str = "apply") -> dict:
    return {**question, "level": level}


def test_a_key_that_is_usually_second_longest_is_named_with_its_figure(mini_pack):
    write_deck(mini_pack, [leveled(single(f"k{i}", 2 if i < 5 else 3, choices=CHOICES)) for i in range(8)])
    assert warnings(mini_pack, "key-length-rank") == [
        "quizzes/extra.yaml:1: in deck extra the right answer is the second-longest choice in 5 of 8 single-choice "
        "questions (62%, limit 50%); reword choices so length gives nothing away"]
    write_deck(mini_pack, [leveled(single(f"k{i}", i % 4 + 1, choices=CHOICES)) for i in range(8)])
    assert warnings(mini_pack, "key-length-rank") == []


def test_the_pack_wide_key_length_figure_has_a_tighter_limit(mini_pack):
    # Three decks each at the deck limit (4 of 8, not over 50%) add up to a pack over its 40% limit.
    for deck in ("d1", "d2", "d3"):
        answers = [2, 2, 2, 2, 1, 3, 4, 1]
        write_deck(mini_pack, [leveled(single(f"{deck}-{i}", a, choices=CHOICES)) for i, a in enumerate(answers)],
                   deck_id=deck)
    assert warnings(mini_pack, "key-length-rank") == [
        "pack.yaml:1: in the pack the right answer is the second-longest choice in 12 of 25 single-choice questions "
        "(48%, limit 40%); reword choices so length gives nothing away"]


def test_true_false_items_that_are_mostly_false(mini_pack):
    def statement(i: int, answer: bool) -> dict:
        return {"id": f"t{i}", "type": "truefalse", "prompt": f"Statement number {i} holds.", "answer": answer,
                "explanation": "Because.", "level": "remember"}

    write_deck(mini_pack, [statement(i, i == 0) for i in range(6)])
    assert "quizzes/extra.yaml:1: in deck extra 1 of 6 true/false statements are true (17%); keep it between 35% and " \
           "65% so guessing one side does not pay" in warnings(mini_pack, "true-false-balance")
    write_deck(mini_pack, [statement(i, i % 2 == 0) for i in range(6)])
    assert warnings(mini_pack, "true-false-balance") == []



def declare(root, lint_yaml: str) -> None:
    manifest = root / "pack.yaml"
    manifest.write_text(manifest.read_text() + lint_yaml)


STALE = """\
lint:
  stale_phrases:
    - phrase: only new function URLs
      now: since 1 Nov 2026 every function URL needs lambda:InvokeFunctionUrl and lambda:InvokeFunction
"""


def test_a_stale_phrase_in_a_lesson_is_flagged_outside_what_changed_notes(mini_pack):
    declare(mini_pack, STALE)
    lesson = mini_pack / "content" / "02-limits.md"
    lesson.write_text(lesson.read_text() + (
        "\nSince 2024 only new function  URLs need both permissions.\n"  # line 20: taught as current
        "\n> **What changed:** before November 2026 only new function URLs needed both.\n"
        "\n## What changed in 2026\n\nOnly new function URLs needed both; now every URL does.\n"
        "\n## Next topic\n\n```text\nonly new function URLs (in code: not prose)\n```\n"
    ))
    assert warnings(mini_pack, "stale-phrase") == [
        "content/02-limits.md:20: 'only new function URLs' is an old rule (now: since 1 Nov 2026 every function URL "
        "needs lambda:InvokeFunctionUrl and lambda:InvokeFunction); keep it inside a \"What changed\" note"]


def test_a_stale_phrase_in_an_item_is_allowed_in_a_wrong_choice_or_a_what_changed_item(mini_pack):
    declare(mini_pack, STALE)
    taught = leveled(single("s1", 1, choices=("Only new function URLs need both", "Every URL needs both")))
    as_distractor = leveled(single("s2", 2, choices=("Only new function URLs need both", "Every URL needs both")))
    history = {**taught, "id": "s3", "prompt": "Before November 2026, which URLs needed both?", "tags": ["what-changed"]}
    write_deck(mini_pack, [taught, as_distractor, history])
    [warning] = warnings(mini_pack, "stale-phrase")
    assert warning.startswith("quizzes/extra.yaml:5: s1 says 'only new function URLs', an old rule (now: since 1 Nov")
    assert warning.endswith("tag it what-changed if it asks about the old rule")


def test_stale_phrases_must_be_well_formed_in_pack_yaml(mini_pack):
    declare(mini_pack, "lint:\n  stale_phrases:\n    - phrase: by the hour\n  sourced_deck: [numbers]\n")
    problems = [str(p) for p in load_pack(mini_pack).problems]
    assert "pack.yaml:20: lint.stale_phrases[0]: 'now' is required" in problems
    assert "pack.yaml:21: lint.sourced_deck: unknown key (did you mean 'sourced_decks'?)" in problems


def test_every_gradable_item_needs_a_level(mini_pack):
    write_deck(mini_pack, [single("v1", 1), leveled(single("v2", 2), "analyse")])
    assert warnings(mini_pack, "no-level") == ["quizzes/extra.yaml:5: v1 has no level (remember, apply or analyse)"]


def test_items_of_a_sourced_deck_cite_their_page(mini_pack):
    declare(mini_pack, "lint:\n  sourced_decks: [extra, gone]\n")
    cited = {**leveled(single("c1", 1)), "source": "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
             "verified": "2026-11-30"}
    write_deck(mini_pack, [cited, leveled(single("c2", 2))])
    assert warnings(mini_pack, "unsourced") == [
        "pack.yaml:1: lint.sourced_decks names 'gone', which is not a deck of this pack",
        "quizzes/extra.yaml:21: c2 states a number without 'source' (its AWS doc page) and 'verified' (a date)"]


SCENARIO = (
    "A retailer runs an order service on Lambda behind API Gateway. Orders arrive in bursts of several thousand a "
    "minute during flash sales and the downstream inventory database accepts at most two hundred connections. "
    "The team must keep every order, must not overload the database, and has no time to run servers. "
    "Which design meets these requirements with the LEAST operational overhead? (Select THREE.)"
)


def test_pack_stats_prints_the_exam_grade_figures(mini_pack):
    three = {"id": "m3", "type": "multi", "prompt": SCENARIO, "level": "analyse", "tags": ["cross-service", "sqs"],
             "choices": [{"text": t, "why": "no"} if n > 3 else t for n, t in enumerate(
                 ["Queue orders in SQS", "Cap the consumer's concurrency", "Use RDS Proxy", "Poll from EC2", "Retry"], 1)],
             "answer": [1, 2, 3], "explanation": " ".join(["word"] * 60)}
    old = {**leveled(single("o1", 1)), "source": "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
           "verified": "2025-06-01"}
    write_deck(mini_pack, [three, old])
    bank = pack_statistics(load_pack(mini_pack), date(2026, 12, 5))["bank"]
    assert (bank["scenarios"], bank["single_multi"], bank["select_three"], bank["cross_service"]) == (1, 4, 1, 1)
    assert bank["stale"] == ["o1"] and bank["sourced"] == 1
    assert bank["true_false"] == {"true": 1, "false": 0}
    assert bank["levels"] == {"analyse": 1, "apply": 2, "remember": 6}
    printed = CliRunner().invoke(cli, ["pack", "stats", str(mini_pack)]).output
    assert "scenario items (single/multi)    1 of 4 (25%)" in printed
    assert "Select THREE items               1" in printed
    assert "verified over a year ago         1: o1" in printed
    as_json = json.loads(CliRunner().invoke(cli, ["pack", "stats", "--json", str(mini_pack)]).output)
    assert as_json["bank"]["exhibits"] == 0 and as_json["bank"]["key_length_rank"]
