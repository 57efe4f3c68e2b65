"""The feedback after an answer, as Content: right or wrong, the answer, why each wrong pick is wrong, the
explanation, and where to read more. Shared by the quiz and the exam review."""

from __future__ import annotations

from lambdalearn.content.models import Pack
from lambdalearn.content.questions import Choice, Cloze, Flashcard, Question, Verdict, wrong_blanks_text
from lambdalearn.study.course import section_target
from textual.content import Content

from lambdalearn.tui.widgets.text import assemble, inline

RATING_NAMES = {1: "again", 2: "hard", 3: "good", 4: "easy"}


def verdict_markup(
    pack: Pack,
    question: Question,
    verdict: Verdict,
    wrong_picks: tuple[tuple[int, Choice], ...] = (),
    rating: int | None = None,
) -> Content:
    lines: list[Content | str] = []
    if isinstance(question, Flashcard):
        lines.append(assemble(f"[b $accent]Recorded: {RATING_NAMES.get(rating or 0, '')}[/]"))
    elif verdict.correct:
        lines.append(assemble("[b $success]✓ Right.[/]"))
    else:
        lines.append(assemble("[b $error]✗ Not quite.[/] The answer: ", inline(verdict.expected).stylize("bold")))
    for number, choice in wrong_picks:
        if choice.why:
            lines.append(assemble(f"[b]Why not {number}:[/] ", inline(choice.why)))
    if question.explanation:
        lines.append(inline(question.explanation))
    if isinstance(question, Cloze) and not verdict.correct:
        wrong_blanks = wrong_blanks_text(question, verdict)
        if wrong_blanks:
            lines.append(inline(wrong_blanks))
    lines.extend(_read_more(pack, question))
    return Content("\n").join(lines)


def flashcard_notes(pack: Pack, question: Flashcard) -> Content:
    """What a flashcard shows under its back once revealed (its explanation, where to read more): rating it
    moves straight on, as in Anki, so there is no verdict to show them in."""
    lines = [inline(question.explanation)] if question.explanation else []
    return Content("\n").join([*lines, *_read_more(pack, question)])


def _read_more(pack: Pack, question: Question) -> list[Content]:
    label = section_label(pack, question)
    return [assemble("[dim]Read more (o): [/]", inline(label).stylize("dim"))] if label else []


def section_label(pack: Pack, question: Question) -> str:
    """`Lesson title › Section heading` for the question's lesson section ("" when it has none)."""
    target = section_target(pack, question)
    if target is None:
        return ""
    lesson, anchor = target
    heading = next((h.text for h in lesson.headings if h.anchor == anchor), "")
    return f"{lesson.title} › {heading}" if heading else lesson.title
