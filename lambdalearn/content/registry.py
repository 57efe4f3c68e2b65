"""The learner's installed packs: which are there, which version is live, which are enabled.

Layout under the data folder:

    packs/registry.json          the state below, replaced atomically on every change
    packs/<id>/<version>/        one folder per installed pack id and version
    packs/.staging-*/            work folders of installs in progress (removed when done or on next start)

`registry.json` is the single commit point of an install: until it names the new folder, the previous
version stays live, so a failed or interrupted install changes nothing the learner sees.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from lambdalearn.content.offered import offered_entry_points

if TYPE_CHECKING:
    from importlib import metadata

ENTRY_POINT_GROUP = "lambdalearn.packs"
_FORMAT = 1


class RegistryError(Exception):
    """The registry cannot be read or changed; `str()` says why."""


@dataclass(frozen=True)
class InstalledPack:
    id: str
    version: str
    path: Path
    source: str
    enabled: bool
    installed_at: str
    changed: dict[str, str] = field(default_factory=dict)  # item id -> version in which its content changed


@dataclass(frozen=True)
class EntryPointPack:
    name: str
    distribution: str
    path: Path | None
    error: str | None
    enabled: bool


class PackRegistry:
    """Reads and writes `packs/registry.json` under a data folder."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / "packs"
        self.file = self.root / "registry.json"

    def _read(self) -> dict:
        if not self.file.is_file():
            return {"format": _FORMAT, "packs": {}, "disabled_entry_points": []}
        try:
            state = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RegistryError(f"{self.file}: the pack registry is unreadable ({exc}); {self._repair_hint()}") from None
        if not isinstance(state, dict) or state.get("format") != _FORMAT:
            found = state.get("format") if isinstance(state, dict) else None
            raise RegistryError(f"{self.file}: written by another version of lambdalearn (format {found!r})")
        problem = registry_problem(state)
        if problem:
            raise RegistryError(f"{self.file}: the pack registry is damaged ({problem}); {self._repair_hint()}")
        return state

    def _repair_hint(self) -> str:
        return (f"move it aside (for example `mv {self.file} {self.file}.bad`), then `lambdalearn pack install` "
                "your packs again (your progress is kept)")

    def _write(self, state: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".registry-", suffix=".json", dir=self.root)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.file)

    def installed(self) -> list[InstalledPack]:
        packs = []
        for pack_id, entry in sorted(self._read()["packs"].items()):
            packs.append(InstalledPack(
                id=pack_id, version=entry["version"], path=self.root / pack_id / entry["folder"],
                source=entry["source"], enabled=entry["enabled"], installed_at=entry["installed_at"],
                changed=dict(entry.get("changed", {})),
            ))
        return packs

    def get(self, pack_id: str) -> InstalledPack | None:
        return next((p for p in self.installed() if p.id == pack_id), None)

    def commit_install(self, pack_id: str, version: str, folder: str, source: str, installed_at: str,
                       changed: dict[str, str]) -> str | None:
        """Make `folder` the live copy of `pack_id`; returns the folder it replaced, if any."""
        state = self._read()
        previous = state["packs"].get(pack_id)
        kept_changes = dict(previous.get("changed", {})) if previous else {}
        kept_changes.update(changed)
        state["packs"][pack_id] = {
            "version": version, "folder": folder, "source": source, "installed_at": installed_at,
            "enabled": previous["enabled"] if previous else True, "changed": kept_changes,
        }
        self._write(state)
        return previous["folder"] if previous and previous["folder"] != folder else None

    def forget(self, pack_id: str) -> InstalledPack:
        """Remove `pack_id` from the registry and delete its files; returns what was removed."""
        pack = self.get(pack_id)
        if pack is None:
            raise RegistryError(f"no installed pack '{pack_id}'")
        state = self._read()
        del state["packs"][pack_id]
        self._write(state)
        shutil.rmtree(self.root / pack_id, ignore_errors=True)
        return pack

    def set_enabled(self, name: str, enabled: bool) -> str:
        """Enable or disable an installed pack or an entry-point pack; returns what it was ("installed"...)."""
        state = self._read()
        if name in state["packs"]:
            state["packs"][name]["enabled"] = enabled
            kind = "installed"
        elif any(ep.name == name for ep in self.entry_point_packs()):
            disabled = set(state.get("disabled_entry_points", []))
            (disabled.discard if enabled else disabled.add)(name)
            state["disabled_entry_points"] = sorted(disabled)
            kind = "entry point"
        else:
            raise RegistryError(f"no installed pack '{name}'")
        self._write(state)
        return kind

    def entry_point_packs(self) -> list[EntryPointPack]:
        """Packs that installed Python distributions offer through the `lambdalearn.packs` entry points."""
        disabled = set(self._read().get("disabled_entry_points", []))
        found = []
        for offered in offered_entry_points(ENTRY_POINT_GROUP, self.root.parent):
            try:
                path, error = resolve_entry_point(offered.entry_point(ENTRY_POINT_GROUP)), None
            except (Exception, SystemExit) as exc:  # a broken third-party package must not break the app
                path, error = None, describe_entry_point_failure(exc)
            found.append(EntryPointPack(offered.name, offered.distribution, path, error, offered.name not in disabled))
        return found

    def clean_staging(self) -> None:
        """Remove work folders left by installs that were interrupted."""
        if self.root.is_dir():
            for leftover in self.root.glob(".staging-*"):
                shutil.rmtree(leftover, ignore_errors=True)


