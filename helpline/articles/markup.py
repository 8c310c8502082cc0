"""The article file format (docs/content-format.md): parse, render, export.

The body markup is deliberately small (paragraphs, ``- `` lists, ``**bold**``,
citation markers ``[n]``) and everything else is escaped, so an article can
never carry script or raw HTML into a page or a PDF.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import yaml
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

HEADING_RE = re.compile(r"^##\s+(?P<heading>.+?)\s*(?:\{#(?P<anchor>[a-z0-9][a-z0-9-]*)\})?\s*$")
CITATION_RE = re.compile(r"\[(\d+(?:\s*[,–-]\s*\d+)*)\]")
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
DATE_FIELDS = ("date_reviewed", "last_revised", "next_review_due")
# Written in a body where the helpline's own phone number belongs; each
# deployment's number (settings.HELPLINE["PHONE"]) replaces it when shown.
PHONE_TOKEN = "{helpline-phone}"
REQUIRED_FIELDS = ("key", "lang", "slug", "topic", "title", "summary")
# Reviewed question variants ("questions this section answers"), per section.
MAX_QUESTION_CHARS = 300
MAX_QUESTIONS_PER_SECTION = 60


class ContentError(ValueError):
    """A content file that does not follow the format; the message says where."""


@dataclass
class ParsedArticle:
    meta: dict
    sections: list[dict] = field(default_factory=list)
    references: list[dict] = field(default_factory=list)
    key_points: list[str] = field(default_factory=list)


# Optional structured fields of a reference (the structured editor fills them and
# builds ``text`` from them; files may carry them too).
REFERENCE_FIELDS = ("authors", "title", "publisher", "year", "accessed")
MAX_KEY_POINTS = 12
MAX_KEY_POINT_CHARS = 400


def reference_text(ref: dict) -> str:
    """The citation line of a structured reference: authors. title. publisher; year. accessed."""
    parts = []
    for name in ("authors", "title", "publisher"):
        value = " ".join(str(ref.get(name) or "").split()).rstrip(".")
        if value:
            parts.append(value)
    text = ". ".join(parts)
    year = str(ref.get("year") or "").strip()
    if year:
        text = f"{text}; {year}" if text else year
    text = f"{text}." if text else ""
    accessed = ref.get("accessed")
    if accessed:
        if isinstance(accessed, datetime.date):
            accessed = accessed.isoformat()
        text += f" Accessed {accessed}."
    return text.strip()


def clean_key_points(items, *, where: str = "") -> list[str]:
    if items in (None, ""):
        return []
    if isinstance(items, str):
        items = items.splitlines()
    if not isinstance(items, list):
        raise ContentError(f"{where}key_points must be a list")
    out = []
    for item in items:
        text = " ".join(str(item).replace("\x00", "").split())
        if text.startswith(("- ", "* ")):
            text = text[2:].strip()
        if not text:
            continue
        if len(text) > MAX_KEY_POINT_CHARS:
            raise ContentError(f"{where}a key point is longer than {MAX_KEY_POINT_CHARS} characters")
        out.append(text)
    if len(out) > MAX_KEY_POINTS:
        raise ContentError(f"{where}more than {MAX_KEY_POINTS} key points")
    return out


def _as_date(value, name: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ContentError(f"{name}: not a date (YYYY-MM-DD): {value!r}") from exc


def parse(text: str, *, source: str = "<text>") -> ParsedArticle:
    if not text.startswith("---"):
        raise ContentError(f"{source}: must start with '---' front matter")
    try:
        _, front, body = text.split("---", 2)
    except ValueError as exc:
        raise ContentError(f"{source}: front matter is not closed with '---'") from exc
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"{source}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError(f"{source}: front matter must be a mapping")
    missing = [name for name in REQUIRED_FIELDS if not meta.get(name)]
    if missing:
        raise ContentError(f"{source}: missing {', '.join(missing)}")
    if meta["lang"] not in ("en", "es"):
        raise ContentError(f"{source}: lang must be en or es")
    for name in DATE_FIELDS:
        meta[name] = _as_date(meta.get(name), f"{source}: {name}")
    references = []
    for index, ref in enumerate(meta.pop("references", None) or [], start=1):
        if not isinstance(ref, dict) or not ref.get("text"):
            raise ContentError(f"{source}: reference {index} needs a text")
        item = {"number": int(ref.get("number", index)), "text": str(ref["text"]).strip(),
                "url": str(ref.get("url") or "").strip()}
        for name in REFERENCE_FIELDS:
            if ref.get(name):
                value = ref[name]
                item[name] = value.isoformat() if isinstance(value, datetime.date) else str(value)
        references.append(item)
    key_points = clean_key_points(meta.pop("key_points", None), where=f"{source}: ")
    questions = meta.pop("questions", None) or {}
    sections = parse_sections(body, source=source)
    if not sections:
        raise ContentError(f"{source}: no '## ' sections")
    attach_questions(sections, questions, source=source)
    numbers = {ref["number"] for ref in references}
    for section in sections:
        for cited in cited_numbers(section["body"]):
            if cited not in numbers:
                raise ContentError(
                    f"{source}: section {section['anchor']!r} cites [{cited}] but there is no "
                    f"reference {cited}"
                )
    return ParsedArticle(meta=meta, sections=sections, references=references,
                         key_points=key_points)


def parse_sections(body: str, *, source: str = "<text>") -> list[dict]:
    sections: list[dict] = []
    current: dict | None = None
    lines: list[str] = []
    for line in body.splitlines():
        match = HEADING_RE.match(line)
        if match:
            if current is not None:
                current["body"] = "\n".join(lines).strip()
                sections.append(current)
            heading = match["heading"].strip()
            current = {"heading": heading, "anchor": match["anchor"] or slugify(heading)}
            lines = []
        elif current is not None:
            lines.append(line.rstrip())
        elif line.strip():
            raise ContentError(f"{source}: text before the first '## ' heading")
    if current is not None:
        current["body"] = "\n".join(lines).strip()
        sections.append(current)
    anchors = [section["anchor"] for section in sections]
    duplicates = {anchor for anchor in anchors if anchors.count(anchor) > 1}
    if duplicates:
        raise ContentError(f"{source}: duplicate section anchors {sorted(duplicates)}")
    return sections


def clean_questions(items, *, where: str = "") -> list[str]:
    """One section's question variants: stripped, one line each, no repeats (ignoring case)."""
    if items in (None, ""):
        return []
    if isinstance(items, str):
        items = items.splitlines()
    if not isinstance(items, list):
        raise ContentError(f"{where}questions must be a list of questions")
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise ContentError(f"{where}each question must be text: {item!r}")
        text = " ".join(item.replace("\x00", "").split())
        if not text:
            continue
        if len(text) > MAX_QUESTION_CHARS:
            raise ContentError(
                f"{where}a question is longer than {MAX_QUESTION_CHARS} characters: {text[:60]!r}…"
            )
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        out.append(text)
    if len(out) > MAX_QUESTIONS_PER_SECTION:
        raise ContentError(f"{where}more than {MAX_QUESTIONS_PER_SECTION} questions")
    return out


