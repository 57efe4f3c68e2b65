"""Loading a whole pack from its folder: the one entry point the CLI, the app and the tests use."""

from __future__ import annotations

from pathlib import Path

from lambdalearn.content.crossref import check_links, unique_decks, unique_lessons
from lambdalearn.content.decks import load_deck
from lambdalearn.content.labs import lab_folders
from lambdalearn.content.lessons import load_lesson
from lambdalearn.content.manifest import load_manifest
from lambdalearn.content.models import Pack
from lambdalearn.content.problems import Problem


class PackNotFound(Exception):
    """The folder does not exist or is not a folder."""


def load_pack(root: Path) -> Pack:
    """Load every lesson, deck and lab folder under `root`, collecting every problem instead of stopping.

    Broken files (and broken questions) are skipped; `Pack.problems` says what and why.
    """
    root = Path(root)
    if not root.is_dir():
        raise PackNotFound(f"{root}: no such pack folder")
    problems: list[Problem] = []
    manifest = load_manifest(root, problems)
    lessons = [
        lesson
        for path in sorted((root / "content").glob("*.md"))
        if (lesson := load_lesson(path, _rel(root, path), problems)) is not None
    ]
    lessons = unique_lessons(lessons, problems)
    difficulty = {lesson.id: lesson.difficulty for lesson in lessons}
    domains = frozenset(d.id for d in manifest.exam.domains) if manifest.exam else None
    deck_files = sorted([*(root / "quizzes").glob("*.yaml"), *(root / "quizzes").glob("*.yml")])
    decks = [
        deck
        for path in deck_files
        if (deck := load_deck(path, _rel(root, path), problems, difficulty, domains)) is not None
    ]
    decks = unique_decks(decks, problems)
    check_links(manifest, lessons, decks, problems)
    labs = lab_folders(root, problems, {lesson.id: lesson.anchors for lesson in lessons})
    return Pack(root, manifest, tuple(lessons), tuple(decks), tuple(labs), tuple(sorted(problems)))


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()
