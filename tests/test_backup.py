"""Backups that restore: a round trip under chat traffic (SQLite and PostgreSQL), and move-to-postgres."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from helpline.common import testing
from helpline.common.backup import BackupError, backup, read_manifest, restore


class ChatTraffic:
    """A visitor posting lines to a conversation through the chat service, as the socket does."""

    def __init__(self) -> None:
        from helpline.chat import services

        self.services = services
        self.conversation = services.conversation_start(language="en", visitor_name="Backup test")
        self.acked: list[str] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            n = 0
            while not self._stop.is_set() and n < 5000:
                n += 1
                client_id = f"line-{n}-{uuid.uuid4().hex[:6]}"
                self.services.visitor_message_post(self.conversation.token, f"message {n}", client_id)
                self.acked.append(client_id)  # stored and committed: the socket would ack now
                time.sleep(0.002)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
        finally:
            connections.close_all()

    def __enter__(self) -> "ChatTraffic":
        self._thread.start()
        return self

    def wait_for(self, n: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < n:
            assert not self.errors, self.errors
            assert time.monotonic() < deadline, "chat traffic is not flowing"
            time.sleep(0.01)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(30)
        assert not self.errors, self.errors


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_under_chat_traffic_restores_every_acknowledged_message(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip runs in the SQLite pass")
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    (settings.VAR_DIR / "secret_key").write_text("the-site-key")
    with ChatTraffic() as traffic:
        traffic.wait_for(40)
        acked_before = list(traffic.acked)
        manifest = backup(tmp_path / "b.tar.gz")
        traffic.wait_for(len(acked_before) + 20)  # writes went on during and after the backup
    assert manifest["engine"] == "sqlite" and manifest["files"] == ["var/secret_key"]
    assert oct(os.stat(tmp_path / "b.tar.gz").st_mode & 0o777) == "0o600"

    fresh = tmp_path / "restored.sqlite3"
    settings.VAR_DIR = tmp_path / "var2"
    settings.VAR_DIR.mkdir()
    restore(tmp_path / "b.tar.gz", database_url=f"sqlite:///{fresh}")
    db = sqlite3.connect(fresh)
    try:
        stored = {row[0] for row in db.execute("SELECT client_id FROM chat_message WHERE client_id IS NOT NULL")}
        seqs = [row[0] for row in db.execute(
            "SELECT seq FROM chat_message WHERE conversation_id = "
            "(SELECT id FROM chat_conversation WHERE token = ?) ORDER BY seq",
            (traffic.conversation.token.hex,))]
    finally:
        db.close()
    missing = [c for c in acked_before if c not in stored]
    assert not missing, f"{len(missing)} acknowledged messages lost: {missing[:5]}"
    assert seqs == list(range(1, len(seqs) + 1)), "a consistent snapshot has no gaps in seq"
    assert (settings.VAR_DIR / "secret_key").read_text() == "the-site-key"
    assert oct(os.stat(fresh).st_mode & 0o777) == "0o600"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data_and_a_foreign_file(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("runs in the SQLite pass")
    settings.VAR_DIR = tmp_path
    from helpline.chat import services

    services.conversation_start(language="es", visitor_name="A")
    manifest = backup(tmp_path)
    path = Path(manifest["path"])
    assert path.name.startswith("helpline-") and read_manifest(path)["row_counts"]["chat_conversation"] == 1
    # The test database itself holds data: refused, nothing changed.
    with pytest.raises(BackupError, match="already holds data"):
        restore(path)
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(path))
    not_a_backup = tmp_path / "x.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as tar:
        tar.add(__file__, arcname="../../etc/evil")
    with pytest.raises(BackupError, match="not a Helpline backup"):
        restore(not_a_backup, database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}")
    with pytest.raises(BackupError, match="move-to-postgres"):
        restore(path, database_url="postgres://postgres@127.0.0.1:5432/nowhere")


# --- PostgreSQL ------------------------------------------------------------------------

def _require_postgres() -> None:
    if not testing.postgres_available():
        if testing.in_ci():
            pytest.fail("CI=true but PostgreSQL is not reachable at 127.0.0.1:5432", pytrace=False)
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (set HELPLINE_TEST_POSTGRES_URL)")


@contextmanager
def scratch_postgres_database(prefix: str):
    """An empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = testing.POSTGRES_URL
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_backup_under_chat_traffic_restores_every_acknowledged_message(tmp_path, settings):
    import psycopg

    settings.VAR_DIR = tmp_path
    with ChatTraffic() as traffic:
        traffic.wait_for(40)
        acked_before = list(traffic.acked)
        manifest = backup(tmp_path / "pg.tar.gz")
        traffic.wait_for(len(acked_before) + 20)
    assert manifest["engine"] == "postgresql"
    with scratch_postgres_database("helpline_restore") as url:
        restore(tmp_path / "pg.tar.gz", database_url=url)
        with psycopg.connect(url) as conn:
            stored = {r[0] for r in conn.execute(
                "SELECT client_id FROM chat_message WHERE client_id IS NOT NULL")}
            articles = conn.execute("SELECT COUNT(*) FROM chat_conversation").fetchone()[0]
    missing = [c for c in acked_before if c not in stored]
    assert not missing, f"{len(missing)} acknowledged messages lost: {missing[:5]}"
    assert articles >= 1


@pytest.mark.django_db(transaction=True)
def test_move_to_postgres_copies_content_and_conversations_with_matching_counts(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("move-to-postgres copies from SQLite: it runs in the SQLite pass")
    _require_postgres()
    from django.conf import settings as django_settings

    from helpline.articles.services import content_load_directory
    from helpline.chat import services as chat

    content_load_directory(django_settings.CONTENT_DIR / "articles")
    for n in range(12):
        conversation = chat.conversation_start(language="en" if n % 2 else "es", visitor_name=f"Visitor {n}")
        for m in range(5):
            chat.visitor_message_post(conversation.token, f"line {m} of {n}", f"c{n}-{m}")
    def move(url: str) -> subprocess.CompletedProcess:
        # As an operator runs it: the command, with DATABASE_URL at the SQLite file.
        env = testing.server_env()
        return subprocess.run([sys.executable, "-m", "helpline", "move-to-postgres", url],
                              cwd=testing.REPO_DIR, env=env, capture_output=True, text=True, timeout=600)

    with scratch_postgres_database("helpline_move") as url:
        result = move(url)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "every count matches" in result.stdout
        import psycopg

        with psycopg.connect(url) as conn:
            messages = conn.execute("SELECT COUNT(*) FROM chat_message").fetchone()[0]
            versions = conn.execute("SELECT COUNT(*) FROM articles_articleversion").fetchone()[0]
            # Sequences were moved past the copied ids: the next id is a fresh one.
            for table in ("chat_message", "chat_conversation", "articles_articleversion"):
                top = conn.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0]
                nxt = conn.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))").fetchone()[0]
                assert nxt > top, table
        again = move(url)
        assert again.returncode != 0 and "not empty" in again.stderr
    from helpline.articles.models import ArticleVersion
    from helpline.chat.models import Message

    assert messages == Message.objects.count() >= 60
    assert versions == ArticleVersion.objects.count() >= 16
