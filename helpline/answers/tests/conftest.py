import pytest
from django.conf import settings

from helpline.answers import services


@pytest.fixture
def knowledge_base(db, django_capture_on_commit_callbacks):
    """The bundled CAR T articles (en, es), loaded and published as `make content` does."""
    from helpline.articles.services import content_load_directory

    services.LIVE.reset()
    with django_capture_on_commit_callbacks(execute=True):
        content_load_directory(settings.CONTENT_DIR / "articles")
    services.LIVE.reset()
    yield
    services.LIVE.reset()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
