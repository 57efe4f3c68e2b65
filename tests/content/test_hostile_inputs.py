"""Hostile pack content and archives (tests/fixtures/hostile/) are refused with one located line each.

Every input here reproduces a finding of issue 11: alias bombs that took seconds and gigabytes, tags that
escaped as tracebacks, a FIFO that hung validation, oversized lessons, and archives that ended in
RecursionError, BadZipFile, "Aborted!" or a raw errno naming the staging folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.archives import UnsafeArchive, extract
from lambdalearn.content.loader import load_pack
from lambdalearn.content.packfiles import MAX_TEXT_BYTES
from lambdalearn.content.yamlsource import MAX_DEPTH, YamlError, parse_yaml
from lambdalearn.textsafe import control_characters, printable

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile"


def run(*args, stdin=None):
    return CliRunner().invoke(cli, list(map(str, args)), input=stdin, catch_exceptions=False)


@pytest.mark.parametrize(
    "fixture, line, expected",
    [
        ("alias-bomb-7.yaml", 6, "more than 100,000 values once its aliases are expanded"),
        ("alias-bomb-9.yaml", 6, "more than 100,000 values once its aliases are expanded"),
        ("alias-loop.yaml", 1, "an alias that contains itself"),
        ("bad-int.yaml", 2, "xp: 'abc' is not a valid !!int"),
        ("bad-bool.yaml", 2, "active: 'maybe' is not a valid !!bool"),
        ("bad-timestamp.yaml", 2, "when: 'foo' is not a valid !!timestamp"),
        ("deep-nesting.yaml", 2, f"nested deeper than {MAX_DEPTH} levels"),
        ("python-tag.yaml", 2, "could not determine a constructor"),
    ],
)
def test_hostile_yaml_is_one_located_problem(fixture, line, expected):
    with pytest.raises(YamlError) as raised:
        parse_yaml((HOSTILE / fixture).read_text(), f"quizzes/{fixture}")
    message = str(raised.value)
    assert message.startswith(f"quizzes/{fixture}:{line}: "), message
    assert expected in message and "\n" not in message


def test_shared_anchors_within_the_limit_still_load_with_merge_keys():
    source, problems = parse_yaml("base: &b {x: 1, y: [1, 2]}\nother:\n  <<: *b\n  y: 2\nagain: *b\n", "d.yaml")
    assert problems == []
    assert source.data == {"base": {"x": 1, "y": [1, 2]}, "other": {"x": 1, "y": 2}, "again": {"x": 1, "y": [1, 2]}}
    assert source.line("other", "y") == 4


def test_a_bomb_in_a_deck_is_a_problem_of_that_file_and_the_rest_loads(mini_pack):
    shutil.copy(HOSTILE / "alias-bomb-9.yaml", mini_pack / "quizzes" / "bomb.yaml")
    pack = load_pack(mini_pack)
    assert [p.path for p in pack.problems] == ["quizzes/bomb.yaml"]
    assert len(pack.questions()) == 8


def test_a_fifo_named_like_a_lesson_is_refused_not_read(mini_pack):
    os.mkfifo(mini_pack / "content" / "x.md")
    loaded = []
    worker = threading.Thread(target=lambda: loaded.append(load_pack(mini_pack)), daemon=True)
    worker.start()
    worker.join(60)  # a hang guard, not a timing assertion: reading the FIFO would block for ever
    assert loaded, "pack loading blocked on the FIFO"
    [problem] = loaded[0].problems
    assert str(problem) == "content/x.md: not a regular file (a pipe, device or folder): a pack holds plain files"


def test_an_oversized_lesson_is_refused_with_its_size(mini_pack):
    lesson = mini_pack / "content" / "huge.md"
    lesson.write_text("---\nid: huge\n---\n" + "x" * MAX_TEXT_BYTES)
    [problem] = load_pack(mini_pack).problems
    assert problem.path == "content/huge.md"
    assert f"over the {MAX_TEXT_BYTES:,}-byte limit" in problem.message


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("nested-2000.zip", "is more than 32 folders deep"),
        ("long-name.zip", "has a name longer than 255 bytes"),
        ("understated-size.zip", "the archive is damaged or truncated (Bad CRC-32 for file 'pack.yaml')"),
        ("truncated.tar.gz", "the archive is damaged or truncated (Compressed file ended"),
    ],
)
def test_hostile_archives_are_refused_in_one_line_writing_nothing_outside_staging(tmp_path, fixture, expected):
    staging = tmp_path / "parent" / "staging"
    staging.mkdir(parents=True)
    with pytest.raises(UnsafeArchive, match=expected.replace("(", r"\(").replace(")", r"\)")):
        extract(HOSTILE / fixture, staging)
    assert sorted(p.name for p in staging.parent.iterdir()) == ["staging"]
    result = run("--data-dir", tmp_path / "data", "pack", "install", HOSTILE / fixture)
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith(f"Error: refused: {fixture}: ") and expected in line
    assert ".staging-" not in line


def test_an_over_long_entry_name_from_the_file_system_is_named_without_the_staging_path(tmp_path):
    """Name limits of the file system itself (ENAMETOOLONG on the whole path) read like any refusal."""
    import zipfile

    archive = tmp_path / "deep-names.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("/".join(["n" * 250] * 20), "x")  # each part fits, the path does not (PATH_MAX 4096)
    staging = tmp_path / "staging"
    staging.mkdir()
    with pytest.raises(UnsafeArchive) as raised:
        extract(archive, staging)
    assert "cannot be unpacked: File name too long" in str(raised.value)
    assert str(staging) not in str(raised.value)


ESCAPES = HOSTILE / "escape-pack"


def test_control_characters_in_pack_text_are_refused_at_their_line():
    lines = [str(p) for p in load_pack(ESCAPES).problems]
    assert "quizzes/q.yaml:8: questions[0].prompt: control character U+001B: pack text may not hold terminal " \
           "control codes (only newline and tab)" in lines
    assert any(line.startswith("quizzes/q.yaml:9: questions[0].choices[1]: control character U+000D") for line in lines)
    assert any(line.startswith("pack.yaml:2: title: control character U+001B, U+0007") for line in lines)


def test_control_characters_in_a_markdown_lesson_are_refused_at_their_line(mini_pack):
    lesson = next((mini_pack / "content").glob("*.md"))
    lesson.write_text(lesson.read_text() + "\nsee \x1b]52;c;aGk=\x07 here\n")
    problems = [p for p in load_pack(mini_pack).problems if "U+001B" in p.message]
    assert [(p.path, p.line) for p in problems] == [(f"content/{lesson.name}", len(lesson.read_text().splitlines()))]


@pytest.mark.parametrize(
    "text, shown",
    [
        ("clear \x1b[2J\x1b[Hscreen", "clear screen"),
        ("title \x1b]0;owned\x07done", "title done"),
        ("clip \x1b]52;c;aGk=\x1b\\done", "clip done"),
        ("link \x1b]8;;https://x.example\x1b\\text\x1b]8;;\x1b\\", "link text"),
        ("csi \x9b2Jc1", "csi c1"),
        ("over\rwrite\x08\x7f", "overwrite"),
        ("bidi \u202egnp.exe", "bidi gnp.exe"),
        ("kept\ttab\nand newline", "kept\ttab\nand newline"),
    ],
)
def test_printable_removes_whole_escape_sequences_and_keeps_text(text, shown):
    assert printable(text) == shown
    assert control_characters(printable(text)) == []


def test_plain_quiz_never_writes_pack_control_codes(tmp_path):
    result = run("--data-dir", tmp_path, "quiz", "--plain", "--pack-dir", ESCAPES, "--cram", "--limit", "1", stdin="2\n")
    assert result.exit_code == 0, result.output
    assert control_characters(result.output) == []
    assert "Pick one (see [/tmp \\ path" in result.output
    assert re.search(r"  [12]\. one link", result.output)  # choices are shuffled at every showing


def test_pack_list_and_info_never_write_pack_control_codes(tmp_path, monkeypatch):
    from lambdalearn.content import registry as registry_module
    from lambdalearn.content.registry import EntryPointPack

    offered = EntryPointPack("escapes", "evil-dist", ESCAPES, None, True)
    monkeypatch.setattr(registry_module.PackRegistry, "entry_point_packs", lambda self: [offered])
    listing = run("--data-dir", tmp_path, "pack", "list")
    info = run("--data-dir", tmp_path, "pack", "info", "escapes")
    assert listing.exit_code == 0 and info.exit_code == 0, listing.output + info.output
    assert "Escapes" in listing.output and "clear  screen and  clipboard" in info.output
    assert control_characters(listing.output + info.output) == []
    assert json.loads(run("--data-dir", tmp_path, "pack", "list", "--json").output)


YAML_TOKENS = ["&a ", "&b ", "*a", "*b", "!!int ", "!!bool ", "!!timestamp ", "!!str ", "!!binary ", "!!set ",
               "!!python/name:os.system ", "[", "]", "{", "}", ": ", ", ", "- ", "\n", "  ", "x", "1", "2e5", "<<",
               "? ", "'", '"', "#", "|", ">", "---\n", "...\n", "~", "\x1b", "\t", "é", "%YAML 1.1\n"]


@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join)))
def test_the_yaml_loader_answers_any_text_with_data_or_one_located_problem(text):
    try:
        source, problems = parse_yaml(text, "fuzz.yaml")
    except YamlError as error:
        assert str(error).startswith("fuzz.yaml:") and "\n" not in str(error).rstrip("\n")
        return
    assert all(problem.path == "fuzz.yaml" for problem in problems)
    assert source.line() >= 1


def test_lesson_pages_and_lab_instructions_reach_the_screen_without_control_codes(mini_pack):
    from lambdalearn.study.course import pages

    lesson_file = next((mini_pack / "content").glob("*.md"))
    lesson_file.write_text(lesson_file.read_text() + "\n## Trap\n\nread \x1b]0;owned\x07this \x1b[2Jnow\n")
    pack = load_pack(mini_pack)
    lesson = next(lesson for lesson in pack.lessons if lesson.body.endswith("now\n") or "Trap" in lesson.body)
    shown = "\n".join(page.text for page in pages(lesson))
    assert "read this now" in shown and control_characters(shown) == []
