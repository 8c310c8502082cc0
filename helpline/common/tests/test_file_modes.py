"""var/ and the SQLite database are private to the account that runs Helpline (issue 14)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from helpline.common.testing import REPO_DIR


def test_var_dir_and_database_file_are_private(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PYTEST_CURRENT_TEST")}
    env.update(HELPLINE_VAR_DIR=str(var), SECRET_KEY="file-mode-test", DEBUG="0",
               HELPLINE_HTTPS="0", DJANGO_SETTINGS_MODULE="helpline.settings")
    old = os.umask(0o022)  # the usual umask: files would be world-readable
    try:
        subprocess.run([sys.executable, "-m", "helpline", "migrate", "--noinput", "-v", "0"],
                       cwd=REPO_DIR, env=env, check=True, timeout=300)
    finally:
        os.umask(old)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    database = var / "helpline.sqlite3"
    for path in [database, *var.glob("helpline.sqlite3-*")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
