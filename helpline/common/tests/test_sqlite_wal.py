"""Background WAL checkpoints for the embedded default's server process (``sqlite_wal``)."""

from __future__ import annotations

import os
import sqlite3

import pytest
from django.db import connection, connections

from helpline.common import sqlite_wal


def _writer(path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # only the background checkpoints
    db.execute("CREATE TABLE IF NOT EXISTS line (id INTEGER PRIMARY KEY, text TEXT)")
    return db


def _write(db, n: int) -> None:
    for i in range(n):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO line (text) VALUES (?)", ("x" * 500 + str(i),))
        db.execute("COMMIT")


def test_a_checkpoint_copies_every_frame_back_and_the_wal_is_then_reused(tmp_path):
    path = str(tmp_path / "db.sqlite3")
    db = _writer(path)
    checkpointer = sqlite_wal.Checkpointer(path, interval=60)
    try:
        _write(db, 300)
        busy, frames, copied = checkpointer.run_once()
        assert busy == 0 and frames > 0 and copied == frames
        size = os.path.getsize(path + "-wal")
        for _ in range(5):  # the writer starts over at the top of the WAL after each one
            _write(db, 300)
            busy, frames, copied = checkpointer.run_once()
            assert busy == 0 and copied == frames
        assert os.path.getsize(path + "-wal") <= size * 1.5
        assert db.execute("SELECT count(*) FROM line").fetchone() == (1800,)
        assert checkpointer.checkpoints == 6 and checkpointer.pages_copied > 0
    finally:
        checkpointer.stop()
        db.close()


def test_a_checkpointer_never_creates_a_database(tmp_path):
    path = str(tmp_path / "missing.sqlite3")
    checkpointer = sqlite_wal.Checkpointer(path)
    with pytest.raises(sqlite3.OperationalError):
        checkpointer.run_once()
    assert not os.path.exists(path)


def test_start_is_once_per_database_and_off_for_memory_databases_or_a_zero_interval(tmp_path):
    path = str(tmp_path / "db.sqlite3")
    _writer(path).close()
    try:
        first = sqlite_wal.start(path, interval=30)
        assert first is not None and sqlite_wal.start(path, interval=30) is first
        assert sqlite_wal.checkpointer_for(path) is first
        assert sqlite_wal.start(":memory:", interval=30) is None
        assert sqlite_wal.start(str(tmp_path / "other.sqlite3"), interval=0) is None
    finally:
        sqlite_wal.stop_all()
    assert sqlite_wal.checkpointer_for(path) is None


@pytest.mark.django_db
def test_a_server_process_checkpoints_in_the_background_and_keeps_sqlites_own_as_a_backstop():
    if connection.vendor != "sqlite":
        pytest.skip("the embedded default (SQLite) only; PostgreSQL has no WAL file to checkpoint")
    name = str(connection.settings_dict["NAME"])
    sqlite_wal.enable()
    fresh = connections.create_connection("default")
    try:
        fresh.ensure_connection()  # connection_created: the thread starts, the backstop is set
        checkpointer = sqlite_wal.checkpointer_for(name)
        assert checkpointer is not None
        with fresh.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            assert cursor.fetchone()[0] == sqlite_wal.BACKSTOP_PAGES
        busy, frames, copied = checkpointer.run_once()
        assert busy == 0 and copied <= frames
    finally:
        fresh.close()
        sqlite_wal.disable()
    assert sqlite_wal.checkpointer_for(name) is None
    other = connections.create_connection("default")
    try:  # off again: SQLite's own automatic checkpoint
        with other.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            assert cursor.fetchone()[0] == 1000
    finally:
        other.close()
