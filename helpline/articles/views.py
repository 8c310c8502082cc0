"""Public article pages and the staff editorial pages (thin: services do the work)."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from helpline.common import pagecache
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.feedback import HelpfulReason
from helpline.common.middleware import CONTENT_SECURITY_POLICY
from helpline.common.ratelimit import ratelimit

from . import markup, pdf, selectors, services
from .forms import (
    ArticleFieldsForm,
    DraftForm,
    NewArticleForm,
    ReferenceFormSet,
    SectionFormSet,
    WorkflowForm,
)
from .models import ArticleVersion, Revision

# Without a publish signal (e.g. an edit in the admin), a page follows the database
# after this many seconds at most.
STATE_TIMEOUT = 60


def _current_language() -> str:
    return translation.get_language() or "en"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The site's home page (named ``common:home``): the topics and their articles."""
    language = translation.get_language()
    return render(request, "common/home.html", {"topics": selectors.public_topic_index(language)})


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    body = loader.render_to_string("common/sitemap.xml", {
        "entries": selectors.sitemap_entries(), "base": request.build_absolute_uri("/")[:-1]})
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    topics = selectors.public_topic_index(_current_language())
    return render(request, "articles/index.html", {"topics": topics})


def _rendered_sections(revision: Revision, language: str) -> list[dict]:
    """The article's sections as HTML, rendered once per (revision, language)."""
    stamp = revision.published_at.timestamp() if revision.published_at else 0
    key = f"articles:sections:{revision.pk}:{language}:{stamp}"
    sections = cache.get(key)
    if sections is None:
        sections = [{**s, "html": markup.render_body(s["body"])} for s in revision.sections]
        cache.set(key, sections, pagecache.TIMEOUT)
    return sections


@require_safe
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    language = _current_language()
    # What the page depends on: the live revisions of the article's translations
    # (one query, kept until the next publish or withdrawal starts a new generation).
    current = pagecache.generation()
    state_key = f"articles:page-state:{current}:{language}:{slug}"
    kept = cache.get(state_key)
    if kept is None:
        kept = (selectors.public_page_state(language, slug), time.time())
        if not kept[0]:
            raise Http404("No such article")
        cache.set(state_key, kept, STATE_TIMEOUT)
    state, read_at = kept
    # The page may be answered before Django until the state is read again.
    fresh_for = STATE_TIMEOUT - (time.time() - read_at)
    key = (pagecache.page_key(request, language, state, current=current)
           if pagecache.shareable(request) else None)
    if key is not None and (page := pagecache.lookup(key)) is not None:
        return pagecache.respond(request, page, shared=True, fresh_for=fresh_for)
    version = selectors.get_public_version(language, slug)
    revision = version.live_revision
    alternates = selectors.public_translations(version)
    sections = _rendered_sections(revision, language)
    # A language without this article falls back to that language's article index.
    for code in ("en", "es"):
        if code not in alternates:
            with translation.override(code):
                alternates[code] = reverse("articles:index")
    response = render(
        request,
        "articles/detail.html",
        {"version": version, "revision": revision, "sections": sections,
         "review_history": selectors.review_history(version),
         "alternates": alternates, "helpful_reasons": HelpfulReason.choices,
         "helpful_given": version.pk in request.session.get(HELPFUL_SESSION_KEY, [])},
    )
    last_modified = max((when for _l, _s, _r, when in state if when), default=None)
    return pagecache.finish(request, response, key=key, last_modified=last_modified,
                            fresh_for=fresh_for)


