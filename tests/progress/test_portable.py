"""Progress export/import: round trip with identical stats, idempotent merges, refusals that change nothing."""

import json
import re
import sqlite3
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.anki import export_anki
from lambdalearn.content.loader import load_pack
from lambdalearn.progress.backup import automatic_backup, backup_to
from lambdalearn.progress.lessons import complete_lesson
from lambdalearn.progress.notes import load_note, save_note
from lambdalearn.progress.portable import EXPORT_VERSION, ImportRefused, export_progress, import_progress, read_export
from lambdalearn.progress.reviews import record_answer
from lambdalearn.progress.stats import summary
from lambdalearn.progress.store import ProgressStore

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def studied_store(path, offset_minutes=0):
    store = ProgressStore.open(path)
    for i, item in enumerate(["h-single", "h-multi", "l-num"]):
        record_answer(store, "mini", item, question_type="single", difficulty="beginner", rating=3 if i else 1,
                      correct=bool(i), duration_ms=4000, now=T0 + timedelta(minutes=offset_minutes + i))
    complete_lesson(store, "mini", "handlers", 40, now=T0)
    save_note(store, "mini", "handlers", "remember: event is input", now=T0)
    return store


def test_round_trip_gives_identical_stats_and_a_second_import_changes_nothing(tmp_path):
    source = studied_store(tmp_path / "a")
    exported = json.loads(json.dumps(export_progress(source)))
    target = ProgressStore.open(tmp_path / "b")
    first = import_progress(target, exported)
    assert first.changed_anything
    assert summary(target, now=T0 + timedelta(hours=1)) == summary(source, now=T0 + timedelta(hours=1))
    assert load_note(target, "mini", "handlers") == "remember: event is input"
    second = import_progress(target, exported)
    assert not second.changed_anything
    assert target.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 3
    assert summary(target, now=T0 + timedelta(hours=1))["xp"] == summary(source, now=T0 + timedelta(hours=1))["xp"]


def test_merge_keeps_the_most_informed_rows(tmp_path):
    mine = studied_store(tmp_path / "mine")
    theirs = studied_store(tmp_path / "theirs", offset_minutes=30)
    save_note(theirs, "mini", "handlers", "a newer note", now=T0 + timedelta(days=1))
    record_answer(theirs, "mini", "h-tf", question_type="truefalse", difficulty="beginner", rating=3, correct=True,
                  duration_ms=1000, now=T0 + timedelta(days=1))
    import_progress(mine, export_progress(theirs))
    assert load_note(mine, "mini", "handlers") == "a newer note"
    assert mine.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 7
    assert mine.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 4
    newest = mine.db.execute("SELECT last_review_at FROM cards WHERE item_id = 'l-num'").fetchone()[0]
    assert newest == theirs.db.execute("SELECT last_review_at FROM cards WHERE item_id = 'l-num'").fetchone()[0]
    completed = mine.db.execute("SELECT completed_at, xp_awarded FROM lessons").fetchall()
    assert completed == theirs.db.execute("SELECT completed_at, xp_awarded FROM lessons").fetchall()
    assert len(completed) == 1 and completed[0][1] == 40
    xp = mine.db.execute("SELECT value FROM totals WHERE name = 'xp'").fetchone()[0]
    assert xp == mine.db.execute("SELECT SUM(amount) FROM xp_events").fetchone()[0]


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not valid JSON"),
        ('{"format": "something-else"}', "not a lambdalearn progress export"),
        (json.dumps({"format": "lambdalearn-progress", "version": EXPORT_VERSION + 1}), "written by a newer lambdalearn"),
        (json.dumps({"format": "lambdalearn-progress", "version": 1, "cards": [{"pack_id": "x"}]}), "cards[0]: expected the fields"),
        (json.dumps({"format": "lambdalearn-progress", "version": 1, "reviews": {}}), "'reviews' must be a list"),
    ],
)
def test_bad_files_are_refused(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ImportRefused, match=re.escape(message)):
        read_export(path)


def test_a_value_the_database_rejects_changes_nothing(tmp_path):
    store = studied_store(tmp_path / "a")
    data = export_progress(store)
    data["reviews"].append({**data["reviews"][0], "rating": 9, "reviewed_at": "2026-11-21T00:00:00.000000Z"})
    fresh = ProgressStore.open(tmp_path / "b")
    with pytest.raises(ImportRefused, match="rejects"):
        import_progress(fresh, data)
    assert fresh.db.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 0


def test_backup_is_a_consistent_sqlite_copy(tmp_path):
    store = studied_store(tmp_path / "a")
    copy = backup_to(store, tmp_path / "copy.db")
    with sqlite3.connect(copy) as db:
        assert db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 3
    with pytest.raises(FileExistsError):
        backup_to(store, copy)
    for _ in range(7):
        automatic_backup(store, "import")
    assert len(list((tmp_path / "a" / "backups").glob("progress-*.db"))) == 5


