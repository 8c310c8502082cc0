"""The editorial workflow: every write to articles goes through these functions.

draft -> in_review -> published -> archived. Editors write the English version,
translators the Spanish one, and only a medical reviewer publishes. The checks
live here, so the admin, staff pages and commands all behave the same.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpline.accounts.selectors import public_byline
from helpline.common import audit
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.feedback import parse_helpful, parse_reason

from . import markup, reference_policy, selectors, signals
from .models import (
    Article,
    ArticleFeedback,
    ArticleVersion,
    ReferenceAcceptance,
    Revision,
    Topic,
    TrustedDomain,
    WorkflowEvent,
)
from .selectors import source_version

Status = ArticleVersion.Status

EDIT_PERMISSION = {"en": "articles.change_articleversion", "es": "articles.translate_articleversion"}
PUBLISH_PERMISSION = "articles.publish_articleversion"
ARCHIVE_PERMISSION = "articles.archive_articleversion"


def can_edit(user, version: ArticleVersion) -> bool:
    return bool(user and user.has_perm(EDIT_PERMISSION[version.language]))


def can_publish(user) -> bool:
    return bool(user and user.has_perm(PUBLISH_PERMISSION))


def can_archive(user) -> bool:
    return bool(user and user.has_perm(ARCHIVE_PERMISSION))


def _check_edit(user, version: ArticleVersion) -> None:
    if not can_edit(user, version):
        if version.language == "es":
            raise NotAllowed(_("Only translators and editors can edit the Spanish version."))
        raise NotAllowed(_("Only editors can edit this article."))


def _event(version, revision, actor, action, from_status, note="", request=None) -> None:
    WorkflowEvent.objects.create(
        version=version, revision=revision, actor=actor if getattr(actor, "pk", None) else None,
        action=action, from_status=from_status, to_status=version.status, note=note[:300],
    )
    audit.record(
        actor, f"articles.{action}", version,
        data={"revision": revision.number if revision else None, "from": from_status,
              "to": version.status, "note": note[:300]},
        request=request,
    )


@dataclass
class DraftInput:
    title: str
    summary: str
    sections: list[dict]
    references: list[dict]
    change_note: str = ""
    key_points: list[str] | None = None
    date_reviewed: datetime.date | None = None
    next_review_due: datetime.date | None = None


def draft_from_text(text: str) -> DraftInput:
    """Build a draft from the content-file format (the editorial form uses it)."""
    try:
        parsed = markup.parse(text)
    except markup.ContentError as exc:
        raise ApplicationError(str(exc)) from exc
    meta = parsed.meta
    return DraftInput(
        title=str(meta["title"]).strip(), summary=str(meta["summary"]).strip(),
        sections=parsed.sections, references=parsed.references,
        key_points=parsed.key_points,
        date_reviewed=meta.get("date_reviewed"), next_review_due=meta.get("next_review_due"),
    )


def draft_from_structured(*, title: str, summary: str, key_points, sections: list[dict],
                          references: list[dict], change_note: str = "") -> DraftInput:
    """Build a draft from the structured editor's fields.

    ``sections`` are ``{"heading", "anchor", "body", "questions"}`` in their new
    order (an empty anchor is made from the heading; the anchor and question
    variants of an existing section are kept). ``references`` are
    ``{"old_number", "authors", "title", "publisher", "year", "url", "accessed"}``
    in their new order: they are numbered 1..n and every ``[n]`` citation in the
    sections follows its reference to its new number.
    """
    from django.utils.text import slugify

    mapping: dict[int, int] = {}
    refs: list[dict] = []
    for number, item in enumerate(references, start=1):
        old = item.get("old_number")
        if old:
            mapping[int(old)] = number
        ref = {"number": number, "text": "", "url": (item.get("url") or "").strip()}
        for name in markup.REFERENCE_FIELDS:
            value = item.get(name)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            value = " ".join(str(value or "").split())
            if value:
                ref[name] = value
        ref["text"] = markup.reference_text(ref)
        if set(ref) & set(markup.REFERENCE_FIELDS) == {"title"}:
            # A citation kept as one line (older references): store it as text only.
            del ref["title"]
        if not ref["text"]:
            raise ApplicationError(
                _("Reference %(number)s needs at least a title.") % {"number": number})
        refs.append(ref)
    out_sections: list[dict] = []
    anchors: set[str] = set()
    for item in sections:
        heading = " ".join((item.get("heading") or "").split())
        body = (item.get("body") or "").replace("\r\n", "\n").strip()
        if not heading:
            raise ApplicationError(_("Every section needs a heading."))
        anchor = slugify(item.get("anchor") or "") or slugify(heading) or "section"
        base, n = anchor, 2
        while anchor in anchors:
            anchor, n = f"{base}-{n}", n + 1
        anchors.add(anchor)
        section = {"heading": heading, "anchor": anchor,
                   "body": markup.renumber_citations(body, mapping)}
        try:
            questions = markup.clean_questions(item.get("questions") or [])
        except markup.ContentError as exc:
            raise ApplicationError(str(exc)) from exc
        if questions:
            section["questions"] = questions
        out_sections.append(section)
    try:
        points = markup.clean_key_points(key_points)
    except markup.ContentError as exc:
        raise ApplicationError(str(exc)) from exc
    return DraftInput(title=" ".join((title or "").split()), summary=(summary or "").strip(),
                      sections=out_sections, references=refs, key_points=points,
                      change_note=change_note)


def preview_revision(version: ArticleVersion, data: DraftInput) -> Revision:
    """An unsaved revision for the live preview: nothing is written."""
    _validate(data)
    latest = version.latest_revision
    revision = Revision(version=version, number=(latest.number if latest else 0),
                        title=data.title, summary=data.summary, sections=data.sections,
                        references=data.references, key_points=data.key_points or [])
    if latest is not None:
        for name in ("written_by", "medically_reviewed_by", "translated_by", "date_reviewed",
                     "last_revised"):
            setattr(revision, name, getattr(latest, name))
    return revision


@transaction.atomic
def article_create(actor, *, title: str, topic: Topic, request=None) -> ArticleVersion:
    """A new subject with its English version (no text yet; the editor writes the draft)."""
    from django.utils.text import slugify

    if not (actor and actor.has_perm("articles.add_articleversion")
            and actor.has_perm(EDIT_PERMISSION["en"])):
        raise NotAllowed(_("Only editors can start a new article."))
    base = slugify(title)[:100]
    if not base:
        raise ApplicationError(_("A title is required."))
    key, n = base, 2
    while (Article.objects.filter(key=key).exists()
           or ArticleVersion.objects.filter(language="en", slug=key).exists()):
        key, n = f"{base}-{n}", n + 1
    order = (Article.objects.filter(topic=topic).count() + 1)
    article = Article.objects.create(key=key, topic=topic, order=order)
    version = ArticleVersion.objects.create(article=article, language="en", slug=key)
    audit.record(actor, "articles.create", version, data={"key": key, "topic": topic.slug},
                 request=request)
    return version


@transaction.atomic
def translation_start(actor, source: ArticleVersion, *, slug: str = "",
                      request=None) -> ArticleVersion:
    """The Spanish version of an article, started from its English text (translators, editors)."""
    from django.utils.text import slugify

    existing = ArticleVersion.objects.filter(article_id=source.article_id, language="es").first()
    if existing is not None:
        return existing
    if not (actor and actor.has_perm(EDIT_PERMISSION["es"])):
        raise NotAllowed(_("Only translators and editors can edit the Spanish version."))
    base = slugify(slug) or source.slug
    value, n = base, 2
    while ArticleVersion.objects.filter(language="es", slug=value).exists():
        value, n = f"{base}-{n}", n + 1
    version = ArticleVersion.objects.create(article_id=source.article_id, language="es",
                                            slug=value)
    audit.record(actor, "articles.translation_start", version, data={"slug": value},
                 request=request)
    return version


def _validate(data: DraftInput) -> None:
    if not data.title.strip():
        raise ApplicationError(_("A title is required."))
    if not data.summary.strip():
        raise ApplicationError(_("A summary is required."))
    if not data.sections:
        raise ApplicationError(_("An article needs at least one section."))
    # Refused addresses are never saved; a well-formed address outside the
    # trusted list is kept and held until a medical reviewer accepts it.
    bad_references = reference_policy.refused_references(data.references)
    if bad_references:
        raise ApplicationError(" ".join(
            _("Reference %(number)s: %(reason)s") % {"number": number, "reason": reason}
            for number, reason in bad_references
        ))
    numbers = {ref["number"] for ref in data.references}
    for section in data.sections:
        missing = markup.cited_numbers(section["body"]) - numbers
        if missing:
            raise ApplicationError(
                _("Section “%(heading)s” cites a reference that does not exist: %(numbers)s")
                % {"heading": section["heading"], "numbers": ", ".join(map(str, sorted(missing)))}
            )


@transaction.atomic
def draft_save(actor, version: ArticleVersion, data: DraftInput, *, request=None) -> Revision:
    """Save the working draft: edits the open draft, or starts a new revision."""
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    _check_edit(actor, version)
    if version.status == Status.ARCHIVED:
        raise ApplicationError(_("An archived article cannot be edited. Restore it first."))
    _validate(data)
    latest = version.latest_revision
    from_status = version.status
    if latest is not None and not latest.is_published:
        revision = latest
    else:
        revision = Revision(version=version, number=(latest.number + 1) if latest else 1,
                            created_by=actor if getattr(actor, "pk", None) else None)
        if latest is not None:
            for name in ("written_by", "medically_reviewed_by", "translated_by", "date_reviewed",
                         "next_review_due", "key_points"):
                setattr(revision, name, getattr(latest, name))
    revision.title = data.title.strip()
    revision.summary = data.summary.strip()
    revision.sections = data.sections
    revision.references = data.references
    revision.change_note = data.change_note[:300]
    if data.key_points is not None:
        revision.key_points = data.key_points
    if data.date_reviewed:
        revision.date_reviewed = data.date_reviewed
    if data.next_review_due:
        revision.next_review_due = data.next_review_due
    if version.language != "en":
        # The translator works from the English text that is live now.
        source = source_version(version)
        if source is not None and source.live_revision is not None:
            revision.source_revision_number = source.live_revision.number
    revision.save()
    version.latest_revision = revision
    version.status = Status.DRAFT
    version.save(update_fields=["latest_revision", "status", "updated_at"])
    _event(version, revision, actor, "edit", from_status, data.change_note, request)
    return revision


def _questions_from(section: dict) -> list[str]:
    return list(section.get("questions") or [])


@transaction.atomic
def draft_questions_save(actor, version: ArticleVersion, questions: dict[str, list[str] | str], *,
                         change_note: str = "", request=None) -> Revision:
    """Set the question variants of sections in the working draft.

    The variants are part of the revision's content, so this is an ordinary
    draft edit (``draft_save``): it edits the open draft or starts one from the
    latest revision, and they go live only when that draft is published.
    ``questions`` maps a section anchor to its questions (a list, or text with
    one question per line); sections not named keep theirs.
    """
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    _check_edit(actor, version)
    latest = version.latest_revision
    if latest is None:
        raise ApplicationError(_("This version has no text yet."))
    anchors = {section["anchor"] for section in latest.sections}
    unknown = sorted(set(questions) - anchors)
    if unknown:
        raise ApplicationError(
            _("The draft has no section “%(anchor)s”.") % {"anchor": ", ".join(unknown)}
        )
    sections = []
    for original in latest.sections:
        section = {key: value for key, value in original.items() if key != "questions"}
        items = questions.get(section["anchor"], _questions_from(original))
        try:
            cleaned = markup.clean_questions(items)
        except markup.ContentError as exc:
            raise ApplicationError(
                _("Section “%(heading)s”: %(error)s") % {"heading": section["heading"],
                                                        "error": exc}
            ) from exc
        if cleaned:
            section["questions"] = cleaned
        sections.append(section)
    data = DraftInput(title=latest.title, summary=latest.summary, sections=sections,
                      references=latest.references, key_points=latest.key_points,
                      change_note=change_note or _("Questions this section answers"))
    return draft_save(actor, version, data, request=request)


@transaction.atomic
def question_variant_add(actor, version: ArticleVersion, anchor: str, question: str, *,
                         request=None, source: str = "") -> Revision:
    """Add one question to a section's variants in the working draft (idempotent).

    Used when an editor links a logged question to the section that answers it.
    The question goes into the draft (created from the latest revision when
    there is none) and becomes live only when that draft is reviewed and
    published.
    """
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    _check_edit(actor, version)
    latest = version.latest_revision
    if latest is None:
        raise ApplicationError(_("This version has no text yet."))
    section = next((s for s in latest.sections if s["anchor"] == anchor), None)
    if section is None:
        raise ApplicationError(_("The draft has no section “%(anchor)s”.") % {"anchor": anchor})
    try:
        [text] = markup.clean_questions([question]) or [""]
    except markup.ContentError as exc:
        raise ApplicationError(str(exc)) from exc
    if not text:
        raise ApplicationError(_("The question is empty."))
    existing = _questions_from(section)
    already = text.casefold() in {q.casefold() for q in existing}
    revision = latest
    if not already:
        revision = draft_questions_save(
            actor, version, {anchor: [*existing, text]}, request=request,
            change_note=_("Question added to “%(heading)s”") % {"heading": section["heading"]},
        )
    audit.record(actor, "articles.question_variant_add", version,
                 data={"revision": revision.number, "anchor": anchor, "source": source[:60],
                       "already_present": already},
                 request=request)
    return revision


@transaction.atomic
def submit_for_review(actor, version: ArticleVersion, *, note: str = "", request=None) -> None:
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    _check_edit(actor, version)
    if version.status != Status.DRAFT or not version.has_unpublished_changes:
        raise ApplicationError(_("Only a draft with changes can be sent for review."))
    version.status = Status.IN_REVIEW
    version.save(update_fields=["status", "updated_at"])
    _event(version, version.latest_revision, actor, "submit", Status.DRAFT, note, request)


@transaction.atomic
def return_to_draft(actor, version: ArticleVersion, *, note: str = "", request=None) -> None:
    """A reviewer sends a version back to its author with a note."""
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    if not can_publish(actor):
        raise NotAllowed(_("Only a medical reviewer can return an article for changes."))
    if version.status != Status.IN_REVIEW:
        raise ApplicationError(_("Only a version in review can be returned."))
    version.status = Status.DRAFT
    version.save(update_fields=["status", "updated_at"])
    _event(version, version.latest_revision, actor, "return", Status.IN_REVIEW, note, request)


# --- References outside the trusted list -------------------------------------

def unaccepted_references(version: ArticleVersion, revision: Revision | None = None) -> list[dict]:
    """Held references of a revision (the latest by default) that no reviewer has accepted."""
    if revision is None:
        latest_id = (ArticleVersion.objects.filter(pk=version.pk)
                     .values_list("latest_revision_id", flat=True).first())
        revision = Revision.objects.filter(pk=latest_id).first() if latest_id else None
    if revision is None:
        return []
    accepted = set(ReferenceAcceptance.objects.filter(version=version)
                   .values_list("url", flat=True))
    return [ref for ref in reference_policy.held_references(revision.references)
            if ref["url"].strip() not in accepted]


@transaction.atomic
def reference_accept(actor, version: ArticleVersion, url: str, *, note: str = "",
                     request=None) -> ReferenceAcceptance:
    """A medical reviewer accepts a source outside the trusted list for this version (audited)."""
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    if not can_publish(actor):
        raise NotAllowed(_("Only a medical reviewer can accept a source outside the trusted list."))
    url = (url or "").strip()
    revision = version.latest_revision
    held = {ref["url"].strip() for ref in
            reference_policy.held_references(revision.references if revision else [])}
    if url not in held:
        raise ApplicationError(
            _("That address is not a reference of this draft that needs acceptance."))
    acceptance, created = ReferenceAcceptance.objects.get_or_create(
        version=version, url=url,
        defaults={"accepted_by": actor if getattr(actor, "pk", None) else None,
                  "note": note[:300]},
    )
    if created:
        audit.record(actor, "articles.reference_accept", version,
                     data={"revision": revision.number, "url": url[:500],
                           "host": reference_policy.url_host(url), "note": note[:300]},
                     request=request)
    return acceptance


TRUSTED_DOMAIN_PERMISSION = "articles.change_trusteddomain"


@transaction.atomic
def trusted_domain_save(actor, domain: TrustedDomain, *, request=None) -> TrustedDomain:
    """Add or change a trusted domain (administrators); audited, and the policy cache cleared."""
    if not (actor and actor.has_perm(TRUSTED_DOMAIN_PERMISSION)):
        raise NotAllowed(_("Only administrators can change the trusted sources."))
    created = domain.pk is None
    domain.full_clean()
    domain.save()
    audit.record(actor, "articles.trusted_domain_add" if created else "articles.trusted_domain_change",
                 domain, data={"domain": domain.domain, "kind": domain.kind}, request=request)
    return domain


@transaction.atomic
def trusted_domain_delete(actor, domain: TrustedDomain, *, request=None) -> None:
    if not (actor and actor.has_perm("articles.delete_trusteddomain")):
        raise NotAllowed(_("Only administrators can change the trusted sources."))
    audit.record(actor, "articles.trusted_domain_remove", domain,
                 data={"domain": domain.domain}, request=request)
    domain.delete()


def _publish_locked(actor, version: ArticleVersion, *, note: str, reviewed_on, request) -> Revision:
    revision = version.latest_revision
    waiting = unaccepted_references(version, revision)
    if waiting:
        raise ApplicationError(
            _("Reference %(numbers)s is outside the trusted sources and has not been accepted by "
              "a medical reviewer.") % {"numbers": ", ".join(str(r["number"]) for r in waiting)},
            code="reference_held",
        )
    now = timezone.now()
    revision.published_at = now
    revision.published_by = actor if getattr(actor, "pk", None) else None
    revision.last_revised = timezone.localdate(now)
    # The review stamps the page: this reviewer, this date, and the next review
    # a review interval later (the draft carried the previous review's fields).
    revision.date_reviewed = reviewed_on or revision.last_revised
    revision.next_review_due = revision.date_reviewed + datetime.timedelta(
        days=settings.HELPLINE["REVIEW_INTERVAL_DAYS"])
    if getattr(actor, "pk", None):
        revision.medically_reviewed_by = public_byline(actor)[:200]
    revision.save()
    from_status = version.status
    version.live_revision = revision
    version.status = Status.PUBLISHED
    version.save(update_fields=["live_revision", "status", "updated_at"])
    _event(version, revision, actor, "publish", from_status, note, request)
    transaction.on_commit(
        lambda: signals.version_published.send(ArticleVersion, version=version, revision=revision)
    )
    return revision


@transaction.atomic
def publish(actor, version: ArticleVersion, *, note: str = "", reviewed_on=None,
            request=None) -> Revision:
    """Medical review passed: the latest revision becomes the live one."""
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    if not can_publish(actor):
        raise NotAllowed(_("Only a medical reviewer can publish."))
    if version.status != Status.IN_REVIEW:
        raise ApplicationError(_("Only a version in review can be published."))
    return _publish_locked(actor, version, note=note, reviewed_on=reviewed_on, request=request)


@transaction.atomic
def archive(actor, version: ArticleVersion, *, note: str = "", request=None) -> None:
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    if not can_archive(actor):
        raise NotAllowed(_("Only a medical reviewer can archive an article."))
    if version.status == Status.ARCHIVED:
        raise ApplicationError(_("This version is already archived."))
    from_status = version.status
    version.status = Status.ARCHIVED
    version.save(update_fields=["status", "updated_at"])
    _event(version, version.latest_revision, actor, "archive", from_status, note, request)
    transaction.on_commit(lambda: signals.version_unpublished.send(ArticleVersion, version=version))


@transaction.atomic
def restore(actor, version: ArticleVersion, *, note: str = "", request=None) -> None:
    """Bring an archived version back as a draft (it is not public until published again)."""
    version = ArticleVersion.objects.select_for_update().get(pk=version.pk)
    if not can_archive(actor):
        raise NotAllowed(_("Only a medical reviewer can restore an article."))
    if version.status != Status.ARCHIVED:
        raise ApplicationError(_("Only an archived version can be restored."))
    version.status = Status.DRAFT
    version.live_revision = None
    version.save(update_fields=["status", "live_revision", "updated_at"])
    _event(version, version.latest_revision, actor, "restore", Status.ARCHIVED, note, request)


# --- "Was this helpful?" on article pages ------------------------------------

def article_feedback_record(version: ArticleVersion, *, helpful, reason="") -> ArticleFeedback:
    """Count one visitor's vote on the live revision of a public version.

    Nothing about the visitor is stored: the version, the revision they read,
    yes or no, and for a "no" an optional reason from a closed list.
    """
    vote = parse_helpful(helpful)
    if vote is None:
        raise ApplicationError(_("Please answer yes or no."), code="bad_helpful")
    code = parse_reason(reason)
    if code is None:
        raise ApplicationError(_("Please choose a reason from the list."), code="bad_reason")
    if not version.is_public:
        raise ApplicationError(_("This article is not published."), code="not_public")
    return ArticleFeedback.objects.create(
        version=version, revision_number=version.live_revision.number, helpful=vote,
        reason="" if vote else code,
    )


# --- Bundled content: load and export -------------------------------------

@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _content_hash(parsed: markup.ParsedArticle) -> str:
    content = {"title": parsed.meta["title"], "summary": parsed.meta["summary"],
               "sections": parsed.sections, "references": parsed.references}
    if parsed.key_points:
        content["key_points"] = parsed.key_points
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _revision_hash(revision: Revision) -> str:
    content = {"title": revision.title, "summary": revision.summary,
               "sections": revision.sections, "references": revision.references}
    if revision.key_points:
        content["key_points"] = revision.key_points
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def topics_load(path: Path) -> None:
    import yaml

    if not path.exists():
        return
    for order, item in enumerate(yaml.safe_load(path.read_text()) or [], start=1):
        Topic.objects.update_or_create(
            slug=item["slug"],
            defaults={"name_en": item["name_en"], "name_es": item["name_es"],
                      "order": item.get("order", order)},
        )


@transaction.atomic
def content_load_file(path: Path, *, actor=None) -> str:
    """Load one content file. Returns "created", "updated" or "unchanged".

    A file whose text matches the live revision changes nothing, so loading is
    idempotent. A changed file becomes a new published revision (the file is
    the reviewed source of record for bundled content).
    """
    parsed = markup.parse(path.read_text(encoding="utf-8"), source=str(path))
    bad_references = reference_policy.check_references(parsed.references)
    if bad_references:
        raise markup.ContentError("; ".join(
            f"{path}: reference {number}: {reason}" for number, reason in bad_references
        ))
    meta = parsed.meta
    topic, _created = Topic.objects.get_or_create(
        slug=meta["topic"], defaults={"name_en": meta["topic"], "name_es": meta["topic"]}
    )
    article, _created = Article.objects.get_or_create(
        key=meta["key"], defaults={"topic": topic, "order": int(meta.get("order", 0))}
    )
    version, created = ArticleVersion.objects.get_or_create(
        article=article, language=meta["lang"], defaults={"slug": meta["slug"]}
    )
    if version.live_revision and _revision_hash(version.live_revision) == _content_hash(parsed):
        return "unchanged"
    latest = version.latest_revision
    revision = Revision.objects.create(
        version=version, number=(latest.number + 1) if latest else 1,
        title=str(meta["title"]).strip(), summary=str(meta["summary"]).strip(),
        sections=parsed.sections, references=parsed.references, key_points=parsed.key_points,
        written_by=meta.get("written_by") or "", translated_by=meta.get("translated_by") or "",
        medically_reviewed_by=meta.get("medically_reviewed_by") or "",
        date_reviewed=meta.get("date_reviewed"), next_review_due=meta.get("next_review_due"),
        change_note=f"Loaded from {path.name}",
    )
    if version.language != "en":
        source = source_version(version)
        if source is not None and source.live_revision is not None:
            revision.source_revision_number = source.live_revision.number
    now = timezone.now()
    revision.published_at = now
    revision.last_revised = meta.get("last_revised") or timezone.localdate(now)
    revision.save()
    from_status = version.status
    version.slug = meta["slug"]
    version.latest_revision = revision
    version.live_revision = revision
    version.status = Status.PUBLISHED
    version.save()
    _event(version, revision, actor, "load", from_status, f"Loaded from {path.name}")
    transaction.on_commit(
        lambda: signals.version_published.send(ArticleVersion, version=version, revision=revision)
    )
    return "created" if created else "updated"


def content_load_directory(directory: Path, *, actor=None) -> LoadReport:
    report = LoadReport()
    topics_load(directory.parent / "topics.yaml")
    files = sorted(directory.glob("*.md"))
    # English first, so that translations record which English revision they follow.
    files.sort(key=lambda p: (0 if p.name.endswith(".en.md") else 1, p.name))
    for path in files:
        outcome = content_load_file(path, actor=actor)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def content_export(actor, version: ArticleVersion, *, request=None) -> str:
    """The latest revision of a version in the content-file format."""
    if not (can_edit(actor, version) or can_publish(actor)):
        raise NotAllowed()
    revision = version.latest_revision
    if revision is None:
        raise ApplicationError(_("This version has no text yet."))
    meta = {
        "key": version.article.key, "lang": version.language, "slug": version.slug,
        "topic": version.article.topic.slug, "order": version.article.order,
        "title": revision.title, "summary": revision.summary,
        "written_by": revision.written_by, "medically_reviewed_by": revision.medically_reviewed_by,
        "translated_by": revision.translated_by, "date_reviewed": revision.date_reviewed,
        "last_revised": revision.last_revised, "next_review_due": revision.next_review_due,
    }
    audit.record(actor, "articles.export", version, data={"revision": revision.number},
                 request=request)
    return markup.dump(meta, revision.sections, revision.references, revision.key_points)


# --- Review-due reminders ------------------------------------------------------

REVIEW_DIGEST_DAYS = 30


def review_digest_send(*, today: datetime.date | None = None, days: int = REVIEW_DIGEST_DAYS,
                       site_url: str = "") -> int:
    """E-mail every active medical reviewer the list of reviews due within ``days`` days.

    One message per reviewer; nothing is sent when nothing is due. Returns the
    number of messages sent. Audited once per run.
    """
    from django.contrib.auth import get_user_model
    from django.core.mail import EmailMessage, get_connection
    from django.db.models import Q
    from django.urls import reverse

    from helpline.accounts.roles import MEDICAL_REVIEWER

    rows = selectors.reviews_due_within(days, today)
    if not rows:
        return 0
    User = get_user_model()
    reviewers = (User.objects.filter(is_active=True).exclude(email="")
                 .filter(Q(groups__name=MEDICAL_REVIEWER) | Q(is_superuser=True))
                 .distinct().order_by("pk"))
    lines = []
    for row in rows:
        if row["never_reviewed"]:
            when = "awaiting its first medical review"
        elif row["overdue"]:
            when = f"overdue since {row['due'].isoformat()}"
        else:
            when = f"due {row['due'].isoformat()}"
        url = site_url.rstrip("/") + reverse("articles:editorial-version", args=[row["version"].pk])
        lines.append(f"- {row['title']} [{row['language']}]: {when}\n  {url}")
    body = (f"Medical reviews due within {days} days ({len(rows)}):\n\n" + "\n".join(lines)
            + "\n\nOpen each one, check it against its sources and publish it, or return it "
              "to its author.\n")
    subject = f"Helpline: {len(rows)} article review(s) due within {days} days"
    messages_ = [EmailMessage(subject, body, to=[user.email]) for user in reviewers]
    if messages_:
        with get_connection() as connection:
            connection.send_messages(messages_)
    audit.record(None, "articles.review_digest",
                 data={"due": len(rows), "recipients": len(messages_), "days": days})
    return len(messages_)
