"""Where the learner stands on the course as a whole, in (name, value) rows shared by `lambdalearn stats`
and the stats screen: course progress (lessons and labs), mock exams with their score trend, and readiness."""

from __future__ import annotations

from datetime import datetime

from lambdalearn.content.models import Pack
from lambdalearn.progress.exams import exam_history
from lambdalearn.progress.store import ProgressStore
from lambdalearn.study.course import CourseProgress, course_map, course_progress
from lambdalearn.study.labs import lab_rows
from lambdalearn.study.readiness import Readiness, predict, predicted_vs_actual

TREND_EXAMS = 5  # the score trend looks at this many latest exams


def exam_pack(packs: tuple[Pack, ...] | list[Pack]) -> Pack | None:
    """The pack whose mock exam readiness is about: the first with an exam blueprint."""
    return next((pack for pack in packs if pack.manifest.exam), None)


def progress_of(store: ProgressStore, packs: tuple[Pack, ...] | list[Pack]) -> CourseProgress:
    return course_progress(course_map(store, packs), lab_rows(store, packs))


def score_trend(scores: list[float]) -> float | None:
    """Points gained per exam over the latest exams (least-squares slope, oldest first); None under two."""
    recent = scores[-TREND_EXAMS:]
    n = len(recent)
    if n < 2:
        return None
    mean_x, mean_y = (n - 1) / 2, sum(recent) / n
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(recent)) / sum((x - mean_x) ** 2 for x in range(n))


def standing_rows(store: ProgressStore, packs: tuple[Pack, ...] | list[Pack], now: datetime | None = None,
                  readiness: Readiness | None = None, progress: CourseProgress | None = None) -> list[tuple[str, str]]:
    """Rows for course progress, mock exams and readiness (see the module docstring); a caller that has
    the readiness or the progress already passes them."""
    rows = [("Course", (progress or progress_of(store, packs)).describe())]
    pack = exam_pack(packs)
    if pack is None:
        return rows
    history = exam_history(store, pack.id)
    if history:
        scores = [record.score for record in reversed(history)]  # oldest first
        trend = score_trend(scores)
        trend_text = "" if trend is None else f", trend {trend:+.1f} points an exam over the last {min(len(scores), TREND_EXAMS)}"
        rows.append(("Mock exams", f"{len(scores)} taken, last {scores[-1]:.0f}%, best {max(scores):.0f}%{trend_text}"))
    readiness = readiness or predict(store, pack, now)
    if readiness is None:
        return rows
    verdict = ("above" if readiness.low >= readiness.pass_mark
               else "below" if readiness.high < readiness.pass_mark else "around")
    rows.append(("Exam readiness", f"{readiness.predicted:.0f}% predicted on {pack.id}'s mock exam (90% band "
                 f"{readiness.low:.0f}-{readiness.high:.0f}%), {verdict} the pass mark of {readiness.pass_mark:g}%"))
    titles = {d.id: d.title for d in pack.manifest.exam.domains}
    rows += [(f"  {titles.get(d, d)}", f"{value:.0f}%") for d, value in readiness.domains.items()]
    past = predicted_vs_actual(store, pack.id)[:3]
    if past:
        rows.append(("Predicted", ", ".join(f"{p:.0f}% → got {a:.0f}% ({when:%b %d})" for when, p, a in past)))
    return rows
