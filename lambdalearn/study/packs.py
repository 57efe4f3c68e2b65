"""The packs the learner has, as the home screen lists them: where each comes from and what it holds,
and the packs a pack filter keeps.

Headless; the app's home screen and its quiz, exam and lab entry points share `keep_packs` so a filter
means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.models import Pack

BUNDLED, INSTALLED, OTHER = "bundled", "installed", "external"  # external: a folder given, or a Python package


@dataclass(frozen=True)
class PackLine:
    pack: Pack
    origin: str  # BUNDLED, INSTALLED or OTHER

    def describe(self) -> str:
        pack = self.pack
        exam = ", an exam" if pack.manifest.exam is not None else ""
        labs = sum(1 for lab in pack.labs if lab.spec)
        return (f"{pack.manifest.title} {pack.manifest.version} ({self.origin}): {_count(len(pack.lessons), 'lesson')}, "
                f"{_count(sum(len(deck.questions) for deck in pack.decks), 'question')}, {_count(labs, 'lab')}{exam}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def pack_origin(pack: Pack, data_dir: Path | None) -> str:
    """bundled (the course that ships with lambdalearn), installed (under the data folder) or other."""
    root = Path(pack.root).resolve()
    if root == bundled_pack_root().resolve():
        return BUNDLED
    if data_dir is not None and root.is_relative_to((Path(data_dir) / "packs").resolve()):
        return INSTALLED
    return OTHER


def pack_lines(packs: tuple[Pack, ...] | list[Pack], data_dir: Path | None) -> list[PackLine]:
    return [PackLine(pack, pack_origin(pack, data_dir)) for pack in packs]


def keep_packs(packs: tuple[Pack, ...] | list[Pack], pack_id: str | None) -> list[Pack]:
    """The packs a filter keeps: all of them without a filter, else the one with that id (none if gone)."""
    return [pack for pack in packs if pack_id is None or pack.id == pack_id]
