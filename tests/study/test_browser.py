"""The question browser's domain: rows with card state and marks, each filter, ranked text search, ids,
a suspended question kept out of quiz sessions, and marks carried by a progress export."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from lambdalearn.content.loader import load_pack
from lambdalearn.progress.marks import bury, marks_of, save_card_note, set_flagged, set_suspended
from lambdalearn.progress.portable import EXPORT_VERSION, export_progress, import_progress, read_export
from lambdalearn.progress.reviews import record_answer
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.browser import Filters, browse, find_question, state_label
from lambdalearn.study.catalog import Catalog, SelectionError
from lambdalearn.study.session import QuizSession

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def catalog(mini_pack: Path) -> Catalog:
    return Catalog((load_pack(mini_pack),))


@pytest.fixture
def store(tmp_path: Path):
    with ProgressStore.open(tmp_path / "data") as opened:
        yield opened


def answer(store, item, when, rating=3, question_type="single"):
    return record_answer(store, "mini", item, question_type=question_type, difficulty="beginner", rating=rating,
                         correct=rating > 1, duration_ms=3000, now=when)


def ids(rows):
    return [row.entry.question.id for row in rows]


def test_rows_carry_the_card_state_due_reps_lapses_and_last_answer(store, catalog):
    answer(store, "h-single", T0, rating=1)
    rows = {row.entry.question.id: row for row in browse(store, catalog, Filters(), now=T0)}
    row = rows["h-single"]
    assert (row.state, row.reps, row.lapses, row.last_correct) == ("learning", 1, 0, False)
    assert row.last_answer == T0 and row.due > T0
    assert (rows["h-multi"].state, rows["h-multi"].due, rows["h-multi"].last_answer) == ("new", None, None)
    assert ids(browse(store, catalog, Filters())) == ["h-single", "h-multi", "h-tf", "h-text", "h-order", "h-card",
                                                      "l-num", "l-cloze"]  # course order


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(deck="limits-quiz"), ["l-num", "l-cloze"]),
    (Filters(lesson="limits"), ["l-num", "l-cloze"]),
    (Filters(tag="steps"), ["h-order"]),
    (Filters(type="numeric"), ["l-num"]),
    (Filters(pack="mini", type="flashcard"), ["h-card"]),
])
def test_each_content_filter_keeps_only_its_questions(store, catalog, filters, expected):
    assert ids(browse(store, catalog, filters)) == expected


def test_each_state_filter(store, catalog):
    answer(store, "h-single", T0)  # learning, due 10 minutes later
    answer(store, "h-multi", T0)
    answer(store, "h-tf", T0)
    store.db.execute("UPDATE cards SET leech = 1, lapses = 8 WHERE item_id = 'h-tf'")  # as eight lapses leave it
    set_suspended(store, "mini", "h-multi", True, now=T0)
    bury(store, "mini", "h-text", now=T0, tz=UTC)
    set_flagged(store, "mini", "l-num", True, now=T0)
    save_card_note(store, "mini", "l-cloze", "mind the units", now=T0)
    later = T0 + timedelta(hours=1)

    def by_state(state):
        return ids(browse(store, catalog, Filters(state=state), now=later))

    assert by_state("due") == ["h-single", "h-tf"]  # h-multi is due too, but suspended
    assert by_state("learning") == ["h-single", "h-multi", "h-tf"]
    assert by_state("suspended") == ["h-multi"]
    assert by_state("buried") == ["h-text"]
    assert by_state("flagged") == ["l-num"]
    assert by_state("leech") == ["h-tf"]
    assert by_state("noted") == ["l-cloze"]
    assert by_state("new") == ["h-text", "h-order", "h-card", "l-num", "l-cloze"]
    assert ids(browse(store, catalog, Filters(state="buried"), now=T0 + timedelta(days=1))) == []


def test_text_search_needs_every_word_and_ranks_like_the_lesson_search(store, catalog):
    question = catalog.entry("mini", "h-single").question
    word = question.prompt.split()[-1].strip("?.").casefold()
    rows = browse(store, catalog, Filters(text=word))
    assert rows and ids(rows)[0] == "h-single"
    assert browse(store, catalog, Filters(text=f"{word} zzznothing")) == []
    assert ids(browse(store, catalog, Filters(text="L-NUM"))) == ["l-num"]  # an id, any case


def test_text_search_finds_answers_and_explanations(store, catalog):
    cloze = catalog.entry("mini", "l-cloze").question
    answer_word = cloze.blanks[0][0]
    assert "l-cloze" in ids(browse(store, catalog, Filters(text=answer_word)))
    explained = next(e.question for e in catalog.select() if e.question.explanation)
    explanation_word = max(explained.explanation.split(), key=len).strip(".,()`")
    assert explained.id in ids(browse(store, catalog, Filters(text=explanation_word)))


@pytest.mark.parametrize(("filters", "message"), [
    (Filters(deck="nope"), "no deck named 'nope'"),
    (Filters(type="essay"), "no type named 'essay'; known: cloze, flashcard"),
    (Filters(state="sleepy"), "no state named 'sleepy'; known: buried, due"),
])
def test_unknown_filter_values_are_refused_with_what_exists(store, catalog, filters, message):
    with pytest.raises(SelectionError, match=message):
        browse(store, catalog, filters)


def test_find_question_by_id_or_pack_and_id(catalog, mini_pack):
    assert find_question(catalog, "l-num").key == ("mini", "l-num")
    assert find_question(catalog, "mini/l-num").key == ("mini", "l-num")
    with pytest.raises(SelectionError, match="no question with the id 'zz'"):
        find_question(catalog, "zz")
    with pytest.raises(SelectionError, match="no question 'zz' in pack 'mini'"):
        find_question(catalog, "mini/zz")
    twin = load_pack(mini_pack)
    twin = type(twin)(**{**twin.__dict__, "manifest": type(twin.manifest)(**{**twin.manifest.__dict__, "id": "twin"})})
    with pytest.raises(SelectionError, match="name one of mini/l-num, twin/l-num"):
        find_question(Catalog((catalog.packs[0], twin)), "l-num")


def test_state_label_puts_the_learners_holds_first(store, catalog):
    set_suspended(store, "mini", "h-tf", True, now=T0)
    bury(store, "mini", "h-text", now=T0, tz=UTC)
    rows = {row.entry.question.id: row for row in browse(store, catalog, Filters(), now=T0)}
    assert [state_label(rows[i], T0) for i in ("h-tf", "h-text", "h-card")] == ["suspended", "buried", "new"]


def test_a_suspended_question_never_comes_up_in_a_quiz_session(store, catalog):
    set_suspended(store, "mini", "h-single", True)
    entries = catalog.select()
    for options in ({}, {"requested": True}, {"cram": True}, {"ahead": True}):
        session = QuizSession(store, entries, rng=random.Random(1), **options)
        assert ("mini", "h-single") not in [entry.key for entry in session.queue], options
    session = QuizSession(store, entries, rng=random.Random(1), requested=True)
    assert len(session.queue) == len(entries) - 1


def test_a_suspended_due_card_is_not_offered_and_comes_back_when_unsuspended(store, catalog):
    answer(store, "h-single", datetime.now(UTC) - timedelta(hours=1))  # due by now
    set_suspended(store, "mini", "h-single", True)
    entries = catalog.select(deck="handlers-quiz")
    assert ("mini", "h-single") not in [e.key for e in QuizSession(store, entries, new_limit=0).queue]
    set_suspended(store, "mini", "h-single", False)
    assert [e.key for e in QuizSession(store, entries, new_limit=0).queue] == [("mini", "h-single")]


def test_notes_and_marks_survive_export_then_import(store, catalog, tmp_path):
    save_card_note(store, "mini", "l-num", "1,000 is the default quota", now=T0)
    set_suspended(store, "mini", "h-tf", True, now=T0)
    set_flagged(store, "mini", "h-tf", True, now=T0)
    path = tmp_path / "progress.json"
    path.write_text(json.dumps(export_progress(store)))
    data = read_export(path)
    assert data["version"] == EXPORT_VERSION == 2
    with ProgressStore.open(tmp_path / "other") as other:
        report = import_progress(other, data)
        assert report.added["card_marks"] == 2
        assert marks_of(other, "mini", "l-num").note == "1,000 is the default quota"
        assert (marks_of(other, "mini", "h-tf").suspended, marks_of(other, "mini", "h-tf").flagged) == (True, True)
        assert not import_progress(other, data).changed_anything  # the merge is idempotent
        save_card_note(other, "mini", "l-num", "newer, from this machine", now=T0 + timedelta(days=1))
        import_progress(other, data)
        assert marks_of(other, "mini", "l-num").note == "newer, from this machine"  # the newest note wins


def test_a_version_1_export_without_marks_still_imports(store, tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": "lambdalearn-progress", "version": 1, "cards": []}))
    assert not import_progress(store, read_export(path)).changed_anything


def test_a_bad_mark_in_an_export_is_refused_naming_the_field(tmp_path, store):
    data = export_progress(store)
    data["card_marks"] = [{"pack_id": "mini", "item_id": "a", "suspended": 2, "buried_until_ms": 0, "flagged": 0,
                           "note": "", "updated_at": "2026-03-02T12:00:00.000000Z"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(Exception, match=r"card_marks\[0\]\.suspended must be one of 0, 1, got 2"):
        read_export(path)


def test_readiness_still_counts_a_suspended_question_as_the_mock_exam_still_asks_it(store, catalog):
    """Decision: suspending hides a question from study, not from the mock exam (nor the real one), so the
    prediction keeps it at its own card's recall; leaving it out would raise the prediction exactly where the
    learner stopped studying, and break its calibration against the mock exams taken."""
    from lambdalearn.study.readiness import predict

    pack = catalog.packs[0]
    answer(store, "h-single", T0, rating=1)
    before = predict(store, pack, now=T0 + timedelta(days=3))
    set_suspended(store, "mini", "h-single", True, now=T0)
    set_suspended(store, "mini", "l-num", True, now=T0)
    bury(store, "mini", "h-multi", now=T0, tz=UTC)
    assert predict(store, pack, now=T0 + timedelta(days=3)) == before


def test_the_study_plan_never_studies_a_suspended_question(store, catalog):
    from datetime import date

    from lambdalearn.study.plan import simulate

    pack = catalog.packs[0]
    answer(store, "h-single", T0)
    plain = simulate(store, pack, date(2026, 3, 20), date(2026, 3, 2), new_per_day=5)
    for entry in catalog.select():
        set_suspended(store, *entry.key, True, now=T0)
    held = simulate(store, pack, date(2026, 3, 20), date(2026, 3, 2), new_per_day=5)
    assert plain.peak_reviews > 0 and held.peak_reviews == 0
    assert held.readiness.predicted <= plain.readiness.predicted
