"""`pack build`: a reproducible archive of a pack that `pack install` accepts.

The same pack folder always gives the same bytes: entries sorted, timestamps fixed, permissions fixed, one
compression level, and a `CHECKSUMS.sha256` manifest inside that install verifies.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lambdalearn.content.loader import load_pack
from lambdalearn.content.problems import Problem

CHECKSUMS = "CHECKSUMS.sha256"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_PACK_PARTS = ("pack.yaml", "content", "quizzes", "labs", "assets")
_TOP_FILES = ("README", "LICENSE", "CHANGELOG")
_SKIP_NAMES = {"__pycache__", ".git", ".DS_Store"}


class BuildError(Exception):
    def __init__(self, message: str, problems: tuple[Problem, ...] = ()):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class BuildResult:
    path: Path
    files: int
    sha256: str


def pack_files(root: Path) -> list[Path]:
    """The files that belong in the archive, relative to `root`, sorted."""
    found: list[Path] = []
    for entry in root.iterdir():
        if entry.name in _PACK_PARTS or (entry.is_file() and entry.name.upper().startswith(_TOP_FILES)):
            items = [entry] if entry.is_file() else sorted(entry.rglob("*"))
            for item in items:
                rel = item.relative_to(root)
                if item.is_symlink():
                    raise BuildError(f"{rel}: symbolic links are not allowed in a pack")
                if item.is_file() and not (_SKIP_NAMES & set(rel.parts)) and not item.name.endswith(".pyc"):
                    found.append(rel)
    return sorted(found, key=lambda p: p.as_posix())


def build_pack(root: Path, output: Path | None = None) -> BuildResult:
    """Validate `root`, then write `<id>-<version>.zip` (or `output`)."""
    pack = load_pack(root)
    if pack.problems:
        raise BuildError(f"{root}: the pack has {len(pack.problems)} problem(s); nothing was built", pack.problems)
    top = f"{pack.id}-{pack.manifest.version}"
    output = output or Path.cwd() / f"{top}.zip"
    files = pack_files(root)
    sums = "".join(f"{hashlib.sha256((root / rel).read_bytes()).hexdigest()}  {rel.as_posix()}\n" for rel in files)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    with zipfile.ZipFile(tmp, "w") as bundle:
        _add(bundle, f"{top}/{CHECKSUMS}", sums.encode("utf-8"))
        for rel in files:
            _add(bundle, f"{top}/{rel.as_posix()}", (root / rel).read_bytes())
    tmp.replace(output)
    return BuildResult(output, len(files), hashlib.sha256(output.read_bytes()).hexdigest())


def verify_checksums(root: Path) -> list[str]:
    """Problems with `root`'s CHECKSUMS.sha256 (none when it is absent or every file matches)."""
    manifest = root / CHECKSUMS
    if not manifest.is_file():
        return []
    problems = []
    listed = set()
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        digest, _, rel = line.partition("  ")
        listed.add(rel)
        path = root / rel
        if not path.is_file():
            problems.append(f"{CHECKSUMS}:{number}: {rel} is listed but missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{CHECKSUMS}:{number}: {rel} does not match its checksum (damaged or altered)")
    for rel in pack_files(root):
        if rel.as_posix() not in listed:
            problems.append(f"{CHECKSUMS}: {rel.as_posix()} is in the archive but not in the checksums")
    return problems


def _add(bundle: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.external_attr = 0o100644 << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    bundle.writestr(info, data, compresslevel=9)
