"""The learner's copy of a lab: starting it from the starter (with the sample events), resetting it (keeping a
backup), staging a run.

A check never runs in the workspace itself: `stage` builds a fresh folder from the lab's starter with the
learner's editable files on top, so files the learner may not change are always the lab's own, and nothing
(not even `__pycache__`) is written into the folder the learner edits or that watch mode observes.
A tuning lab's `function.yaml` holds the settings the learner chooses (`tunable` in lab.yaml).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from lambdalearn.content.labs import TUNING_FILE, LabSpec, config_problem

_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


class WorkspaceError(Exception):
    """The workspace cannot be used as asked; `str()` is a one-line message naming the file or folder."""


def default_workspace(data_dir: Path, pack_id: str, lab_id: str) -> Path:
    """Where `lab start` puts a workspace when no --dir is given."""
    return Path(data_dir) / "labs" / pack_id / lab_id


def start_workspace(spec: LabSpec, workspace: Path) -> bool:
    """Copy the starter and the sample events into `workspace`; False (nothing touched) when it already holds
    files (`copy_events` then adds sample events it lacks)."""
    workspace = Path(workspace)
    if workspace.exists() and not workspace.is_dir():
        raise WorkspaceError(f"{workspace} exists and is not a folder")
    if holds_files(workspace):
        return False
    workspace.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(spec.starter, workspace, ignore=_IGNORED, dirs_exist_ok=True)
    copy_events(spec, workspace)
    return True


def holds_files(workspace: Path) -> bool:
    """Whether the workspace is there with something in it (a started, not a missing or empty, workspace)."""
    workspace = Path(workspace)
    return workspace.is_dir() and any(workspace.iterdir())


def copy_events(spec: LabSpec, workspace: Path) -> list[str]:
    """Copy the lab's `events/*.json` into `workspace/events/` (never over a file already there), so that
    `lambdalearn invoke app.handler --event events/x.json` works in the workspace as a README types it.

    These are the learner's copies, to try and to change: checks always read the lab's own events.
    Returns the copied names.
    """
    copied = []
    for event in sorted((spec.folder / "events").glob("*.json")):
        target = Path(workspace) / "events" / event.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(event, target)
            copied.append(event.name)
    return copied


def reset_workspace(spec: LabSpec, workspace: Path) -> Path | None:
    """Move the workspace aside to a timestamped backup and copy the starter in; returns the backup path."""
    workspace = Path(workspace)
    backup = None
    if workspace.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = workspace.with_name(f"{workspace.name}.backup-{stamp}")
        serial = 1
        while backup.exists():
            serial += 1
            backup = workspace.with_name(f"{workspace.name}.backup-{stamp}-{serial}")
        workspace.rename(backup)
    start_workspace(spec, workspace)
    return backup


def stage(spec: LabSpec, source: Path, into: Path) -> None:
    """Fill `into` with the lab's starter, then the editable files of `source` (a workspace or the solution).

    An editable file missing from `source` is missing from the staged code too, as it would be on Lambda.
    """
    shutil.copytree(spec.starter, into, ignore=_IGNORED, dirs_exist_ok=True)
    for name in spec.editable:
        target = into / name
        if (Path(source) / name).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(Path(source) / name, target)
        elif target.exists():
            target.unlink()


def read_tuning(spec: LabSpec, workspace: Path) -> dict[str, Any]:
    """The settings the learner chose in the workspace's function.yaml (only keys the lab lets them tune),
    checked against Lambda's limits; WorkspaceError names the file, line and setting otherwise."""
    from lambdalearn.content.yamlsource import YamlError, parse_yaml  # only labs with settings: not the home screen

    if not spec.tunable:
        return {}
    path = Path(workspace) / TUNING_FILE
    if not path.is_file():
        raise WorkspaceError(f"{path}: missing; this lab reads your settings ({', '.join(spec.tunable)}) from it")
    try:
        source, problems = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except YamlError as exc:
        raise WorkspaceError(str(exc.problem)) from None
    if problems:
        raise WorkspaceError(str(problems[0]))
    if source.data is None:
        return {}
    if not isinstance(source.data, dict):
        raise WorkspaceError(f"{path}:1: expected settings such as `memory: 512`")
    for key, value in source.data.items():
        if key not in spec.tunable:
            raise WorkspaceError(
                f"{path}:{source.line(key)}: {key}: this lab lets you set only {', '.join(spec.tunable)}"
            )
        # Each setting on its own (to name its line), with the qualifier it is meant for, if any.
        alongside = {"qualifier": source.data["qualifier"]} if "qualifier" in source.data else {}
        problem = config_problem(spec.function, {**alongside, key: value}, Path(workspace))
        if problem:
            raise WorkspaceError(f"{path}:{source.line(key)}: {key}: {problem}")
    problem = config_problem(spec.function, dict(source.data), Path(workspace))  # settings that clash
    if problem:
        raise WorkspaceError(f"{path}: {problem}")
    return dict(source.data)
