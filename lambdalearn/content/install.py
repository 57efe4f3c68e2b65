"""Installing a pack from a folder, an archive or a Python distribution's entry point, atomically.

Every install is staged in a private folder, validated in full, moved into `packs/<id>/<version>` and only
then made live by one atomic write of the registry. Any failure before that write (a bad pack, a hostile
archive, Ctrl-C) leaves the previous version working and removes what was staged.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from lambdalearn.content.archives import UnsafeArchive, extract, is_archive
from lambdalearn.content.build import CHECKSUMS, verify_checksums
from lambdalearn.content.bundled import bundled_pack_root
from lambdalearn.content.fingerprint import question_fingerprint
from lambdalearn.content.loader import load_pack
from lambdalearn.content.manifest import MANIFEST_FILE
from lambdalearn.content.models import Pack
from lambdalearn.content.problems import Problem
from lambdalearn.content.registry import PackRegistry, describe_entry_point_failure, resolve_entry_point

_IGNORED = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".DS_Store")


class InstallError(Exception):
    """The install was refused; `problems` holds the validation problems when that is why."""

    def __init__(self, message: str, problems: tuple[Problem, ...] = ()):
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class InstallResult:
    pack: Pack
    path: Path
    previous_version: str | None
    changed: tuple[str, ...]  # question ids whose content changed since the previous version
    removed: tuple[str, ...]  # question ids the new version no longer has (their progress is kept)


def install_pack(registry: PackRegistry, source: str | Path, confirm: Callable[[Pack], bool] | None = None) -> InstallResult:
    """Install `source` (a pack folder, a .zip/.tar.gz, or the name of a `lambdalearn.packs` entry point).

    `confirm` is asked once the pack is validated, before anything is placed (the command asks the learner
    about a pack with labs, whose Python runs with the learner's rights); False installs nothing.
    """
    registry.root.mkdir(parents=True, exist_ok=True)
    registry.clean_staging()
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=registry.root))
    placed: Path | None = None
    try:
        root = _stage(registry, str(source), staging)
        pack = load_pack(root)
        if pack.problems:
            raise InstallError(f"{source}: the pack has {len(pack.problems)} problem(s); nothing was installed", pack.problems)
        if pack.id == load_pack_id(bundled_pack_root()):
            raise InstallError(f"'{pack.id}' is the id of the bundled course; give your pack its own id")
        if confirm is not None and not confirm(pack):
            raise InstallError(f"{source}: not confirmed; nothing was installed (pass --yes to install it)")
        previous = registry.get(pack.id)
        changed, removed = _differences(load_pack(previous.path), pack) if previous and previous.path.is_dir() else ((), ())
        placed = _free_folder(registry.root / pack.id, pack.manifest.version)
        placed.parent.mkdir(parents=True, exist_ok=True)
        root.rename(placed)
        installed_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        replaced = registry.commit_install(
            pack.id, pack.manifest.version, placed.name, _describe(source), installed_at,
            {item: pack.manifest.version for item in changed},
        )
        placed_final, placed = placed, None  # committed: no longer ours to clean up
        if replaced:
            shutil.rmtree(registry.root / pack.id / replaced, ignore_errors=True)
        return InstallResult(load_pack(placed_final), placed_final, previous.version if previous else None, changed, removed)
    finally:
        if placed is not None:
            shutil.rmtree(placed, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)


def load_pack_id(root: Path) -> str | None:
    """The id of the pack at `root`, read cheaply (manifest only)."""
    import yaml

    try:
        data = yaml.safe_load((root / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    return data.get("id") if isinstance(data, dict) else None


def _stage(registry: PackRegistry, source: str, staging: Path) -> Path:
    path = Path(source).expanduser()
    if path.is_dir():
        return _copy_folder(path, staging / "pack")
    if is_archive(path):
        unpacked = staging / "unpacked"
        unpacked.mkdir()
        try:
            extract(path, unpacked)
        except UnsafeArchive as exc:
            raise InstallError(f"refused: {exc}; nothing was installed") from None
        root = _pack_root_in(unpacked, path.name)
        damaged = verify_checksums(root)
        if damaged:
            raise InstallError(f"{path.name}: the archive's checksums do not match: " + "; ".join(damaged[:5]))
        (root / CHECKSUMS).unlink(missing_ok=True)
        return root
    if path.exists():
        raise InstallError(f"{source}: not a pack folder, a .zip or a .tar.gz archive")
    offered = {ep.name: ep for ep in _entry_points()}
    if source in offered:
        try:
            root = resolve_entry_point(offered[source])
        except (Exception, SystemExit) as exc:  # third-party code: any failure is the entry point's
            raise InstallError(f"{source}: the entry point is broken ({describe_entry_point_failure(exc)}); "
                               "nothing was installed") from None
        return _copy_folder(root, staging / "pack")
    raise InstallError(
        f"{source}: no such folder or archive, and no installed Python distribution offers a pack by that name"
        + (f" (offered: {', '.join(sorted(offered))})" if offered else "")
    )


def _entry_points():
    from importlib import metadata

    from lambdalearn.content.registry import ENTRY_POINT_GROUP

    return metadata.entry_points(group=ENTRY_POINT_GROUP)


def _copy_folder(source: Path, target: Path) -> Path:
    for item in source.rglob("*"):
        if item.is_symlink():
            raise InstallError(f"{item}: symbolic links are not allowed in a pack")
    shutil.copytree(source, target, ignore=_IGNORED)
    return target


def _pack_root_in(unpacked: Path, archive_name: str) -> Path:
    """The folder holding pack.yaml: the archive's top level, or its single top-level folder."""
    if (unpacked / MANIFEST_FILE).is_file():
        return unpacked
    entries = [p for p in unpacked.iterdir() if p.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir() and (entries[0] / MANIFEST_FILE).is_file():
        return entries[0]
    raise InstallError(f"{archive_name}: no pack.yaml at the top of the archive or of its single top folder")


def _differences(old: Pack, new: Pack) -> tuple[tuple[str, ...], tuple[str, ...]]:
    before = {q.id: question_fingerprint(q) for q in old.questions()}
    after = {q.id: question_fingerprint(q) for q in new.questions()}
    changed = tuple(sorted(q for q in after if q in before and before[q] != after[q]))
    removed = tuple(sorted(q for q in before if q not in after))
    return changed, removed


def _free_folder(parent: Path, version: str) -> Path:
    candidate, n = parent / version, 1
    while candidate.exists():
        n += 1
        candidate = parent / f"{version}-{n}"
    return candidate


def _describe(source: str | Path) -> str:
    path = Path(source).expanduser()
    return str(path.resolve()) if path.exists() else f"entry point {source}"
