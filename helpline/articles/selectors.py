"""Reads of the knowledge base that pages, the sitemap and other apps reuse."""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Iterator

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpline.common.feedback import HelpfulReason

from . import markup
from .models import ArticleFeedback, ArticleVersion, Revision, Topic

LANGUAGES = ("en", "es")
FEEDBACK_DAYS = 30  # the editorial pages show "Was this helpful?" votes of the last 30 days


def public_versions(language: str | None = None, *,
                    keys: Iterable[str] | None = None) -> QuerySet[ArticleVersion]:
    """Versions the public may see: published at least once and not archived; only the
    articles with these ``keys`` when given (other apps link to articles by key)."""
    qs = (
        ArticleVersion.objects.filter(live_revision__isnull=False)
        .exclude(status=ArticleVersion.Status.ARCHIVED)
        .select_related("live_revision", "article", "article__topic")
        .order_by("article__topic__order", "article__order", "article__key")
    )
    if language:
        qs = qs.filter(language=language)
    if keys is not None:
        qs = qs.filter(article__key__in=list(keys))
    return qs


def get_public_version(language: str, slug: str) -> ArticleVersion:
    try:
        return public_versions(language).get(slug=slug)
    except ArticleVersion.DoesNotExist as exc:
        raise Http404("No such article") from exc


def public_page_state(language: str, slug: str) -> tuple:
    """What a public article page depends on, in one query (the page cache's key).

    ``((language, slug, live revision id, published_at), ...)`` for every public
    translation of the article at (language, slug); empty when there is no such
    public article.
    """
    rows = (
        ArticleVersion.objects.filter(article__versions__language=language,
                                      article__versions__slug=slug)
        .order_by("language")
        .values_list("language", "slug", "status", "live_revision_id",
                     "live_revision__published_at")
    )
    public = tuple((lang, sl, rev, when) for lang, sl, status, rev, when in rows
                   if rev is not None and status != ArticleVersion.Status.ARCHIVED)
    if not any(lang == language and sl == slug for lang, sl, _rev, _when in public):
        return ()
    return public


def public_translations(version: ArticleVersion) -> dict[str, str]:
    """URLs of the public versions of the same article, by language (including this one)."""
    from django.urls import reverse
    from django.utils import translation

    rows = (
        ArticleVersion.objects.filter(article_id=version.article_id, live_revision__isnull=False)
        .exclude(status=ArticleVersion.Status.ARCHIVED)
        .values_list("language", "slug")
    )
    urls = {}
    for language, slug in rows:
        with translation.override(language):
            urls[language] = reverse("articles:detail", kwargs={"slug": slug})
    return urls


def review_line(revision: Revision) -> str:
    """The honest review line for a revision, in the active language.

    A revision without a medical reviewer (bundled content, loaded from files)
    says who wrote it and that it awaits the deploying organisation's medical
    review; a reviewer's publish fills in ``medically_reviewed_by`` and the
    line names the reviewer instead.
    """
    if revision.is_medically_reviewed:
        return _("Medically reviewed by %(reviewer)s.") % {"reviewer": revision.medically_reviewed_by}
    return _("Written by the Helpline editorial team from the cited sources. Awaiting medical "
             "review by the organisation that runs this helpline.")


def public_topic_index(language: str) -> list[dict]:
    topics: dict[int, dict] = {}
    for version in public_versions(language):
        topic = version.article.topic
        entry = topics.setdefault(topic.pk, {"name": topic.name(language), "slug": topic.slug,
                                             "articles": []})
        entry["articles"].append(
            {
                "url": version.get_absolute_url(),
                "pdf_url": version.get_pdf_url(),
                "title": version.live_revision.title,
                "summary": version.live_revision.summary,
                "last_reviewed": (version.live_revision.date_reviewed
                                  if version.live_revision.is_medically_reviewed else None),
                "last_updated": version.live_revision.last_revised,
                "medically_reviewed": version.live_revision.is_medically_reviewed,
                "version": version,
            }
        )
    return list(topics.values())


