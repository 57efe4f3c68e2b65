"""`pack stats`: what a pack holds, counted the ways an author plans a course."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

from lambdalearn.content.bank import STALE_AFTER, bank_figures
from lambdalearn.content.models import Pack


def pack_statistics(pack: Pack, today: date) -> dict:
    """Questions per lesson, type, domain and difficulty, blueprint coverage and the bank's exam-grade figures
    (stale means verified more than a year before `today`), as plain data."""
    questions = pack.questions()
    deck_domain = {deck.id: deck.domain for deck in pack.decks}
    deck_lesson = {deck.id: deck.lesson or "(no lesson)" for deck in pack.decks}
    domain_of = {q.id: q.domain or deck_domain[q.deck_id] or "(none)" for q in questions}
    by_lesson = Counter(deck_lesson[q.deck_id] for q in questions)
    blueprint = []
    exam = pack.manifest.exam
    if exam:
        gradable = Counter(domain_of[q.id] for q in questions if q.gradable)
        for domain in exam.domains:
            blueprint.append({
                "domain": domain.id, "weight": domain.weight, "available": gradable[domain.id],
                "needed": math.ceil(exam.questions * domain.weight / 100),
            })
    return {
        "pack": pack.id,
        "version": pack.manifest.version,
        "lessons": len(pack.lessons),
        "decks": len(pack.decks),
        "questions": len(questions),
        "gradable": sum(q.gradable for q in questions),
        "by_type": dict(sorted(Counter(q.type for q in questions).items())),
        "by_domain": dict(sorted(Counter(domain_of.values()).items())),
        "by_difficulty": dict(sorted(Counter(q.difficulty for q in questions).items())),
        "by_lesson": {lesson.id: by_lesson.get(lesson.id, 0) for lesson in pack.lessons}
        | ({"(no lesson)": by_lesson["(no lesson)"]} if by_lesson.get("(no lesson)") else {}),
        "blueprint": blueprint,
        "bank": bank_figures(questions, today),
        "cheat_sheets": cheat_sheet_figures(pack, today),
    }


def cheat_sheet_figures(pack: Pack, today: date) -> dict:
    """How many lessons' cheat sheets state numbers, how many of those cite their AWS pages, and which
    were verified more than a year before `today`."""
    numeric = [lesson for lesson in pack.lessons if lesson.cheat_sheet_states_numbers]
    return {
        "with_numbers": len(numeric),
        "sourced": sum(bool(lesson.cheat_sheet_sources) for lesson in numeric),
        "stale": [lesson.id for lesson in pack.lessons
                  if lesson.cheat_sheet_verified is not None and today - lesson.cheat_sheet_verified > STALE_AFTER],
    }
