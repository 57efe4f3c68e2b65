"""An export file is checked field by field (type, range, known values) before an import changes anything."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.progress.portable import PROBLEMS_LISTED, ImportRefused, export_progress, read_export

from .test_portable import studied_store


@pytest.fixture
def exported(tmp_path):
    with studied_store(tmp_path / "source") as store:
        return json.loads(json.dumps(export_progress(store)))


def refusal(tmp_path, data) -> str:
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ImportRefused) as raised:
        read_export(path)
    return str(raised.value)


@pytest.mark.parametrize(
    "table, field, value, expected",
    [
        ("cards", "card_json", "not json", "cards[0].card_json must be JSON text holding an object"),
        ("cards", "card_json", '{"due": 5}', "cards[0].card_json is not a card the scheduler can read"),
        ("cards", "due_ms", "soon", 'cards[0].due_ms must be a whole number, got "soon"'),
        ("cards", "state", 99, "cards[0].state must be one of 1, 2, 3, got 99"),
        ("cards", "leech", True, "cards[0].leech must be one of 0, 1, got true"),
        ("cards", "question_type", "essay", "cards[0].question_type must be one of"),
        ("cards", "created_at", "yesterday", "cards[0].created_at must be a date and time"),
        ("xp_events", "amount", 1e300, "xp_events[0].amount must be a whole number, got 1e+300"),
        ("xp_events", "amount", 10**12, "xp_events[0].amount must be between 1 and 1,000,000"),
        ("reviews", "rating", 5, "reviews[0].rating must be one of 1, 2, 3, 4, got 5"),
        ("reviews", "kind", "guess", "reviews[0].kind must be one of new, learn, review, cram"),
        ("reviews", "duration_ms", -1, "reviews[0].duration_ms must be between 0 and"),
        ("lessons", "xp_awarded", "40", 'lessons[0].xp_awarded must be a whole number, got "40"'),
        ("notes", "updated_at", None, "notes[0].updated_at must be a date and time"),
    ],
)
def test_a_value_of_the_wrong_type_or_range_is_refused_naming_the_row_and_field(tmp_path, exported, table, field,
                                                                                 value, expected):
    exported[table][0][field] = value
    assert expected in refusal(tmp_path, exported)


def test_version_true_is_not_a_version(tmp_path, exported):
    exported["version"] = True
    assert "'version' must be a positive integer, got True" in refusal(tmp_path, exported)


def test_the_first_problems_are_listed_then_how_many_more(tmp_path, exported):
    exported["reviews"] = [dict(exported["reviews"][0], rating=9) for _ in range(PROBLEMS_LISTED + 5)]
    message = refusal(tmp_path, exported)
    assert message.count("must be one of 1, 2, 3, 4") == PROBLEMS_LISTED
    assert message.endswith("; and 5 more") and f"{PROBLEMS_LISTED + 5} problem(s)" in message


def run(home, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(home), *map(str, args)], catch_exceptions=False)


def test_a_refused_import_changes_nothing_and_one_that_adds_nothing_takes_no_backup(tmp_path, exported):
    home = tmp_path / "home"
    good = tmp_path / "good.json"
    good.write_text(json.dumps(exported))
    assert run(home, "import", good).exit_code == 0
    backups = sorted((home / "backups").glob("*.db"))
    again = run(home, "import", good)
    assert again.exit_code == 0 and "nothing new" in again.output
    assert sorted((home / "backups").glob("*.db")) == backups, "an import that adds nothing takes no backup"
    assert not list((home / "backups").glob(".pending-*"))
    exported["cards"][0]["due_ms"] = "soon"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(exported))
    refused = run(home, "import", bad)
    assert refused.exit_code == 1 and "cards[0].due_ms must be a whole number" in refused.output
    assert sorted((home / "backups").glob("*.db")) == backups
    stats = run(home, "stats", "--json")
    assert stats.exit_code == 0 and json.loads(stats.output)["reviews"] == 3
