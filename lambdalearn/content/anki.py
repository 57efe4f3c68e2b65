"""Export a pack's decks to Anki (.apkg) with genanki.

Ids are derived from the pack and item ids, never random, so exporting again after a pack update changes
the existing Anki notes instead of adding duplicates. Cloze questions become Anki cloze notes; every other
type becomes a front/back note showing the choices, the answer and the explanation.
With the learner's marks (`progress.marks`), a suspended question becomes a suspended Anki card, a flagged
one carries the tag `flagged`, and the learner's note is shown on the back.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from lambdalearn.content.models import Pack
from lambdalearn.content.questions import CLOZE_BLANK, Cloze, Flashcard, MultiChoice, Ordering, Question, SingleChoice, TrueFalse

if TYPE_CHECKING:  # the learner's marks are passed in: packs know nothing of progress
    from lambdalearn.progress.marks import Marks

# Raw HTML in pack text is shown as text, never copied into a card (a <script> would run in Anki's viewer).
_md = MarkdownIt("commonmark", {"html": False}).enable("table")
_CSS = (
    ".card { font-family: sans-serif; font-size: 18px; text-align: left; } .why { color: #666; } code { background: #eee; }"
    " .exhibit pre { border: 1px solid #999; padding: 4px; overflow-x: auto; } figcaption { color: #666; }"
)


def stable_id(*parts: str) -> int:
    """A positive 31-bit id from text, the same on every run (Anki needs integer deck and model ids)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


def export_anki(packs: list[Pack], path: Path, marks: dict[tuple[str, str], Marks] | None = None) -> dict[str, int]:
    """Write one .apkg with an Anki deck per quiz deck of `packs` (`marks` by (pack id, item id): see the
    module docstring); returns {"decks": n, "notes": n, "suspended": n}."""
    import genanki  # only this export needs it

    basic = genanki.Model(
        stable_id("lambdalearn", "model", "basic"), "lambdalearn question",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Source"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
        css=_CSS,
    )
    cloze = genanki.Model(
        stable_id("lambdalearn", "model", "cloze"), "lambdalearn cloze",
        fields=[{"name": "Text"}, {"name": "Back Extra"}, {"name": "Source"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}],
        css=_CSS, model_type=genanki.Model.CLOZE,
    )
    decks, notes, suspended = [], 0, 0
    marks = marks or {}
    for pack in packs:
        for deck in pack.decks:
            anki_deck = genanki.Deck(stable_id("lambdalearn", pack.id, deck.id), f"lambdalearn::{pack.manifest.title}::{deck.title}")
            for question in deck.questions:
                guid = genanki.guid_for("lambdalearn", pack.id, question.id)
                source = f"{pack.id}/{question.id}"
                mark = marks.get((pack.id, question.id))
                tags = _tags(question) + (["flagged"] if mark and mark.flagged else [])
                if isinstance(question, Cloze):
                    fields = [_exhibit(question) + _cloze_text(question),
                              _render(question.explanation or "") + _note(mark), source]
                    note = genanki.Note(model=cloze, fields=fields, guid=guid, tags=tags)
                else:
                    fields = [_front(question), _back(question) + _note(mark), source]
                    note = genanki.Note(model=basic, fields=fields, guid=guid, tags=tags)
                for card in note.cards:
                    card.suspend = bool(mark and mark.suspended)
                anki_deck.add_note(note)
                notes += 1
                suspended += bool(mark and mark.suspended)
            decks.append(anki_deck)
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(decks).write_to_file(str(path))
    return {"decks": len(decks), "notes": notes, "suspended": suspended}


def _render(markdown: str) -> str:
    return _md.render(markdown).strip()


def _note(mark: Marks | None) -> str:
    """The learner's own note on the question, for the back of the card (empty when there is none)."""
    return f"<p class=note><i>Your note:</i> {html.escape(mark.note)}</p>" if mark and mark.note else ""


def _tags(question: Question) -> list[str]:
    return [re.sub(r"\s+", "_", tag) for tag in (*question.tags, question.type, question.difficulty)]


def _cloze_text(question: Cloze) -> str:
    """The text with Anki's `{{cN::answer}}` blanks; the rest escaped. Colons in an answer are written as
    `&#58;`: Anki reads `::` as the start of a hint, so `{{::1}}` became an empty answer."""
    counter = iter(range(1, len(question.blanks) + 1))
    answers = iter(question.blanks)
    parts = CLOZE_BLANK.split(question.text)  # text, blank, text, blank, ..., text
    return "".join(
        f"{{{{c{next(counter)}::{html.escape(next(answers)[0]).replace(':', '&#58;')}}}}}" if index % 2
        else html.escape(part)
        for index, part in enumerate(parts)
    )


def _exhibit(question: Question) -> str:
    """The exhibit as a captioned, preformatted block above the question (empty when there is none)."""
    exhibit = question.exhibit
    if exhibit is None:
        return ""
    return (f"<figure class=exhibit><figcaption>{html.escape(exhibit.heading)}</figcaption>"
            f"<pre><code>{html.escape(exhibit.text)}</code></pre></figure>")


def _front(question: Question) -> str:
    if isinstance(question, Flashcard):
        return _exhibit(question) + _render(question.front)
    parts = [_exhibit(question), _render(question.prompt)]
    if isinstance(question, (SingleChoice, MultiChoice)):
        items = "".join(f"<li>{html.escape(c.text)}</li>" for c in question.choices)
        parts.append(f"<ol>{items}</ol>")
    elif isinstance(question, Ordering):
        items = "".join(f"<li>{html.escape(item)}</li>" for item in sorted(question.items))
        parts.append(f"<p>Put in order:</p><ul>{items}</ul>")
    elif isinstance(question, TrueFalse):
        parts.append("<p>True or false?</p>")
    return "".join(parts)


def _back(question: Question) -> str:
    if isinstance(question, Flashcard):
        return _render(question.back)
    parts = [f"<p><b>{html.escape(question.expected_answer)}</b></p>"]
    if question.explanation:
        parts.append(_render(question.explanation))
    if isinstance(question, (SingleChoice, MultiChoice)):
        whys = [f"<li>{n}. {html.escape(c.why)}</li>" for n, c in enumerate(question.choices, 1) if c.why]
        if whys:
            parts.append(f"<ul class=why>{''.join(whys)}</ul>")
    return "".join(parts)
