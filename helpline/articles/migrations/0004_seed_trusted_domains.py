"""Seed the trusted-source list with the domains the project shipped as a constant."""

from django.db import migrations

# The list as it stood in reference_policy.DEFAULT_TRUSTED_DOMAINS when the
# table was made (a migration keeps its own copy).
SEED = {
    "US regulator (labels, approval pages, safety communications)": ("fda.gov",),
    "NIH, NCI, NLM, PubMed, DailyMed": (
        "nih.gov", "cancer.gov", "medlineplus.gov", "clinicaltrials.gov",
    ),
    "US public health agencies (CDC; SAMHSA, which runs the 988 Lifeline)": ("cdc.gov", "samhsa.gov"),
    "professional societies and their journals": (
        "asco.org", "cancer.net", "ascopubs.org", "hematology.org", "ashpublications.org",
        "ashpublications.net", "astct.org", "astctjournal.org", "nccn.org", "ons.org",
        "aacrjournals.org",
    ),
    "peer-reviewed articles": ("doi.org",),
    "cancer centers' and national cancer charities' patient pages": (
        "cancer.org", "lls.org", "nmdp.org", "bethematch.org", "stjude.org", "mskcc.org",
        "dana-farber.org", "cancercare.org", "bmtinfonet.org", "myeloma.org", "childrensmn.org",
        "cellularimmunotherapy.wustl.edu", "siteman.wustl.edu",
        "mdanderson.org", "oncolink.org", "aboutkidshealth.ca", "childrensoncologygroup.org",
        "cancersupportcommunity.org", "bloodcancerunited.org",
    ),
    "manufacturers' prescribing information (label-only hosts)": (
        "packageinserts.bms.com", "janssenlabels.com",
    ),
}


def seed(apps, schema_editor):
    TrustedDomain = apps.get_model("articles", "TrustedDomain")
    for kind, domains in SEED.items():
        for domain in domains:
            TrustedDomain.objects.get_or_create(domain=domain, defaults={"kind": kind[:120]})


def unseed(apps, schema_editor):
    TrustedDomain = apps.get_model("articles", "TrustedDomain")
    TrustedDomain.objects.filter(
        domain__in=[d for domains in SEED.values() for d in domains]).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_trusted_domains_reference_acceptance_key_points")]

    operations = [migrations.RunPython(seed, unseed)]
