"""Backups that restore, and the move from the embedded SQLite database to PostgreSQL.

A backup is one ``.tar.gz`` file:

* ``manifest.json``: format, engine, when, row counts per table;
* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the
  server keeps writing) or ``database.dump`` (``pg_dump --format=custom``);
* ``var/secret_key`` when the site keeps its key there (sessions and signed
  links survive a restore), and ``var/pdf/`` with ``--include-pdf-cache``.

``restore`` puts a backup into an empty database of the same engine (a non-empty
one only with ``force``). ``move_to_postgres`` copies an SQLite installation into
an empty PostgreSQL database and checks the row counts of every table.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from django.apps import apps
from django.conf import settings
from django.db import connections

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.dump"
# Tables whose rows migrations create and whose contents differ between two
# installations by design (they are rebuilt, not copied).
REBUILT = {"django_content_type", "auth_permission", "django_session", "django_migrations"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass
class DatabaseTarget:
    engine: str  # "sqlite" | "postgresql"
    name: str  # file path or database name
    url: str  # for pg_dump / pg_restore (libpq URL) or sqlite path

    @classmethod
    def from_settings(cls, alias: str = "default") -> "DatabaseTarget":
        conf = connections[alias].settings_dict
        if conf["ENGINE"].endswith("sqlite3"):
            return cls("sqlite", str(conf["NAME"]), str(conf["NAME"]))
        if "postgresql" in conf["ENGINE"]:
            user = conf.get("USER") or ""
            password = conf.get("PASSWORD") or ""
            auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
            host = conf.get("HOST") or "127.0.0.1"
            port = conf.get("PORT") or 5432
            return cls("postgresql", conf["NAME"], f"postgresql://{auth}{host}:{port}/{conf['NAME']}")
        raise BackupError(f"unsupported database engine {conf['ENGINE']}")

    @classmethod
    def from_url(cls, url: str) -> "DatabaseTarget":
        parsed = urlparse(url)
        if parsed.scheme == "sqlite":
            path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path
            return cls("sqlite", path, path)
        if parsed.scheme in ("postgres", "postgresql"):
            return cls("postgresql", parsed.path.lstrip("/"), url.replace("postgres://", "postgresql://", 1))
        raise BackupError(f"unsupported database URL {parsed.scheme}://…")


# --- counting ---------------------------------------------------------------------

def _tables() -> list[str]:
    names = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            names.add(model._meta.db_table)
    return sorted(names)


def row_counts(alias: str = "default") -> dict[str, int]:
    """Rows per table of every model, on a Django connection."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for table in _tables():
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: str) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        existing = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                for t in _tables() if t in existing}
    finally:
        db.close()


# --- backup ----------------------------------------------------------------------

def _run(cmd: list[str], what: str) -> None:
    binary = shutil.which(cmd[0])
    if binary is None:
        raise BackupError(f"{cmd[0]} is not installed (apt-get install postgresql-client)")
    result = subprocess.run([binary, *cmd[1:]], capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip()[-500:]}")


def backup(dest: Path, *, include_pdf_cache: bool = False, alias: str = "default") -> dict:
    """Write a backup of the database (and the var/ files that matter) to ``dest``; returns the manifest."""
    dest = Path(dest)
    if dest.is_dir():
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        dest = dest / f"helpline-{stamp}.tar.gz"
    target = DatabaseTarget.from_settings(alias)
    with tempfile.TemporaryDirectory(prefix="helpline-backup-") as tmp:
        tmpdir = Path(tmp)
        if target.engine == "sqlite":
            member = SQLITE_MEMBER
            copy = tmpdir / member
            source = sqlite3.connect(target.name)
            copy_db = sqlite3.connect(copy)
            try:
                # The online backup API: a consistent snapshot while writers go on.
                source.backup(copy_db)
            finally:
                copy_db.close()
                source.close()
            counts = _sqlite_counts(str(copy))
        else:
            member = POSTGRES_MEMBER
            copy = tmpdir / member
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={copy}", target.url], "pg_dump")
            counts = None  # pg_dump takes its own snapshot; counts come from restoring
        manifest = {
            "format": FORMAT,
            "engine": target.engine,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": member,
            "row_counts": counts,
            "files": [],
        }
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(copy, arcname=member)
            key_file = Path(settings.VAR_DIR) / "secret_key"
            if key_file.is_file():
                tar.add(key_file, arcname="var/secret_key")
                manifest["files"].append("var/secret_key")
            pdf_dir = Path(settings.PDF_CACHE_DIR)
            if include_pdf_cache and pdf_dir.is_dir():
                tar.add(pdf_dir, arcname="var/pdf")
                manifest["files"].append("var/pdf")
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
        os.replace(partial, dest)
    manifest["path"] = str(dest)
    return manifest


# --- restore ---------------------------------------------------------------------

def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"refusing an unsafe entry in the backup: {member.name!r}")
        members.append(member)
    return members


