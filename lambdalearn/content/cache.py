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

Beside the files' entries, the cache holds a snapshot of the pack as last loaded: when every source file
(`loader.source_paths`: none added or removed) still has the identity it had, the snapshot is the pack,
and neither the entries nor the checks across files are read again. A hash taken because a file had just
been modified is dropped once that file, found unchanged, is old enough for its mtime to show any change.
Its decks' questions stay pickled (`LazyQuestions`) until something asks for them: the course map of a
start needs lessons, labs and counts, not the text of thousands of questions, so a big pack installed
beside the course costs its map little.

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
from stat import S_ISDIR
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from lambdalearn import __version__
from lambdalearn.content.loader import FileLoads, load_pack, source_paths
from lambdalearn.content.models import Deck, Pack
from lambdalearn.content.problems import Problem
from lambdalearn.content.questions import Question

FORMAT = 2  # 2: the snapshot beside the entries, questions pickled per deck
RACY_NS = 3_000_000_000  # files modified this recently (3 s) are also identified by a hash of their bytes
CODE_DIR = Path(__file__).parent

Identity = tuple[tuple[str, int, int, str | None], ...]  # (relative path, size, mtime_ns, sha256 or None)


def load_pack_cached(root: Path, data_dir: Path) -> Pack:
    """`load_pack(root)`, answered from the data folder's cache: the snapshot when no source changed,
    else each unchanged file's entry."""
    root = Path(root)
    stored = CacheFile(cache_file(root.resolve(), data_dir), header(root.resolve()))
    snapshot = stored.snapshot()
    if snapshot is not None:
        files, pack = snapshot
        if unchanged(root, files):
            stored.settle()
            return pack if pack.root == root else replace(pack, root=root)
    loads = CachedLoads(stored, root)
    pack = load_pack(root, loads)
    loads.save(pack)
    return pack


def unchanged(root: Path, files: dict[str, Identity]) -> bool:
    """True when the pack's sources are the files of `files`, each with the identity it had."""
    current = source_paths(root)
    if len(current) != len(files):
        return False
    prefix = len(str(root)) + 1  # every source path is under root: slicing costs less than relative_to
    for path in current:
        identity = files.get(str(path)[prefix:].replace(os.sep, "/"))
        if identity is None or not still_same(path, identity):
            return False
    return True


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


class CacheFile:
    """The cache file of one pack folder: a JSON header line (with the body's SHA-256), then one pickle of
    the files' entries and the snapshot. The body is unpickled only if the header is the `expected` one and
    the digest matches: a damaged or foreign file is ignored whole, and rewritten. Questions are pickled
    once, in their deck's `LazyQuestions`, which the entries and the snapshot share."""

    def __init__(self, path: Path, expected: dict[str, Any]) -> None:
        self.path = path
        self.expected = expected
        self.entries: dict[str, tuple] = {}
        self.pack: Pack | None = None
        try:
            raw = path.read_bytes()
            cut = raw.index(b"\n")
            found = json.loads(raw[:cut])
            body = memoryview(raw)[cut + 1:]  # a view: copying megabytes costs as much as hashing them
            if not isinstance(found, dict) or found.pop("body_sha256", None) != hashlib.sha256(body).hexdigest():
                return
            if found != expected:
                return
            entries, pack = pickle.loads(body)
            if isinstance(entries, dict) and isinstance(pack, Pack):
                self.entries, self.pack = entries, pack
        except Exception:  # missing, unreadable, damaged: the sources are read instead, and the cache rewritten
            pass

    def snapshot(self) -> tuple[dict[str, Identity], Pack] | None:
        """The pack as last loaded, with the identity of each source it was loaded from."""
        if self.pack is None:
            return None
        return {key: entry[0] for key, entry in self.entries.items()}, self.pack

    def settle(self) -> None:
        """Drop the hashes of files that were modified just before they were cached and have since been found
        unchanged once their mtime is old enough to tell any later change (RACY_NS): otherwise a pack copied
        moments before its first start would have every file read and hashed on every start after it."""
        now = time.time_ns()
        settled, changed = {}, False
        for key, (identity, inputs, value, found) in self.entries.items():
            if any(digest is not None and now - mtime_ns >= RACY_NS for _rel, _size, mtime_ns, digest in identity):
                identity = tuple((rel, size, mtime_ns, digest if now - mtime_ns < RACY_NS else None)
                                 for rel, size, mtime_ns, digest in identity)
                changed = True
            settled[key] = (identity, inputs, value, found)
        if changed and self.pack is not None:
            self.entries = settled
            self.write(settled, self.pack)

    def write(self, entries: dict[str, tuple], pack: Pack) -> None:
        """Replace the file at once; a failure to write only costs speed next time."""
        body = pickle.dumps((entries, pack), protocol=pickle.HIGHEST_PROTOCOL)
        head = json.dumps({**self.expected, "body_sha256": hashlib.sha256(body).hexdigest()}).encode("utf-8")
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


