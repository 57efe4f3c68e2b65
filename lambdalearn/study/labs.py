"""Labs as the app shows them: each lab beside its lesson with the learner's status, the workspace the lab
screen opens, the instructions cut into pages, and the solution files once the learner has tried.

Headless (the lab screen and the home screen's course map call it); the CLI's `lambdalearn lab` shares the
same progress and workspace services underneath.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lambdalearn.content.labs import read_hints, read_instructions
from lambdalearn.content.models import Pack
from lambdalearn.labs.finder import FoundLab, course_order
from lambdalearn.labs.workspace import default_workspace, holds_files, start_workspace
from lambdalearn.progress.labs import (
    ATTEMPTED, COMPLETED, NEW, STARTED, lab_progress, labs_progress, remember_workspace,
)
from lambdalearn.progress.store import ProgressStore
from lambdalearn.textsafe import printable

# One set of words everywhere (app, `lab list`, README): never opened, opened, checks run, every check passed once.
LAB_NEW, LAB_STARTED, LAB_ATTEMPTED, LAB_COMPLETED = NEW, STARTED, ATTEMPTED, COMPLETED
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class LabRow:
    found: FoundLab
    status: str  # LAB_NEW, LAB_STARTED, LAB_ATTEMPTED or LAB_COMPLETED

    @property
    def pack_id(self) -> str:
        return self.found.pack_id

    @property
    def lesson_id(self) -> str:
        return self.found.spec.lesson


@dataclass(frozen=True)
class InstructionPage:
    title: str
    text: str


def lab_rows(store: ProgressStore, packs: tuple[Pack, ...] | list[Pack]) -> list[LabRow]:
    """Every valid lab of `packs` in course order, with the learner's status."""
    ordered = course_order(packs)
    progress = labs_progress(store, [(found.pack_id, found.spec.id) for found in ordered])
    return [LabRow(found, progress[found.pack_id, found.spec.id].status) for found in ordered]


def lab_workspace(store: ProgressStore, data_dir: Path, found: FoundLab) -> Path:
    """Where the learner's workspace for the lab is: where `lab start` put it, else the default."""
    remembered = lab_progress(store, found.pack_id, found.spec.id).workspace
    return Path(remembered) if remembered else default_workspace(data_dir, found.pack_id, found.spec.id)


def passing_workspace(store: ProgressStore, data_dir: Path, found: FoundLab) -> Path | None:
    """The workspace a completed lab passed in (it may since have been deleted), None for a lab not completed:
    starting such a lab again must not quietly swap it for a fresh starter (`lab start --fresh` does that)."""
    if lab_progress(store, found.pack_id, found.spec.id).status != LAB_COMPLETED:
        return None
    return lab_workspace(store, data_dir, found)


def completed_notice(found: FoundLab, workspace: Path) -> str:
    """One sentence for a completed lab: that it is, and where its passing workspace is (or was)."""
    where = (f"its passing workspace is {workspace}" if holds_files(workspace)
             else f"its passing workspace {workspace} is gone")
    return f"{found.spec.title} is completed (every check passed); {where}."


def open_workspace(store: ProgressStore, data_dir: Path, found: FoundLab) -> Path:
    """The learner's workspace for the lab (see `lab_workspace`), created from the starter if it does not
    exist yet, and remembered so `lambdalearn lab check` finds it too."""
    workspace = lab_workspace(store, data_dir, found)
    start_workspace(found.spec, workspace)
    remember_workspace(store, found.pack_id, found.spec.id, workspace)
    return workspace


def instruction_pages(found: FoundLab) -> list[InstructionPage]:
    """The README without its hint sections, cut before each `##` heading (not inside code fences)."""
    pages: list[InstructionPage] = []
    title, lines, fenced = "Introduction", [], False
    for line in printable(read_instructions(found.spec)).splitlines():  # pack text: no terminal control codes
        if _FENCE.match(line):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            if "\n".join(lines).strip():
                pages.append(InstructionPage(title, "\n".join(lines).strip()))
            title, lines = line[3:].strip(), []
        lines.append(line)
    if "\n".join(lines).strip() or not pages:
        pages.append(InstructionPage(title, "\n".join(lines).strip()))
    return pages


def hints_markdown(found: FoundLab, shown: int) -> str:
    """The hints taken so far (the first `shown`), as one Markdown page."""
    hints = read_hints(found.spec)
    return printable("\n\n".join(f"### Hint {n} of {len(hints)}\n\n{text}" for n, text in enumerate(hints[:shown], 1)))


def solution_markdown(found: FoundLab) -> str:
    """The reference solution's editable files as Markdown code blocks."""
    parts = []
    for name in found.spec.editable:
        path = found.spec.solution / name
        language = {".py": "python", ".yaml": "yaml", ".yml": "yaml", ".json": "json"}.get(path.suffix, "")
        text = path.read_text(encoding="utf-8").rstrip() if path.is_file() else "(no such file in the solution)"
        parts.append(f"**{name}**\n\n```{language}\n{text}\n```")
    return printable("\n\n".join(parts))


FALLBACK_EDITORS = ("editor", "nano", "vim", "vi", "notepad")  # Debian's default, then the common ones


def choose_editor(environ: dict[str, str], which: Callable[[str], str | None]) -> tuple[str | None, bool]:
    """(the editor command to open workspace files with, whether it was chosen for the learner): $VISUAL,
    else $EDITOR, else the first of `FALLBACK_EDITORS` that `which` finds; (None, True) if none."""
    chosen = environ.get("VISUAL") or environ.get("EDITOR")
    if chosen:
        return chosen, False
    return next((name for name in FALLBACK_EDITORS if which(name)), None), True
