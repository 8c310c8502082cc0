"""Articles: one Article per subject, one ArticleVersion per language, and the
Revisions of each version.

The public only ever sees a version's ``live_revision``. Editors work on a
newer revision; a medical reviewer publishes it, which makes it live and keeps
the previous one for comparison.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    name_en = models.CharField(max_length=200)
    name_es = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_es if language == "es" else self.name_en


class Article(models.Model):
    """A subject, shared by its language versions (they are translations of one another)."""

    key = models.SlugField(unique=True, help_text="Stable key linking the language versions.")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles")
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["topic__order", "order", "key"]

    def __str__(self) -> str:
        return self.key


class ArticleVersion(models.Model):
    class Language(models.TextChoices):
        EN = "en", _("English")
        ES = "es", _("Spanish")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=2, choices=Language.choices)
    slug = models.SlugField(max_length=120)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    live_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    latest_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article__topic__order", "article__order", "language"]
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="one_version_per_language"),
            models.UniqueConstraint(fields=["language", "slug"], name="unique_slug_per_language"),
        ]
        permissions = [
            ("publish_articleversion", "Can publish (medical review) an article version"),
            ("translate_articleversion", "Can edit the Spanish translation of an article"),
            ("archive_articleversion", "Can archive an article version"),
        ]

    def __str__(self) -> str:
        title = self.latest_revision.title if self.latest_revision_id else self.slug
        return f"{title} [{self.language}]"

    @property
    def is_public(self) -> bool:
        return self.live_revision_id is not None and self.status != self.Status.ARCHIVED

    @property
    def has_unpublished_changes(self) -> bool:
        return self.latest_revision_id != self.live_revision_id

    def get_absolute_url(self) -> str:
        from django.utils import translation

        with translation.override(self.language):
            return reverse("articles:detail", kwargs={"slug": self.slug})

    def get_pdf_url(self) -> str:
        from django.utils import translation

        with translation.override(self.language):
            return reverse("articles:pdf", kwargs={"slug": self.slug})


class Revision(models.Model):
    """An immutable snapshot once published. Drafts are edited in place."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField()
    # [{"heading": str, "anchor": str, "body": str}], body in the content markup.
    sections = models.JSONField(default=list)
    # [{"number": int, "text": str, "url": str}], and from the structured editor also
    # "authors", "title", "publisher", "year", "accessed" (``text`` is built from them).
    references = models.JSONField(default=list)
    # Short plain-text points shown in a box above the sections (may be empty).
    key_points = models.JSONField(default=list, blank=True)
    written_by = models.CharField(max_length=200, blank=True)
    medically_reviewed_by = models.CharField(max_length=200, blank=True)
    translated_by = models.CharField(max_length=200, blank=True)
    date_reviewed = models.DateField(null=True, blank=True)
    last_revised = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    # For a translation: the number of the source-language revision it follows.
    source_revision_number = models.PositiveIntegerField(null=True, blank=True)
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["version", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="unique_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.title} r{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_medically_reviewed(self) -> bool:
        """A named medical reviewer signed this revision off (bundled content has none)."""
        return bool(self.medically_reviewed_by.strip())

    def review_due_date(self) -> datetime.date | None:
        if self.next_review_due:
            return self.next_review_due
        if self.date_reviewed:
            days = settings.HELPLINE["REVIEW_INTERVAL_DAYS"]
            return self.date_reviewed + datetime.timedelta(days=days)
        return None


class WorkflowEvent(models.Model):
    """Every status change of a version: who, when, from what to what."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="events")
    revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.version} by {self.actor}"


class ArticleFeedback(models.Model):
    """One "Was this helpful?" vote on an article version. No visitor data is kept."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE, related_name="feedback")
    # The live revision the visitor read.
    revision_number = models.PositiveIntegerField()
    helpful = models.BooleanField()
    # One of helpline.common.feedback.HelpfulReason, only with helpful=False.
    reason = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.version} r{self.revision_number}: {'yes' if self.helpful else 'no'}"


class TrustedDomain(models.Model):
    """A source an article may cite without a reviewer's acceptance (suffix-matched host name).

    Administrators edit the list in the admin; ``reference_policy`` reads it
    through a cache that every save and delete clears.
    """

    domain = models.CharField(
        max_length=253, unique=True,
        help_text="Host name, e.g. cancer.gov (its subdomains are trusted too).",
    )
    kind = models.CharField(max_length=120, blank=True,
                            help_text="What sort of source this is (FDA, society, journal...).")
    note = models.CharField(max_length=300, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "domain"]

    def __str__(self) -> str:
        return self.domain

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .reference_policy import normalise_domain

        value = normalise_domain(self.domain)
        if value.startswith(("http:", "https:")) or "/" in value or " " in value or "." not in value:
            raise ValidationError({"domain": _("Enter a host name such as cancer.gov, "
                                               "without https:// or a path.")})
        self.domain = value

    def save(self, *args, **kwargs):
        from .reference_policy import clear_cache, normalise_domain

        self.domain = normalise_domain(self.domain)
        super().save(*args, **kwargs)
        clear_cache()

    def delete(self, *args, **kwargs):
        from .reference_policy import clear_cache

        result = super().delete(*args, **kwargs)
        clear_cache()
        return result


class ReferenceAcceptance(models.Model):
    """A medical reviewer accepted a source outside the trusted list for one article version."""

    version = models.ForeignKey(ArticleVersion, on_delete=models.CASCADE,
                                related_name="accepted_references")
    url = models.CharField(max_length=2000)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "url"], name="one_acceptance_per_url"),
        ]

    def __str__(self) -> str:
        return f"{self.url} for {self.version}"
