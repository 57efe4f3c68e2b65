"""The progress database's connection: sqlite3 itself, with the three helpers the store and its migrations use.

sqlite-utils used to wrap it; the store only ever called `execute`, a savepoint and a table lookup, while
importing sqlite-utils (its plugin hooks, pluggy, dateutil and more) cost tens of milliseconds on every start
of the app, `lambdalearn quiz --plain` and `lambdalearn stats`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from typing import Any

_savepoints = count(1)


class Database:
    """An autocommit sqlite3 connection (`isolation_level=None`): each statement outside a transaction
    commits on its own; `ProgressStore.transaction` opens the explicit ones."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)

    @contextmanager
    def savepoint(self) -> Iterator[Database]:
        """A nested transaction inside the open one: what fails in it is undone, the outer work is kept."""
        name = f"lambdalearn_{next(_savepoints)}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:  # a RAISE(ROLLBACK) may already have ended the whole transaction
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    def table_names(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]

    def has_table(self, name: str) -> bool:
        return self.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                 [name]).fetchone() is not None

    def close(self) -> None:
        self.conn.close()
