"""The packs a learner studies from, and selecting questions from them by pack, deck, lesson or tag."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.cache import load_pack_cached
from lambdalearn.content.loader import load_pack
from lambdalearn.content.models import Pack
from lambdalearn.content.problems import Problem
from lambdalearn.content.questions import Question
from lambdalearn.content.registry import PackRegistry, RegistryError


class SelectionError(ValueError):
    """A filter names something that does not exist; the message lists what does."""


@dataclass(frozen=True)
class Entry:
    """One question with the pack it belongs to (progress is keyed by both ids)."""

    pack: Pack
    question: Question

    @property
    def key(self) -> tuple[str, str]:
        return (self.pack.id, self.question.id)


@dataclass(frozen=True)
class Catalog:
    packs: tuple[Pack, ...]

    @classmethod
    def load(cls, roots: Iterable[Path] | None = None, data_dir: Path | None = None) -> Catalog:
        """Load the given pack folders; by default the bundled course and every enabled pack the learner
        installed (under `data_dir`) or a Python distribution offers. The first pack with an id wins.
        With a `data_dir`, unchanged files come from its pack cache (see `content.cache`)."""
        if roots is None:
            roots = [bundled_pack_root(), *(enabled_pack_roots(data_dir) if data_dir is not None else [])]
        packs: dict[str, Pack] = {}
        for root in roots:
            pack = load_pack_cached(root, data_dir) if data_dir is not None else load_pack(root)
            packs.setdefault(pack.id, pack)
        return cls(tuple(packs.values()))

    @property
    def skipped(self) -> list[tuple[Pack, Problem]]:
        """Every problem that made a pack skip a file or question, for the learner to see."""
        return [(pack, problem) for pack in self.packs for problem in pack.problems]

    def pack(self, pack_id: str) -> Pack | None:
        return next((p for p in self.packs if p.id == pack_id), None)

    def entry(self, pack_id: str, item_id: str) -> Entry | None:
        pack = self.pack(pack_id)
        question = pack.question(item_id) if pack else None
        return Entry(pack, question) if question else None

    def select(
        self,
        *,
        pack: str | None = None,
        deck: str | None = None,
        lesson: str | None = None,
        tag: str | None = None,
        gradable_only: bool = False,
    ) -> list[Entry]:
        """Questions matching every given filter, in course order; SelectionError for an unknown name."""
        packs = self.packs
        if pack is not None:
            packs = tuple(p for p in packs if p.id == pack)
            _require(packs, "pack", pack, [p.id for p in self.packs])
        decks = [(p, d) for p in packs for d in p.decks]
        if deck is not None:
            _require([d for _, d in decks if d.id == deck], "deck", deck, [d.id for _, d in decks])
            decks = [(p, d) for p, d in decks if d.id == deck]
        if lesson is not None:
            known = [lesson_.id for p in packs for lesson_ in p.lessons]
            _require([x for x in known if x == lesson], "lesson", lesson, known)
        entries = []
        for p, d in decks:
            for q in d.questions:
                if lesson is not None and d.lesson != lesson and not (q.lesson_section or "").startswith(f"{lesson}#"):
                    continue
                if tag is not None and tag not in q.tags:
                    continue
                if gradable_only and not q.gradable:
                    continue
                entries.append(Entry(p, q))
        if tag is not None and not entries:
            tags = sorted({t for p, d in decks for q in d.questions for t in q.tags})
            _require([], "tag", tag, tags)
        return entries


def enabled_pack_roots(data_dir: Path) -> list[Path]:
    """Folders of the enabled installed packs, then of the enabled entry-point packs."""
    registry = PackRegistry(data_dir)
    try:
        installed = [p.path for p in registry.installed() if p.enabled and p.path.is_dir()]
    except RegistryError:
        installed = []
    offered = [p.path for p in registry.entry_point_packs() if p.enabled and p.path is not None]
    return installed + offered


def _require(found: Sequence, kind: str, name: str, known: Iterable[str]) -> None:
    if not found:
        names = sorted(set(known))
        shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
        raise SelectionError(f"no {kind} named '{name}'" + (f"; known: {shown}" if names else ""))