def read_manifest(src: Path) -> dict:
    try:
        with tarfile.open(src, "r:gz") as tar:
            handle = tar.extractfile("manifest.json")
            if handle is None:
                raise KeyError("manifest.json")
            manifest = json.loads(handle.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise BackupError(f"{src} is not a Helpline backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src}: unknown backup format {manifest.get('format')!r}")
    return manifest


def _is_empty(target: DatabaseTarget) -> bool:
    if target.engine == "sqlite":
        if not Path(target.name).exists():
            return True
        counts = _sqlite_counts(target.name)
    else:
        import psycopg

        with psycopg.connect(target.url) as conn:
            existing = {r[0] for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
            counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                      for t in _tables() if t in existing}
    return not any(n for t, n in counts.items() if t not in REBUILT)


def restore(src: Path, *, database_url: str | None = None, force: bool = False,
            restore_var: bool = True) -> dict:
    """Restore ``src`` into the configured database (or ``database_url``); returns the manifest."""
    src = Path(src)
    manifest = read_manifest(src)
    target = DatabaseTarget.from_url(database_url) if database_url else DatabaseTarget.from_settings()
    if manifest["engine"] != target.engine:
        raise BackupError(f"the backup is of a {manifest['engine']} database and the target is "
                          f"{target.engine}; to move from SQLite to PostgreSQL use move-to-postgres")
    if not force and not _is_empty(target):
        raise BackupError("the target database already holds data; restore into an empty one "
                          "(or pass --force to replace it)")
    connections.close_all()
    with tempfile.TemporaryDirectory(prefix="helpline-restore-") as tmp, tarfile.open(src, "r:gz") as tar:
        tmpdir = Path(tmp)
        tar.extractall(tmpdir, members=_safe_members(tar), filter="data")
        db_file = tmpdir / manifest["database"]
        if target.engine == "sqlite":
            Path(target.name).parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(db_file)
            dest = sqlite3.connect(target.name)
            try:
                source.backup(dest)
            finally:
                dest.close()
                source.close()
            os.chmod(target.name, 0o600)
            restored = _sqlite_counts(target.name)
            if manifest.get("row_counts") and restored != manifest["row_counts"]:
                raise BackupError("row counts after the restore differ from the backup's manifest")
        else:
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", f"--dbname={target.url}", str(db_file)], "pg_restore")
        if restore_var:
            var_dir = Path(settings.VAR_DIR)
            for name in manifest.get("files", []):
                source_path = tmpdir / name
                dest_path = var_dir / Path(name).relative_to("var")
                if name == "var/secret_key" and dest_path.exists() and not force:
                    continue  # never replace a running site's key without --force
                if source_path.is_dir():
                    shutil.copytree(source_path, dest_path, dirs_exist_ok=True)
                else:
                    dest_path.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source_path, dest_path)
                    os.chmod(dest_path, 0o600)
    return manifest


# --- SQLite -> PostgreSQL -----------------------------------------------------------

def move_to_postgres(url: str, *, progress=print) -> dict[str, tuple[int, int]]:
    """Copy the configured SQLite database into the empty PostgreSQL database at ``url``.

    The target gets the schema from migrations; rows are copied with Django's
    serializers (natural keys for content types and permissions, which
    migrations rebuild); sequences are set past the copied ids. Returns
    ``{table: (rows in SQLite, rows in PostgreSQL)}``; raises BackupError on any
    difference.
    """
    import dj_database_url
    from django.core.management import call_command
    from django.core.management.color import no_style

    source = DatabaseTarget.from_settings()
    if source.engine != "sqlite":
        raise BackupError("move-to-postgres copies from the embedded SQLite database; "
                          "DATABASE_URL already points at another engine")
    target_url = DatabaseTarget.from_url(url)
    if target_url.engine != "postgresql":
        raise BackupError("the target must be a postgres:// URL")
    alias = "move_target"
    conf = dj_database_url.parse(url)
    conf.setdefault("OPTIONS", {})
    for key, value in (("ATOMIC_REQUESTS", False), ("AUTOCOMMIT", True), ("CONN_MAX_AGE", 0),
                       ("CONN_HEALTH_CHECKS", False), ("TIME_ZONE", None), ("TEST", {})):
        conf.setdefault(key, value)
    connections.settings[alias] = conf
    connections.databases[alias] = conf
    try:
        # Empty before the schema goes in: rows that migrations seed are replaced by the copy.
        if not _is_empty(target_url):
            raise BackupError("the target PostgreSQL database is not empty")
        progress("migrating the target database…")
        call_command("migrate", database=alias, interactive=False, verbosity=0)
        with tempfile.TemporaryDirectory(prefix="helpline-move-") as tmp:
            dump = Path(tmp) / "data.json"
            progress("reading the SQLite database…")
            unmanaged = [m._meta.label for m in apps.get_models() if not m._meta.managed]
            call_command("dumpdata", natural_foreign=True, natural_primary=False,
                         exclude=["contenttypes", "auth.permission", "sessions", *unmanaged],
                         output=str(dump), verbosity=0)
            progress("writing into PostgreSQL…")
            # Rows created by data migrations (roles) are replaced by the copied ones.
            _clear_migration_rows(alias)
            call_command("loaddata", str(dump), database=alias, verbosity=0)
        models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]
        with connections[alias].cursor() as cursor:
            for statement in connections[alias].ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
        before = row_counts("default")
        after = row_counts(alias)
    finally:
        connections[alias].close()
        del connections.databases[alias]
    report = {t: (before.get(t, 0), after.get(t, 0)) for t in sorted(set(before) | set(after))
              if t not in REBUILT}
    wrong = {t: counts for t, counts in report.items() if counts[0] != counts[1]}
    if wrong:
        raise BackupError("row counts differ after the copy: " +
                          ", ".join(f"{t} {a}->{b}" for t, (a, b) in wrong.items()))
    return report


def _clear_migration_rows(alias: str) -> None:
    """Delete rows that data migrations put in the fresh target (they come again from the copy)."""
    connection = connections[alias]
    tables = [t for t in _tables() if t not in REBUILT]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        present = [connection.ops.quote_name(t) for t in tables if t in existing]
        if present:
            cursor.execute(f"TRUNCATE {', '.join(present)} CASCADE")
