"""Which sources an article may cite: the trusted-source policy for reference URLs.

Patient content cites primary or authoritative sources only (the citation policy
in the shared fact sheet, summarised in docs/content-format.md). A reference URL
must be ``https:`` and its host must be one of the trusted domains below or a
subdomain of one (suffix match on a label boundary, so ``www.cancer.gov`` and
``dailymed.nlm.nih.gov`` pass and ``cancer.gov.example.com`` does not). An empty
URL is allowed: print sources (a journal issue, a booklet) have none.

Trade news, stock sites, blogs, drugs.com, insurer drug pages, retired REMS sites,
manufacturers' marketing sites and unofficial copies are not on the list, so
they are refused. Manufacturers' prescribing information is cited from FDA
(fda.gov, DailyMed) or from the manufacturers' label-only hosts listed here.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

# Suffix-matched host names, grouped by the kind of source.
TRUSTED_DOMAINS: dict[str, tuple[str, ...]] = {
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

_ALL_DOMAINS = tuple(domain for group in TRUSTED_DOMAINS.values() for domain in group)


def _host_is_trusted(host: str) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in _ALL_DOMAINS)


def check_reference_url(url: str | None) -> tuple[bool, str]:
    """Is this reference URL allowed? Returns ``(ok, reason)``; reason is "" when ok."""
    text = (url or "").strip()
    if not text:
        return True, ""
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return False, _("The address contains spaces or control characters.")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return False, _("The address is not a valid URL.")
    scheme = parts.scheme.lower()
    if scheme in ("javascript", "data", "vbscript", "file"):
        return False, _("“%(scheme)s:” addresses are never allowed in references.") % {
            "scheme": scheme}
    if scheme == "http":
        return False, _("Use the secure “https:” address of this source, not “http:”.")
    if scheme != "https":
        return False, _("A reference address must start with “https://”.")
    if parts.username is not None or parts.password is not None:
        return False, _("A reference address must not contain a user name or password.")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return False, _("The address has no host name.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return False, _("A reference address must use the source's domain name, not an IP address.")
    if port not in (None, 443):
        return False, _("A reference address must not name a port.")
    if not _host_is_trusted(host):
        return False, _(
            "“%(host)s” is not a trusted source. Cite FDA labels or approval pages, NIH/NCI/NLM, "
            "CDC, professional societies and their journals, peer-reviewed articles (doi.org, "
            "PubMed), or cancer centers' and national cancer charities' patient pages."
        ) % {"host": host}
    return True, ""


def check_references(references: list[dict]) -> list[tuple[int, str]]:
    """Every reference that breaks the policy, as ``(number, reason)``."""
    problems = []
    for ref in references:
        ok, reason = check_reference_url(ref.get("url"))
        if not ok:
            problems.append((ref.get("number"), reason))
    return problems