class CachedLoads(FileLoads):
    """`FileLoads` that answers from the cache file's entries, and remembers what it used for `save`."""

    def __init__(self, stored: CacheFile, root: Path) -> None:
        self.file = stored
        self.root = root  # as the caller spelled it: the loaded paths keep that spelling
        self.stored: dict[str, tuple] = stored.entries
        self.used: dict[str, tuple] = {}

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
        self.used[key] = entry
        problems.extend(found)
        return value

    def save(self, pack: Pack) -> None:
        """Write the entries used and the snapshot of `pack`, which was assembled from them; each deck's
        questions are kept pickled (once: a deck of the pack shares them with its file's entry)."""
        entries = {}
        for key, (identity, inputs, value, found) in self.used.items():
            if isinstance(value, Deck) and not isinstance(value.questions, LazyQuestions):
                value = replace(value, questions=LazyQuestions.of(value.questions))
            entries[key] = (identity, inputs, value, found)
        self.file.write(entries, replace(pack, decks=tuple(self._lazy(deck, entries) for deck in pack.decks)))

    @staticmethod
    def _lazy(deck: Deck, entries: dict[str, tuple]) -> Deck:
        entry = entries.get(deck.source)
        stored = entry[2].questions if entry is not None and isinstance(entry[2], Deck) else None
        if stored is not None and len(stored) == len(deck.questions) and all(
                a is b for a, b in zip(stored, deck.questions)):
            return replace(deck, questions=stored)
        return replace(deck, questions=LazyQuestions.of(tuple(deck.questions)))  # some were dropped as duplicates


class LazyQuestions(Sequence[Question]):
    """A deck's questions, unpickled on first use. Counting them does not unpickle them; comparing and
    hashing behave as the tuple's."""

    def __init__(self, blob: bytes, count: int) -> None:
        self._blob = blob
        self._count = count
        self._questions: tuple[Question, ...] | None = None

    @classmethod
    def of(cls, questions: Sequence[Question]) -> LazyQuestions:
        lazy = cls(pickle.dumps(tuple(questions), protocol=pickle.HIGHEST_PROTOCOL), len(questions))
        lazy._questions = tuple(questions)  # the writer has them: only the next reader unpickles
        return lazy

    @property
    def questions(self) -> tuple[Question, ...]:
        if self._questions is None:
            self._questions = pickle.loads(self._blob)
        return self._questions

    @property
    def loaded(self) -> bool:
        return self._questions is not None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):  # type: ignore[override]
        return self.questions[index]

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (tuple, LazyQuestions)):
            return self.questions == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.questions)

    def __repr__(self) -> str:
        return repr(self.questions) if self.loaded else f"LazyQuestions({self._count} not loaded)"

    def __reduce__(self):
        return (LazyQuestions, (self._blob, self._count))


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
        found_stat = os.stat(path)  # one stat tells a file from a folder (is_dir, then stat, cost two)
        if not S_ISDIR(found_stat.st_mode):
            return [("", found_stat.st_size, found_stat.st_mtime_ns)]
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
