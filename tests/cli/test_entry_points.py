"""Packs offered by Python distributions: a broken entry point is listed with its problem, never fatal."""

from __future__ import annotations

import shutil
import sys
from importlib import metadata

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content import registry as registry_module
from lambdalearn.content.bundled import bundled_pack_root

MODULES = {
    "ep_raises": "def pack():\n    raise RuntimeError('no pack today')\n",
    "ep_no_manifest": "from pathlib import Path\n\ndef pack():\n    return Path(__file__).parent\n",
    "ep_exits": "import sys\n\ndef pack():\n    sys.exit(3)\n",
}


@pytest.fixture
def offered(tmp_path, monkeypatch, mini_pack):
    """Five entry points: three broken, one naming a missing module, one shadowing the bundled course's id."""
    site = tmp_path / "site"
    site.mkdir()
    for name, code in MODULES.items():
        (site / f"{name}.py").write_text(code)
    shadow = site / "ep_shadow"
    shutil.copytree(mini_pack, shadow / "pack")
    manifest = shadow / "pack" / "pack.yaml"
    bundled_id = next(line for line in (bundled_pack_root() / "pack.yaml").read_text().splitlines()
                      if line.startswith("id:"))
    manifest.write_text("\n".join(bundled_id if line.startswith("id:") else line
                                  for line in manifest.read_text().splitlines()) + "\n")
    (shadow / "__init__.py").write_text("from pathlib import Path\n\ndef pack():\n    return Path(__file__).parent / 'pack'\n")
    monkeypatch.syspath_prepend(str(site))
    points = [metadata.EntryPoint(name, f"{name}:pack", registry_module.ENTRY_POINT_GROUP)
              for name in [*MODULES, "ep_shadow"]]
    points.append(metadata.EntryPoint("ep_missing", "no_such_module_anywhere:pack", registry_module.ENTRY_POINT_GROUP))
    monkeypatch.setattr(metadata, "entry_points", lambda group: points)
    yield
    for name in [*MODULES, "ep_shadow"]:
        sys.modules.pop(name, None)


def run(home, *args, stdin=None):
    return CliRunner().invoke(cli, ["--data-dir", str(home), *args], input=stdin,
                                              catch_exceptions=False)


def test_pack_list_names_each_broken_entry_point_and_lists_the_rest(tmp_path, offered):
    result = run(tmp_path, "pack", "list")
    assert result.exit_code == 0, result.output + result.stderr
    notes = result.stderr.splitlines()
    assert "note: ep_raises: entry point of ? is broken (RuntimeError: no pack today)" in notes
    assert "note: ep_exits: entry point of ? is broken (it called sys.exit(3) while loading)" in notes
    assert any(n.startswith("note: ep_no_manifest: entry point of ? is broken (ValueError: ") and "has no pack.yaml" in n
               for n in notes)
    assert any(n.startswith("note: ep_missing: entry point of ? is broken (ModuleNotFoundError: ") for n in notes)
    bundled_id = result.stdout.split()[0]
    assert result.stdout.count(f"\n{bundled_id} ") + result.stdout.startswith(bundled_id + " ") == 1
    assert "also from entry point ep_shadow (?): not used, the pack above has the same id" in result.stdout


def test_a_quiz_starts_beside_broken_entry_points(tmp_path, offered):
    result = run(tmp_path, "quiz", "--plain", "--limit", "1", "--cram", stdin="quit\n")
    assert result.exit_code == 0, result.output + result.stderr
    assert "1 question to go" in result.stdout


def test_installing_a_broken_entry_point_is_refused_in_one_line(tmp_path, offered):
    result = run(tmp_path, "pack", "install", "ep_exits")
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: ep_exits: the entry point is broken (it called sys.exit(3) while "
                                     "loading); nothing was installed")