def attach_questions(sections: list[dict], questions, *, source: str = "<text>") -> None:
    """Put the front matter's ``questions: {anchor: [...]}`` on the sections (in place).

    A section without questions carries no ``questions`` key, so content without
    variants stays exactly as it was stored before variants existed.
    """
    if not isinstance(questions, dict):
        raise ContentError(f"{source}: questions must be a mapping of section anchor to a list")
    by_anchor = {section["anchor"]: section for section in sections}
    unknown = sorted(str(anchor) for anchor in questions if str(anchor) not in by_anchor)
    if unknown:
        raise ContentError(f"{source}: questions for sections that do not exist: {unknown}")
    for anchor, items in questions.items():
        cleaned = clean_questions(items, where=f"{source}: section {anchor!r}: ")
        if cleaned:
            by_anchor[str(anchor)]["questions"] = cleaned


def cited_numbers(body: str) -> set[int]:
    numbers: set[int] = set()
    for match in CITATION_RE.finditer(body):
        for part in re.split(r"\s*,\s*", match.group(1)):
            if re.search(r"[–-]", part):
                low, high = (int(n) for n in re.split(r"\s*[–-]\s*", part))
                numbers.update(range(low, high + 1))
            else:
                numbers.add(int(part))
    return numbers


def _blocks(body: str) -> list[tuple[str, list[str]]]:
    """Split a body into ('p', [text]) and ('ul', [items]) blocks."""
    blocks: list[tuple[str, list[str]]] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        nonlocal paragraph, items
        if paragraph:
            blocks.append(("p", [" ".join(paragraph)]))
            paragraph = []
        if items:
            blocks.append(("ul", items))
            items = []

    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith(("- ", "* ")):
            if paragraph:
                blocks.append(("p", [" ".join(paragraph)]))
                paragraph = []
            items.append(line[2:].strip())
        elif items and raw.startswith(("  ", "\t")):
            items[-1] += " " + line
        else:
            if items:
                flush()
            paragraph.append(line)
    flush()
    return blocks


