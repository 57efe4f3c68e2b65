"""Installing, upgrading, removing and building packs: atomic, validated, progress-preserving."""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lambdalearn.content.build import build_pack
from lambdalearn.content.install import InstallError, install_pack
from lambdalearn.content.registry import PackRegistry
from lambdalearn.study.catalog import Catalog


@pytest.fixture
def registry(tmp_path):
    return PackRegistry(tmp_path / "data")


def test_install_from_a_folder(registry, mini_pack):
    result = install_pack(registry, mini_pack)
    assert result.previous_version is None
    [installed] = registry.installed()
    assert (installed.id, installed.version, installed.enabled) == ("mini", "1.0.0", True)
    assert installed.path == registry.root / "mini" / "1.0.0"
    assert (installed.path / "quizzes" / "handlers.yaml").is_file()
    assert not list(registry.root.glob(".staging-*"))


def test_an_invalid_pack_is_refused_with_every_problem(registry, mini_pack):
    deck = mini_pack / "quizzes" / "handlers.yaml"
    deck.write_text(deck.read_text().replace("    answer: 2\n", "    answer: 9\n"))
    (mini_pack / "content" / "02-limits.md").write_text("no front matter\n")
    with pytest.raises(InstallError) as caught:
        install_pack(registry, mini_pack)
    assert len(caught.value.problems) >= 2
    assert registry.installed() == []
    assert not list(registry.root.glob(".staging-*"))


def test_build_is_reproducible_and_installs(tmp_path, registry, mini_pack):
    first = build_pack(mini_pack, tmp_path / "a" / "mini.zip")
    second = build_pack(mini_pack, tmp_path / "b" / "mini.zip")
    assert first.path.read_bytes() == second.path.read_bytes()
    names = zipfile.ZipFile(first.path).namelist()
    assert names[0] == "mini-1.0.0/CHECKSUMS.sha256" and names[1:] == sorted(names[1:])
    assert {info.date_time for info in zipfile.ZipFile(first.path).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    install_pack(registry, first.path)
    assert registry.get("mini").version == "1.0.0"
    assert not (registry.get("mini").path / "CHECKSUMS.sha256").exists()


def test_a_tampered_archive_is_refused(tmp_path, registry, mini_pack):
    built = build_pack(mini_pack, tmp_path / "mini.zip").path
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("handlers.yaml"):
                data = data.replace(b"answer: 2", b"answer: 1")
            target.writestr(info, data)
    with pytest.raises(InstallError, match="does not match its checksum"):
        install_pack(registry, tampered)


def test_tar_gz_with_a_top_folder(tmp_path, registry, mini_pack):
    archive = shutil.make_archive(str(tmp_path / "mini-src"), "gztar", root_dir=mini_pack.parent, base_dir="mini")
    install_pack(registry, archive)
    assert registry.get("mini") is not None


def test_hostile_archive_installs_nothing(tmp_path, registry):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as bundle:
        bundle.writestr("pack.yaml", "id: evil\n")
        bundle.writestr("../../escaped.txt", "x")
    with pytest.raises(InstallError, match="climbs out"):
        install_pack(registry, evil)
    assert not (tmp_path / "escaped.txt").exists() and not (registry.root.parent / "escaped.txt").exists()
    assert registry.installed() == [] and not list(registry.root.glob(".staging-*"))


def bump(pack: Path, version: str) -> None:
    manifest = pack / "pack.yaml"
    manifest.write_text(manifest.read_text().replace("version: 1.0.0", f"version: {version}"))


def test_upgrade_flags_changed_questions_and_keeps_the_old_until_committed(registry, mini_pack):
    install_pack(registry, mini_pack)
    bump(mini_pack, "1.1.0")
    deck = mini_pack / "quizzes" / "handlers.yaml"
    deck.write_text(deck.read_text().replace("Which argument carries the input?", "Which argument holds the input?"))
    limits = mini_pack / "quizzes" / "limits.yaml"
    limits.write_text(limits.read_text().split("  - id: l-cloze")[0])
    result = install_pack(registry, mini_pack)
    assert (result.previous_version, result.changed, result.removed) == ("1.0.0", ("h-single",), ("l-cloze",))
    installed = registry.get("mini")
    assert installed.version == "1.1.0" and installed.changed == {"h-single": "1.1.0"}
    assert sorted(p.name for p in (registry.root / "mini").iterdir()) == ["1.1.0"]


def test_interrupted_install_leaves_the_previous_version_working(registry, mini_pack, monkeypatch):
    install_pack(registry, mini_pack)
    bump(mini_pack, "2.0.0")

    def interrupted(self, state):
        raise KeyboardInterrupt

    monkeypatch.setattr(PackRegistry, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        install_pack(registry, mini_pack)
    monkeypatch.undo()
    live = registry.get("mini")
    assert live.version == "1.0.0" and live.path.is_dir()
    assert sorted(p.name for p in (registry.root / "mini").iterdir()) == ["1.0.0"]
    assert not list(registry.root.glob(".staging-*"))
    assert Catalog.load(data_dir=registry.root.parent).pack("mini").manifest.version == "1.0.0"


def test_disabled_and_removed_packs_leave_the_catalog(registry, mini_pack):
    install_pack(registry, mini_pack)
    data_dir = registry.root.parent
    assert Catalog.load(data_dir=data_dir).pack("mini") is not None
    registry.set_enabled("mini", False)
    assert Catalog.load(data_dir=data_dir).pack("mini") is None
    registry.set_enabled("mini", True)
    registry.forget("mini")
    assert Catalog.load(data_dir=data_dir).pack("mini") is None
    assert not (registry.root / "mini").exists()


def test_the_bundled_course_id_cannot_be_taken(registry, mini_pack):
    manifest = mini_pack / "pack.yaml"
    manifest.write_text(manifest.read_text().replace("id: mini", "id: lambda-core"))
    with pytest.raises(InstallError, match="bundled course"):
        install_pack(registry, mini_pack)


@pytest.mark.slow
def test_a_python_distribution_offers_a_pack_through_its_entry_point(tmp_path, registry, mini_pack, monkeypatch):
    project = tmp_path / "dist-src"
    package = project / "mini_course"
    shutil.copytree(mini_pack, package / "pack")
    (package / "__init__.py").write_text(
        "from pathlib import Path\n\ndef pack_root():\n    return Path(__file__).parent / 'pack'\n"
    )
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "mini-course"\nversion = "1.0.0"\n'
        '[project.entry-points."lambdalearn.packs"]\nmini = "mini_course:pack_root"\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["mini_course"]\n'
    )
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(project)], check=True)
    site = tmp_path / "site"
    zipfile.ZipFile(next(wheels.glob("*.whl"))).extractall(site)  # a pure wheel installs by unpacking
    monkeypatch.syspath_prepend(str(site))
    [offered] = registry.entry_point_packs()
    assert (offered.name, offered.distribution, offered.enabled) == ("mini", "mini-course", True)
    assert Catalog.load(data_dir=registry.root.parent).pack("mini") is not None
    registry.set_enabled("mini", False)
    assert Catalog.load(data_dir=registry.root.parent).pack("mini") is None
    result = install_pack(registry, "mini")
    assert result.pack.id == "mini" and registry.get("mini").source == "entry point mini"
    assert json.loads((registry.root / "registry.json").read_text())["disabled_entry_points"] == ["mini"]
