"""Supervisor dashboard pages: parse the period, call the selectors, render."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, translation
from django.utils.translation import gettext as _

from helpline.common.exceptions import NotAllowed

from . import selectors
from .charts import bar_chart, daily_chart
from .forms import PeriodForm

CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def _forbidden(request: HttpRequest, error: NotAllowed) -> HttpResponse:
    return render(request, "errors/403.html", {"message": error.message}, status=403)


def _period(form: PeriodForm) -> selectors.Period:
    data = form.cleaned_data
    return selectors.Period(data["start"], data["end"], data["language"] or None)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        selectors.check_can_view_dashboard(request.user)
    except NotAllowed as error:
        return _forbidden(request, error)
    live = _live_context(selectors.live_panel(request.user))
    form = PeriodForm.from_query(request.GET)
    if not form.is_valid():
        return render(request, "dashboard/index.html", {"form": form, "live": live}, status=400)
    period = _period(form)
    data = selectors.dashboard_summary(request.user, period)
    query = {"start": period.start.isoformat(), "end": period.end.isoformat(),
             "language": period.language or ""}

    charts = {
        "channels": bar_chart(data["channels"]),
        "topics": bar_chart(data["topics"]),
        "ratings": bar_chart(data["ratings"]["distribution"]),
        "specialists": bar_chart([(r["name"], r["handled"]) for r in data["specialists"]]),
        "answers": bar_chart([
            (_("Answered"), data["answers"]["answered"]),
            (_("No answer"), data["answers"]["no_answer"]),
            (_("Urgent"), data["answers"]["urgent"]),
            (_("Handed off to a specialist"), data["answers"]["handed_off"]),
        ]),
        "referrals": bar_chart(data["referrals"]),
        "phone_topics": bar_chart(data["phone"]["topics"]),
        "phone_languages": bar_chart([(lang.upper(), n) for lang, n in data["phone"]["languages"]]),
        "phone_hours": bar_chart([(f"{hour:02d}:00", n) for hour, n in data["phone"]["hours"] if n]),

        **_daily_charts(data["daily"]),
    }
    return render(request, "dashboard/index.html", {
        "form": form, "data": data, "charts": charts, "query": urlencode(query), "live": live,
    })


def wait_label(seconds: int | None) -> str:
    """A wait as the live panel writes it (its script writes the same from ``live_strings``)."""
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    if minutes >= 60:
        return _("%(h)d h %(m)d min") % {"h": minutes // 60, "m": minutes % 60}
    if minutes:
        return _("%(m)d min") % {"m": minutes}
    return _("%(s)d s") % {"s": secs}


def _live_context(live: dict) -> dict:
    summary = live["summary"]
    rows = [{**row, "wait": wait_label(row["longest_wait_seconds"])}
            for row in summary["languages"]]
    total = {**summary["total"], "wait": wait_label(summary["total"]["longest_wait_seconds"])}
    strings = {
        "h": _("%(h)d h %(m)d min"), "m": _("%(m)d min"), "s": _("%(s)d s"), "none": "—",
        "announce": _("In the queue: %(queue)s. Specialists on duty: %(on_duty)s."),
    }
    return {"at": summary["at"], "rows": rows, "total": total, "socket": live["socket"],
            "strings": strings}


def _summary(chart: dict, series: list[tuple[str, list]]) -> str:
    """What a screen reader hears for a daily chart: each series' highest day."""
    if chart["empty"]:
        return _("No data for this period.")
    days = [row["day"] for row in chart["rows"]]
    parts = []
    for label, values in series:
        known = [(v, day) for v, day in zip(values, days, strict=True) if v is not None]
        if known:
            value, day = max(known, key=lambda pair: pair[0])
            parts.append(_("%(label)s: highest %(value)s on %(day)s") % {
                "label": label, "value": f"{value:g}",
                "day": formats.date_format(day, "DATE_FORMAT")})
    return "; ".join(parts)


def _daily_charts(daily: dict) -> dict:
    language = (translation.get_language() or "en")[:2]
    days = [row["day"] for row in daily["contacts"]]
    specs = {
        "daily_contacts": ("stacked", [
            (_("Chats"), [row["chat"] for row in daily["contacts"]]),
            (_("Callbacks"), [row["callback"] for row in daily["contacts"]]),
        ]),
        "daily_waits": ("lines", [
            (_("Median wait (p50)"), [row["p50"] for row in daily["waits"]]),
            (_("90th percentile wait (p90)"), [row["p90"] for row in daily["waits"]]),
        ]),
        "daily_answers": ("stacked", [
            (_("Answered"), [row["answered"] for row in daily["answers"]]),
            (_("No answer"), [row["no_answer"] for row in daily["answers"]]),
            (_("Urgent"), [row["urgent"] for row in daily["answers"]]),
        ]),
    }
    charts = {}
    for name, (kind, series) in specs.items():
        chart = daily_chart(days, series, kind=kind, language=language)
        chart["summary"] = _summary(chart, series)
        charts[name] = chart
    return charts


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if text.startswith(CSV_DANGEROUS):
        text = "'" + text  # keep spreadsheets from running visitor text as a formula
    return text


@login_required
def dashboard_csv(request: HttpRequest, section: str) -> HttpResponse:
    if section not in selectors.SECTIONS:
        raise Http404
    try:
        selectors.check_can_view_dashboard(request.user)
    except NotAllowed as error:
        return _forbidden(request, error)
    form = PeriodForm.from_query(request.GET)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    period = _period(form)
    header, rows = selectors.section_rows(request.user, period, section)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"helpline-{section}-{period.start}-{period.end}-{period.language or 'all'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return response
