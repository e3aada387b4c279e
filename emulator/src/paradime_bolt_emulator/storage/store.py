"""The SQLite database behind the emulator: one shared connection, a lock, and the layout version.

A file database survives restarts (WAL mode, so a crash loses no committed run); without a path
the database lives in memory. All access goes through ``transaction()``, which holds a re-entrant
lock, so the request thread and the background ticker never interleave. The tables are those of
``tables``, each derived from its record.

Schedules and runs carry their workspace; ids are unique across workspaces, as on the live API.
A database of layout 1 (before workspaces) is migrated on open: its schedules and runs go to the
default workspace.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from paradime_bolt_emulator.config import DEFAULT_WORKSPACE

from .repository import Repository
from .tables import SCHEDULES, TABLES

SCHEMA_VERSION = "2"

_META_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""
_DDL = "".join(table.ddl() for table in TABLES)


class DatabaseError(RuntimeError):
    """The database file cannot be used by this emulator (for example a newer layout)."""


class Store:
    """Owns the connection; ``transaction()`` is the only way in."""

    def __init__(
        self, path: Path | None = None, *, default_workspace: str = DEFAULT_WORKSPACE
    ) -> None:
        self.path = path
        self._default_workspace = default_workspace
        target = ":memory:" if path is None else str(path)
        # One connection shared by the event loop and the ticker thread, serialised by the lock.
        self._connection = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._depth = 0
        self._setup()

    def _setup(self) -> None:
        """Create the tables, check (or migrate) the layout version and seed the id ranges."""
        connection = self._connection
        connection.execute("PRAGMA foreign_keys = ON")
        if self.path is not None:
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
        # executescript commits any open transaction, so the tables come first, on their own.
        connection.executescript(_META_DDL)
        with self.transaction() as repo:
            version = repo.get_meta("schema_version")
        if version == "1":
            self._migrate_from_1()
        elif version not in (None, SCHEMA_VERSION):
            raise DatabaseError(
                f"{self.path}: database layout {version} is not supported (expected "
                f"{SCHEMA_VERSION}); use a fresh --db file"
            )
        connection.executescript(_DDL)
        with self.transaction() as repo:
            repo.set_meta("schema_version", SCHEMA_VERSION)
            for table in TABLES:
                repo.seed_sequence(table.name, table.first_id - 1)

    def _migrate_from_1(self) -> None:
        """Layout 1 had no workspaces: its schedules and runs become the default workspace's,
        keeping their ids (so stored run ids and signed URLs stay valid)."""
        connection = self._connection
        with self.transaction():
            connection.execute("ALTER TABLE schedules RENAME TO schedules_v1")
            connection.execute(SCHEDULES.ddl())  # one statement: schedules have no index
            connection.execute(
                "INSERT INTO schedules (id, workspace, name, definition, suspended_override) "
                "SELECT id, ?, name, definition, suspended_override FROM schedules_v1",
                (self._default_workspace,),
            )
            connection.execute("DROP TABLE schedules_v1")
            connection.execute("ALTER TABLE runs ADD COLUMN workspace TEXT NOT NULL DEFAULT ''")
            connection.execute("UPDATE runs SET workspace = ?", (self._default_workspace,))
            connection.execute("DROP INDEX IF EXISTS runs_by_schedule")
            connection.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", ("2",))

    @contextmanager
    def transaction(self) -> Iterator[Repository]:
        """Hold the lock and an immediate transaction; commit on success, roll back on error."""
        with self._lock:
            if self._depth:
                # Nested use joins the outer transaction.
                self._depth += 1
                try:
                    yield Repository(self._connection)
                finally:
                    self._depth -= 1
                return
            self._connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield Repository(self._connection)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            else:
                self._connection.execute("COMMIT")
            finally:
                self._depth = 0

    def close(self) -> None:
        """Close the connection; safe to call twice."""
        with self._lock:
            self._connection.close()
