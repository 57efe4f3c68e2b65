"""One answer widget per question type. Each posts `AnswerPad.Answered` with a graded-response value.

Values follow `lambdalearn.content.questions`: single → choice number, multi → set of numbers, truefalse →
bool, numeric → float, text → str, cloze → one string per blank, order → authored step numbers in the
learner's order, flashcard → the learner's rating 1-4. Typed text goes through `parse_response`, the same
parser as the line-mode quiz.
"""

from __future__ import annotations

import random
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical
from textual.events import Key
from textual.message import Message
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from lambdalearn.content.answers import AnswerFormatError, input_hint, parse_response
from lambdalearn.content.questions import (
    Cloze,
    Flashcard,
    MultiChoice,
    Numeric,
    Ordering,
    Question,
    SingleChoice,
    TextAnswer,
    TrueFalse,
)
from lambdalearn.textsafe import printable
from lambdalearn.tui.widgets.text import assemble, inline

RATINGS = ((1, "Again"), (2, "Hard"), (3, "Good"), (4, "Easy"))


class AnswerPad(Vertical):
    """Base of the answer widgets."""

    DEFAULT_CLASSES = "pad"

    class Answered(Message):
        def __init__(self, pad: AnswerPad, response: Any) -> None:
            super().__init__()
            self.pad = pad
            self.response = response

    def __init__(self, question: Question, **kwargs) -> None:
        super().__init__(**kwargs)
        self.question = question

    def on_mount(self) -> None:
        self.call_after_refresh(self.focus_answer)

    def answer(self, response: Any) -> None:
        if not self.disabled:
            self.post_message(self.Answered(self, response))

    def show_verdict(self, response: Any) -> None:
        """After grading: show in the widget what was right (choice lists mark their options)."""

    def focus_answer(self) -> None:
        """Put the focus where the learner answers."""
        focusable = [w for w in self.query("*") if w.focusable]
        if focusable:
            focusable[0].focus()

    def hint(self) -> str:
        return input_hint(self.question)


class FittedList(OptionList):
    """An option list exactly as tall as its wrapped options. The CSS keeps its scrollbar's column always
    reserved (a stable gutter), so a scrollbar that comes or goes never rewraps the options under a height
    measured for the other width (ws-16's last choice was once hidden so); its height is measured inside that
    column too, as Textual measures it across."""

    def get_content_height(self, container, viewport, width: int) -> int:
        if self.styles.scrollbar_gutter == "stable":
            width -= self.styles.scrollbar_size_vertical
        return super().get_content_height(container, viewport, width)


