import datetime
from pathlib import Path

import pytest
from django.conf import settings

from helpline.accounts import roles
from helpline.accounts.testing import make_staff
from helpline.articles import services
from helpline.articles.models import Article, ArticleVersion, Topic

SECTION = {"heading": "What it is", "anchor": "what-it-is", "body": "A plain paragraph [1]."}
REFERENCE = {"number": 1, "text": "National Cancer Institute. CAR T cells.", "url": "https://www.cancer.gov/"}


@pytest.fixture
def editor(db):
    return make_staff("edna", roles.EDITOR)


@pytest.fixture
def reviewer(db):
    return make_staff("rita", roles.MEDICAL_REVIEWER)


@pytest.fixture
def translator(db):
    return make_staff("tomas", roles.TRANSLATOR)


@pytest.fixture
def specialist(db):
    return make_staff("sam", roles.SPECIALIST)


def draft(title="Fever after CAR T", body="A plain paragraph [1].", **extra):
    return services.DraftInput(
        title=title, summary="What a fever means.",
        sections=[{**SECTION, "body": body}], references=[REFERENCE], **extra,
    )


@pytest.fixture
def article(db):
    topic = Topic.objects.create(slug="car-t", name_en="CAR T", name_es="CAR T")
    return Article.objects.create(key="fever", topic=topic)


@pytest.fixture
def en_version(article):
    return ArticleVersion.objects.create(article=article, language="en", slug="fever-after-car-t")


@pytest.fixture
def es_version(article):
    return ArticleVersion.objects.create(article=article, language="es", slug="fiebre-tras-car-t")


@pytest.fixture
def published_en(en_version, editor, reviewer):
    services.draft_save(editor, en_version, draft(date_reviewed=datetime.date(2026, 11, 1)))
    services.submit_for_review(editor, en_version)
    services.publish(reviewer, en_version)
    en_version.refresh_from_db()
    return en_version


@pytest.fixture
def published_es(published_en, es_version, translator, reviewer):
    services.draft_save(translator, es_version, draft(title="Fiebre después de CAR T",
                                                      body="Un párrafo sencillo [1]."))
    services.submit_for_review(translator, es_version)
    services.publish(reviewer, es_version)
    es_version.refresh_from_db()
    return es_version


@pytest.fixture
def bundled_content(db):
    services.content_load_directory(Path(settings.CONTENT_DIR) / "articles")


@pytest.fixture(autouse=True)
def _pdf_cache(tmp_path, settings):
    settings.PDF_CACHE_DIR = tmp_path / "pdf"


@pytest.fixture(autouse=True)
def _policy_cache():
    """The trusted-domain cache outlives a test's rolled-back transaction: start clean."""
    from helpline.articles import reference_policy

    reference_policy.clear_cache()
    yield
    reference_policy.clear_cache()


@pytest.fixture
def chat_opens_at_eight(db, settings):
    """Chat hours 8:00-23:00 New York time on weekdays, and a specialist on duty in English:
    chat is "open" only when the hours allow it and someone is on duty for the language."""
    from django.utils import timezone

    from helpline.chat.models import SpecialistStatus

    SpecialistStatus.objects.create(user=make_staff("maria", "specialist"), available=True,
                                    languages=["en"], last_seen=timezone.now())
    settings.HELPLINE_HOURS = {"chat": {
        "always_open": False, "time_zone": "America/New_York", "holidays": [],
        "weekly": {**{d: [["08:00", "23:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                   "sat": [], "sun": []}}}
