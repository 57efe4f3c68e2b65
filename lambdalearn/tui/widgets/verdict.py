"""The feedback after an answer, as markup: right or wrong, the answer, why each wrong pick is wrong, the
explanation, and where to read more. Shared by the quiz and the exam review."""

from __future__ import annotations

from lambdalearn.content.models import Pack
from lambdalearn.content.questions import Choice, Cloze, Flashcard, Question, Verdict, wrong_blanks_text
from lambdalearn.study.course import section_target
from lambdalearn.tui.widgets.text import inline

RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def verdict_markup(
    pack: Pack,
    question: Question,
    verdict: Verdict,
    wrong_picks: tuple[tuple[int, Choice], ...] = (),
    rating: int | None = None,
) -> str:
    lines = []
    if isinstance(question, Flashcard):
        lines.append(f"[b $accent]Recorded: {RATING_NAMES.get(rating or 0, '')}[/]")
    elif verdict.correct:
        lines.append("[b $success]✓ Right.[/]")
    else:
        lines.append(f"[b $error]✗ Not quite.[/] The answer: [b]{inline(verdict.expected)}[/]")
    for number, choice in wrong_picks:
        if choice.why:
            lines.append(f"[b]Why not {number}:[/] {inline(choice.why)}")
    if question.explanation:
        lines.append(inline(question.explanation))
    if isinstance(question, Cloze) and not verdict.correct:
        lines.append(inline(wrong_blanks_text(question, verdict)))
        lines.append(f"In full: {inline(question.filled)}")
    label = section_label(pack, question)
    if label:
        lines.append(f"[dim]Read more (o): {inline(label)}[/]")
    return "\n".join(lines)


def section_label(pack: Pack, question: Question) -> str:
    """`Lesson title › Section heading` for the question's lesson section ("" when it has none)."""
    target = section_target(pack, question)
    if target is None:
        return ""
    lesson, anchor = target
    heading = next((h.text for h in lesson.headings if h.anchor == anchor), "")
    return f"{lesson.title} › {heading}" if heading else lesson.title
