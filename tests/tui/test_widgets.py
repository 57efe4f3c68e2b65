"""Small pure helpers of the app: inline markup, relative times, the heatmap, and describing responses."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from lambdalearn.content.loader import load_pack
from lambdalearn.tui.widgets.answer_pads import describe_response
from lambdalearn.tui.widgets.heatmap import heatmap_markup
import pytest
from textual.markup import to_content

from lambdalearn.tui.widgets.text import assemble, escape, inline, relative_time

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)


def test_inline_never_parses_markup_and_highlights_code():
    content = inline("Use `[x]` not [b]bold[/b]")
    assert content.plain == "Use [x] not [b]bold[/b]"
    assert [(span.start, span.end, span.style) for span in content.spans] == [(4, 7, "b $text-accent")]


# Fuzzing found 862 authored strings that crashed the quiz screen or showed backslashes doubled.
HOSTILE_TEXT = ["(see [/tmp", "ends with [", "C:\\dir\\", "a\\[b", "\\[/]", "[/]", "[@click=app.quit]x[/]",
                "$text-accent [b", "x \x1b[2Jcleared"]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_authored_text_shows_exactly_as_written_beside_app_markup(text):
    shown = assemble("[b]1[/]. ", inline(text), "[dim] · tail[/]")
    assert shown.plain == "1. " + text.replace("\x1b[2J", "") + " · tail"


@pytest.mark.parametrize("text", [t for t in HOSTILE_TEXT if not t.endswith("\\")])  # see escape's docstring
def test_escape_keeps_text_inside_a_markup_template(text):
    assert to_content(f"[b]{escape(text)}[/] after").plain == text.replace("\x1b[2J", "") + " after"


def test_relative_time_reads_like_speech():
    assert [relative_time(NOW + delta, NOW) for delta in (
        timedelta(0), timedelta(seconds=30), timedelta(minutes=10), timedelta(hours=5), timedelta(days=4),
    )] == ["now", "in a minute", "in 10 min", "in 5 h", "in 4 days"]


def test_heatmap_puts_days_on_their_weekday_row_and_shades_by_count():
    days = [(date(2026, 3, 2) + timedelta(days=n), n) for n in range(8)]  # Monday 2 March, 0..7 answers
    rows = heatmap_markup(days).splitlines()
    assert len(rows) == 8 and rows[0].startswith("Mon") and rows[-1].strip().startswith("less")
    assert rows[0].count("[dim]·[/]") == 1  # Monday 2 March: no answers
    assert "[$success]█[/]" in rows[0]  # Monday 9 March: the busiest day


def test_responses_are_described_in_words(mini_pack):
    pack = load_pack(mini_pack)
    assert describe_response(pack.question("h-multi"), {3, 1}) == "1. aws_request_id; 3. get_remaining_time_in_millis"
    assert describe_response(pack.question("h-order"), [2, 1, 3, 4]).startswith("Start the runtime → Download")
    assert describe_response(pack.question("l-num"), 900.0) == "900"
    assert describe_response(pack.question("h-tf"), None) == "(not answered)"


def test_escaped_text_keeps_a_final_bracket_as_text():
    from textual.content import Content

    from lambdalearn.tui.widgets.text import escape, inline

    assert Content.from_markup(f"[b]{escape('copied: [')}[/] next").plain == "copied: [ next"
    assert Content.from_markup(inline("index with `items[` then")).plain == "index with items[ then"
    assert Content.from_markup(f"[b]{escape('list[int]')}[/]").plain == "list[int]"
