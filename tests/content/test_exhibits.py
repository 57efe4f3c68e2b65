"""Exhibits, cognitive levels and fact provenance: loaded when sound, reported as file:line: field: message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lambdalearn.content.loader import load_pack

DECK = """\
id: exhibits-quiz
title: Exhibits
lesson: handlers
questions:
  - id: x-log
    type: single
    level: analyse
    exhibit:
      kind: {kind}
      title: CloudWatch Logs for /aws/lambda/orders
      text: |
{text}
    prompt: What went wrong? Pick the cause.
    choices:
      - text: The handler module could not be imported.
      - text: The function ran out of memory.
        why: That ends with Runtime.OutOfMemory.
    answer: 1
    explanation: The runtime could not import the handler module.
domain: basics
"""

IMPORT_ERROR = """\
        START RequestId: 6f1c Version: $LATEST
        [ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'
        END RequestId: 6f1c"""


def write_deck(pack: Path, kind: str = "log", text: str = IMPORT_ERROR) -> Path:
    path = pack / "quizzes" / "exhibits.yaml"
    path.write_text(DECK.format(kind=kind, text=text))
    return path


def problems(pack: Path) -> list[str]:
    return [str(p) for p in load_pack(pack).problems]


def test_an_exhibit_loads_verbatim_with_its_kind_title_and_level(mini_pack):
    write_deck(mini_pack)
    loaded = load_pack(mini_pack)
    assert loaded.ok, loaded.problems
    question = loaded.question("x-log")
    assert question.exhibit.kind == "log"
    assert question.exhibit.title == "CloudWatch Logs for /aws/lambda/orders"
    assert question.exhibit.text.splitlines()[1].startswith("[ERROR] Runtime.ImportModuleError")
    assert question.exhibit.heading == "Exhibit · log · CloudWatch Logs for /aws/lambda/orders"
    assert question.level == "analyse"


def test_an_unknown_kind_is_named(mini_pack):
    write_deck(mini_pack, kind="screenshot")
    assert "quizzes/exhibits.yaml:9: questions[x-log].exhibit.kind: 'screenshot' is not one of: " \
           "log, report, error, policy, template, metrics, code" in problems(mini_pack)


def test_a_policy_must_be_json_and_the_error_names_the_line_inside_the_block(mini_pack):
    policy = '        {\n          "Effect": "Allow",\n          "Action": lambda:InvokeFunction\n        }'
    write_deck(mini_pack, kind="policy", text=policy)
    [problem] = problems(mini_pack)
    assert problem.startswith("quizzes/exhibits.yaml:14: questions[x-log].exhibit.text: a policy exhibit must be JSON: ")


def test_an_error_payload_must_be_json(mini_pack):
    write_deck(mini_pack, kind="error", text='        {"errorType": "Sandbox.Timedout",}')
    [problem] = problems(mini_pack)
    assert problem.startswith("quizzes/exhibits.yaml:12: questions[x-log].exhibit.text: an error exhibit must be JSON")


def test_a_template_may_use_cloudformation_short_tags_but_must_be_yaml(mini_pack):
    good = "        Resources:\n          Fn:\n            Properties:\n              Role: !GetAtt Role.Arn\n" \
           "              Name: !Sub '${AWS::StackName}-fn'"
    write_deck(mini_pack, kind="template", text=good)
    assert problems(mini_pack) == []
    write_deck(mini_pack, kind="template", text="        Resources:\n          Fn: [unclosed")
    [problem] = problems(mini_pack)
    assert problem.startswith("quizzes/exhibits.yaml:13: questions[x-log].exhibit.text: a template exhibit must be YAML")


def test_wide_lines_and_tabs_are_refused_with_their_line(mini_pack):
    write_deck(mini_pack, text="        short\n        " + "x" * 101 + "\n        a\tb")
    assert problems(mini_pack) == [
        "quizzes/exhibits.yaml:13: questions[x-log].exhibit.text: line is 101 columns wide; "
        "wrap it at 100 so it fits the screen",
        "quizzes/exhibits.yaml:14: questions[x-log].exhibit.text: a tab at column 2; "
        "exhibits are shown verbatim, use plain spaces",
    ]


def test_an_exhibit_needs_text_and_no_unknown_keys(mini_pack):
    path = write_deck(mini_pack)
    path.write_text(path.read_text().replace("      text: |", "      caption: x\n      body: |"))
    found = problems(mini_pack)
    assert "quizzes/exhibits.yaml:11: questions[x-log].exhibit.caption: unknown key" in found
    assert any(p.startswith("quizzes/exhibits.yaml:") and "'text' is required" in p for p in found), found


def test_a_level_outside_the_three_is_named(mini_pack):
    path = write_deck(mini_pack)
    path.write_text(path.read_text().replace("level: analyse", "level: evaluate"))
    assert "quizzes/exhibits.yaml:7: questions[x-log].level: 'evaluate' is not one of: remember, apply, analyse" \
        in problems(mini_pack)


def with_provenance(pack: Path, lines: str) -> None:
    path = write_deck(pack)
    path.write_text(path.read_text().replace("    level: analyse\n", f"    level: analyse\n{lines}"))


def test_source_and_verified_load_as_url_and_date(mini_pack):
    with_provenance(mini_pack, "    source: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html\n"
                               "    verified: 2026-11-20\n")
    question = load_pack(mini_pack).question("x-log")
    assert question.reference == "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
    assert question.verified == date(2026, 11, 20)


def test_source_must_be_an_https_aws_doc_page_and_verified_a_date(mini_pack):
    with_provenance(mini_pack, "    source: http://example.com/limits\n    verified: last week\n")
    found = problems(mini_pack)
    assert "quizzes/exhibits.yaml:8: questions[x-log].source: 'http://example.com/limits' is not an https URL of an " \
           "AWS documentation page (docs.aws.amazon.com)" in found
    assert "quizzes/exhibits.yaml:9: questions[x-log].verified: expected a date as YYYY-MM-DD, got 'last week'" in found


def test_source_and_verified_go_together(mini_pack):
    with_provenance(mini_pack, "    source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html\n")
    assert "quizzes/exhibits.yaml:8: questions[x-log].source: give 'verified' with 'source': a fact's page and the " \
           "date it was checked go together" in problems(mini_pack)


def test_plain_quiz_shows_the_exhibit_verbatim_above_the_prompt(tmp_path, mini_pack):
    from click.testing import CliRunner

    from lambdalearn.cli import cli

    write_deck(mini_pack)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "home"), "quiz", "--plain", "--pack-dir", str(mini_pack),
                                      "--deck", "exhibits-quiz", "--seed", "7"], input="1\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ("Exhibit · log · CloudWatch Logs for /aws/lambda/orders:\n"
            "    START RequestId: 6f1c Version: $LATEST\n"
            "    [ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'\n"
            "    END RequestId: 6f1c\n"
            "End of exhibit.\n\n"
            "What went wrong? Pick the cause.\n") in result.output
    assert "✓ Right." in result.output


def test_anki_export_puts_the_exhibit_on_the_front_escaped(tmp_path, mini_pack):
    import sqlite3
    import zipfile

    from lambdalearn.content.anki import export_anki

    write_deck(mini_pack, text=IMPORT_ERROR.replace("'app'", "'<app>'"))
    export_anki([load_pack(mini_pack)], tmp_path / "out.apkg")
    zipfile.ZipFile(tmp_path / "out.apkg").extractall(tmp_path / "out")
    with sqlite3.connect(tmp_path / "out" / "collection.anki2") as db:
        fronts = [row[0].split("\x1f")[0] for row in db.execute("SELECT flds FROM notes")]
    [front] = [f for f in fronts if "What went wrong?" in f]
    assert front.startswith("<figure class=exhibit><figcaption>Exhibit · log · CloudWatch Logs for /aws/lambda/orders"
                            "</figcaption><pre><code>START RequestId: 6f1c Version: $LATEST\n")
    assert "Unable to import module &#x27;&lt;app&gt;&#x27;" in front
