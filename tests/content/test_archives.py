"""Hostile archives are refused, each with a clear message, and nothing lands outside the staging folder."""

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from lambdalearn.content.archives import UnsafeArchive, extract


def make_zip(path: Path, entries: list[tuple[str, bytes, int | None]]) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data, mode in entries:
            info = zipfile.ZipInfo(name)
            if mode is not None:
                info.external_attr = mode << 16
            bundle.writestr(info, data)
    return path


def make_tar(path: Path, members: list[tarfile.TarInfo], data: dict[str, bytes] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as bundle:
        for member in members:
            payload = (data or {}).get(member.name)
            if payload is not None:
                member.size = len(payload)
            bundle.addfile(member, io.BytesIO(payload) if payload is not None else None)
    return path


def tar_member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def everything_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.fixture
def sandbox(tmp_path):
    """A staging folder inside a parent we can watch for escapes."""
    staging = tmp_path / "parent" / "staging"
    staging.mkdir(parents=True)
    return staging


def refuse(archive: Path, staging: Path, message: str, **limits) -> None:
    """Extraction fails with `message`, and nothing appears beside the staging folder or above it."""

    def outside() -> set[str]:
        return {p for p in everything_under(staging.parent.parent)
                if not p.startswith(f"{staging.parent.name}/{staging.name}")}

    before = outside()
    with pytest.raises(UnsafeArchive, match=message):
        extract(archive, staging, **limits)
    assert outside() == before, f"written outside staging: {outside() - before}"
    assert not Path("/tmp/lambdalearn-evil.txt").exists()


def test_zip_slip_with_dot_dot(tmp_path, sandbox):
    archive = make_zip(tmp_path / "a.zip", [("pack/ok.txt", b"ok", None), ("../../evil.txt", b"x", None)])
    refuse(archive, sandbox, "climbs out with '..'")


def test_absolute_paths(tmp_path, sandbox):
    archive = make_zip(tmp_path / "a.zip", [("/tmp/lambdalearn-evil.txt", b"x", None)])
    refuse(archive, sandbox, "is an absolute path")
    tgz = make_tar(tmp_path / "a.tar.gz", [tar_member("/tmp/lambdalearn-evil.txt")], {"/tmp/lambdalearn-evil.txt": b"x"})
    refuse(tgz, sandbox, "is an absolute path")


def test_symlinks_in_zip_and_tar(tmp_path, sandbox):
    archive = make_zip(tmp_path / "a.zip", [("link", b"/etc/passwd", 0o120777)])
    refuse(archive, sandbox, "is a symbolic link")
    tgz = make_tar(tmp_path / "a.tar.gz", [tar_member("link", tarfile.SYMTYPE, "/etc/passwd")])
    refuse(tgz, sandbox, "is a symbolic link")


def test_hard_links(tmp_path, sandbox):
    tgz = make_tar(tmp_path / "a.tar.gz", [tar_member("hard", tarfile.LNKTYPE, "/etc/passwd")])
    refuse(tgz, sandbox, "is a hard link")


def test_device_files_and_fifos(tmp_path, sandbox):
    tgz = make_tar(tmp_path / "a.tar.gz", [tar_member("dev", tarfile.CHRTYPE)])
    refuse(tgz, sandbox, "device file or pipe")
    fifo = make_tar(tmp_path / "b.tar.gz", [tar_member("pipe", tarfile.FIFOTYPE)])
    refuse(fifo, sandbox, "device file or pipe")
    archive = make_zip(tmp_path / "c.zip", [("dev", b"", 0o020644)])
    refuse(archive, sandbox, "device file or pipe")


def test_too_many_entries(tmp_path, sandbox):
    archive = make_zip(tmp_path / "many.zip", [(f"f{i}.txt", b"", None) for i in range(30)])
    refuse(archive, sandbox, "more than 20 entries", max_entries=20)
    sandbox = sandbox.parent / "staging2"
    sandbox.mkdir()
    members = [tar_member(f"f{i}.txt") for i in range(30)]
    tgz = make_tar(tmp_path / "many.tar.gz", members, {m.name: b"" for m in members})
    refuse(tgz, sandbox, "more than 20 entries", max_entries=20)


def test_zip_bomb_by_real_size(tmp_path, sandbox):
    archive = make_zip(tmp_path / "bomb.zip", [("big.txt", b"0" * 50_000, None)])
    refuse(archive, sandbox, "unpacks to more than", max_bytes=10_000)
    sandbox = sandbox.parent / "staging2"
    sandbox.mkdir()
    tgz = make_tar(tmp_path / "bomb.tar.gz", [tar_member("big.txt")], {"big.txt": b"0" * 50_000})
    refuse(tgz, sandbox, "unpacks to more than", max_bytes=10_000)


def test_zip_bomb_by_declared_size_is_refused_before_unpacking(tmp_path, sandbox):
    archive = make_zip(tmp_path / "bomb.zip", [("a.txt", b"0" * 800, None), ("b.txt", b"0" * 800, None)])
    refuse(archive, sandbox, "unpacks to more than", max_bytes=1000)
    assert list(sandbox.iterdir()) == []


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_duplicate_entries(tmp_path, sandbox):
    archive = make_zip(tmp_path / "dup.zip", [("a.txt", b"1", None), ("a.txt", b"2", None)])
    refuse(archive, sandbox, "appears twice")


def test_not_an_archive(tmp_path, sandbox):
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"hello")
    refuse(fake, sandbox, "not a readable zip file")


def test_a_good_archive_unpacks(tmp_path, sandbox):
    archive = make_zip(tmp_path / "ok.zip", [("pack/pack.yaml", b"id: x\n", None), ("pack/content/a.md", b"hi", None)])
    extract(archive, sandbox)
    assert (sandbox / "pack" / "content" / "a.md").read_bytes() == b"hi"
    assert os.listdir(sandbox.parent) == ["staging"]
