"""The pack cache in the data folder: unchanged files come from it, and nothing stale is ever used.

Each test loads the mini pack through the cache, changes something, and checks which files were read from
the sources (through spies on the loader's readers) and that the pack equals a fresh `load_pack`.
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

from lambdalearn.content import cache, loader
from lambdalearn.content.cache import cache_file, load_pack_cached
from lambdalearn.content.loader import load_pack
from lambdalearn.study.catalog import Catalog

OLD_NS = 1_600_000_000 * 10**9  # 2020: far older than the cache's "recently modified" window


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Names (relative to the pack) of the files and lab folders read from the sources, in order."""
    seen: list[str] = []
    for name in ("_manifest", "_lesson", "_deck", "_lab"):
        original = getattr(loader, name)

        def spy(root, *args, _original=original, **kwargs):
            target = args[0] if args and isinstance(args[0], Path) else root / "pack.yaml"
            seen.append(target.relative_to(root).as_posix())
            return _original(root, *args, **kwargs)

        monkeypatch.setattr(loader, name, spy)
    return seen


@pytest.fixture
def pack(mini_pack: Path) -> Path:
    """The mini pack with every file dated long ago, as an installed pack is."""
    age(mini_pack)
    return mini_pack


def age(root: Path) -> None:
    for path in root.rglob("*"):
        os.utime(path, ns=(OLD_NS, OLD_NS))


def load_again(pack: Path, data_dir: Path, reads: list[str]) -> list[str]:
    """Load through the cache; returns what was read from the sources, and checks the result is right."""
    reads.clear()
    cached = load_pack_cached(pack, data_dir)
    read = list(reads)
    assert cached == load_pack(pack)
    reads.clear()
    return read


def test_a_second_load_reads_nothing_and_gives_the_same_pack(pack, tmp_path, reads):
    first = load_again(pack, tmp_path, reads)
    assert sorted(first) == sorted(["pack.yaml", "content/01-handlers.md", "content/02-limits.md",
                                    "quizzes/handlers.yaml", "quizzes/limits.yaml", "labs/hello"])
    assert load_again(pack, tmp_path, reads) == []
    assert cache_file(pack.resolve(), tmp_path).is_file()


def test_a_changed_lesson_is_read_again_and_nothing_else(pack, tmp_path, reads):
    load_again(pack, tmp_path, reads)
    lesson = pack / "content" / "02-limits.md"
    lesson.write_text(lesson.read_text() + "\nOne more line.\n")
    assert load_again(pack, tmp_path, reads) == ["content/02-limits.md"]
    assert load_again(pack, tmp_path, reads) == []


def test_a_same_size_rewrite_in_the_same_timestamp_is_caught_by_the_hash(pack, tmp_path, reads):
    """A file modified moments ago is identified by its bytes too: size and mtime alone would miss this."""
    deck = pack / "quizzes" / "limits.yaml"
    just_now = time.time_ns()
    os.utime(deck, ns=(just_now, just_now))
    load_again(pack, tmp_path, reads)
    deck.write_text(deck.read_text().replace("a", "b", 1))  # same size, other bytes...
    os.utime(deck, ns=(just_now, just_now))  # ...and the same timestamp, as on a coarse-grained file system
    assert load_again(pack, tmp_path, reads) == ["quizzes/limits.yaml"]


def test_an_added_deck_is_read_and_a_removed_one_dropped(pack, tmp_path, reads):
    load_again(pack, tmp_path, reads)
    extra = pack / "quizzes" / "extra.yaml"
    extra.write_text((pack / "quizzes" / "limits.yaml").read_text().replace("id: limits", "id: extra-limits", 1))
    assert load_again(pack, tmp_path, reads) == ["quizzes/extra.yaml"]
    extra.unlink()
    assert load_again(pack, tmp_path, reads) == []
    assert all(deck.source != "quizzes/extra.yaml" for deck in load_pack_cached(pack, tmp_path).decks)


def test_a_removed_lesson_is_dropped_and_what_depends_on_it_read_again(pack, tmp_path, reads):
    """Decks take their default difficulty from lessons, labs check their links against lesson anchors."""
    load_again(pack, tmp_path, reads)
    (pack / "content" / "02-limits.md").unlink()
    read = load_again(pack, tmp_path, reads)
    assert sorted(read) == ["labs/hello", "quizzes/handlers.yaml", "quizzes/limits.yaml"]
    assert [lesson.id for lesson in load_pack_cached(pack, tmp_path).lessons] == ["handlers"]


def test_a_changed_file_inside_a_lab_reads_that_lab_again(pack, tmp_path, reads):
    load_again(pack, tmp_path, reads)
    (pack / "labs" / "hello" / "starter" / "extra.py").write_text("VALUE = 1\n")
    assert load_again(pack, tmp_path, reads) == ["labs/hello"]


