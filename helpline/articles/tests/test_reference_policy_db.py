"""The trusted-source list in the database: refused, held and accepted references."""

from __future__ import annotations

import pytest

from helpline.accounts import roles
from helpline.accounts.testing import make_staff
from helpline.articles import reference_policy, services
from helpline.articles.models import ReferenceAcceptance, TrustedDomain
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.models import AuditEntry

from .conftest import REFERENCE, SECTION

pytestmark = pytest.mark.django_db


def with_references(*urls):
    refs = [REFERENCE] + [
        {"number": n, "text": f"Source {n}.", "url": url} for n, url in enumerate(urls, start=2)
    ]
    body = "A paragraph [1]. " + " ".join(f"Another [{n}]." for n in range(2, len(urls) + 2))
    return services.DraftInput(title="Fever", summary="What a fever means.",
                               sections=[{**SECTION, "body": body}], references=refs)


def test_the_migration_seeded_the_shipped_list():
    seeded = set(TrustedDomain.objects.values_list("domain", flat=True))
    assert seeded == set(reference_policy.DEFAULT_DOMAIN_LIST)
    assert {"fda.gov", "nih.gov", "cdc.gov", "asco.org", "hematology.org", "nccn.org", "ons.org",
            "doi.org", "lls.org"} <= seeded


@pytest.mark.parametrize(("url", "words"), [
    ("javascript:alert(document.cookie)", "“javascript:” addresses are never allowed"),
    ("http://www.cheap-car-t-pills.shop/buy", "not “http:”"),
])
def test_javascript_and_http_shop_are_refused_and_nothing_is_saved(en_version, editor, url, words):
    with pytest.raises(ApplicationError, match=words):
        services.draft_save(editor, en_version, with_references(url))
    en_version.refresh_from_db()
    assert en_version.latest_revision is None


def test_untrusted_domain_is_held_until_a_reviewer_accepts_it(en_version, editor, reviewer):
    url = "https://www.cheap-car-t-pills.shop/offer"
    revision = services.draft_save(editor, en_version, with_references(url))
    assert [r["number"] for r in services.unaccepted_references(en_version)] == [2]
    services.submit_for_review(editor, en_version)
    with pytest.raises(ApplicationError, match="Reference 2 is outside the trusted sources"):
        services.publish(reviewer, en_version)
    en_version.refresh_from_db()
    assert en_version.live_revision is None

    # An editor cannot accept it; a medical reviewer can, and it is audited.
    with pytest.raises(NotAllowed):
        services.reference_accept(editor, en_version, url)
    services.reference_accept(reviewer, en_version, url, note="Checked by hand")
    entry = AuditEntry.objects.get(action="articles.reference_accept")
    assert entry.actor == reviewer and entry.data["url"] == url
    assert entry.data["host"] == "www.cheap-car-t-pills.shop"
    assert entry.data["revision"] == revision.number
    assert services.unaccepted_references(en_version) == []
    services.publish(reviewer, en_version)
    en_version.refresh_from_db()
    assert en_version.live_revision_id == revision.pk


def test_only_held_references_of_the_draft_can_be_accepted(en_version, editor, reviewer):
    services.draft_save(editor, en_version, with_references("https://www.fda.gov/x"))
    with pytest.raises(ApplicationError):
        services.reference_accept(reviewer, en_version, "https://www.fda.gov/x")
    with pytest.raises(ApplicationError):
        services.reference_accept(reviewer, en_version, "https://elsewhere.example/")
    assert not ReferenceAcceptance.objects.exists()


def test_the_list_is_read_from_the_database_and_changes_take_effect(en_version, editor):
    admin_user = make_staff("ada", roles.ADMINISTRATOR)
    url = "https://www.esmo.org/for-patients"
    assert reference_policy.classify_reference_url(url)[0] == reference_policy.HELD
    domain = services.trusted_domain_save(admin_user, TrustedDomain(domain=" ESMO.org ",
                                                                    kind="society"))
    assert domain.domain == "esmo.org"
    assert reference_policy.check_reference_url(url) == (True, "")
    assert AuditEntry.objects.filter(action="articles.trusted_domain_add").exists()
    services.trusted_domain_delete(admin_user, domain)
    assert reference_policy.classify_reference_url(url)[0] == reference_policy.HELD
    with pytest.raises(NotAllowed):
        services.trusted_domain_save(editor, TrustedDomain(domain="example.org"))


def test_a_trusted_domain_must_be_a_host_name():
    from django.core.exceptions import ValidationError

    admin_user = make_staff("ada", roles.ADMINISTRATOR)
    for bad in ("https://evil.example/", "localhost", "a b.org"):
        with pytest.raises(ValidationError):
            services.trusted_domain_save(admin_user, TrustedDomain(domain=bad))


def test_bundled_content_passes_the_database_policy():
    from pathlib import Path

    from django.conf import settings

    from helpline.articles import markup

    problems, count = [], 0
    for path in sorted((Path(settings.CONTENT_DIR) / "articles").glob("*.md")):
        parsed = markup.parse(path.read_text(encoding="utf-8"), source=path.name)
        count += len(parsed.references)
        problems += [f"{path.name} [{n}]: {reason}"
                     for n, reason in reference_policy.check_references(parsed.references)]
    assert count > 50
    assert not problems, "\n".join(problems)
