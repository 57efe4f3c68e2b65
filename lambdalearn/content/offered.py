"""Which installed Python distributions offer packs (entry points of the group `lambdalearn.packs`), remembered
in the data folder between starts.

Asking importlib.metadata means importing it (email, zipfile, csv and more) and reading the metadata of every
distribution on sys.path, on every start of the app and every command, to find usually none: about 15 ms,
a tenth of `lambdalearn stats`. A distribution's entry points live in its `*.dist-info` (or `*.egg-info`)
folder right inside an entry of sys.path, and pip installs, upgrades and removes such a folder as a whole,
which changes that entry's mtime. So the answer is kept with sys.path and the mtime of each entry, and asked
again when any of them changed; while an entry was modified too recently for its mtime to tell two changes
apart (the pack cache's RACY_NS), nothing is remembered. An `entry_points.txt` edited in place by hand is
seen once anything is installed or removed (or the file `<data dir>/cache/entry_points.json` deleted).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lambdalearn.content.cache import RACY_NS

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

_FORMAT = 1


class Offered(NamedTuple):
    """An entry point of the group, as remembered: enough to list it and to load it."""

    name: str
    value: str  # "module:attribute"
    distribution: str  # "?" when importlib.metadata did not say

    def entry_point(self, group: str) -> EntryPoint:
        from importlib.metadata import EntryPoint

        return EntryPoint(self.name, self.value, group)


def offered_entry_points(group: str, data_dir: Path | None) -> list[Offered]:
    """The group's entry points, sorted by name: from the data folder's record when sys.path is unchanged."""
    key = [group, *path_identity()]
    settled = all(mtime is None or time.time_ns() - mtime >= RACY_NS for _entry, mtime in key[1:])
    record = data_dir / "cache" / "entry_points.json" if data_dir is not None and settled else None
    if record is not None:
        remembered = _read(record, key)
        if remembered is not None:
            return remembered
    from importlib import metadata

    found = sorted((Offered(ep.name, ep.value, ep.dist.name if ep.dist else "?")
                    for ep in metadata.entry_points(group=group)), key=lambda offered: offered.name)
    if record is not None:
        _write(record, key, found)
    return found


def path_identity() -> list[list]:
    """Each sys.path entry with its mtime in ns (None when it does not exist): what an install changes."""
    identity = []
    for entry in sys.path:
        try:
            mtime = os.stat(entry or ".").st_mtime_ns
        except OSError:
            mtime = None
        identity.append([os.path.abspath(entry or "."), mtime])
    return identity


def _read(record: Path, key: list) -> list[Offered] | None:
    """The remembered entry points if the record was written for `key` and is well formed, else None."""
    try:
        state = json.loads(record.read_text(encoding="utf-8"))
        if state["format"] != _FORMAT or state["key"] != key:
            return None
        return [Offered(*(str(part) for part in point)) for point in state["points"] if len(point) == 3]
    except (OSError, ValueError, KeyError, TypeError):  # missing or damaged: asked again, and rewritten
        return None


def _write(record: Path, key: list, found: list[Offered]) -> None:
    """Replace the record atomically; a record that cannot be written costs only time on the next start."""
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=record.parent, prefix=".tmp-", suffix=".json", delete=False,
                                         encoding="utf-8") as out:
            json.dump({"format": _FORMAT, "key": key, "points": [list(point) for point in found]}, out)
        os.replace(out.name, record)
    except OSError:
        try:
            os.unlink(out.name)
        except (OSError, UnboundLocalError):
            pass