class ChoiceList(FittedList):
    """An option list where Enter submits and Space toggles (for multiple choice)."""

    BINDINGS = [
        Binding("space", "toggle", "Toggle", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    class Submit(Message):
        pass

    class Toggle(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def action_toggle(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Toggle(self.highlighted))

    def action_submit(self) -> None:
        self.post_message(self.Submit())


class ChoicePad(AnswerPad):
    """Single and multiple choice: keys 1-9 or a click; multiple choice toggles, then Enter submits."""

    def __init__(self, question: SingleChoice | MultiChoice, **kwargs) -> None:
        super().__init__(question, **kwargs)
        self.multi = isinstance(question, MultiChoice)
        self.picked: set[int] = set()

    def compose(self) -> ComposeResult:
        options = [Option(self._label(n)) for n in range(1, len(self.question.choices) + 1)]
        yield (ChoiceList if self.multi else FittedList)(*options, classes="choices")
        count = len(self.question.choices)
        hint = (f"1-{count}, Space or click to tick · Enter submits" if self.multi
                else f"press 1-{count} or click to answer")
        yield Label(hint, classes="pad-hint")

    def _label(self, number: int) -> Content:
        text = inline(self.question.choices[number - 1].text)
        if self.multi:
            box = "[b $success]☒[/]" if number in self.picked else "☐"
            return assemble(f"{box} [b]{number}[/]. ", text)
        return assemble(f"[b]{number}[/]. ", text)

    def show_verdict(self, response: Any) -> None:
        """Mark each choice by what the learner did with it: ✓ a right pick, ✗ a wrong pick, and ○ with
        "(missed)" a right choice left out, so that "you picked it" and "you missed it" never look alike."""
        right = {self.question.answer} if isinstance(self.question, SingleChoice) else set(self.question.answer)
        picked = {response} if isinstance(response, int) else set(response)
        choices = self.query_one(OptionList)
        for number in range(1, len(self.question.choices) + 1):
            mark, note = " ", ""
            if number in picked:
                mark = "[b $success]✓[/]" if number in right else "[b $error]✗[/]"
            elif number in right:
                mark, note = "[b $warning]○[/]", " [i $warning](missed)[/]"
            text = inline(self.question.choices[number - 1].text)
            choices.replace_option_prompt_at_index(number - 1, assemble(f"{mark} [b]{number}[/]. ", text, note))

    def _toggle(self, number: int) -> None:
        self.picked ^= {number}
        self.query_one(OptionList).replace_option_prompt_at_index(number - 1, self._label(number))

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit() and 1 <= int(event.character) <= len(self.question.choices):
            event.stop()
            number = int(event.character)
            self.query_one(OptionList).highlighted = number - 1
            if self.multi:
                self._toggle(number)
            else:
                self.answer(number)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.multi:
            self._toggle(event.option_index + 1)
        else:
            self.answer(event.option_index + 1)

    @on(ChoiceList.Toggle)
    def _toggled(self, event: ChoiceList.Toggle) -> None:
        self._toggle(event.index + 1)

    @on(ChoiceList.Submit)
    def _submit(self) -> None:
        if not self.picked:
            self.app.notify("Pick at least one choice first (1-9 or Space).", severity="warning", timeout=3)
            return
        self.answer(set(self.picked))


class TrueFalsePad(AnswerPad):
    def compose(self) -> ComposeResult:
        with Horizontal(classes="tf-buttons"):
            yield Button("True (t)", id="true", variant="success")
            yield Button("False (f)", id="false", variant="error")
        yield Label("press t or f, or click", classes="pad-hint")

    def on_key(self, event: Key) -> None:
        if event.character in ("t", "1", "y"):
            event.stop()
            self.answer(True)
        elif event.character in ("f", "2", "n"):
            event.stop()
            self.answer(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.answer(event.button.id == "true")


class TypedPad(AnswerPad):
    """Numeric and text answers: type, then Enter."""

    def compose(self) -> ComposeResult:
        placeholder = "a number" + (f" ({self.question.unit})" if isinstance(self.question, Numeric) and self.question.unit else "")
        yield Input(placeholder=placeholder if isinstance(self.question, Numeric) else "your answer", id="typed")
        yield Label("", classes="pad-error")
        yield Label(Content(printable(self.hint() + ", then Enter")), classes="pad-hint")  # a unit is pack text

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            response = parse_response(self.question, event.value)
        except AnswerFormatError as error:
            self.query_one(".pad-error", Label).update(str(error))
            return
        self.query_one(".pad-error", Label).update("")
        self.answer(response)


class ClozePad(AnswerPad):
    """One input per blank; Enter moves to the next blank, and on the last one submits."""

    def compose(self) -> ComposeResult:
        for number in range(1, len(self.question.blanks) + 1):
            with Horizontal(classes="cloze-row"):
                yield Label(f"[{number}]")
                yield Input(placeholder=f"blank {number}", classes="blank")
        yield Label("", classes="pad-error")
        yield Label("fill each blank, Enter moves on and submits at the last", classes="pad-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(".blank").results(Input))
        empty = next((i for i in inputs if not i.value.strip()), None)
        if empty is not None:
            if event.input is inputs[-1] or not event.value.strip():
                self.query_one(".pad-error", Label).update("fill every blank")
            empty.focus()
            return
        self.query_one(".pad-error", Label).update("")
        self.answer([i.value.strip() for i in inputs])


class OrderList(FittedList):
    BINDINGS = [
        Binding("shift+up,minus,k", "move(-1)", "Move up", show=False),
        Binding("shift+down,plus,equals_sign,j", "move(1)", "Move down", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    class Move(Message):
        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    class Submit(Message):
        pass

    class Place(Message):
        """The mouse picked the step at `source` and then clicked where it goes, `target`."""

        def __init__(self, source: int, target: int) -> None:
            super().__init__()
            self.source, self.target = source, target

    picked: int | None = None

    async def _on_click(self, event: events.Click) -> None:
        """Click a step to pick it, then click the place it goes (the same step again drops it)."""
        clicked = event.style.meta.get("option")
        event.prevent_default()  # not OptionList's own click: that would select (and submit) the step
        if clicked is None:
            return
        self.highlighted = clicked
        if self.picked is None:
            self.picked = clicked
        else:
            source, self.picked = self.picked, None
            if source != clicked:
                self.post_message(self.Place(source, clicked))

    def action_move(self, step: int) -> None:
        self.post_message(self.Move(step))

    def action_submit(self) -> None:
        self.post_message(self.Submit())


class OrderPad(AnswerPad):
    """Put the steps in order: ↑/↓ choose a step, -/+ (or Shift+↑/↓) move it, Enter submits."""

    def __init__(self, question: Ordering, rng: random.Random, **kwargs) -> None:
        super().__init__(question, **kwargs)
        order = list(range(1, len(question.items) + 1))
        while len(order) > 1 and order == sorted(order):
            rng.shuffle(order)
        self.order = order

    def compose(self) -> ComposeResult:
        yield OrderList(*self._options(), classes="steps")
        yield Label("↑/↓ choose a step · -/+ or Shift+↑/↓ move it · or click a step, then where it goes · "
                    "Enter submits", classes="pad-hint")

    def on_mount(self) -> None:
        self.query_one(OrderList).highlighted = 0

    def _options(self) -> list[Option]:
        return [Option(assemble(f"[b]{k}[/]. ", inline(self.question.items[n - 1]))) for k, n in enumerate(self.order, start=1)]

    @on(OrderList.Move)
    def _move(self, event: OrderList.Move) -> None:
        steps = self.query_one(OrderList)
        at = steps.highlighted
        to = (at or 0) + event.step
        if at is None or not 0 <= to < len(self.order):
            return
        self.order[at], self.order[to] = self.order[to], self.order[at]
        steps.clear_options()
        steps.add_options(self._options())
        steps.highlighted = to

    @on(OrderList.Place)
    def _place(self, event: OrderList.Place) -> None:
        self.order.insert(event.target, self.order.pop(event.source))
        steps = self.query_one(OrderList)
        steps.clear_options()
        steps.add_options(self._options())
        steps.highlighted = event.target

    @on(OrderList.Submit)
    def _submit(self) -> None:
        self.answer(list(self.order))


class FlashcardPad(AnswerPad):
    """Recall, reveal with Space or Enter, then rate yourself 1-4: two keys, as in Anki. Each rating button
    previews when the card would come back (`previews`: rating -> short interval text); `notes` (its
    explanation, where to read more) show under the back, since rating moves straight on."""

    def __init__(self, question: Question, previews: dict[int, str] | None = None, notes: Content | None = None,
                 **kwargs) -> None:
        super().__init__(question, **kwargs)
        self.previews = previews or {}
        self.notes = notes or Content("")

    def compose(self) -> ComposeResult:
        yield Button("Show the answer (Space)", id="reveal", variant="primary")
        yield Static("", classes="flash-back")
        with Horizontal(classes="ratings"):
            for value, name in RATINGS:
                preview = f" · {self.previews[value]}" if value in self.previews else ""
                yield Button(f"{value} {name}{preview}", id=f"rate-{value}", variant="error" if value == 1 else "default")
        yield Label("recall the answer, then Space to see it", classes="pad-hint")

    def on_mount(self) -> None:
        self.query_one(".flash-back").display = False
        self.query_one(".ratings").display = False

    revealed = False

    def reveal(self) -> None:
        self.revealed = True
        back = self.query_one(".flash-back", Static)
        back.update(Content("\n\n").join([inline(self.question.back), *([self.notes] if self.notes else [])]))
        back.display = True
        self.query_one("#reveal").display = False
        self.query_one(".ratings").display = True
        self.query_one("#rate-3").focus()
        self.screen.refresh_bindings()  # "o" reads more now, as from a verdict
        self.query_one(".pad-hint", Label).update("rate 1 again, 2 hard, 3 good, 4 easy (or click): the next card"
                                                  " follows")

    def on_key(self, event: Key) -> None:
        if not self.revealed and event.key in ("space", "enter"):
            event.stop()
            self.reveal()
        elif self.revealed and event.character in ("1", "2", "3", "4"):
            event.stop()
            self.answer(int(event.character))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "reveal":
            self.reveal()
        else:
            self.answer(int(event.button.id.removeprefix("rate-")))


def pad_for(question: Question, rng: random.Random) -> AnswerPad:
    """The answer widget for `question`."""
    if isinstance(question, (SingleChoice, MultiChoice)):
        return ChoicePad(question)
    if isinstance(question, TrueFalse):
        return TrueFalsePad(question)
    if isinstance(question, (Numeric, TextAnswer)):
        return TypedPad(question)
    if isinstance(question, Cloze):
        return ClozePad(question)
    if isinstance(question, Ordering):
        return OrderPad(question, rng)
    if isinstance(question, Flashcard):
        return FlashcardPad(question)
    raise ValueError(f"no answer widget for question type {question.type!r}")


def describe_response(question: Question, response: Any) -> str:
    """The learner's response in words (for reviews of misses)."""
    if response is None:
        return "(not answered)"
    if isinstance(question, SingleChoice):
        return f"{response}. {question.choices[response - 1].text}"
    if isinstance(question, MultiChoice):
        return "; ".join(f"{n}. {question.choices[n - 1].text}" for n in sorted(response)) or "(none)"
    if isinstance(question, TrueFalse):
        return "true" if response else "false"
    if isinstance(question, Cloze):
        return "; ".join(response)
    if isinstance(question, Ordering):
        return " → ".join(question.items[n - 1] for n in response)
    if isinstance(question, Numeric):
        return f"{response:g}"
    return str(response)
