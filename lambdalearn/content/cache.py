"""A cache of loaded packs in the data folder, so start-up does not parse every lesson, deck and lab again.

One file per pack folder under `<data dir>/cache/packs/`, holding, for each file of the pack (each lab
folder as a whole), the models its loader returned and the problems it found, keyed by:
- the file's identity: size and mtime_ns, plus a SHA-256 of its bytes when it was modified so recently
  that a same-size rewrite within the file system's timestamp granularity could go unseen;
- the inputs it was loaded with (lesson difficulties for decks, lesson anchors for labs, see `load_pack`).
The whole file is keyed by the lambdalearn version, the Python version and a fingerprint of the source of
`lambdalearn/content/` (the models and their loaders): a cache written by other code is never trusted.
A changed file is loaded again, an added one loaded, a removed one dropped, and nothing else is touched.
A damaged, foreign or unreadable cache is ignored and rewritten; a cache that cannot be written costs only
speed. `pack validate` and `pack preview` do not use it: they always read the sources.

The header is checked, and the body's digest verified, before anything is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from lambdalearn import __version__
from lambdalearn.content.loader import FileLoads, load_pack
from lambdalearn.content.models import Pack
from lambdalearn.content.problems import Problem

FORMAT = 1
RACY_NS = 3_000_000_000  # files modified this recently (3 s) are also identified by a hash of their bytes
CODE_DIR = Path(__file__).parent

Identity = tuple[tuple[str, int, int, str | None], ...]  # (relative path, size, mtime_ns, sha256 or None)


def load_pack_cached(root: Path, data_dir: Path) -> Pack:
    """`load_pack(root)`, answered from the data folder's cache for every file that has not changed."""
    root = Path(root)
    loads = CachedLoads(cache_file(root.resolve(), data_dir), root)
    pack = load_pack(root, loads)
    loads.save()
    return pack


def cache_file(root: Path, data_dir: Path) -> Path:
    """Where the cache of the pack folder `root` lives."""
    name = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:24]
    return data_dir / "cache" / "packs" / f"{name}.pickle"


def header(root: Path) -> dict[str, Any]:
    """What a cache must have been written by to be trusted for `root`."""
    return {"format": FORMAT, "lambdalearn": __version__, "python": sys.version.split()[0],
            "code": code_fingerprint(), "root": str(root)}


def code_fingerprint() -> str:
    """A digest of the content package's source: models and loaders that change make older caches foreign."""
    digest = hashlib.sha256()
    for path in sorted(CODE_DIR.glob("*.py")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class CachedLoads(FileLoads):
    """`FileLoads` that answers from the cache file, and remembers what it had to read for `save`."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self.root = root  # as the caller spelled it: the loaded paths keep that spelling
        self.header = header(root.resolve())
        self.stored: dict[str, tuple] = read_entries(path, self.header)
        self.used: dict[str, tuple] = {}
        self.changed = False

    def load(self, path: Path, inputs: Hashable, problems: list[Problem], read: Callable[[list[Problem]], Any]) -> Any:
        key = path.relative_to(self.root).as_posix()
        entry = self.stored.get(key)
        if entry is not None and entry[1] == inputs and still_same(path, entry[0]):
            _identity, _inputs, value, found = entry
        else:
            identity = identify(path)  # before reading: a change made while reading shows next time
            found = []
            value = read(found)
            entry = (identity, inputs, value, found)
            self.changed = True
        self.used[key] = entry
        problems.extend(found)
        return value

    def save(self) -> None:
        """Write the cache when anything was read or dropped; a failure to write only costs speed next time."""
        if not self.changed and self.used.keys() == self.stored.keys():
            return
        body = pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL)
        head = json.dumps({**self.header, "body_sha256": hashlib.sha256(body).hexdigest()}).encode("utf-8")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.path.parent, prefix=".tmp-", delete=False) as out:
                out.write(head + b"\n" + body)
            os.replace(out.name, self.path)
        except OSError:
            try:
                os.unlink(out.name)
            except (OSError, UnboundLocalError):
                pass


def read_entries(path: Path, expected: dict[str, Any]) -> dict[str, tuple]:
    """The entries of the cache at `path` if it was written for `expected` and is intact, else none."""
    try:
        raw = path.read_bytes()
        head, _, body = raw.partition(b"\n")
        found = json.loads(head)
        if not isinstance(found, dict) or found.pop("body_sha256", None) != hashlib.sha256(body).hexdigest():
            return {}
        if found != expected:
            return {}
        entries = pickle.loads(body)
    except Exception:  # missing, unreadable, damaged: the sources are read instead, and the cache rewritten
        return {}
    return entries if isinstance(entries, dict) else {}


def identify(path: Path) -> Identity:
    """The identity of a file, or of every file under a folder (a lab), as `still_same` checks it."""
    now = time.time_ns()
    return tuple((rel, size, mtime_ns, _sha256(path / rel if rel else path) if now - mtime_ns < RACY_NS else None)
                 for rel, size, mtime_ns in stat_files(path) or [])


def still_same(path: Path, identity: Identity) -> bool:
    """True when every file of `identity` is unchanged and (for a folder) none was added or removed."""
    if [entry[:3] for entry in identity] != stat_files(path):
        return False
    return all(digest is None or _sha256(path / rel if rel else path) == digest for rel, _, _, digest in identity)


def stat_files(path: Path) -> list[tuple[str, int, int]] | None:
    """(path relative to `path`, size, mtime_ns) of the file, or of every file under the folder (Python
    caches left out), sorted; None when it is gone. os.scandir: pathlib's rglob costs more per lab than it reads."""
    try:
        if not path.is_dir():
            stat = path.stat()
            return [("", stat.st_size, stat.st_mtime_ns)]
        found: list[tuple[str, int, int]] = []
        folders = [("", str(path))]
        while folders:
            prefix, folder = folders.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name != "__pycache__":
                            folders.append((prefix + entry.name + "/", entry.path))
                    elif entry.is_file():
                        stat = entry.stat()
                        found.append((prefix + entry.name, stat.st_size, stat.st_mtime_ns))
        return sorted(found)
    except OSError:
        return None


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
