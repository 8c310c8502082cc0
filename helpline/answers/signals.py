"""Keep the answer index in step with publishing (no full rebuild per change)."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def on_version_published(sender, version, revision=None, **kwargs) -> None:
    from .services import index_version_published

    try:
        index_version_published(version)
    except Exception:  # noqa: BLE001 - publishing must not fail because of the index
        logger.exception("could not index version %s", getattr(version, "pk", None))


def on_version_unpublished(sender, version, **kwargs) -> None:
    from .services import index_version_unpublished

    try:
        index_version_unpublished(version)
    except Exception:  # noqa: BLE001
        logger.exception("could not remove version %s from the index", getattr(version, "pk", None))
