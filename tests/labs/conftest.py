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
