"""Several lambdalearn processes on one progress database: none may take a healthy file for a broken one.

The bug this pins: a process opening the database while another checkpointed a growing WAL read a page count
larger than the file, called the file truncated, and renamed it away; the other process kept writing to the
renamed file and the learner's answers split between two databases.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lambdalearn.progress.store import ProgressStore

pytestmark = pytest.mark.slow

WORKER = Path(__file__).with_name("race_worker.py")
ANSWERS_PER_WRITER = 60


def spawn(*args: object) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WORKER), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("run", range(3))
def test_two_writers_beside_a_checkpointing_import_and_an_opener_keep_every_answer(tmp_path, run):
    data_dir = tmp_path / "data"
    ProgressStore.open(data_dir).close()
    processes = [
        spawn("importer", data_dir, 40),
        spawn("opener", data_dir, 4),
        spawn("writer", data_dir, "a", ANSWERS_PER_WRITER),
        spawn("writer", data_dir, "b", ANSWERS_PER_WRITER),
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, outputs):
        assert process.returncode == 0, err
        assert out == "", f"a process was told its database was unreadable: {out}"
    assert not list(data_dir.glob("progress.db.broken-*")), "a healthy database was moved aside"
    with ProgressStore.open(data_dir) as store:
        reviews = store.db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        notes = store.db.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
    assert reviews == 2 * ANSWERS_PER_WRITER
    assert notes == 40 * 400
