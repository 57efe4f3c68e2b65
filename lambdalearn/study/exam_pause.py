"""Pausing a mock exam and resuming it later, even after the app was closed.

A paused exam is one JSON file beside the progress database: its questions (with the order their choices
were shown in), the responses and flags so far, and the time already spent. The clock stops while it is
paused: on resume the exam restarts with the time it had left.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from lambdalearn.content.models import Pack
from lambdalearn.content.questions import MultiChoice, Question, SingleChoice, with_choice_order
from lambdalearn.progress.clock import as_utc
from lambdalearn.study.catalog import Entry
from lambdalearn.study.exam import ExamError, ExamItem, MockExam

PAUSED_FILE = "paused-exam.json"
_FORMAT = 1


def paused_path(data_dir: Path) -> Path:
    return Path(data_dir) / PAUSED_FILE


def pause_exam(exam: MockExam, path: Path, now: datetime | None = None) -> None:
    """Write the exam to `path` (replacing any earlier paused exam), with the time spent so far."""
    items = []
    for item in exam.items:
        question = item.entry.question
        original = item.entry.pack.question(question.id)
        order = None
        if isinstance(question, (SingleChoice, MultiChoice)) and original is not None:
            order = [original.choices.index(choice) + 1 for choice in question.choices]
        items.append({"question": question.id, "domain": item.domain.id, "order": order})
    data = {
        "format": _FORMAT, "pack": exam.pack.id, "minutes": exam.minutes, "pass_mark": exam.pass_mark,
        "spent_s": (as_utc(now) - exam.started_at).total_seconds(), "items": items,
        "responses": {str(i): _to_json(r) for i, r in exam.responses.items()}, "flagged": sorted(exam.flagged),
        "predicted": exam.predicted,
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(path)


def paused_summary(path: Path) -> str | None:
    """"12 of 50 answered, 41 min left" for the paused exam at `path`, or None when there is none."""
    data = _read(path)
    if data is None:
        return None
    left = max(0, data["minutes"] * 60 - data["spent_s"])
    return f"{len(data['responses'])} of {len(data['items'])} answered, {left / 60:.0f} min left"


def resume_exam(path: Path, packs: list[Pack] | tuple[Pack, ...], now: datetime | None = None) -> MockExam:
    """The paused exam, its clock restarted with the time it had left; the file is removed. ExamError when
    it cannot be restored (its pack or a question is gone)."""
    data = _read(path)
    if data is None:
        raise ExamError("there is no paused exam")
    pack = next((p for p in packs if p.id == data["pack"]), None)
    if pack is None or pack.manifest.exam is None:
        raise ExamError(f"{path}: the pack '{data['pack']}' of the paused exam is not available")
    domains = {d.id: d for d in pack.manifest.exam.domains}
    items = []
    for n, saved in enumerate(data["items"], start=1):
        question = pack.question(saved["question"])
        if question is None or saved["domain"] not in domains:
            raise ExamError(f"{path}: items[{n}]: question '{saved['question']}' is no longer in the pack")
        shown = with_choice_order(question, saved["order"]) if saved["order"] else question
        items.append(ExamItem(Entry(pack, shown), domains[saved["domain"]]))
    started = as_utc(now) - timedelta(seconds=data["spent_s"])
    exam = MockExam(pack, items, data["minutes"], data["pass_mark"], started, predicted=data.get("predicted"))
    for index, response in data["responses"].items():
        exam.answer(int(index), _from_json(items[int(index)].entry.question, response))
    exam.flagged = set(data["flagged"])
    path.unlink(missing_ok=True)
    return exam


def _to_json(response: Any) -> Any:
    return sorted(response) if isinstance(response, (set, frozenset)) else response


def _from_json(question: Question, value: Any) -> Any:
    return set(value) if isinstance(question, MultiChoice) else value


def _read(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == _FORMAT else None
