"""Immutable models of a loaded pack: manifest, blueprint, lessons, decks and lab folders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from lambdalearn.content.anchors import Heading, Link
from lambdalearn.content.labs import LabSpec
from lambdalearn.content.problems import Problem
from lambdalearn.content.questions import Question


_NUMBER = re.compile(r"(?<![A-Za-z_\d.])\d")  # a digit that starts a figure, not one inside a name

@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    weight: float
    guide_domain: str | None = None  # the certification exam's domain this one counts toward


@dataclass(frozen=True)
class ExamGuide:
    """The certification exam a blueprint tracks (e.g. DVA-C02): its domains and their weights in percent."""

    code: str
    title: str
    domains: tuple[Domain, ...]


@dataclass(frozen=True)
class ExamBlueprint:
    questions: int
    minutes: int
    pass_mark: float  # percent
    domains: tuple[Domain, ...]
    guide: ExamGuide | None = None


@dataclass(frozen=True)
class StalePhrase:
    """An old rule's wording, allowed only where the old rule is the subject; `now` says what holds today."""

    phrase: str
    now: str


@dataclass(frozen=True)
class LintSettings:
    """The pack's own inputs to `pack lint`: its stale phrases and the decks whose facts must cite a source."""

    stale_phrases: tuple[StalePhrase, ...] = ()
    sourced_decks: tuple[str, ...] = ()
    sourced_cheat_sheets: bool = False  # every lesson's cheat sheet that states a number cites its pages


@dataclass(frozen=True)
class Manifest:
    id: str
    title: str
    version: str
    authors: tuple[str, ...]
    license: str
    description: str
    exam: ExamBlueprint | None = None
    lint: LintSettings = LintSettings()
    # Other ways learners may type the pack's terms, for every typed answer: (term, its aliases) pairs.
    answer_aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    order: int
    difficulty: str
    xp: int
    minutes: int
    tags: tuple[str, ...]
    summary: str
    body: str
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    source: str
    body_line: int  # 1-based file line where the body starts
    cheat_sheet_sources: tuple[str, ...] = ()  # the AWS doc pages the cheat sheet's numbers come from
    cheat_sheet_verified: date | None = None  # when those numbers were last checked against the pages

    @cached_property  # asked for every link and section reference at each load: computed once a lesson
    def anchors(self) -> frozenset[str]:
        return frozenset(h.anchor for h in self.headings)

    @property
    def word_count(self) -> int:
        return len(self.body.split())

    def section(self, title: str) -> tuple[Heading, str] | None:
        """The heading titled `title` (any case) and the text under it, up to the next heading of its level or above."""
        lines = self.body.splitlines()
        for index, heading in enumerate(self.headings):
            if heading.text.strip().lower() == title.lower():
                end = next((h.line for h in self.headings[index + 1:] if h.level <= heading.level), len(lines))
                return heading, "\n".join(lines[heading.line + 1:end])
        return None

    @property
    def cheat_sheet_states_numbers(self) -> bool:
        """Whether the lesson's `Cheat sheet` section states a number (then its figures should cite their pages).
        Digits inside a name (`s3.amazonaws.com`, `p99`, `python3.14`) are not numbers."""
        found = self.section("Cheat sheet")
        return found is not None and _NUMBER.search(found[1]) is not None


@dataclass(frozen=True)
class Deck:
    id: str
    title: str
    lesson: str | None
    domain: str | None
    questions: tuple[Question, ...]
    source: str


@dataclass(frozen=True)
class LabFolder:
    """A lab folder; `spec` is its validated lab.yaml, None when the lab has problems (see `Pack.problems`)."""

    id: str
    path: Path
    title: str
    spec: LabSpec | None = field(default=None, compare=False)  # not hashed: a LabFolder stays hashable


@dataclass(frozen=True)
class Pack:
    """A loaded pack. `problems` lists everything wrong; broken items are skipped, the rest is usable."""

    root: Path
    manifest: Manifest
    lessons: tuple[Lesson, ...]
    decks: tuple[Deck, ...]
    labs: tuple[LabFolder, ...]
    problems: tuple[Problem, ...] = field(default=())

    @property
    def id(self) -> str:
        return self.manifest.id

    @property
    def ok(self) -> bool:
        return not self.problems

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def questions(self) -> list[Question]:
        return [q for deck in self.decks for q in deck.questions]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions() if q.id == question_id), None)

    def decks_for_lesson(self, lesson_id: str) -> list[Deck]:
        return [deck for deck in self.decks if deck.lesson == lesson_id]