HELPFUL_SESSION_KEY = "helpful_articles"
FEEDBACK_LIMIT = getattr(settings, "HELPFUL_RATE_LIMIT", 20)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@pagecache.same_origin_post
@ratelimit("articles-helpful", FEEDBACK_LIMIT, 60)
def article_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Was this helpful?" on an article: a plain form post (redirects back) or fetch (JSON).

    A visitor's vote counts once per article version in their browser session;
    the vote itself is stored without anything about the visitor.
    """
    version = selectors.get_public_version(_current_language(), slug)
    given = request.session.get(HELPFUL_SESSION_KEY, [])
    thanks = _("Thank you for your feedback.")
    if version.pk not in given:
        try:
            services.article_feedback_record(version, helpful=request.POST.get("helpful"),
                                             reason=request.POST.get("reason", ""))
        except ApplicationError as exc:
            if _wants_json(request):
                return JsonResponse({"error": {"code": exc.code, "message": exc.message}},
                                    status=400)
            return render(request, "errors/400.html", {"message": exc.message}, status=400)
        request.session[HELPFUL_SESSION_KEY] = [*given, version.pk][-200:]
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": thanks})
    messages.success(request, thanks)
    return redirect(version.get_absolute_url() + "#helpful")


@require_safe
def article_pdf(request: HttpRequest, slug: str) -> FileResponse:
    version = selectors.get_public_version(_current_language(), slug)
    path = pdf.pdf_for(version)
    response = FileResponse(open(path, "rb"), content_type="application/pdf")  # noqa: SIM115
    response["Content-Disposition"] = f'inline; filename="{version.slug}.pdf"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def pdf_list(request: HttpRequest) -> HttpResponse:
    rows = []
    for lang_code, lang_name in (("en", _("English")), ("es", _("Spanish"))):
        rows.append({"code": lang_code, "name": lang_name,
                     "topics": selectors.public_topic_index(lang_code)})
    return render(request, "articles/pdfs.html", {"languages": rows})


# --- Staff editorial pages -----------------------------------------------

def _staff_version(request: HttpRequest, pk: int) -> ArticleVersion:
    if not request.user.has_perm("articles.view_articleversion"):
        raise PermissionDenied
    return get_object_or_404(
        ArticleVersion.objects.select_related("article", "live_revision", "latest_revision"), pk=pk
    )


@login_required
@require_safe
def editorial(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("articles.view_articleversion"):
        raise PermissionDenied
    return render(request, "articles/editorial.html", {"rows": selectors.editorial_rows()})


@login_required
def editorial_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = _staff_version(request, pk)
    revision = version.latest_revision
    form = DraftForm(initial={"text": services.content_export(request.user, version)}
                     if revision and services.can_edit(request.user, version) else None)
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                data = services.draft_from_text(form.cleaned_data["text"])
                data.change_note = form.cleaned_data["change_note"]
                services.draft_save(request.user, version, data, request=request)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                form.add_error("text", exc.message)
            else:
                messages.success(request, _("Draft saved."))
                return redirect("articles:editorial-version", pk=version.pk)
    return render(
        request, "articles/editorial_version.html",
        {"version": version, "revision": revision, "form": form,
         "history": selectors.revision_history(version), "events": version.events.all()[:30],
         "can_edit": services.can_edit(request.user, version),
         "can_publish": services.can_publish(request.user),
         "can_archive": services.can_archive(request.user),
         "review_due": selectors.review_due(version),
         "question_sections": [
             {"anchor": s["anchor"], "heading": s["heading"],
              "text": "\n".join(s.get("questions") or [])}
             for s in (revision.sections if revision else [])
         ],
         "helpful": selectors.version_feedback(version),
         "out_of_date": selectors.translation_out_of_date(version),
         "held": services.unaccepted_references(version) if revision else [],
         "can_translate": request.user.has_perm(services.EDIT_PERMISSION["es"]),
         "workflow_form": WorkflowForm()},
    )


@login_required
@require_POST
def editorial_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the "questions this section answers" of every section into the draft."""
    version = _staff_version(request, pk)
    revision = version.latest_revision
    if revision is None:
        raise Http404
    questions = {
        section["anchor"]: request.POST.get(f"questions-{section['anchor']}", "")[:20_000]
        for section in revision.sections
    }
    try:
        services.draft_questions_save(request.user, version, questions,
                                      change_note=request.POST.get("questions_note", "")[:300],
                                      request=request)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Questions saved in the draft."))
    return redirect("articles:editorial-version", pk=version.pk)


