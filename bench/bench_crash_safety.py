"""Crash and concurrency trials of the progress database: figures, not a test (tests pin the behaviour).

kill -9: a writer process records answers one transaction at a time, printing each id once committed; it is
killed with SIGKILL at a random moment. The database must then pass `PRAGMA quick_check`, hold every answer
the writer reported committed (and at most the one in flight), and never be set aside.

Concurrent writers: two writers, a checkpointing bulk writer and a store opener at once (the race of issue
11, see tests/progress/race_worker.py); every answer must land in the one database.

    python bench/bench_crash_safety.py [--kills N] [--races N] [--seed S]
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKER = Path(__file__).resolve().parent.parent / "tests" / "progress" / "race_worker.py"
WRITER = """
import sys
from datetime import datetime, timezone
from lambdalearn.progress.reviews import record_answer
from lambdalearn.progress.store import ProgressStore
store = ProgressStore.open(sys.argv[1])
for index in range(100000):
    record_answer(store, "kill", f"q{index}", question_type="single", difficulty="beginner", rating=3,
                  correct=True, duration_ms=1, now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    print(index, flush=True)
"""


def kill_trial(rng: random.Random, folder: Path) -> tuple[bool, int, int]:
    """(sound, answers reported committed, answers found) after one SIGKILL."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(folder)], stdout=subprocess.PIPE, text=True)
    first = writer.stdout.readline()  # the writer is up and has committed once: kill it at a random moment
    time.sleep(rng.random())
    writer.send_signal(signal.SIGKILL)
    reported = len((first + writer.communicate()[0]).split())
    with sqlite3.connect(folder / "progress.db") as db:
        sound = db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        found = db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    sound = sound and not list(folder.glob("progress.db.broken-*"))
    return sound and reported <= found <= reported + 1, reported, found


def race_trial(folder: Path) -> bool:
    from lambdalearn.progress.store import ProgressStore

    ProgressStore.open(folder).close()
    roles = [("importer", "40"), ("opener", "4"), ("writer", "a", "60"), ("writer", "b", "60")]
    processes = [subprocess.Popen([sys.executable, str(WORKER), role, str(folder), *rest], stdout=subprocess.PIPE,
                                  text=True) for role, *rest in roles]
    notices = "".join(process.communicate()[0] for process in processes)
    with sqlite3.connect(folder / "progress.db") as db:
        reviews = db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    return not notices and reviews == 120 and not list(folder.glob("progress.db.broken-*"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--races", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    survived = 0
    for trial in range(options.kills):
        with tempfile.TemporaryDirectory() as folder:
            ok, reported, found = kill_trial(rng, Path(folder))
            survived += ok
            print(f"kill -9 trial {trial + 1}: {'ok' if ok else 'LOST'} ({reported} reported, {found} found)")
    print(f"kill -9: {survived} of {options.kills} trials kept every committed answer in a sound database")
    clean = 0
    for trial in range(options.races):
        with tempfile.TemporaryDirectory() as folder:
            ok = race_trial(Path(folder))
            clean += ok
            print(f"race trial {trial + 1}: {'ok' if ok else 'SPLIT'}")
    print(f"concurrent writers: {clean} of {options.races} runs kept every answer in one database")


if __name__ == "__main__":
    main()