def sitemap_entries() -> list[dict]:
    entries = []
    versions = list(public_versions())
    by_article: dict[int, list[ArticleVersion]] = {}
    for version in versions:
        by_article.setdefault(version.article_id, []).append(version)
    for version in versions:
        entries.append(
            {
                "url": version.get_absolute_url(),
                "lastmod": version.live_revision.last_revised or version.live_revision.published_at,
                "alternates": [
                    {"lang": other.language, "url": other.get_absolute_url()}
                    for other in by_article[version.article_id]
                ],
            }
        )
    return entries


def live_sections(language: str | None = None) -> Iterator[dict]:
    """Every section of every public version, as plain text with its citation data."""
    for version in public_versions(language):
        yield from version_sections(version)


def version_sections(version: ArticleVersion) -> Iterator[dict]:
    revision = version.live_revision
    if revision is None:
        return
    base_url = version.get_absolute_url()
    with translation.override(version.language):
        line = review_line(revision)
    for section in revision.sections:
        yield {
            "version_id": version.pk,
            "article_key": version.article.key,
            "language": version.language,
            "article_title": revision.title,
            "section_heading": section["heading"],
            "anchor": section["anchor"],
            "url": f"{base_url}#{section['anchor']}",
            "text": markup.plain_text(section["body"]),
            # The reviewed "questions this section answers", in the version's language.
            "questions": list(section.get("questions") or []),
            # None while no medical review has happened (bundled content).
            "last_reviewed": revision.date_reviewed if revision.is_medically_reviewed else None,
            "last_updated": revision.last_revised,
            "review_line": line,
        }


def staff_version(pk) -> ArticleVersion | None:
    """A version by id for staff work (any status), or None."""
    try:
        return ArticleVersion.objects.select_related("article", "latest_revision").get(pk=pk)
    except (ArticleVersion.DoesNotExist, ValueError, TypeError):
        return None


def section_choices(language: str) -> list[dict]:
    """Sections an editor can link a question to: the working text of every version in a language.

    [{"value": "<version id>:<anchor>", "version_id", "anchor", "label"}]
    """
    versions = (
        ArticleVersion.objects.filter(language=language, latest_revision__isnull=False)
        .exclude(status=ArticleVersion.Status.ARCHIVED)
        .select_related("latest_revision")
        .order_by("article__topic__order", "article__order", "article__key")
    )
    choices = []
    for version in versions:
        revision = version.latest_revision
        for section in revision.sections:
            choices.append({
                "value": f"{version.pk}:{section['anchor']}", "version_id": version.pk,
                "anchor": section["anchor"],
                "label": f"{revision.title} — {section['heading']}",
            })
    return choices


# --- Staff: flags, history, comparison -----------------------------------

def review_due(version: ArticleVersion, today: datetime.date | None = None) -> bool:
    """The live revision's review date has come (12 months after review by default)."""
    revision = version.live_revision
    if revision is None:
        return False
    due = revision.review_due_date()
    today = today or timezone.localdate()
    return due is not None and due <= today


def source_version(version: ArticleVersion) -> ArticleVersion | None:
    """The English version a translation follows (None for English itself)."""
    if version.language == "en":
        return None
    return (
        ArticleVersion.objects.filter(article_id=version.article_id, language="en")
        .select_related("live_revision")
        .first()
    )


def translation_out_of_date(version: ArticleVersion) -> bool:
    """A translation whose English version has a newer published revision."""
    source = source_version(version)
    if source is None or source.live_revision is None or version.live_revision is None:
        return False
    followed = version.live_revision.source_revision_number or 0
    return source.live_revision.number > followed


