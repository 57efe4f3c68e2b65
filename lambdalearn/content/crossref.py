"""Checks that span files: unique ids across the pack, links between questions, lessons and the blueprint."""

from __future__ import annotations

import dataclasses

from lambdalearn.content.anchors import lesson_link
from lambdalearn.content.models import Deck, Lesson, Manifest
from lambdalearn.content.problems import Problem


def unique_lessons(lessons: list[Lesson], problems: list[Problem]) -> list[Lesson]:
    """Lessons with unique ids (later duplicates dropped) and a problem for each clash of id or order."""
    by_id: dict[str, Lesson] = {}
    by_order: dict[int, Lesson] = {}
    kept = []
    for lesson in lessons:
        if lesson.id in by_id:
            first = by_id[lesson.id]
            problems.append(Problem(lesson.source, 2, "id", f"duplicate lesson id '{lesson.id}' (also in {first.source})"))
            continue
        if lesson.order in by_order:
            other = by_order[lesson.order]
            problems.append(Problem(lesson.source, 2, "order", f"order {lesson.order} is also used by {other.source}"))
        by_id[lesson.id] = lesson
        by_order.setdefault(lesson.order, lesson)
        kept.append(lesson)
    return sorted(kept, key=lambda lesson: (lesson.order, lesson.id))


def unique_decks(decks: list[Deck], problems: list[Problem]) -> list[Deck]:
    """Decks with unique ids, and questions with ids unique across the whole pack."""
    seen_decks: dict[str, Deck] = {}
    seen_questions: dict[str, tuple[str, int]] = {}
    kept = []
    for deck in decks:
        if deck.id in seen_decks:
            problems.append(Problem(deck.source, 1, "id", f"duplicate deck id '{deck.id}' (also in {seen_decks[deck.id].source})"))
            continue
        seen_decks[deck.id] = deck
        questions = []
        for question in deck.questions:
            if question.id in seen_questions:
                where = "{}:{}".format(*seen_questions[question.id])
                problems.append(Problem(deck.source, question.line, f"questions[{question.id}].id",
                                        f"duplicate question id (first at {where}); ids must be unique in the pack"))
                continue
            seen_questions[question.id] = (deck.source, question.line)
            questions.append(question)
        kept.append(dataclasses.replace(deck, questions=tuple(questions)))
    return kept


def check_links(manifest: Manifest, lessons: list[Lesson], decks: list[Deck], problems: list[Problem]) -> None:
    """Every question section and domain, and every link in a lesson, must resolve."""
    by_id = {lesson.id: lesson for lesson in lessons}
    domains = {d.id for d in manifest.exam.domains} if manifest.exam else None
    for deck in decks:
        for q in deck.questions:
            label = f"questions[{q.id}]"
            if domains is not None:
                if q.domain and q.domain not in domains:
                    problems.append(Problem(deck.source, q.line, f"{label}.domain", f"'{q.domain}' is not a domain of the exam blueprint"))
                elif not (q.domain or deck.domain):
                    problems.append(Problem(deck.source, q.line, f"{label}.domain",
                                            "the pack has an exam blueprint: set the deck's domain or this question's"))
            if q.lesson_section:
                message = _section_problem(q.lesson_section, deck.lesson, by_id)
                if message:
                    problems.append(Problem(deck.source, q.line, f"{label}.lesson_section", message))
    for lesson in lessons:
        for link in lesson.links:
            target = lesson_link(link.target)
            if target is None:
                continue
            lesson_id, anchor = target
            message = _section_problem(f"{lesson_id or lesson.id}#{anchor}", lesson.id, by_id)
            if message:
                problems.append(Problem(lesson.source, lesson.body_line + link.line, "link", f"'{link.target}': {message}"))


def _section_problem(ref: str, default_lesson: str | None, lessons: dict[str, Lesson]) -> str | None:
    lesson_id, hash_, anchor = ref.partition("#")
    if not hash_:
        if default_lesson and ref not in lessons:
            lesson_id, anchor = default_lesson, ref
        else:
            anchor = ""
    lesson = lessons.get(lesson_id)
    if lesson is None:
        if not lesson_id:
            return "the deck has no lesson: write 'lesson-id#anchor'"
        return f"no lesson with id '{lesson_id}'"
    if anchor and anchor not in lesson.anchors:
        return f"lesson '{lesson.id}' has no section '{anchor}'"
    return None