@login_required
@require_POST
def editorial_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    version = _staff_version(request, pk)
    form = WorkflowForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    handlers = {
        "submit": services.submit_for_review,
        "publish": services.publish,
        "return": services.return_to_draft,
        "archive": services.archive,
        "restore": services.restore,
    }
    handler = handlers.get(action)
    if handler is None:
        raise Http404
    try:
        handler(request.user, version, note=note, request=request)
    except NotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("articles:editorial-version", pk=version.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("articles:editorial-version", pk=version.pk)
    messages.success(request, _("Done."))
    return redirect("articles:editorial-version", pk=version.pk)


@login_required
@require_safe
def editorial_compare(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _staff_version(request, pk)
    new = get_object_or_404(Revision, version=version, number=number)
    old_number = request.GET.get("against", "")
    if old_number:
        if not old_number.isdigit():
            return render(request, "errors/400.html", status=400)
        old = get_object_or_404(Revision, version=version, number=int(old_number))
    else:
        old = selectors.previous_published(new)
    diff = selectors.compare_revisions(old, new) if old else []
    return render(request, "articles/compare.html",
                  {"version": version, "old": old, "new": new, "diff": diff})


@login_required
@require_safe
def editorial_preview(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _staff_version(request, pk)
    revision = get_object_or_404(Revision, version=version, number=number)
    sections = [{**s, "html": markup.render_body(s["body"])} for s in revision.sections]
    return render(request, "articles/detail.html",
                  {"version": version, "revision": revision, "sections": sections,
                   "preview": True})


@login_required
@require_safe
def editorial_export(request: HttpRequest, pk: int) -> HttpResponse:
    version = _staff_version(request, pk)
    try:
        text = services.content_export(request.user, version, request=request)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("articles:editorial-version", pk=version.pk)
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{version.article.key}.{version.language}.md"'
    )
    return response


# --- The structured editor -------------------------------------------------------

def _editor_initial(revision: Revision | None) -> tuple[dict, list[dict], list[dict]]:
    if revision is None:
        return {}, [{}], [{}]
    fields = {"title": revision.title, "summary": revision.summary,
              "key_points": "\n".join(revision.key_points or [])}
    sections = [
        {"heading": s["heading"], "anchor": s["anchor"], "body": s["body"],
         "questions": json.dumps(s.get("questions") or [], ensure_ascii=False),
         "ORDER": i}
        for i, s in enumerate(revision.sections, start=1)
    ]
    references = []
    for i, ref in enumerate(revision.references, start=1):
        structured = any(ref.get(name) for name in markup.REFERENCE_FIELDS)
        references.append({
            "authors": ref.get("authors", ""),
            # A reference stored as one line is edited as its title.
            "title": ref.get("title", "") if structured else ref.get("text", ""),
            "publisher": ref.get("publisher", ""), "year": ref.get("year", ""),
            "url": ref.get("url", ""), "accessed": ref.get("accessed") or None,
            "old_number": ref["number"], "ORDER": i,
        })
    return fields, sections, references


def _kept_forms(formset) -> list:
    """The forms to keep, in their chosen order: not deleted, and not blank new rows."""
    rows = []
    for index, form in enumerate(formset.forms):
        if index >= formset.initial_form_count() and not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        order = form.cleaned_data.get("ORDER")
        rows.append((order if order is not None else 10_000 + index, index, form))
    return [form for _order, _index, form in sorted(rows, key=lambda r: (r[0], r[1]))]


def _questions_value(raw: str) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(item) for item in value] if isinstance(value, list) else []


def _editor_forms(request: HttpRequest, revision: Revision | None):
    if request.method == "POST":
        fields = ArticleFieldsForm(request.POST)
        sections = SectionFormSet(request.POST, prefix="sections")
        references = ReferenceFormSet(request.POST, prefix="references")
    else:
        initial_fields, initial_sections, initial_refs = _editor_initial(revision)
        fields = ArticleFieldsForm(initial=initial_fields)
        sections = SectionFormSet(initial=initial_sections, prefix="sections")
        references = ReferenceFormSet(initial=initial_refs, prefix="references")
    return fields, sections, references


def _editor_draft(fields, sections, references) -> services.DraftInput | None:
    """The draft the forms describe, or None when a form has errors (shown next to it)."""
    if not (fields.is_valid() and sections.is_valid() and references.is_valid()):
        return None
    return services.draft_from_structured(
        title=fields.cleaned_data["title"], summary=fields.cleaned_data["summary"],
        key_points=fields.cleaned_data["key_points"],
        change_note=fields.cleaned_data["change_note"],
        sections=[{**form.cleaned_data,
                   "questions": _questions_value(form.cleaned_data.get("questions", ""))}
                  for form in _kept_forms(sections)],
        references=[form.cleaned_data for form in _kept_forms(references)],
    )


def _with_blank_row(request: HttpRequest, prefix: str) -> dict:
    data = request.POST.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, "0")) + 1)
    except ValueError:
        data[key] = "1"
    return data