def editorial_rows(today: datetime.date | None = None) -> list[dict]:
    rows = []
    versions = ArticleVersion.objects.select_related(
        "article", "article__topic", "live_revision", "latest_revision"
    ).order_by("article__topic__order", "article__order", "language")
    since = timezone.now() - datetime.timedelta(days=FEEDBACK_DAYS)
    helpful = {row["version_id"]: row for row in article_feedback_counts(since=since)}
    for version in versions:
        rows.append(
            {
                "version": version,
                "title": version.latest_revision.title if version.latest_revision else version.slug,
                "review_due": review_due(version, today),
                "due_date": version.live_revision.review_due_date() if version.live_revision else None,
                "translation_out_of_date": translation_out_of_date(version),
                "unpublished_changes": version.has_unpublished_changes,
                "helpful": helpful.get(version.pk),
            }
        )
    return rows


def revision_history(version: ArticleVersion) -> QuerySet[Revision]:
    return version.revisions.select_related("created_by", "published_by").order_by("-number")


def previous_published(revision: Revision) -> Revision | None:
    return (
        Revision.objects.filter(
            version_id=revision.version_id, published_at__isnull=False, number__lt=revision.number
        )
        .order_by("-number")
        .first()
    )


def revision_as_text(revision: Revision) -> list[str]:
    lines = [f"# {revision.title}", "", revision.summary.strip(), ""]
    for section in revision.sections:
        lines += [f"## {section['heading']} {{#{section['anchor']}}}", ""]
        lines += section["body"].strip().splitlines()
        lines.append("")
        if section.get("questions"):
            lines += [f"? {question}" for question in section["questions"]]
            lines.append("")
    lines.append("References")
    lines += [f"{ref['number']}. {ref['text']} {ref.get('url', '')}".rstrip()
              for ref in revision.references]
    return lines


def compare_revisions(old: Revision, new: Revision) -> list[dict]:
    """A line diff of two revisions: [{"kind": "same"|"added"|"removed", "text"}]."""
    diff = []
    matcher = difflib.SequenceMatcher(a=revision_as_text(old), b=revision_as_text(new),
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            diff += [{"kind": "same", "text": line} for line in matcher.a[i1:i2]]
            continue
        diff += [{"kind": "removed", "text": line} for line in matcher.a[i1:i2]]
        diff += [{"kind": "added", "text": line} for line in matcher.b[j1:j2]]
    return diff


def topics() -> QuerySet[Topic]:
    return Topic.objects.all()


# --- "Was this helpful?" counts ------------------------------------------------

def _rate(yes: int, no: int) -> float | None:
    return round(100 * yes / (yes + no), 1) if (yes + no) else None


def article_feedback_counts(*, since=None, until=None, language: str | None = None,
                            version_ids=None) -> list[dict]:
    """Helpful votes per article version in a period (aggregated by the database).

    [{"version_id", "article_key", "language", "title", "yes", "no", "rate"}], most votes first.
    """
    qs = ArticleFeedback.objects.all()
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    if language:
        qs = qs.filter(version__language=language)
    if version_ids is not None:
        qs = qs.filter(version_id__in=list(version_ids))
    rows = (
        qs.order_by().values("version_id", "version__article__key", "version__language",
                             "version__slug")
        .annotate(yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False)))
    )
    titles = dict(
        ArticleVersion.objects.filter(pk__in=[r["version_id"] for r in rows])
        .values_list("pk", "latest_revision__title")
    )
    out = [
        {"version_id": r["version_id"], "article_key": r["version__article__key"],
         "language": r["version__language"],
         "title": titles.get(r["version_id"]) or r["version__slug"],
         "yes": r["yes"], "no": r["no"], "rate": _rate(r["yes"], r["no"])}
        for r in rows
    ]
    out.sort(key=lambda row: (-(row["yes"] + row["no"]), row["article_key"], row["language"]))
    return out


