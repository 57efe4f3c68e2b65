"""Loading a whole pack from its folder: the one entry point the CLI, the app and the tests use."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from lambdalearn.content.models import Pack
from lambdalearn.content.problems import Problem


class PackNotFound(Exception):
    """The folder does not exist or is not a folder."""


class FileLoads:
    """How `load_pack` gets what one file (or lab folder) holds: by reading it, always.

    `content.cache.CachedLoads` answers from its cache instead when the path and the inputs are unchanged,
    which is why each part of a pack is loaded through `load` with everything it depends on named.
    """

    def load(self, path: Path, inputs: Hashable, problems: list[Problem], read: Callable[[list[Problem]], Any]) -> Any:
        """What `read` returns for `path`; `read` appends its problems to the list it is given. `inputs`
        names what else the result depends on (other files' facts), as a hashable value."""
        return read(problems)


def load_pack(root: Path, loads: FileLoads | None = None) -> Pack:
    """Load every lesson, deck and lab folder under `root`, collecting every problem instead of stopping.

    Broken files (and broken questions) are skipped; `Pack.problems` says what and why. The parsers are
    imported on first use, so a pack answered entirely from the cache never loads YAML or Markdown.
    """
    from lambdalearn.content.crossref import check_links, unique_decks, unique_lessons

    root = Path(root)
    if not root.is_dir():
        raise PackNotFound(f"{root}: no such pack folder")
    loads = loads or FileLoads()
    problems: list[Problem] = []
    manifest = loads.load(root / "pack.yaml", None, problems, lambda found: _manifest(root, found))
    lessons = [
        lesson
        for path in lesson_paths(root)
        if (lesson := loads.load(path, None, problems, lambda found, path=path: _lesson(root, path, found)))
    ]
    lessons = unique_lessons(lessons, problems)
    difficulty = {lesson.id: lesson.difficulty for lesson in lessons}
    domains = frozenset(d.id for d in manifest.exam.domains) if manifest.exam else None
    deck_inputs = (tuple(sorted(difficulty.items())), tuple(sorted(domains)) if domains is not None else None)
    decks = [
        deck
        for path in deck_paths(root)
        if (deck := loads.load(path, deck_inputs, problems,
                               lambda found, path=path: _deck(root, path, found, difficulty, domains)))
    ]
    decks = unique_decks(decks, problems)
    if manifest.answer_aliases:
        decks = _with_answer_aliases(decks, manifest.answer_aliases)
    check_links(manifest, lessons, decks, problems)
    anchors = {lesson.id: lesson.anchors for lesson in lessons}
    lab_inputs = tuple(sorted((lesson_id, tuple(sorted(found))) for lesson_id, found in anchors.items()))
    labs = [
        lab
        for folder in _lab_folder_paths(root)
        if (lab := loads.load(folder, lab_inputs, problems,
                              lambda found, folder=folder: _lab(root, folder, found, anchors)))
    ]
    return Pack(root, manifest, tuple(lessons), tuple(decks), tuple(labs), tuple(sorted(problems)))


def source_paths(root: Path) -> list[Path]:
    """Every file (and lab folder) `load_pack` loads through `FileLoads.load`: a pack whose sources all
    still have the identity they had is loaded the same again."""
    return [root / "pack.yaml", *lesson_paths(root), *deck_paths(root), *_lab_folder_paths(root)]


def lesson_paths(root: Path) -> list[Path]:
    return sorted((root / "content").glob("*.md"))


def deck_paths(root: Path) -> list[Path]:
    return sorted([*(root / "quizzes").glob("*.yaml"), *(root / "quizzes").glob("*.yml")])


def _manifest(root: Path, problems: list[Problem]):
    from lambdalearn.content.manifest import load_manifest

    return load_manifest(root, problems)


def _lesson(root: Path, path: Path, problems: list[Problem]):
    from lambdalearn.content.lessons import load_lesson

    return load_lesson(path, _rel(root, path), problems)


def _deck(root: Path, path: Path, problems: list[Problem], difficulty: dict[str, str], domains: frozenset[str] | None):
    from lambdalearn.content.decks import load_deck

    return load_deck(path, _rel(root, path), problems, difficulty, domains)


def _lab(root: Path, folder: Path, problems: list[Problem], anchors: dict[str, frozenset[str]]):
    from lambdalearn.content.labs import lab_folder

    return lab_folder(root, folder, problems, anchors)


def _lab_folder_paths(root: Path) -> list[Path]:
    from lambdalearn.content.labs import lab_folder_paths

    return lab_folder_paths(root)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _with_answer_aliases(decks: list, answer_aliases: tuple[tuple[str, tuple[str, ...]], ...]) -> list:
    """The decks with pack.yaml's `answer_aliases` in every typed question (applied after the per-file cache,
    so a change to pack.yaml alone reaches every deck)."""
    from dataclasses import replace

    from lambdalearn.content.normalise import alias_table
    from lambdalearn.content.questions import with_answer_aliases

    aliases = alias_table(answer_aliases)
    return [replace(deck, questions=tuple(with_answer_aliases(q, aliases) for q in deck.questions)) for deck in decks]
