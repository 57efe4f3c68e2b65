"""Pausing a mock exam and resuming it later (issue 17): questions, shown choice order, answers, flags, time."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from lambdalearn.content.loader import load_pack
from lambdalearn.study.exam import ExamError, build_exam
from lambdalearn.study.exam_pause import pause_exam, paused_path, paused_summary, resume_exam

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def test_a_paused_exam_resumes_as_it_was_and_its_clock_stood_still(tmp_path, mini_pack):
    pack = load_pack(mini_pack)
    # the first seed whose draw holds a choice question, whose shown (shuffled) order must survive the pause
    exam = next(e for e in (build_exam(pack, rng=random.Random(seed), now=T0) for seed in range(50))
                if any(item.entry.question.type in ("single", "multi") for item in e.items))
    chosen = next(i for i, item in enumerate(exam.items) if item.entry.question.type in ("single", "multi"))
    answer = exam.items[chosen].entry.question.answer
    exam.answer(chosen, set(answer) if isinstance(answer, frozenset) else answer)
    exam.toggle_flag(0)
    path = paused_path(tmp_path)
    pause_exam(exam, path, T0 + timedelta(minutes=2))
    assert paused_summary(path) == "1 of 4 answered, 3 min left"
    later = T0 + timedelta(days=1)
    again = resume_exam(path, [pack], later)
    assert not path.exists()
    assert [i.entry.question for i in again.items] == [i.entry.question for i in exam.items]  # same shown order
    assert again.responses == exam.responses and again.flagged == {0}
    assert again.remaining(later) == timedelta(minutes=3)
    assert again.finish(later).correct == 1


def test_a_paused_exam_whose_question_left_the_pack_is_a_clear_error(tmp_path, mini_pack):
    pack = load_pack(mini_pack)
    exam = build_exam(pack, rng=random.Random(3), now=T0)
    path = paused_path(tmp_path)
    pause_exam(exam, path, T0)
    deck = mini_pack / "quizzes" / "limits.yaml"
    deck.write_text(deck.read_text().replace("id: l-num", "id: l-number"))
    with pytest.raises(ExamError, match=r"paused-exam.json: items\[\d\]: question 'l-num' is no longer in the pack"):
        resume_exam(path, [load_pack(mini_pack)], T0)
    assert paused_summary(tmp_path / "none.json") is None
