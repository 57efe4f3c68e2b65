"""Unpacking pack archives (.zip, .tar.gz) as if every archive were hostile.

Refused, each with a clear message and nothing written outside the staging folder: absolute paths, `..`
components (zip-slip), symlinks and hard links, device files and FIFOs, more than `MAX_ENTRIES` entries,
more than `MAX_BYTES` unpacked, paths deeper than `MAX_DEPTH` folders or with names longer than the file system
takes, and damaged archives (a truncated stream, a size the zip directory understates). Sizes are checked against what is really written, not only what the
headers claim, so a lying header cannot smuggle a zip bomb past the limit.
"""

from __future__ import annotations

import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

MAX_ENTRIES = 10_000
MAX_BYTES = 100 * 1024 * 1024
MAX_DEPTH = 32  # folders within folders; deeper trees make recursive walks (rglob, rmtree) fail
MAX_NAME_BYTES = 255  # one path component, as most file systems allow
_CHUNK = 64 * 1024


class UnsafeArchive(Exception):
    """The archive was refused; `str()` says which entry and why."""


def is_archive(path: Path) -> bool:
    name = path.name.lower()
    return path.is_file() and (name.endswith(".zip") or name.endswith(".tar.gz") or name.endswith(".tgz"))


def extract(archive: Path, staging: Path, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
    """Unpack `archive` into the empty folder `staging`, or raise UnsafeArchive (leaving only staging dirty)."""
    name = archive.name.lower()
    if name.endswith(".zip"):
        members = _zip_members(archive, max_entries, max_bytes)
    elif name.endswith((".tar.gz", ".tgz")):
        members = _tar_members(archive)
    else:
        raise UnsafeArchive(f"{archive.name}: not a .zip or .tar.gz archive")
    try:
        _unpack(archive.name, members, staging, max_entries, max_bytes)
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError) as exc:
        raise UnsafeArchive(f"{archive.name}: the archive is damaged or truncated ({exc or type(exc).__name__})") from None


def _unpack(archive_name: str, members: Iterator[tuple[str, str, object]], staging: Path, max_entries: int,
            max_bytes: int) -> None:
    written = 0
    for count, (entry_name, kind, opener) in enumerate(members, start=1):
        if count > max_entries:
            raise UnsafeArchive(f"{archive_name}: more than {max_entries:,} entries; refusing to unpack")
        target = staging.joinpath(*_safe_parts(archive_name, entry_name))
        try:
            if kind == "dir":
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                raise UnsafeArchive(f"{archive_name}: entry '{entry_name}' appears twice")
            with opener() as source, open(target, "xb") as sink:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    if written > max_bytes:
                        raise UnsafeArchive(
                            f"{archive_name}: unpacks to more than {_megabytes(max_bytes)}; refusing (zip bomb?)"
                        )
                    sink.write(chunk)
        except OSError as exc:  # named without the staging folder, which means nothing to the learner
            raise UnsafeArchive(f"{archive_name}: entry '{entry_name}' cannot be unpacked: {exc.strerror or exc}") from None


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"


def _safe_parts(archive_name: str, entry_name: str) -> tuple[str, ...]:
    if "\\" in entry_name or "\x00" in entry_name:
        raise UnsafeArchive(f"{archive_name}: entry '{entry_name}' has a backslash or NUL in its name")
    path = PurePosixPath(entry_name)
    if path.is_absolute() or (entry_name[1:2] == ":"):
        raise UnsafeArchive(f"{archive_name}: entry '{entry_name}' is an absolute path")
    parts = tuple(part for part in path.parts if part not in ("", "."))
    if ".." in parts:
        raise UnsafeArchive(f"{archive_name}: entry '{entry_name}' climbs out with '..'")
    if not parts:
        raise UnsafeArchive(f"{archive_name}: entry '{entry_name}' has no name")
    if len(parts) > MAX_DEPTH:
        raise UnsafeArchive(f"{archive_name}: entry '{entry_name[:80]}...' is more than {MAX_DEPTH} folders deep")
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for part in parts):
        raise UnsafeArchive(f"{archive_name}: entry '{entry_name[:80]}...' has a name longer than {MAX_NAME_BYTES} bytes")
    return parts


def _zip_members(archive: Path, max_entries: int, max_bytes: int) -> Iterator[tuple[str, str, object]]:
    try:
        bundle = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeArchive(f"{archive.name}: not a readable zip file ({exc})") from None
    with bundle:
        infos = bundle.infolist()
        if len(infos) > max_entries:
            raise UnsafeArchive(f"{archive.name}: more than {max_entries:,} entries; refusing to unpack")
        if sum(info.file_size for info in infos) > max_bytes:
            raise UnsafeArchive(f"{archive.name}: unpacks to more than {_megabytes(max_bytes)}; refusing (zip bomb?)")
        for info in infos:
            kind_bits = stat.S_IFMT(info.external_attr >> 16)  # 0 when the zip tool recorded no file type
            if kind_bits == stat.S_IFLNK:
                raise UnsafeArchive(f"{archive.name}: entry '{info.filename}' is a symbolic link")
            if kind_bits not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise UnsafeArchive(f"{archive.name}: entry '{info.filename}' is a device file or pipe")
            kind = "dir" if info.is_dir() else "file"
            yield info.filename, kind, (lambda info=info: bundle.open(info))


def _tar_members(archive: Path) -> Iterator[tuple[str, str, object]]:
    try:
        bundle = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise UnsafeArchive(f"{archive.name}: not a readable .tar.gz file ({exc})") from None
    with bundle:
        for member in bundle:
            if member.issym():
                raise UnsafeArchive(f"{archive.name}: entry '{member.name}' is a symbolic link")
            if member.islnk():
                raise UnsafeArchive(f"{archive.name}: entry '{member.name}' is a hard link")
            if member.isdev() or member.isfifo():
                raise UnsafeArchive(f"{archive.name}: entry '{member.name}' is a device file or pipe")
            if member.isdir():
                yield member.name, "dir", None
            elif member.isfile():
                yield member.name, "file", (lambda member=member: _tar_reader(bundle, member))
            else:
                raise UnsafeArchive(f"{archive.name}: entry '{member.name}' is not a regular file")


def _tar_reader(bundle: tarfile.TarFile, member: tarfile.TarInfo) -> BinaryIO:
    reader = bundle.extractfile(member)
    if reader is None:  # pragma: no cover - regular files always have a reader
        raise UnsafeArchive(f"entry '{member.name}' cannot be read")
    return reader
