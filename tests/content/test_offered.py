"""Entry-point packs are discovered once and remembered until an install or removal changes sys.path (issue 20)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from importlib import metadata

import pytest

from lambdalearn.content.offered import Offered, offered_entry_points
from lambdalearn.content.registry import PackRegistry

GROUP = "lambdalearn.packs"
HOUR_NS = 3600 * 10**9


@pytest.fixture
def site(tmp_path, monkeypatch):
    """The only folder on sys.path (the test's own files change no other entry's mtime), holding one
    distribution that offers a pack, last modified two hours ago."""
    folder = tmp_path / "site"
    _distribution(folder, "fake_course", "fake = fake_course:pack")
    monkeypatch.setattr(sys, "path", [str(folder)])
    _age(folder, hours=2)
    return folder


def _distribution(site, name: str, entry: str) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{entry}\n")


def _age(folder, hours: int) -> None:
    """Set the folder's mtime `hours` back: older than the window in which an mtime cannot tell changes apart."""
    then = time.time_ns() - hours * HOUR_NS
    os.utime(folder, ns=(then, then))


def _scan_refused(monkeypatch) -> None:
    def refuse(**_):
        raise AssertionError("importlib.metadata was asked although nothing on sys.path changed")

    monkeypatch.setattr(metadata, "entry_points", refuse)


def test_the_entry_points_are_remembered_while_sys_path_is_unchanged(site, tmp_path, monkeypatch):
    first = offered_entry_points(GROUP, tmp_path / "data")
    assert Offered("fake", "fake_course:pack", "fake-course") in first
    _scan_refused(monkeypatch)
    assert offered_entry_points(GROUP, tmp_path / "data") == first


def test_installing_or_removing_a_distribution_is_seen(site, tmp_path):
    data = tmp_path / "data"
    offered_entry_points(GROUP, data)
    _distribution(site, "other_course", "other = other_course:pack")
    _age(site, hours=1)
    names = [offered.name for offered in offered_entry_points(GROUP, data)]
    assert "fake" in names and "other" in names
    shutil.rmtree(site / "fake_course-1.0.dist-info")
    _age(site, hours=3)  # even an mtime moving back differs from the remembered one
    names = [offered.name for offered in offered_entry_points(GROUP, data)]
    assert "fake" not in names and "other" in names


def test_a_folder_modified_just_now_is_not_trusted_to_tell_changes_apart(site, tmp_path, monkeypatch):
    data = tmp_path / "data"
    os.utime(site)  # now: a second change within the file system's timestamp granularity could go unseen
    offered_entry_points(GROUP, data)
    assert not (data / "cache" / "entry_points.json").exists()
    calls = []
    real = metadata.entry_points
    monkeypatch.setattr(metadata, "entry_points", lambda **kw: calls.append(kw) or real(**kw))
    offered_entry_points(GROUP, data)
    assert calls == [{"group": GROUP}]


@pytest.mark.parametrize("damage", ["{not json", '{"format": 1, "key": "x", "points": []}', '{"format": 99}', ""])
def test_a_damaged_or_foreign_record_is_ignored_and_rewritten(site, tmp_path, damage):
    data = tmp_path / "data"
    record = data / "cache" / "entry_points.json"
    record.parent.mkdir(parents=True)
    record.write_text(damage)
    assert "fake" in [offered.name for offered in offered_entry_points(GROUP, data)]
    assert json.loads(record.read_text())["points"] and json.loads(record.read_text())["format"] == 1


def test_the_pack_list_offers_a_remembered_entry_point_with_its_distribution(site, tmp_path, monkeypatch, mini_pack):
    """A remembered entry point is loaded like a fresh one: the registry resolves it to its pack folder."""
    package = site / "fake_course"
    shutil.copytree(mini_pack, package / "pack")
    (package / "__init__.py").write_text("from pathlib import Path\n\ndef pack():\n    return Path(__file__).parent / 'pack'\n")
    _age(site, hours=2)
    registry = PackRegistry(tmp_path / "data")
    try:
        registry.entry_point_packs()
        _scan_refused(monkeypatch)
        [offered] = [p for p in registry.entry_point_packs() if p.name == "fake"]
    finally:
        sys.modules.pop("fake_course", None)
    assert (offered.distribution, offered.path, offered.error) == ("fake-course", package / "pack", None)
