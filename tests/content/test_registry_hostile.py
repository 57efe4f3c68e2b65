"""A damaged or hostile packs/registry.json is refused with a repair path; it can never steer a deletion."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lambdalearn.cli import cli
from lambdalearn.content.install import install_pack
from lambdalearn.content.registry import PackRegistry, RegistryError


def write_registry(data_dir, packs, **extra):
    folder = data_dir / "packs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "registry.json").write_text(json.dumps({"format": 1, "packs": packs, **extra}))


def entry(**changes):
    return {"version": "1.0.0", "folder": "1.0.0", "source": "x", "installed_at": "t", "enabled": True, **changes}


def test_a_folder_climbing_out_of_the_data_directory_is_refused_and_nothing_is_deleted(tmp_path, mini_pack):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    data_dir = tmp_path / "data"
    write_registry(data_dir, {"mini": entry(folder="../../victim")})
    with pytest.raises(RegistryError, match=r"packs.mini.folder '../../victim' is not a plain folder name"):
        install_pack(PackRegistry(data_dir), mini_pack)
    assert (victim / "precious.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    "packs, extra, problem",
    [
        ({"mini": entry(folder="/etc")}, {}, "packs.mini.folder '/etc' is not a plain folder name"),
        ({"mini": entry(folder="..")}, {}, "packs.mini.folder '..' is not a plain folder name"),
        ({"../x": entry()}, {}, "pack id '../x' is not a plain folder name"),
        ({"mini": entry(version=3)}, {}, "packs.mini.version must be a string"),
        ({"mini": entry(enabled="yes")}, {}, "packs.mini.enabled must be true or false"),
        ({"mini": "1.0.0"}, {}, "packs.mini must be an object"),
        ([], {}, "'packs' must be an object"),
        ({}, {"disabled_entry_points": "mini"}, "'disabled_entry_points' must be a list of names"),
    ],
)
def test_a_malformed_registry_names_the_problem_and_the_repair(tmp_path, packs, extra, problem):
    write_registry(tmp_path, packs, **extra)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "pack", "list"], catch_exceptions=False)
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert f"the pack registry is damaged ({problem})" in line
    assert f"mv {tmp_path / 'packs' / 'registry.json'}" in line and "your progress is kept" in line


def test_a_registry_that_is_not_json_gives_the_same_repair_path(tmp_path):
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "registry.json").write_text("{not json")
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "pack", "list"], catch_exceptions=False)
    assert result.exit_code == 1 and "unreadable" in result.output and "mv " in result.output