def registry_problem(state: dict) -> str | None:
    """The first thing wrong in a registry's state, or None. Folder names must be plain child names: a
    `"folder": "../../x"` would make a reinstall delete a folder outside the data directory."""
    packs, disabled = state.get("packs"), state.get("disabled_entry_points", [])
    if not isinstance(packs, dict):
        return "'packs' must be an object"
    if not isinstance(disabled, list) or not all(isinstance(name, str) for name in disabled):
        return "'disabled_entry_points' must be a list of names"
    for pack_id, entry in packs.items():
        if not _plain_name(pack_id):
            return f"pack id {pack_id!r} is not a plain folder name"
        if not isinstance(entry, dict):
            return f"packs.{pack_id} must be an object"
        for key in ("version", "folder", "source", "installed_at"):
            if not isinstance(entry.get(key), str):
                return f"packs.{pack_id}.{key} must be a string"
        if not _plain_name(entry["folder"]):
            return f"packs.{pack_id}.folder {entry['folder']!r} is not a plain folder name"
        if not isinstance(entry.get("enabled"), bool):
            return f"packs.{pack_id}.enabled must be true or false"
        changed = entry.get("changed", {})
        if not isinstance(changed, dict) or not all(isinstance(v, str) for v in changed.values()):
            return f"packs.{pack_id}.changed must map question ids to versions"
    return None


def _plain_name(name: object) -> bool:
    """A single path component that stays inside its parent: no separators, no `..`, nothing hidden."""
    return (isinstance(name, str) and 0 < len(name) <= 255 and name not in (".", "..")
            and not name.startswith(".") and not any(char in name for char in "/\\\x00"))


def describe_entry_point_failure(error: BaseException) -> str:
    """What went wrong in a distribution's entry point, in one line (it may even have called sys.exit)."""
    if isinstance(error, SystemExit):
        return f"it called sys.exit({error.code!r}) while loading"
    return " ".join(f"{type(error).__name__}: {error}".split())


def resolve_entry_point(ep: metadata.EntryPoint) -> Path:
    """The pack folder an entry point names: a path, a module (its folder) or a callable returning a path."""
    value = ep.load()
    if callable(value) and not isinstance(value, ModuleType):
        value = value()
    if isinstance(value, ModuleType):
        if value.__file__ is None:
            raise ValueError(f"module {value.__name__} has no folder")
        value = Path(value.__file__).parent
    path = Path(value)
    if not (path / "pack.yaml").is_file():
        raise ValueError(f"{path} has no pack.yaml")
    return path