def run(home, *args):
    return CliRunner().invoke(cli, ["--data-dir", str(home), *args], catch_exceptions=False)


def test_cli_export_import_and_backup(tmp_path):
    studied_store(tmp_path / "a").close()
    out = run(tmp_path / "a", "export", str(tmp_path / "p.json"))
    assert out.exit_code == 0 and "3 cards, 3 reviews" in out.output
    first = run(tmp_path / "b", "import", str(tmp_path / "p.json"))
    assert first.exit_code == 0 and "added 3 cards, 3 reviews" in first.output
    again = run(tmp_path / "b", "import", str(tmp_path / "p.json"))
    assert "nothing new" in again.output
    assert json.loads(run(tmp_path / "a", "stats", "--json").output) == json.loads(run(tmp_path / "b", "stats", "--json").output)
    (tmp_path / "newer.json").write_text(json.dumps({"format": "lambdalearn-progress", "version": 99}))
    refused = run(tmp_path / "b", "import", str(tmp_path / "newer.json"))
    assert refused.exit_code == 1 and "newer lambdalearn" in refused.output and "nothing was changed" in refused.output
    manual = run(tmp_path / "b", "backup")
    assert manual.exit_code == 0 and "backups/manual-" in manual.output


def test_anki_export_is_an_sqlite_collection_with_stable_ids(tmp_path, mini_pack):
    pack = load_pack(mini_pack)
    export_anki([pack], tmp_path / "one.apkg")
    export_anki([pack], tmp_path / "two.apkg")

    def notes(apkg):
        folder = tmp_path / apkg.stem
        zipfile.ZipFile(apkg).extractall(folder)
        with sqlite3.connect(folder / "collection.anki2") as db:
            return sorted(db.execute("SELECT guid, mid, flds FROM notes").fetchall())

    first, second = notes(tmp_path / "one.apkg"), notes(tmp_path / "two.apkg")
    assert len(first) == 8 and [n[:2] for n in first] == [n[:2] for n in second]
    cloze = [n for n in first if "{{c1::128}}" in n[2]]
    assert len(cloze) == 1 and "{{c2::10240}}" in cloze[0][2]
    single = next(n for n in first if "Which argument carries the input?" in n[2])
    assert "<li>event</li>" in single[2] and "2. event" in single[2] and "The context describes the invocation." in single[2]


def _import_steps(tmp_path, reviews: int) -> int:
    """SQLite virtual-machine steps (in thousands) that importing `reviews` answers, all at one instant, takes:
    a count of work, not of time, so it is exact on a busy machine."""
    at = T0.isoformat()
    data = {
        "reviews": [{"pack_id": "mini", "item_id": f"q{i}", "kind": "review", "rating": 3, "correct": 1,
                     "duration_ms": 1000, "reviewed_at": at} for i in range(reviews)],
        "xp_events": [{"amount": 5, "reason": "answer", "pack_id": "mini", "item_id": f"q{i}", "awarded_at": at}
                      for i in range(reviews)],
    }
    store = ProgressStore.open(tmp_path / f"steps-{reviews}")
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    store.db.conn.set_progress_handler(count, 1000)
    import_progress(store, data)
    store.db.conn.set_progress_handler(None, 0)
    return steps


def test_importing_rows_that_share_a_timestamp_takes_work_in_proportion_to_the_rows(tmp_path):
    """Reviews and XP awards are matched on their natural key; an imported history where many share one
    instant (a bulk import from another tool) must not make each lookup scan all the others (quadratic)."""
    small, large = _import_steps(tmp_path, 500), _import_steps(tmp_path, 2000)
    assert large < 5 * small  # linear would be ~4x; each lookup scanning its peers is ~16x


def test_anki_export_keeps_suspended_questions_as_suspended_cards_with_flag_tag_and_note(tmp_path, mini_pack):
    from lambdalearn.progress.marks import Marks

    pack = load_pack(mini_pack)
    marks = {("mini", "h-single"): Marks(suspended=True, flagged=True, note="<b>mine</b>"),
             ("mini", "l-cloze"): Marks(suspended=True)}
    counts = export_anki([pack], tmp_path / "marked.apkg", marks)
    assert counts["suspended"] == 2
    folder = tmp_path / "marked"
    zipfile.ZipFile(tmp_path / "marked.apkg").extractall(folder)
    with sqlite3.connect(folder / "collection.anki2") as db:
        rows = db.execute("SELECT n.flds, n.tags, c.queue FROM cards AS c JOIN notes AS n ON c.nid = n.id").fetchall()
    suspended = [flds for flds, _tags, queue in rows if queue == -1]  # Anki's queue -1: suspended
    assert len(suspended) == 3 and len(rows) == 9  # the cloze has two blanks: two cards, both suspended
    single = next((flds, tags) for flds, tags, _queue in rows if "Which argument carries the input?" in flds)
    assert "Your note:</i> &lt;b&gt;mine&lt;/b&gt;" in single[0] and "flagged" in single[1].split()
