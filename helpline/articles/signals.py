"""Signals sent after a publish or a withdrawal commits. Listeners: the answer index
(``answers/apps.py``) and the public page cache (``articles/apps.py``)."""

from django.dispatch import Signal

# sender=ArticleVersion class, version=ArticleVersion, revision=Revision
version_published = Signal()
# sender=ArticleVersion class, version=ArticleVersion (no longer public)
version_unpublished = Signal()
