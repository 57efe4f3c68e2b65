"""`lambdalearn browse`: the question table with its filters, the actions on one question by id, and their
effect on `quiz --plain`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from lambdalearn.cli import cli


def run(home, pack, *args, stdin=None):
    return CliRunner().invoke(cli, ["--data-dir", str(home), *args, "--pack-dir", str(pack)], input=stdin,
                              catch_exceptions=False)


def browse(home, pack, *args):
    result = run(home, pack, "browse", *args)
    assert result.exit_code == 0, result.output
    return result.output


def ids(home, pack, *args) -> list[str]:
    return [row["id"] for row in json.loads(browse(home, pack, "--json", *args))]


def test_the_table_lists_every_question_with_its_state_and_a_count(tmp_path, mini_pack):
    output = browse(tmp_path, mini_pack)
    lines = output.splitlines()
    assert lines[0].split() == ["ID", "Deck", "Type", "State", "Due", "Reps", "Lapses", "Last", "Marks", "Prompt"]
    assert lines[1].split()[:4] == ["h-single", "handlers-quiz", "single", "new"]
    assert lines[-1] == "8 questions"


def test_filters_and_search_narrow_the_rows(tmp_path, mini_pack):
    assert ids(tmp_path, mini_pack, "--deck", "limits-quiz") == ["l-num", "l-cloze"]
    assert ids(tmp_path, mini_pack, "--type", "order") == ["h-order"]
    assert ids(tmp_path, mini_pack, "--search", "l-cloze") == ["l-cloze"]
    assert ids(tmp_path, mini_pack, "--state", "new", "--limit", "2") == ["h-single", "h-multi"]
    assert "8 questions (first 2 shown)" in browse(tmp_path, mini_pack, "--limit", "2")


def test_suspend_flag_bury_and_note_by_id_show_in_the_table_and_the_state_filter(tmp_path, mini_pack):
    output = browse(tmp_path, mini_pack, "--suspend", "h-tf", "--flag", "l-num", "--bury", "h-text",
                    "--note", "l-num", "quota is per Region")
    lines = output.splitlines()
    assert lines[0] == "suspended mini/h-tf: it will not come up until you unsuspend it"
    assert lines[1].startswith("buried mini/h-text until ") and lines[1].endswith("(the start of tomorrow)")
    assert lines[2:] == ["flagged mini/l-num", "saved your note on mini/l-num"]
    assert ids(tmp_path, mini_pack, "--state", "suspended") == ["h-tf"]
    assert ids(tmp_path, mini_pack, "--state", "buried") == ["h-text"]
    assert ids(tmp_path, mini_pack, "--state", "flagged") == ids(tmp_path, mini_pack, "--state", "noted") == ["l-num"]
    table = {line.split()[0]: line for line in browse(tmp_path, mini_pack).splitlines()[1:-1]}
    assert table["h-tf"].split()[3] == "suspended" and "flag note" in table["l-num"]
    shown = browse(tmp_path, mini_pack, "--show", "l-num")
    assert "Your note: quota is per Region" in shown and "flagged" in shown.splitlines()[1]
    browse(tmp_path, mini_pack, "--unsuspend", "h-tf", "--unflag", "l-num", "--unbury", "h-text", "--note", "l-num", "")
    assert ids(tmp_path, mini_pack, "--state", "suspended") == ids(tmp_path, mini_pack, "--state", "noted") == []


def test_a_bad_id_is_a_one_line_error_and_changes_nothing(tmp_path, mini_pack):
    result = run(tmp_path, mini_pack, "browse", "--suspend", "h-tf", "--suspend", "nope")
    assert result.exit_code == 1
    assert result.output == "Error: no question with the id 'nope' (the ID column of `lambdalearn browse`)\n"
    assert ids(tmp_path, mini_pack, "--state", "suspended") == []


def test_a_bad_filter_is_a_one_line_error_listing_what_exists(tmp_path, mini_pack):
    result = run(tmp_path, mini_pack, "browse", "--state", "sleepy")
    assert result.exit_code == 1 and len(result.output.splitlines()) == 1
    assert "no state named 'sleepy'; known: buried, due, flagged" in result.output


def test_quiz_plain_skips_a_suspended_question_and_shows_the_note_with_the_feedback(tmp_path, mini_pack):
    browse(tmp_path, mini_pack, "--suspend", "h-single", "--note", "h-multi", "two of them!")
    result = run(tmp_path, mini_pack, "quiz", "--plain", "--deck", "handlers-quiz", "--seed", "3", "--limit", "1",
                 stdin="1 2\n")
    assert result.exit_code == 0, result.output
    assert "Which argument carries the input?" not in result.output
    assert "(multi)" in result.output and "Your note: two of them!" in result.output
    cram = run(tmp_path, mini_pack, "quiz", "--plain", "--cram", "--deck", "handlers-quiz", stdin="skip\n" * 10)
    assert "Which argument carries the input?" not in cram.output and "5 questions to go" in cram.output
