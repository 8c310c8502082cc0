"""Which sources an article may cite: the trusted-source policy for reference URLs.

Patient content cites primary or authoritative sources only (the citation policy
in the shared fact sheet, summarised in docs/content-format.md). A reference URL
must be ``https:`` and its host must be one of the trusted domains or a
subdomain of one (suffix match on a label boundary, so ``www.cancer.gov`` and
``dailymed.nlm.nih.gov`` pass and ``cancer.gov.example.com`` does not). An empty
URL is allowed: print sources (a journal issue, a booklet) have none.

Trade news, stock sites, blogs, drugs.com, insurer drug pages, retired REMS sites,
manufacturers' marketing sites and unofficial copies are not on the list.
Manufacturers' prescribing information is cited from FDA (fda.gov, DailyMed) or
from the manufacturers' label-only hosts listed here.

The list lives in the database (``TrustedDomain``, edited by administrators in
the admin) and is read through a small cache that every change clears.
``DEFAULT_TRUSTED_DOMAINS`` below is the list the project ships: a data
migration seeds the table with it, and the content lint checks the bundled
files against it (the lint runs without a database).

Three outcomes for a URL (``classify_reference_url``):
- ``ok``: empty, or ``https:`` on a trusted domain;
- ``held``: a well-formed ``https:`` address on a domain outside the list. A
  draft may keep it, but the version cannot be published until a medical
  reviewer accepts that source for it (``services.reference_accept``, audited);
- ``refused``: anything else (``javascript:``, ``http:``, IP addresses, ports,
  user names, spaces). It is never saved.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.core.cache import cache
from django.utils.translation import gettext as _

OK, HELD, REFUSED = "ok", "held", "refused"
CACHE_KEY = "articles:trusted-domains:v1"
CACHE_SECONDS = 300

# The shipped list of suffix-matched host names, grouped by the kind of source.
DEFAULT_TRUSTED_DOMAINS: dict[str, tuple[str, ...]] = {
    "US regulator (labels, approval pages, safety communications)": ("fda.gov",),
    "NIH, NCI, NLM, PubMed, DailyMed": (
        "nih.gov", "cancer.gov", "medlineplus.gov", "clinicaltrials.gov",
    ),
    "US public health agencies (CDC; SAMHSA, which runs the 988 Lifeline)": ("cdc.gov", "samhsa.gov"),
    "professional societies and their journals": (
        "asco.org", "cancer.net", "ascopubs.org", "hematology.org", "ashpublications.org",
        "ashpublications.net", "astct.org", "astctjournal.org", "nccn.org", "ons.org",
        "aacrjournals.org",  # journals of the American Association for Cancer Research
    ),
    "peer-reviewed articles": ("doi.org",),
    "cancer centers' and national cancer charities' patient pages": (
        "cancer.org", "lls.org", "nmdp.org", "bethematch.org", "stjude.org", "mskcc.org",
        "dana-farber.org", "cancercare.org", "bmtinfonet.org", "myeloma.org", "childrensmn.org",
        "cellularimmunotherapy.wustl.edu", "siteman.wustl.edu",
        "mdanderson.org",  # MD Anderson Cancer Center (NCI comprehensive cancer center)
        "oncolink.org",  # Penn Medicine Abramson Cancer Center's patient pages
        "aboutkidshealth.ca",  # SickKids (The Hospital for Sick Children), Toronto
        "childrensoncologygroup.org",  # Children's Oncology Group (NCI-supported)
        "cancersupportcommunity.org",  # Cancer Support Community (national charity)
        "bloodcancerunited.org",  # Blood Cancer United, formerly LLS (national charity)
    ),
    "manufacturers' prescribing information (label-only hosts)": (
        "packageinserts.bms.com", "janssenlabels.com",
    ),
}

DEFAULT_DOMAIN_LIST = tuple(
    domain for group in DEFAULT_TRUSTED_DOMAINS.values() for domain in group
)


def trusted_domains() -> tuple[str, ...]:
    """The trusted domains from the database, cached (``clear_cache`` on every change)."""
    domains = cache.get(CACHE_KEY)
    if domains is None:
        from .models import TrustedDomain

        domains = tuple(TrustedDomain.objects.order_by("domain").values_list("domain", flat=True))
        cache.set(CACHE_KEY, domains, CACHE_SECONDS)
    return tuple(domains)


def clear_cache() -> None:
    cache.delete(CACHE_KEY)


def normalise_domain(value: str) -> str:
    return (value or "").strip().rstrip(".").lower()


def _host_is_trusted(host: str, domains) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def url_host(url: str | None) -> str:
    try:
        return (urlsplit((url or "").strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def classify_reference_url(url: str | None, *, domains=None) -> tuple[str, str]:
    """``(OK | HELD | REFUSED, reason)`` for a reference URL; reason is "" when ok.

    ``domains`` defaults to the database list.
    """
    text = (url or "").strip()
    if not text:
        return OK, ""
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return REFUSED, _("The address contains spaces or control characters.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return REFUSED, _("The address is not a valid URL.")
    scheme = parts.scheme.lower()
    if scheme in ("javascript", "data", "vbscript", "file"):
        return REFUSED, _("“%(scheme)s:” addresses are never allowed in references.") % {
            "scheme": scheme}
    if scheme == "http":
        return REFUSED, _("Use the secure “https:” address of this source, not “http:”.")
    if scheme != "https":
        return REFUSED, _("A reference address must start with “https://”.")
    if parts.username is not None or parts.password is not None:
        return REFUSED, _("A reference address must not contain a user name or password.")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return REFUSED, _("The address has no host name.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return REFUSED, _(
            "A reference address must use the source's domain name, not an IP address.")
    if port not in (None, 443):
        return REFUSED, _("A reference address must not name a port.")
    if not _host_is_trusted(host, trusted_domains() if domains is None else domains):
        return HELD, _(
            "“%(host)s” is not a trusted source. Cite FDA labels or approval pages, NIH/NCI/NLM, "
            "CDC, professional societies and their journals, peer-reviewed articles (doi.org, "
            "PubMed), or cancer centers' and national cancer charities' patient pages."
        ) % {"host": host}
    return OK, ""


def check_reference_url(url: str | None, *, domains=None) -> tuple[bool, str]:
    """Does this URL pass the policy outright? ``(ok, reason)``; a held URL is not ok."""
    verdict, reason = classify_reference_url(url, domains=domains)
    return verdict == OK, reason


def check_references(references: list[dict], *, domains=None) -> list[tuple[int, str]]:
    """Every reference that does not pass outright (refused or held), as ``(number, reason)``."""
    problems = []
    for ref in references:
        ok, reason = check_reference_url(ref.get("url"), domains=domains)
        if not ok:
            problems.append((ref.get("number"), reason))
    return problems


def refused_references(references: list[dict]) -> list[tuple[int, str]]:
    """References that can never be saved, as ``(number, reason)``."""
    out = []
    for ref in references:
        verdict, reason = classify_reference_url(ref.get("url"))
        if verdict == REFUSED:
            out.append((ref.get("number"), reason))
    return out


def held_references(references: list[dict]) -> list[dict]:
    """References on domains outside the list (well-formed ``https:``): they need acceptance."""
    return [ref for ref in references if classify_reference_url(ref.get("url"))[0] == HELD]


def seed_defaults_if_empty(**_kwargs) -> int:
    """Put the shipped list in an empty table (after ``migrate`` and ``flush``); returns rows added.

    The data migration seeds a new database; this keeps a flushed one (tests,
    a restore into a fresh schema) from trusting nothing at all. A list that
    administrators have edited is never touched.
    """
    from django.db import router

    from .models import TrustedDomain

    using = _kwargs.get("using") or router.db_for_write(TrustedDomain)
    from django.db import connections

    if TrustedDomain._meta.db_table not in connections[using].introspection.table_names():
        return 0  # migrated back past the table
    if TrustedDomain.objects.using(using).exists():
        return 0
    TrustedDomain.objects.using(using).bulk_create(
        [TrustedDomain(domain=domain, kind=kind[:120])
         for kind, domains in DEFAULT_TRUSTED_DOMAINS.items() for domain in domains],
        ignore_conflicts=True,
    )
    clear_cache()
    return len(DEFAULT_DOMAIN_LIST)