@login_required
def editorial_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The structured editor: fields, sections and references, with the preview beside them."""
    version = _staff_version(request, pk)
    if not services.can_edit(request.user, version):
        raise PermissionDenied
    revision = version.latest_revision
    start_from = revision
    if start_from is None and version.language != "en":
        # A new translation starts from the English text that is live now.
        source = selectors.source_version(version)
        start_from = source.live_revision if source is not None else None
    fields, sections, references = _editor_forms(request, start_from)
    error = ""
    invalid = False
    if request.method == "POST":
        adding = {"add_section": "sections", "add_reference": "references"}
        added = next((prefix for name, prefix in adding.items() if name in request.POST), None)
        if added:
            data = _with_blank_row(request, added)
            fields = ArticleFieldsForm(data)
            sections = SectionFormSet(data, prefix="sections")
            references = ReferenceFormSet(data, prefix="references")
            fields.is_valid()
        else:
            try:
                data = _editor_draft(fields, sections, references)
                if data is not None:
                    services.draft_save(request.user, version, data, request=request)
            except NotAllowed as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                error = exc.message
            else:
                if data is not None:
                    messages.success(request, _("Draft saved."))
                    return redirect("articles:editorial-edit", pk=version.pk)
                invalid = True
                error = _("The form has errors.")
    changes = selectors.translation_changes(version)
    if changes:
        # Side by side: the English section at the same position as each Spanish one.
        # Sections are paired by anchor (the same in both languages), else by position.
        english = changes["sections"]
        by_anchor = {item["anchor"]: item for item in english}
        used: set[str] = set()
        for index, form in enumerate(sections.forms):
            anchor = form["anchor"].value() or ""
            match = by_anchor.get(anchor)
            if match is None and index < len(english) and english[index]["anchor"] not in used:
                match = english[index]
            if match is not None and match["anchor"] not in used:
                used.add(match["anchor"])
                form.english = match
        changes["extra"] = [item for item in english if item["anchor"] not in used]
    return render(
        request, "articles/editor.html",
        {"version": version, "revision": revision, "fields": fields, "sections": sections,
         "references": references, "error": error,
         "held": services.unaccepted_references(version) if revision else [],
         "translation": changes},
        status=400 if (error or invalid) else 200,
    )


@login_required
@require_POST
@xframe_options_sameorigin
def editorial_edit_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor's unsaved text rendered by the public article template (nothing is saved)."""
    version = _staff_version(request, pk)
    if not services.can_edit(request.user, version):
        raise PermissionDenied
    fields, sections, references = _editor_forms(request, version.latest_revision)
    try:
        data = _editor_draft(fields, sections, references)
        if data is None:
            problems = [str(e) for e in [fields.errors, sections.non_form_errors(),
                                         references.non_form_errors()] if e]
            problems += [f"{_('Section')} {i}: {f.errors.as_text()}"
                         for i, f in enumerate(sections.forms, start=1) if f.errors]
            problems += [f"{_('Reference')} {i}: {f.errors.as_text()}"
                         for i, f in enumerate(references.forms, start=1) if f.errors]
            raise ApplicationError(" ".join(problems) or _("The form has errors."))
        revision = services.preview_revision(version, data)
    except ApplicationError as exc:
        response = render(request, "articles/preview_error.html", {"message": exc.message},
                          status=400)
    else:
        sections_html = [{**s, "html": markup.render_body(s["body"])} for s in revision.sections]
        with translation.override(version.language):
            response = render(request, "articles/detail.html",
                              {"version": version, "revision": revision,
                               "sections": sections_html, "preview": True,
                               "review_history": selectors.review_history(version)})
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'")
    return response


@login_required
def editorial_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("articles.add_articleversion"):
        raise PermissionDenied
    form = NewArticleForm(request.POST or None, topics=selectors.topics())
    if request.method == "POST" and form.is_valid():
        try:
            version = services.article_create(request.user, title=form.cleaned_data["title"],
                                              topic=form.cleaned_data["topic"], request=request)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            form.add_error("title", exc.message)
        else:
            return redirect("articles:editorial-edit", pk=version.pk)
    return render(request, "articles/editorial_new.html", {"form": form})


@login_required
@require_POST
def editorial_translate(request: HttpRequest, pk: int) -> HttpResponse:
    """Open (or start) the Spanish version of an English article."""
    version = _staff_version(request, pk)
    try:
        spanish = services.translation_start(request.user, version, request=request)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    return redirect("articles:editorial-edit", pk=spanish.pk)


@login_required
@require_POST
def editorial_accept_reference(request: HttpRequest, pk: int) -> HttpResponse:
    version = _staff_version(request, pk)
    try:
        services.reference_accept(request.user, version, request.POST.get("url", "")[:2000],
                                  note=request.POST.get("note", "")[:300], request=request)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Source accepted for this article."))
    return redirect("articles:editorial-version", pk=version.pk)
