"""Each lint rule fires on the habit it targets and stays quiet on a clean pack."""

import json

import yaml
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.loader import load_pack
from lambdalearn.content.lint import lint_pack


def rules_fired(root):
    return sorted({w.field for w in lint_pack(load_pack(root))})


def write_deck(root, questions, deck_id="extra", lesson="limits", domain="limits"):
    (root / "quizzes" / f"{deck_id}.yaml").write_text(
        yaml.safe_dump({"id": deck_id, "title": "Extra", "lesson": lesson, "domain": domain, "questions": questions})
    )


def single(qid, right, choices=("alpha", "beta", "gamma", "delta"), prompt=None, why=True, explanation="Because."):
    return {
        "id": qid, "type": "single", "prompt": prompt or f"Question {qid} about topic {qid}?",
        "choices": [{"text": c, **({"why": "no"} if why and n != right else {})} for n, c in enumerate(choices, 1)],
        "answer": right, **({"explanation": explanation} if explanation else {}),
    }


def test_the_fixture_pack_is_lint_clean(mini_pack):
    assert rules_fired(mini_pack) == []


def test_answer_position_bias(mini_pack):
    write_deck(mini_pack, [single(f"p{i}", 2) for i in range(6)])
    assert "answer-position" in rules_fired(mini_pack)
    write_deck(mini_pack, [single(f"p{i}", i % 4 + 1) for i in range(6)])
    assert "answer-position" not in rules_fired(mini_pack)


def test_longest_choice_is_usually_right(mini_pack):
    long = ("a", "b", "the one that is obviously the most carefully qualified", "d")
    write_deck(mini_pack, [single(f"l{i}", 3 if i < 4 else 1, choices=long) for i in range(6)])
    assert "longest-answer" in rules_fired(mini_pack)
    write_deck(mini_pack, [single(f"l{i}", i % 4 + 1) for i in range(6)])
    assert "longest-answer" not in rules_fired(mini_pack)


def test_all_or_none_of_the_above(mini_pack):
    write_deck(mini_pack, [single("a1", 1, choices=("x", "y", "All of the above"))])
    assert "all-none-of-the-above" in rules_fired(mini_pack)


def test_negative_stem_must_be_emphasised(mini_pack):
    write_deck(mini_pack, [single("n1", 1, prompt="Which of these is not billed?")])
    assert "negative-stem" in rules_fired(mini_pack)
    write_deck(mini_pack, [single("n1", 1, prompt="Which of these is **not** billed?")])
    assert "negative-stem" not in rules_fired(mini_pack)
    write_deck(mini_pack, [single("n1", 1, prompt="Which of these is NOT billed?")])
    assert "negative-stem" not in rules_fired(mini_pack)
    write_deck(mini_pack, [single("n1", 1, prompt="Each of these is billed per request except:")])
    assert "negative-stem" in rules_fired(mini_pack)
    for fine in ("What does a destination record contain that a DLQ message does not?",
                 "Which statement follows least privilege?",
                 "Which events cause cold starts, even for a function that is never idle?"):
        write_deck(mini_pack, [single("n1", 1, prompt=fine)])
        assert "negative-stem" not in rules_fired(mini_pack), fine


def test_a_question_must_stand_alone(mini_pack):
    write_deck(mini_pack, [single("s1", 1, prompt="Same function, but with 512 MB. What changes?")])
    assert "not-standalone" in rules_fired(mini_pack)
    write_deck(mini_pack, [single("s1", 1, prompt="A function with the same memory as its caller runs slowly. Why?")])
    assert "not-standalone" not in rules_fired(mini_pack)


def test_missing_explanation_and_missing_why(mini_pack):
    write_deck(mini_pack, [single("e1", 1, explanation=None), single("w1", 2, why=False)])
    fired = rules_fired(mini_pack)
    assert "no-explanation" in fired and "no-why" in fired


def test_near_duplicate_questions(mini_pack):
    prompt = "A function behind API Gateway shows latency spikes after idle periods. What should you do?"
    write_deck(mini_pack, [single("d1", 1, prompt=prompt), single("d2", 2, prompt=prompt.replace("should", "could"))])
    assert "near-duplicate" in rules_fired(mini_pack)


def test_thin_blueprint_domain(mini_pack):
    manifest = mini_pack / "pack.yaml"
    manifest.write_text(manifest.read_text().replace("questions: 4", "questions: 40"))
    assert "thin-domain" in rules_fired(mini_pack)


def test_raw_html_that_the_app_would_drop(mini_pack):
    lesson = mini_pack / "content" / "02-limits.md"
    lesson.write_text(lesson.read_text() + "\nCall https://<url-id>.lambda-url.aws with `<id>` in code.\n")
    [warning] = [w for w in lint_pack(load_pack(mini_pack)) if w.field == "raw-html"]
    assert warning.path == "content/02-limits.md" and warning.line == 20 and "<url-id>" in warning.message
    lab_readme = mini_pack / "labs" / "hello" / "README.md"
    lab_readme.write_text("# Hello\n\nReturn <b>bold</b>.\n")
    assert {w.path for w in lint_pack(load_pack(mini_pack)) if w.field == "raw-html"} == {
        "content/02-limits.md", "labs/hello/README.md"}


def test_lesson_without_questions(mini_pack):
    (mini_pack / "content" / "03-extra.md").write_text(
        "---\nid: extra\ntitle: Extra\norder: 3\ndifficulty: beginner\nxp: 5\nminutes: 1\ntags: []\nsummary: s\n---\n\n## A\n"
    )
    assert "untested-lesson" in rules_fired(mini_pack)


def test_lint_cli_strict_exit_codes(mini_pack):
    runner = CliRunner()
    clean = runner.invoke(cli, ["pack", "lint", "--strict", str(mini_pack)])
    assert clean.exit_code == 0 and clean.output.startswith("ok: mini: no lint warnings")
    write_deck(mini_pack, [single("a1", 1, choices=("x", "y", "None of these"))])
    loose = runner.invoke(cli, ["pack", "lint", str(mini_pack)])
    assert loose.exit_code == 0
    assert "quizzes/extra.yaml:5: warning: all-none-of-the-above: a1 choice 3 'None of these'" in loose.output
    strict = runner.invoke(cli, ["pack", "lint", "--strict", str(mini_pack)])
    assert strict.exit_code == 1


def test_pack_stats_json(mini_pack):
    result = CliRunner().invoke(cli, ["pack", "stats", "--json", str(mini_pack)])
    figures = json.loads(result.output)
    assert figures["questions"] == 8 and figures["gradable"] == 7
    assert figures["by_type"]["flashcard"] == 1 and figures["by_lesson"] == {"handlers": 6, "limits": 2}
    assert figures["blueprint"] == [
        {"domain": "basics", "weight": 60.0, "available": 5, "needed": 3},
        {"domain": "limits", "weight": 40.0, "available": 2, "needed": 2},
    ]


def test_bundled_course_passes_lint_strict():
    result = CliRunner().invoke(cli, ["pack", "lint", "--strict"])
    assert result.exit_code == 0, result.output
