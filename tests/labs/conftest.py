"""Fixtures for the lab engine: a writable copy of the test lab pack and its labs loaded as specs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lambdalearn.content.labs import LabSpec
from lambdalearn.content.loader import load_pack

LAB_PACK = Path(__file__).parent.parent / "fixtures" / "labs" / "pack"


@pytest.fixture
def lab_pack(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/labs/pack (labs: kinds, aws, pychecks, tuning)."""
    target = tmp_path / "labpack"
    shutil.copytree(LAB_PACK, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def spec_of(pack_root: Path, lab_id: str) -> LabSpec:
    pack = load_pack(pack_root)
    assert pack.ok, [str(p) for p in pack.problems]
    spec = next(folder.spec for folder in pack.labs if folder.id == lab_id)
    assert spec is not None
    return spec


def add_lab(pack_root: Path, lab_id: str, body: str, app: str, *, checks_py: str | None = None,
            files: dict[str, str] | None = None) -> LabSpec:
    """Write a small lab into the pack (`body`: lab.yaml after id/title/lesson/...; `app`: app.py for both the
    starter and the solution; `files`: more files of the lab folder) and return its spec."""
    folder = pack_root / "labs" / lab_id
    for side in ("starter", "solution"):
        (folder / side).mkdir(parents=True)
        (folder / side / "app.py").write_text(app)
    (folder / "README.md").write_text(f"# {lab_id}\n")
    header = f"id: {lab_id}\ntitle: {lab_id}\nlesson: basics\ndifficulty: beginner\nxp: 5\nminutes: 5\n"
    (folder / "lab.yaml").write_text(header + "function: {handler: app.handler}\neditable: [app.py]\n" + body)
    if checks_py is not None:
        (folder / "checks.py").write_text(checks_py)
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return spec_of(pack_root, lab_id)
