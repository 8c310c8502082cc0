from pathlib import Path

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _private_sqlite_files(sender, connection, **kwargs) -> None:
    """The SQLite database (and its -wal/-shm files) readable by this account only."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    database = Path(name)
    for path in [database, *database.parent.glob(database.name + "-*")]:
        try:
            if path.is_file() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:  # owned by another account: nothing this process may change
            pass


class CommonConfig(AppConfig):
    name = "helpline.common"
    label = "common"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .sqlite_wal import configure_connection

        connection_created.connect(_private_sqlite_files, dispatch_uid="helpline-private-sqlite")
        connection_created.connect(configure_connection, dispatch_uid="helpline-sqlite-checkpoint")
