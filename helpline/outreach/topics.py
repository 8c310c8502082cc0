"""The topics the helpline covers, for the "Topics we can help with" page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class HelpTopic:
    slug: str
    title: object
    summary: object
    article_keys: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


TOPICS: list[HelpTopic] = [
    HelpTopic("car-t-basics", _("Understanding CAR T-cell therapy"),
              _("How the treatment works, the steps from referral to infusion, and the approved products."),
              ("car-t-how-it-works", "car-t-treatment-steps", "car-t-approved-products"),
              ("clinical_trials",)),
    HelpTopic("side-effects", _("Side effects and warning signs"),
              _("Cytokine release syndrome, neurologic side effects and other effects: what to watch for and when to call."),
              ("car-t-cytokine-release-syndrome", "car-t-neurologic-side-effects",
               "car-t-other-side-effects"), ()),
    HelpTopic("after-treatment", _("Life at home after treatment"),
              _("Staying near the treatment center, driving, caregivers, and questions for your care team."),
              ("car-t-at-home-after-treatment", "car-t-questions-for-care-team"),
              ("lodging", "transportation")),
    HelpTopic("costs", _("Costs, insurance and financial help"),
              _("Copay help, insurance appeals and prior authorization, and legal questions about work."),
              (), ("financial", "insurance", "legal")),
    HelpTopic("caregivers", _("Support for caregivers and families"),
              _("Caregiver support, support groups and help for the whole family."),
              (), ("caregiver", "support_groups")),
    HelpTopic("emotional", _("Coping and emotional support"),
              _("Counseling, support groups, and wigs and prostheses."),
              (), ("mental_health", "support_groups", "wigs")),
]


def topics_for(language: str) -> list[dict]:
    """Each topic with its public articles in ``language`` and its resource needs."""
    from helpline.articles.selectors import public_versions
    from helpline.resources.selectors import need_labels

    keys = {key for topic in TOPICS for key in topic.article_keys}
    articles = {version.article.key: {"title": version.live_revision.title,
                                      "url": version.get_absolute_url()}
                for version in public_versions(language, keys=keys)}
    labels = need_labels()
    return [
        {"slug": t.slug, "title": t.title, "summary": t.summary,
         "articles": [articles[k] for k in t.article_keys if k in articles],
         "needs": [{"need": n, "label": labels[n]} for n in t.needs]}
        for t in TOPICS
    ]