def test_problems_come_back_from_the_cache_as_they_were_found(pack, tmp_path, reads):
    lesson = pack / "content" / "02-limits.md"
    lesson.write_text(lesson.read_text().replace("difficulty: intermediate", "difficulty: impossible"))
    first = load_pack_cached(pack, tmp_path)
    assert any(problem.field == "difficulty" for problem in first.problems)
    assert load_again(pack, tmp_path, reads) == []
    assert load_pack_cached(pack, tmp_path).problems == first.problems


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],                     # cut short
    lambda raw: raw[:-10] + b"\x00" * 10,                 # bytes flipped at the end
    lambda raw: b"not a cache at all",                    # something else
    lambda raw: b"",                                      # empty
])
def test_a_damaged_cache_is_ignored_and_rebuilt(pack, tmp_path, reads, damage):
    load_again(pack, tmp_path, reads)
    path = cache_file(pack.resolve(), tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    assert len(load_again(pack, tmp_path, reads)) == 6
    assert load_again(pack, tmp_path, reads) == []


def test_a_cache_with_a_valid_header_but_a_foreign_body_is_not_trusted(pack, tmp_path, reads):
    load_again(pack, tmp_path, reads)
    path = cache_file(pack.resolve(), tmp_path)
    body = pickle.dumps(["not", "entries"])
    head = cache.json.dumps({**cache.header(pack.resolve()), "body_sha256": cache.hashlib.sha256(body).hexdigest()})
    path.write_bytes(head.encode() + b"\n" + body)
    assert len(load_again(pack, tmp_path, reads)) == 6


def test_a_cache_written_by_another_lambdalearn_version_is_not_used(pack, tmp_path, reads, monkeypatch):
    load_again(pack, tmp_path, reads)
    monkeypatch.setattr(cache, "__version__", "99.0.0")
    assert len(load_again(pack, tmp_path, reads)) == 6
    assert load_again(pack, tmp_path, reads) == []


def test_a_cache_written_by_other_content_code_is_not_used(pack, tmp_path, reads, monkeypatch):
    """Models and loaders change (new question fields): their source is part of the cache's key."""
    load_again(pack, tmp_path, reads)
    real = cache.code_fingerprint()
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "0" * len(real))
    assert len(load_again(pack, tmp_path, reads)) == 6


def test_the_code_fingerprint_follows_the_content_source(tmp_path, monkeypatch):
    copy = tmp_path / "content"
    copy.mkdir()
    for source in cache.CODE_DIR.glob("*.py"):
        (copy / source.name).write_bytes(source.read_bytes())
    monkeypatch.setattr(cache, "CODE_DIR", copy)
    before = cache.code_fingerprint()
    (copy / "models.py").write_text((copy / "models.py").read_text() + "\n# a new field\n")
    assert cache.code_fingerprint() != before


def test_a_cache_that_cannot_be_written_costs_only_speed(pack, tmp_path, reads):
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    assert len(load_again(pack, tmp_path, reads)) == 6
    assert len(load_again(pack, tmp_path, reads)) == 6


def test_the_catalog_loads_through_the_data_folders_cache(pack, tmp_path, reads):
    Catalog.load([pack], tmp_path)
    reads.clear()
    catalog = Catalog.load([pack], tmp_path)
    assert reads == []
    assert catalog.packs[0].id == load_pack(pack).id


def test_pack_validate_reads_the_sources_not_the_cache(pack, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from lambdalearn.cli import cli

    def refuse(*_args, **_kwargs):
        raise AssertionError("pack validate used the cache")

    monkeypatch.setattr(cache, "load_pack_cached", refuse)
    monkeypatch.setattr("lambdalearn.study.catalog.load_pack_cached", refuse)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "pack", "validate", str(pack)])
    assert result.exit_code == 0, result.output


def test_a_start_answered_by_the_cache_imports_no_parser(tmp_path):
    """YAML and Markdown parsing are the slow part of start-up: a warm start (the catalog and what the home
    screen's map needs) must not even import them."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from lambdalearn.study.catalog import Catalog\n"
        f"Catalog.load(None, Path({str(tmp_path)!r}))\n"
        "if sys.argv[1] == 'warm':\n"
        "    import lambdalearn.study.course, lambdalearn.study.labs, lambdalearn.progress.stats\n"
        "    print(','.join(sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'markdown_it'})))\n"
    )
    subprocess.run([sys.executable, "-c", code, "cold"], check=True)
    warm = subprocess.run([sys.executable, "-c", code, "warm"], capture_output=True, text=True, check=True)
    assert warm.stdout.strip() == ""


def test_an_unchanged_pack_comes_from_the_snapshot_with_its_questions_still_pickled(pack, tmp_path, reads, monkeypatch):
    """A start needs lessons, labs and counts: the questions' text is unpickled only when asked for, and then
    it is the deck's own, in its order."""
    fresh = load_pack(pack)
    load_again(pack, tmp_path, reads)
    monkeypatch.setattr(cache.CachedLoads, "load", lambda *args: pytest.fail("an entry was used"))
    monkeypatch.setattr(cache, "load_pack", lambda *args: pytest.fail("the pack was assembled again"))
    warm = load_pack_cached(pack, tmp_path)
    assert reads == []
    decks = {deck.id: deck for deck in warm.decks}
    assert all(isinstance(deck.questions, cache.LazyQuestions) and not deck.questions.loaded for deck in warm.decks)
    assert [len(deck.questions) for deck in warm.decks] == [len(deck.questions) for deck in fresh.decks]
    assert not any(deck.questions.loaded for deck in warm.decks)  # counting did not unpickle them
    for deck in fresh.decks:
        assert tuple(decks[deck.id].questions) == deck.questions
        assert decks[deck.id].questions[0] == deck.questions[0]
        assert hash(decks[deck.id]) == hash(deck)
    assert warm.question("h-single") == fresh.question("h-single")
    assert [lesson.body for lesson in warm.lessons] == [lesson.body for lesson in fresh.lessons]


