"""The content lint: mechanical safety and sourcing rules for the article files.

Run by ``make test`` (helpline/articles/tests/test_content_lint.py) over every
``content/articles/*.md``. Each rule is described in docs/content-format.md
("Content lint"). A problem names the file, the section and what to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import markup, reference_policy

EMERGENCY_NUMBER = "911"

# A list is a warning-sign list when its section heading, or the paragraph
# that leads into it, is about warning signs or when to get help.
WARNING_HEADING_RE = re.compile(
    r"warning sign|when to call|emergenc|when to get help|"
    r"señales? de (alarma|advertencia)|cuándo llamar|emergencia|cuándo pedir ayuda",
    re.IGNORECASE,
)
WARNING_LEAD_IN_RE = re.compile(
    r"\bcall\b|right away|at once|emergenc|warning sign|get help|"
    r"\bllame\b|de inmediato|enseguida|emergencia|urgencias|señales? de (alarma|advertencia)|"
    r"busque ayuda",
    re.IGNORECASE,
)

# A "2 weeks" rule: a sentence with two weeks in it that is about staying near
# the center, driving, monitoring or the caregiver. Each one must name the
# Aucatzyl exception in the same paragraph or list item, or in the next sentence.
TWO_WEEKS_RE = re.compile(r"\b(2|two)\s+weeks?\b|\b(2|dos)\s+semanas?\b", re.IGNORECASE)
RULE_WORDS_RE = re.compile(
    r"stay|near|close to|driv|monitor|caregiver|care partner|dangerous|machine|"
    r"quedar|permanec|cerca|manej|conduc|vigil|cuidador|peligros|máquina",
    re.IGNORECASE,
)
EXCEPTION_RE = re.compile(r"aucatzyl", re.IGNORECASE)
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Problem:
    file: str
    section: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} #{self.section}" if self.section else self.file
        return f"{where}: {self.message}"


@dataclass
class ArticleFile:
    path: Path
    raw_meta: dict
    parsed: markup.ParsedArticle


def load(path: Path) -> ArticleFile:
    text = path.read_text(encoding="utf-8")
    parsed = markup.parse(text, source=path.name)
    raw_meta = yaml.safe_load(text.split("---", 2)[1]) or {}
    return ArticleFile(path=path, raw_meta=raw_meta, parsed=parsed)


def _sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END_RE.split(text.strip()) if s]


def _units(body: str) -> list[tuple[str, str]]:
    """The body as ("p", paragraph) and ("li", item) units, in order."""
    units = []
    for kind, content in markup._blocks(body):
        if kind == "p":
            units.append(("p", content[0]))
        else:
            units.extend(("li", item) for item in content)
    return units


def check_references(article: ArticleFile) -> list[Problem]:
    name = article.path.name
    return [
        Problem(name, "references", f"reference {number}: {reason} Replace it with an "
                                    "authoritative source or drop the claim it supports.")
        for number, reason in reference_policy.check_references(
            article.parsed.references, domains=reference_policy.DEFAULT_DOMAIN_LIST)
    ]


def check_review_fields(article: ArticleFile) -> list[Problem]:
    name = article.path.name
    problems = []
    if str(article.raw_meta.get("medically_reviewed_by") or "").strip():
        problems.append(Problem(
            name, "", "bundled content must not claim a medical reviewer: set "
                      "medically_reviewed_by: \"\" (a reviewer's publish fills it in)."))
    if "date_reviewed" in article.raw_meta:
        problems.append(Problem(
            name, "", "bundled content has no medical review date: remove date_reviewed "
                      "(last_revised gives the date shown)."))
    return problems


def check_warning_lists(article: ArticleFile) -> list[Problem]:
    """Every warning-sign list is preceded by (or contains) the emergency number."""
    name = article.path.name
    problems = []
    for section in article.parsed.sections:
        heading_is_warning = bool(WARNING_HEADING_RE.search(section["heading"]))
        seen = ""
        lead_in = ""
        for kind, content in markup._blocks(section["body"]):
            if kind == "p":
                seen += " " + content[0]
                lead_in = content[0]
                continue
            items = " ".join(content)
            is_warning = heading_is_warning or bool(WARNING_LEAD_IN_RE.search(lead_in))
            seen += " " + items
            if is_warning and EMERGENCY_NUMBER not in seen:
                first = content[0][:60]
                problems.append(Problem(
                    name, section["anchor"],
                    f"the warning-sign list starting “{first}” is not preceded by the emergency "
                    f"number: put a separate “Call {EMERGENCY_NUMBER} now” list (or sentence) "
                    f"first in this section, before any “call your treatment team” list."))
            lead_in = ""
    return problems


def check_two_week_rules(article: ArticleFile) -> list[Problem]:
    """Every "2 weeks" rule names the Aucatzyl exception nearby."""
    name = article.path.name
    problems = []
    for section in article.parsed.sections:
        units = _units(section["body"])
        for index, (_kind, text) in enumerate(units):
            rule_sentences = [s for s in _sentences(text)
                              if TWO_WEEKS_RE.search(s) and RULE_WORDS_RE.search(s)]
            if not rule_sentences or EXCEPTION_RE.search(text):
                continue
            following = _sentences(units[index + 1][1]) if index + 1 < len(units) else []
            if following and EXCEPTION_RE.search(following[0]):
                continue
            problems.append(Problem(
                name, section["anchor"],
                f"the 2-week rule “{rule_sentences[0][:80]}” does not carry its exception: "
                "say in the same paragraph or list item (or the next sentence) that Aucatzyl "
                "was not part of the June 2025 change and its label keeps longer periods."))
    return problems


def check_translations(articles: list[ArticleFile]) -> list[Problem]:
    """Every file has its other-language twin, with the same section anchors."""
    problems = []
    by_key: dict[str, dict[str, ArticleFile]] = {}
    for article in articles:
        meta = article.parsed.meta
        by_key.setdefault(meta["key"], {})[meta["lang"]] = article
        expected = f"{meta['key']}.{meta['lang']}.md"
        if article.path.name != expected:
            problems.append(Problem(article.path.name, "",
                                    f"the file name must be {expected} (key.lang.md)."))
    for key, versions in sorted(by_key.items()):
        for lang, other in (("en", "es"), ("es", "en")):
            if lang in versions and other not in versions:
                problems.append(Problem(
                    versions[lang].path.name, "",
                    f"no {other} twin: add {key}.{other}.md with the same section anchors."))
        if "en" in versions and "es" in versions:
            en_anchors = [s["anchor"] for s in versions["en"].parsed.sections]
            es_anchors = [s["anchor"] for s in versions["es"].parsed.sections]
            for anchor in en_anchors:
                if anchor not in es_anchors:
                    problems.append(Problem(
                        versions["es"].path.name, anchor,
                        f"the English section #{anchor} has no Spanish counterpart: add a "
                        f"section with {{#{anchor}}}."))
            for anchor in es_anchors:
                if anchor not in en_anchors:
                    problems.append(Problem(
                        versions["en"].path.name, anchor,
                        f"the Spanish section #{anchor} has no English counterpart: add a "
                        f"section with {{#{anchor}}} (anchors are the same in both languages)."))
    return problems


FILE_CHECKS = (check_references, check_review_fields, check_warning_lists, check_two_week_rules)


def lint_directory(directory: Path) -> list[Problem]:
    problems: list[Problem] = []
    articles = []
    for path in sorted(directory.glob("*.md")):
        try:
            article = load(path)
        except markup.ContentError as exc:
            problems.append(Problem(path.name, "", f"does not parse: {exc}"))
            continue
        articles.append(article)
        for check in FILE_CHECKS:
            problems.extend(check(article))
    problems.extend(check_translations(articles))
    return problems
