"""Signals other apps listen to (the answer index, PDF cache)."""

from django.dispatch import Signal

# sender=ArticleVersion class, version=ArticleVersion, revision=Revision
version_published = Signal()
# sender=ArticleVersion class, version=ArticleVersion (no longer public)
version_unpublished = Signal()
