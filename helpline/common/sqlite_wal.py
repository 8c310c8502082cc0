"""SQLite checkpoints off the request path, for the embedded default's server process.

In WAL mode every commit appends to ``<db>-wal``; now and then the pages must be
copied back into the database file and that file synced (a *checkpoint*). By
default SQLite does it inside whichever commit takes the WAL past 1,000 pages, on
the thread that made the commit. In the server that thread is Channels' single
database thread, so every ~1,000 pages (a few hundred chat lines) one commit
holds every socket's next write for the 5-50 ms of the copy and ``fsync``: the
slowest deliveries of live chat waited on exactly that.

:class:`Checkpointer` runs the checkpoints on a thread of their own with its own
connection, every ``interval`` seconds, in ``PASSIVE`` mode (it never waits for
or blocks a writer: commits go on appending while it copies, and the WAL is
reused from the start once everything in it has been copied). The server's own
connections keep an automatic checkpoint only as a backstop
(:data:`BACKSTOP_PAGES`), should this thread stop. The sqlite3 module releases
the GIL while SQLite works, so the copy and the ``fsync`` use the other core
instead of the event loop's time.

Turned on by ``helpline.asgi`` (server processes only: management commands keep
SQLite's default); the thread starts with the process's first connection to an
SQLite file. ``HELPLINE_SQLITE_CHECKPOINT_SECONDS`` sets the interval (default 0.5;
``0`` leaves SQLite's default behaviour).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.5
# The automatic checkpoint of the server's own connections while the thread runs:
# about 80 MB of WAL, reached only if checkpoints stop (a long reader, a stopped thread).
BACKSTOP_PAGES = 20_000

_active: dict[str, Checkpointer] = {}
_enabled = False
_lock = threading.Lock()


class Checkpointer:
    """A daemon thread that checkpoints one SQLite database every ``interval`` seconds."""

    def __init__(self, path: str, interval: float = DEFAULT_INTERVAL) -> None:
        self.path = path
        self.interval = interval
        self.checkpoints = 0
        self.pages_copied = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: sqlite3.Connection | None = None

    def run_once(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, frames in the WAL, frames copied back)."""
        if self._connection is None:
            # mode=rw: never create a database file that is not there.
            self._connection = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=5,
                                               check_same_thread=False, isolation_level=None)
        busy, log_frames, copied = self._connection.execute(
            "PRAGMA wal_checkpoint(PASSIVE)"
        ).fetchone()
        self.checkpoints += 1
        self.pages_copied += max(copied, 0)
        return busy, log_frames, copied

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _run(self) -> None:
        failing = False
        while not self._stop.wait(self.interval):
            try:
                self.run_once()
                failing = False
            except sqlite3.Error as exc:  # the backstop checkpoint still bounds the WAL
                if not failing:  # said once per spell of failures; retried every interval
                    log.warning("sqlite: background checkpoint failed: %s", exc)
                failing = True


def checkpointer_for(path: str) -> Checkpointer | None:
    return _active.get(os.path.abspath(path))


def start(path: str, interval: float | None = None) -> Checkpointer | None:
    """Start (once per process and database) the background checkpoints; None when off."""
    if interval is None:
        interval = float(os.environ.get("HELPLINE_SQLITE_CHECKPOINT_SECONDS", DEFAULT_INTERVAL))
    if interval <= 0 or not path or path == ":memory:" or path.startswith("file:"):
        return None
    key = os.path.abspath(path)
    with _lock:
        checkpointer = _active.get(key)
        if checkpointer is None:
            checkpointer = _active[key] = Checkpointer(key, interval)
            checkpointer.start()
    return checkpointer


def stop_all() -> None:
    with _lock:
        stopping = list(_active.values())
        _active.clear()
    for checkpointer in stopping:
        checkpointer.stop()


def enable() -> None:
    """``helpline.asgi``: this is a server process; checkpoint its SQLite databases in the
    background from their first connection on."""
    global _enabled
    _enabled = True


def disable() -> None:
    global _enabled
    _enabled = False
    stop_all()


def configure_connection(sender=None, connection=None, **kwargs) -> None:
    """``connection_created``: in a server process, the first connection to an SQLite file
    starts its background checkpoints, and every connection to it keeps SQLite's automatic
    checkpoint only as the backstop."""
    if not _enabled or connection is None or connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if start(name) is not None:
        # On the driver's connection: a setting, not a query of the application's.
        # The PRAGMA answers with a row: read it, so no statement stays open.
        connection.connection.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES:d}").fetchall()