def helpline_phone() -> str:
    return str(settings.HELPLINE["PHONE"])


def _inline(text: str, *, cite_prefix: str) -> str:
    html = escape(text).replace(escape(PHONE_TOKEN), escape(helpline_phone()))
    html = BOLD_RE.sub(r"<strong>\1</strong>", html)

    def cite(match: re.Match) -> str:
        links = []
        for part in re.split(r"\s*,\s*", match.group(1)):
            first = re.split(r"\s*[–-]\s*", part)[0]
            links.append(f'<a href="#{cite_prefix}{first}">{part}</a>')
        return f'<sup class="cite">[{", ".join(links)}]</sup>'

    return CITATION_RE.sub(cite, html)


def render_body(body: str, *, cite_prefix: str = "ref-") -> SafeString:
    parts = []
    for kind, content in _blocks(body):
        if kind == "p":
            parts.append(f"<p>{_inline(content[0], cite_prefix=cite_prefix)}</p>")
        else:
            items = "".join(f"<li>{_inline(item, cite_prefix=cite_prefix)}</li>" for item in content)
            parts.append(f"<ul>{items}</ul>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every text part is escaped above


def plain_text(body: str) -> str:
    """The body as readable plain text: no markup, no citation markers."""
    out = []
    for kind, content in _blocks(body):
        if kind == "p":
            out.append(content[0])
        else:
            out.extend(f"• {item}" for item in content)
    text = "\n".join(out).replace(PHONE_TOKEN, helpline_phone())
    text = CITATION_RE.sub("", text)
    text = BOLD_RE.sub(r"\1", text)
    return re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()


def dump(meta: dict, sections: list[dict], references: list[dict],
         key_points: list[str] | None = None) -> str:
    """The inverse of ``parse``: a content file for one article version."""
    front = dict(meta)
    if not front.get("date_reviewed"):
        # No medical review has happened: the file says so by leaving the date out.
        front.pop("date_reviewed", None)
    for name in DATE_FIELDS:
        if isinstance(front.get(name), datetime.date):
            front[name] = front[name].isoformat()
    if key_points:
        front["key_points"] = list(key_points)
    front["references"] = [
        {"number": ref["number"], "text": ref["text"], "url": ref.get("url", ""),
         **{name: ref[name] for name in REFERENCE_FIELDS if ref.get(name)}}
        for ref in references
    ]
    questions = {s["anchor"]: list(s["questions"]) for s in sections if s.get("questions")}
    if questions:
        front["questions"] = questions
    head = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)
    body = "\n\n".join(
        f"## {section['heading']} {{#{section['anchor']}}}\n\n{section['body'].strip()}"
        for section in sections
    )
    return f"---\n{head}---\n\n{body}\n"


def renumber_citations(body: str, mapping: dict[int, int]) -> str:
    """Rewrite ``[n]`` markers after references moved: old number -> new number.

    Numbers not in ``mapping`` stay as written. A range whose numbers are no
    longer consecutive is written out as a list.
    """

    def replace(match: re.Match) -> str:
        numbers = []
        for part in re.split(r"\s*,\s*", match.group(1)):
            if re.search(r"[–-]", part):
                low, high = (int(n) for n in re.split(r"\s*[–-]\s*", part))
                numbers.extend(range(low, high + 1))
            else:
                numbers.append(int(part))
        mapped = [mapping.get(n, n) for n in numbers]
        if mapped == numbers:
            return match.group(0)
        ordered = sorted(dict.fromkeys(mapped))
        runs: list[list[int]] = []
        for n in ordered:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        parts = [f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run))
                 for run in runs]
        return f"[{', '.join(parts)}]"

    return CITATION_RE.sub(replace, body)
