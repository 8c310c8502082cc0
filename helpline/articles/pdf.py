"""Printable PDFs of article versions, rendered with WeasyPrint and cached.

The cache is keyed by the live revision's id, so publishing a new revision
gives a new PDF and the old file is removed.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from helpline.common import paper
from helpline.common.metrics import PDF_RENDERS

from . import markup
from .models import ArticleVersion

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def cache_path(version: ArticleVersion) -> Path:
    """One file per published revision: its id and its publication time.

    The time guards against a reused id (a database restored from a backup or
    rebuilt) serving a PDF of other text.
    """
    revision = version.live_revision
    stamp = int(revision.published_at.timestamp() * 1000) if revision.published_at else 0
    return (
        Path(settings.PDF_CACHE_DIR)
        / version.language
        / f"{version.slug}-r{revision.pk}-{stamp}-{paper.name().lower()}.pdf"
    )


def render_html(version: ArticleVersion) -> str:
    revision = version.live_revision
    sections = [
        {**section, "html": markup.render_body(section["body"])} for section in revision.sections
    ]
    with translation.override(version.language):
        return render_to_string(
            "articles/print.html",
            {"version": version, "revision": revision, "sections": sections,
             "HELPLINE": settings.HELPLINE, "LANG": version.language},
        )


def render_pdf(version: ArticleVersion) -> bytes:
    from weasyprint import HTML

    css = Path(__file__).parent / "static" / "articles" / "print.css"
    PDF_RENDERS.labels("article").inc()
    return HTML(string=render_html(version), base_url=str(settings.PACKAGE_DIR)).write_pdf(
        stylesheets=[str(css), paper.stylesheet()]
    )


def pdf_for(version: ArticleVersion) -> Path:
    """The cached PDF of the live revision, rendered on first use."""
    path = cache_path(version)
    if path.exists():
        return path
    with _lock_for(str(path)):
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = render_pdf(version)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)  # atomic: readers never see half a file
        for stale in path.parent.glob(f"{version.slug}-r*.pdf"):
            if stale != path:
                stale.unlink(missing_ok=True)
    return path
