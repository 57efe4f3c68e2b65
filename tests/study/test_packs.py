"""Packs as the home screen lists them: where each comes from, what it holds, and what a filter keeps."""

from __future__ import annotations

from pathlib import Path

from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.install import install_pack
from lambdalearn.content.loader import load_pack
from lambdalearn.content.registry import PackRegistry
from lambdalearn.study.packs import BUNDLED, INSTALLED, OTHER, keep_packs, pack_lines, pack_origin

LAB_PACK = Path(__file__).parent.parent / "fixtures" / "labs" / "pack"


def test_origin_and_description(mini_pack: Path, tmp_path: Path):
    data = tmp_path / "data"
    installed = install_pack(PackRegistry(data), LAB_PACK).pack
    mini = load_pack(mini_pack)
    assert pack_origin(installed, data) == INSTALLED
    assert pack_origin(mini, data) == OTHER
    assert pack_origin(load_pack(bundled_pack_root()), None) == BUNDLED
    [line] = pack_lines([mini], data)
    assert line.describe() == "Mini pack for tests 1.0.0 (external): 2 lessons, 8 questions, 1 lab, an exam"


def test_a_filter_keeps_one_pack_or_all(mini_pack: Path):
    mini = load_pack(mini_pack)
    labs = load_pack(LAB_PACK)
    assert keep_packs([mini, labs], None) == [mini, labs]
    assert keep_packs([mini, labs], "labtests") == [labs]
    assert keep_packs([mini, labs], "gone") == []
