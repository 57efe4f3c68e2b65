"""The course as walked: map states, "continue", lesson pages by section, search, section and link targets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.loader import load_pack
from lambdalearn.progress.lessons import complete_lesson, mark_lesson_opened
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.course import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    course_map,
    in_course_order,
    link_target,
    new_cards_today,
    next_step,
    page_of,
    pages,
    search,
    section_target,
)


@pytest.fixture
def pack(mini_pack: Path):
    return load_pack(mini_pack)


@pytest.fixture
def store(tmp_path: Path):
    with ProgressStore.open(tmp_path / "data") as opened:
        yield opened


def test_map_shows_done_and_in_progress_lessons_in_order(pack, store):
    assert [(r.lesson.id, r.state) for r in course_map(store, [pack])] == [("handlers", NOT_STARTED), ("limits", NOT_STARTED)]
    mark_lesson_opened(store, "mini", "limits")
    complete_lesson(store, "mini", "handlers", 40)
    assert [r.state for r in course_map(store, [pack])] == [DONE, IN_PROGRESS]


def test_continue_prefers_due_cards_then_the_open_lesson_then_new_cards_then_an_exam(pack, store):
    rows = course_map(store, [pack])
    assert next_step(rows, due_now=3, new_available=8).kind == "review"
    step = next_step(rows, due_now=0, new_available=8)
    assert (step.kind, step.lesson.id, step.label) == ("lesson", "handlers", "Read lesson 1: Handlers")
    mark_lesson_opened(store, "mini", "limits")
    assert next_step(course_map(store, [pack]), 0, 8).label == "Resume lesson 2: Limits"
    complete_lesson(store, "mini", "handlers", 40)
    complete_lesson(store, "mini", "limits", 60)
    done = course_map(store, [pack])
    assert next_step(done, 0, 8).label == "Learn 8 new cards"
    assert next_step(done, 0, 0).kind == "exam"


def test_lessons_are_paged_at_level_two_headings(pack):
    handlers = pack.lesson("handlers")
    assert [(p.title, p.anchor) for p in pages(handlers)] == [("The handler", "the-handler"), ("The context object", "the-context-object")]
    assert pages(handlers)[1].text.startswith("## The context object")
    assert page_of(handlers, "the-context-object") == 1 and page_of(handlers, "nowhere") == 0


def test_text_before_the_first_section_is_an_introduction_and_fences_do_not_cut(pack):
    body = "Intro line.\n\n## One\n\n```text\n## not a heading\n```\n\n### Detail\n\n## Two\n\nEnd."
    from lambdalearn.content.anchors import scan

    lesson = replace(pack.lesson("handlers"), body=body, headings=tuple(scan(body)[0]))
    result = pages(lesson)
    assert [p.title for p in result] == ["Introduction", "One", "Two"]
    assert "## not a heading" in result[1].text and [h.anchor for h in result[1].headings] == ["one", "detail"]
    assert page_of(lesson, "detail") == 1


def test_every_bundled_lesson_is_paged_without_losing_text():
    for lesson in load_pack(bundled_pack_root()).lessons:
        joined = "\n".join(p.text for p in pages(lesson))
        assert joined.split() == lesson.body.split(), lesson.id


def test_search_finds_sections_by_every_word(pack):
    hits = search([pack], "900 seconds")
    assert [(h.lesson.id, h.anchor) for h in hits] == [("limits", "timeouts")]
    assert "900 seconds" in hits[0].snippet
    assert search([pack], "   ") == [] and search([pack], "zebra") == []


def test_section_and_link_targets_resolve_in_the_course(pack):
    single = pack.question("h-single")
    lesson, anchor = section_target(pack, single)
    assert (lesson.id, anchor) == ("handlers", "the-handler")
    assert section_target(pack, pack.question("h-tf"))[0].id == "handlers"  # the deck's lesson
    handlers = pack.lesson("handlers")
    assert link_target(pack, handlers, "lesson:limits#timeouts") == (pack.lesson("limits"), "timeouts")
    assert link_target(pack, handlers, "02-limits.md#memory") == (pack.lesson("limits"), "memory")
    assert link_target(pack, handlers, "#the-context-object") == (handlers, "the-context-object")
    assert link_target(pack, handlers, "https://docs.aws.amazon.com/lambda/") is None
    assert link_target(pack, handlers, "lesson:nope") is None


def test_search_snippets_are_plain_text(pack):
    from lambdalearn.study.course import _snippet

    text = "The arithmetic is in [the concurrency lesson](lesson:concurrency#pool) and `code` **bold**."
    assert _snippet(text, "arithmetic") == "The arithmetic is in the concurrency lesson and code bold."


def test_new_cards_today_respect_the_daily_limit(pack, store):
    from lambdalearn.progress.settings import Settings, save_settings

    assert new_cards_today(store, [pack]) == 8
    save_settings(store, Settings(daily_new_limit=3))
    assert new_cards_today(store, [pack]) == 3


def test_questions_come_in_course_order(mini_pack):
    from lambdalearn.study.catalog import Catalog

    catalog = Catalog.load([mini_pack])
    shuffled = list(reversed(catalog.select()))
    assert [e.question.id for e in in_course_order(shuffled)][:2] == ["h-card", "h-order"]  # lesson 1, reversed authored order kept
    assert [e.question.deck_id for e in in_course_order(shuffled)][-1] == "limits-quiz"


def test_search_ranks_the_lesson_about_the_phrase_first():
    """Issue 17, finding 5: "reserved concurrency" listed Cold starts before Concurrency."""

    course = load_pack(bundled_pack_root())
    hits = search([course], "reserved concurrency")
    assert hits[0].lesson.id == "concurrency", [(h.lesson.id, h.heading) for h in hits[:5]]
    assert len({(h.lesson.id, h.anchor) for h in hits}) == len(hits)