def version_feedback(version: ArticleVersion, *, days: int = 30) -> dict:
    """Helpful votes on one version in the last ``days`` days, with the reasons for "no"."""
    since = timezone.now() - datetime.timedelta(days=days)
    qs = ArticleFeedback.objects.filter(version=version, created_at__gte=since).order_by()
    totals = qs.aggregate(yes=Count("id", filter=Q(helpful=True)),
                          no=Count("id", filter=Q(helpful=False)))
    labels = dict(HelpfulReason.choices)
    reasons = [
        {"reason": labels.get(r["reason"], r["reason"]), "n": r["n"]}
        for r in qs.filter(helpful=False).exclude(reason="").values("reason")
        .annotate(n=Count("id")).order_by("-n", "reason")
    ]
    return {"days": days, "yes": totals["yes"], "no": totals["no"],
            "rate": _rate(totals["yes"], totals["no"]), "reasons": reasons}


# --- Review history and what changed for a translator ---------------------------

def review_history(version: ArticleVersion) -> list[dict]:
    """Published revisions of a version with who reviewed them and when, newest first.

    Bundled revisions (no named medical reviewer) are listed as awaiting review.
    """
    rows = []
    for revision in (version.revisions.filter(published_at__isnull=False)
                     .order_by("-number")[:50]):
        rows.append({
            "number": revision.number,
            "published": revision.published_at,
            "reviewed": revision.is_medically_reviewed,
            "date_reviewed": revision.date_reviewed if revision.is_medically_reviewed else None,
            "reviewer": revision.medically_reviewed_by if revision.is_medically_reviewed else "",
            "change_note": revision.change_note,
        })
    return rows


SENTENCE_RE = re.compile(r"(?<=[.!?:])\s+|\n+")


def sentences(body: str) -> list[str]:
    return [s.strip() for s in SENTENCE_RE.split(body or "") if s and s.strip()]


def translation_changes(version: ArticleVersion) -> dict | None:
    """For a Spanish version: the English text, section by section, marking what changed
    since the English revision the translation was made from.

    {"source_number", "followed_number", "any_changed",
     "sections": [{"heading", "anchor", "status": "new"|"changed"|"same",
                   "sentences": [{"text", "changed"}]}]}
    None for an English version or when the English version has no live text.
    """
    source = source_version(version)
    if source is None or source.live_revision is None:
        return None
    current = source.live_revision
    own = version.latest_revision
    followed_number = own.source_revision_number if own is not None else None
    followed = (Revision.objects.filter(version=source, number=followed_number).first()
                if followed_number else None)
    old_bodies = {s["anchor"]: s["body"] for s in (followed.sections if followed else [])}
    out = []
    for section in current.sections:
        new = sentences(section["body"])
        if section["anchor"] not in old_bodies:
            marks = [{"text": text, "changed": True} for text in new]
            status = "new"
        else:
            old = sentences(old_bodies[section["anchor"]])
            changed = set()
            matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
            for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
                if tag != "equal":
                    changed.update(range(j1, j2))
            marks = [{"text": text, "changed": i in changed} for i, text in enumerate(new)]
            status = "changed" if changed else "same"
        out.append({"heading": section["heading"], "anchor": section["anchor"],
                    "status": status, "sentences": marks})
    return {"source_number": current.number, "followed_number": followed_number,
            "any_changed": any(s["status"] != "same" for s in out), "sections": out}


def reviews_due_within(days: int = 30, today: datetime.date | None = None) -> list[dict]:
    """Public versions whose next medical review falls within ``days`` days (or is overdue).

    Bundled content that has never been medically reviewed is listed too, as
    "awaiting first review". Sorted by due date, the ones without a date first.
    """
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days)
    rows = []
    for version in public_versions():
        revision = version.live_revision
        due = revision.review_due_date() if revision.is_medically_reviewed else None
        if revision.is_medically_reviewed and (due is None or due > horizon):
            continue
        rows.append({"version": version, "title": revision.title, "language": version.language,
                     "due": due, "overdue": due is not None and due < today,
                     "never_reviewed": not revision.is_medically_reviewed})
    rows.sort(key=lambda r: (r["due"] is not None, r["due"] or today, r["title"]))
    return rows