def test_the_snapshot_is_not_used_once_a_source_changed_or_appeared(pack, tmp_path, reads):
    load_again(pack, tmp_path, reads)
    deck = pack / "quizzes" / "limits.yaml"
    deck.write_text(deck.read_text().replace("id: limits", "id: limits-renamed", 1))
    assert load_again(pack, tmp_path, reads) == ["quizzes/limits.yaml"]
    (pack / "content" / "03-new.md").write_text((pack / "content" / "02-limits.md").read_text()
                                                .replace("id: limits", "id: fresh", 1).replace("order: 2", "order: 3", 1))
    assert "content/03-new.md" in load_again(pack, tmp_path, reads)
    assert load_again(pack, tmp_path, reads) == []


def test_a_pack_from_the_snapshot_has_the_root_as_the_caller_spelled_it(pack, tmp_path, reads, monkeypatch):
    load_pack_cached(pack, tmp_path)
    monkeypatch.chdir(pack.parent)
    reads.clear()
    relative = Path(pack.name)
    assert load_pack_cached(relative, tmp_path).root == relative
    assert reads == []


def test_what_the_home_map_needs_leaves_a_second_packs_questions_pickled(pack, tmp_path):
    """The course map, the labs, the pack line and Continue's count of new cards (satisfied by the first
    pack) read no question of a pack installed beside it: a big pack costs the map its lessons, not its text."""
    import shutil

    from lambdalearn.progress.settings import Settings, save_settings
    from lambdalearn.progress.store import ProgressStore
    from lambdalearn.study.course import course_map, new_cards_today
    from lambdalearn.study.labs import lab_rows
    from lambdalearn.study.packs import pack_lines

    second = tmp_path / "second"
    shutil.copytree(pack, second)
    manifest = second / "pack.yaml"
    manifest.write_text(manifest.read_text().replace("id: mini", "id: second", 1))
    age(second)
    Catalog.load([pack, second], tmp_path)
    catalog = Catalog.load([pack, second], tmp_path)
    assert [p.id for p in catalog.packs] == ["mini", "second"]
    other = catalog.packs[1]
    with ProgressStore.open(tmp_path / "data") as store:
        save_settings(store, Settings(daily_new_limit=3))
        assert len(course_map(store, catalog.packs)) == 4 and len(lab_rows(store, catalog.packs)) == 2
        assert "8 questions" in pack_lines(catalog.packs, tmp_path)[1].describe()
        assert new_cards_today(store, catalog.packs) == 3
        assert not any(deck.questions.loaded for deck in other.decks)
        save_settings(store, Settings(daily_new_limit=20))  # more than the first pack has: the second is read
        assert new_cards_today(store, catalog.packs) == 16
        assert all(deck.questions.loaded for deck in other.decks)


def test_a_file_cached_just_after_it_was_modified_is_hashed_only_until_its_mtime_can_tell(pack, tmp_path, reads,
                                                                                           monkeypatch):
    """A pack copied moments before its first start had every file hashed on every start after it: once such
    a file is found unchanged with an mtime old enough (RACY_NS), the cache keeps its size and mtime only."""
    deck = pack / "quizzes" / "limits.yaml"
    just_now = time.time_ns()
    os.utime(deck, ns=(just_now, just_now))
    load_again(pack, tmp_path, reads)
    hashed: list[Path] = []
    real_sha256 = cache._sha256
    monkeypatch.setattr(cache, "_sha256", lambda path: hashed.append(path) or real_sha256(path))
    assert load_again(pack, tmp_path, reads) == [] and deck in hashed  # still within the window: hashed

    later = just_now + cache.RACY_NS + 1
    monkeypatch.setattr(cache.time, "time_ns", lambda: later)
    hashed.clear()
    assert load_again(pack, tmp_path, reads) == [] and deck in hashed  # checked one last time...
    hashed.clear()
    assert load_again(pack, tmp_path, reads) == [] and hashed == []  # ...then known by size and mtime

    deck.write_text(deck.read_text() + "\n")  # a change after that shows in the mtime
    assert load_again(pack, tmp_path, reads) == ["quizzes/limits.yaml"]
