"""The Anki export carries pack text as text: no empty cloze answers, no raw HTML in cards."""

from __future__ import annotations

import sqlite3
import zipfile

from lambdalearn.content.anki import export_anki
from lambdalearn.content.loader import load_pack


def exported_fields(tmp_path, pack_root) -> list[str]:
    apkg = tmp_path / "deck.apkg"
    export_anki([load_pack(pack_root)], apkg)
    zipfile.ZipFile(apkg).extractall(tmp_path / "unzipped")
    with sqlite3.connect(tmp_path / "unzipped" / "collection.anki2") as db:
        return [row[0] for row in db.execute("SELECT flds FROM notes")]


def test_a_cloze_answer_with_colons_stays_the_answer_not_an_anki_hint(tmp_path, mini_pack):
    deck = mini_pack / "quizzes" / "limits.yaml"
    deck.write_text(deck.read_text().replace("{{128}}", "{{::1}}"))
    [cloze] = [fields for fields in exported_fields(tmp_path, mini_pack) if "{{c1::" in fields]
    assert "{{c1::&#58;&#58;1}}" in cloze


def test_raw_html_in_a_prompt_is_escaped_not_copied_into_the_card(tmp_path, mini_pack):
    deck = mini_pack / "quizzes" / "handlers.yaml"
    deck.write_text(deck.read_text().replace("prompt: Which argument carries the input?",
                                             "prompt: 'Which argument <script>alert(1)</script> carries the input?'"))
    deck = mini_pack / "quizzes" / "limits.yaml"
    deck.write_text(deck.read_text().replace("Memory goes from", "Memory <img src=x onerror=alert(1)> goes from"))
    fields = "\n".join(exported_fields(tmp_path, mini_pack))
    assert "<script" not in fields and "<img" not in fields
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in fields and "&lt;img src=x onerror=alert(1)&gt;" in fields
