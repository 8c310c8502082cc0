"""The answer service: triage first, then cited passages from reviewed content, or an honest handoff.

Nothing here writes medical text. A result is either the fixed urgent message
(``triage``), verbatim passages from published articles, or a plain statement
that there is no reviewed answer together with the ways to reach a person.

``answer_with_index`` is the single code path: the live service, the API, the
``helpline answer`` command and ``helpline eval-answers`` all go through it.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError

from . import triage
from .decision import decide
from .lang import detect_language, normalize_lang
from .retrieval import Index, Passage

logger = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
MAX_PASSAGES_SHOWN = 3
MAX_PASSAGE_CHARS = 900  # bounded passages for the live knowledge base
KB_STAMP_KEY = "answers:kb-stamp"


@dataclass
class AnswerResult:
    status: str
    lang: str
    passages: list[dict]
    message: str
    handoff: dict
    confidence: float = 0.0
    fallback_language: bool = False
    urgent: dict | None = None
    log_token: uuid.UUID | None = None
    ranking: list[str] = field(default_factory=list)  # passage ids, best first (for evaluation)
    took_ms: float = 0.0
    # Passage ids that would be shown if the decision had answered (for evaluation).
    candidates: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "lang": self.lang,
            "passages": self.passages,
            "message": self.message,
            "handoff": self.handoff,
            "confidence": round(self.confidence, 4),
            "fallback_language": self.fallback_language,
            "urgent": self.urgent,
            "log_token": str(self.log_token) if self.log_token else None,
        }


# --- validation ----------------------------------------------------------------

def check_question(question, lang) -> tuple[str, str | None]:
    """Validate raw input; raise ApplicationError with a clear message."""
    if not isinstance(question, str):
        raise ApplicationError(_("Please write a question."), code="missing_question")
    question = question.replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if not question:
        raise ApplicationError(_("Please write a question."), code="missing_question")
    if len(question) > MAX_QUESTION_CHARS:
        raise ApplicationError(
            _("Please keep your question under %(n)s characters.") % {"n": MAX_QUESTION_CHARS},
            code="too_long",
        )
    if lang in (None, ""):
        return question, None
    if not isinstance(lang, str) or normalize_lang(lang) is None:
        raise ApplicationError(_('The language must be "en" or "es".'), code="bad_lang")
    return question, normalize_lang(lang)


# --- passages -------------------------------------------------------------------

def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, datetime.date) else value


def passage_dict(hit_passage: Passage, score: float, question_lang: str) -> dict:
    return {
        "id": hit_passage.id,
        "text": hit_passage.text,
        "article": hit_passage.title,
        "section": hit_passage.heading,
        "url": hit_passage.url,
        "lang": hit_passage.lang,
        "last_reviewed": _iso(hit_passage.last_reviewed),
        "last_updated": _iso(hit_passage.last_updated),
        "review_line": hit_passage.review_line,
        "score": round(float(score), 4),
        "other_language": hit_passage.lang != question_lang,
    }


def split_section(text: str, max_chars: int = MAX_PASSAGE_CHARS) -> list[str]:
    """Split a section's plain text into passages of bounded length at paragraph (then sentence) breaks."""
    import re

    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    pieces: list[str] = []
    for para in paragraphs:
        if len(para) <= max_chars:
            pieces.append(para)
            continue
        sentences = re.split(r"(?<=[.!?])\s+", para)
        buf = ""
        for sentence in sentences:
            if buf and len(buf) + 1 + len(sentence) > max_chars:
                pieces.append(buf)
                buf = sentence
            else:
                buf = f"{buf} {sentence}".strip()
        if buf:
            pieces.append(buf)
    chunks: list[str] = []
    buf = ""
    for piece in pieces:
        if buf and len(buf) + 1 + len(piece) > max_chars:
            chunks.append(buf)
            buf = piece
        else:
            buf = f"{buf}\n{piece}" if buf else piece
    if buf:
        chunks.append(buf)
    return chunks


def section_passages(section: dict) -> list[Passage]:
    """Passages (a heading plus its paragraphs, bounded) for one section from ``live_sections()``."""
    out = []
    for n, chunk in enumerate(split_section(section["text"])):
        out.append(
            Passage(
                id=f"{section['version_id']}:{section['anchor']}:{n}",
                text=chunk,
                title=section["article_title"],
                heading=section["section_heading"],
                lang=section["language"],
                url=section["url"],
                last_reviewed=section.get("last_reviewed"),
                last_updated=section.get("last_updated"),
                review_line=section.get("review_line") or "",
                article_key=section.get("article_key", ""),
                version_id=section["version_id"],
                anchor=section["anchor"],
                questions=tuple(str(q) for q in (section.get("questions") or ()) if str(q).strip()),
            )
        )
    return out


def knowledge_base_passages() -> list[Passage]:
    from helpline.articles.selectors import live_sections

    passages: list[Passage] = []
    for section in live_sections():
        passages.extend(section_passages(section))
    extra = getattr(settings, "ANSWERS_EXTRA_CORPUS", "")
    if extra:
        # For load benchmarks only: a MedQuAD-format JSONL indexed next to the articles.
        from .evaluation import corpus_passages, read_jsonl

        passages.extend(corpus_passages(read_jsonl(extra), source="extra"))
    return passages


# --- the live index ---------------------------------------------------------------

class _LiveIndex:
    """The knowledge-base index of this process, kept in step with publishing.

    The embedding cache on disk makes start-up cheap; publishing or archiving a
    version updates only that version's passages (here, and in other worker
    processes via a stamp in the shared cache).
    """

    def __init__(self) -> None:
        self.index: Index | None = None
        self.stamp: str | None = None
        self.lock = threading.RLock()

    def get(self) -> Index:
        with self.lock:
            current = cache.get(KB_STAMP_KEY)
            if self.index is None:
                self.index = Index.build(knowledge_base_passages(), cache_dir=settings.ANSWERS_INDEX_DIR)
                self.stamp = current
            elif current != self.stamp:
                self.sync()
                self.stamp = current
            return self.index

    def sync(self) -> int:
        """Bring the loaded index in line with the database, touching only changed passages."""
        with self.lock:
            if self.index is None:
                return 0
            wanted = {p.id: p for p in knowledge_base_passages()}
            have = {p.id: p for p in self.index.passages}
            remove = [pid for pid, p in have.items() if pid not in wanted or wanted[pid] != p]
            add = [p for pid, p in wanted.items() if pid not in have or have[pid] != p]
            if remove or add:
                self.index.replace(remove=remove, add=add)
            return len(remove) + len(add)

    def version_changed(self, version_id: int, passages: list[Passage]) -> None:
        with self.lock:
            if self.index is not None:
                remove = [p.id for p in self.index.passages if p.version_id == version_id]
                self.index.replace(remove=remove, add=passages)
            self.stamp = _bump_stamp()

    def reset(self) -> None:
        with self.lock:
            self.index = None
            self.stamp = None


def _bump_stamp() -> str:
    stamp = uuid.uuid4().hex
    cache.set(KB_STAMP_KEY, stamp, None)
    return stamp


LIVE = _LiveIndex()


def live_index() -> Index:
    return LIVE.get()


def index_version_published(version) -> None:
    """Signal handler body: (re)index one version's sections."""
    from helpline.articles.selectors import version_sections

    passages: list[Passage] = []
    for section in version_sections(version):
        passages.extend(section_passages(section))
    LIVE.version_changed(version.pk, passages)


def index_version_unpublished(version) -> None:
    LIVE.version_changed(version.pk, [])


# --- answering ----------------------------------------------------------------------

def chat_open() -> bool | None:
    from helpline.chat.hours import chat_is_open

    try:
        return bool(chat_is_open())
    except Exception:  # noqa: BLE001 - the hours are advisory here; never fail an answer
        logger.exception("chat_is_open failed")
        return None


def _url(name: str, lang: str, query: str = "") -> str:
    try:
        with translation.override(lang):
            return reverse(name) + query
    except Exception:  # noqa: BLE001 - a URL we cannot build is left out
        return ""


def handoff_for(lang: str, log_token: uuid.UUID | None) -> dict:
    query = f"?from_answer={log_token}" if log_token else ""
    conf = settings.HELPLINE
    return {
        "chat_open": chat_open(),
        "chat_url": _url("chat:start", lang, query),
        "callback_url": _url("chat:callback", lang, query),
        "phone": conf.get("PHONE", ""),
        "phone_hours": "24/7",
        "emergency_number": conf.get("EMERGENCY_NUMBER", "911"),
        "crisis_number": conf.get("CRISIS_NUMBER", "988"),
    }


def _answered_message(lang: str, fallback: bool) -> str:
    with translation.override(lang):
        text = _("These passages are quoted word for word from our reviewed articles. "
                 "A specialist can talk it through with you.")
        if fallback:
            text = _("We have no reviewed text on this in your language yet; these passages are "
                     "in another language.") + " " + text
        return text


def _no_answer_message(lang: str, handoff: dict) -> str:
    with translation.override(lang):
        text = _("We don't have a reviewed answer for that question.")
        if handoff.get("chat_open") is True:
            text += " " + _("A specialist is available by chat now.")
        elif handoff.get("chat_open") is False:
            text += " " + _("Chat is closed right now; you can ask us to call you back.")
        text += " " + _("You can also call us any time, 24/7, at %(phone)s.") % {"phone": handoff["phone"]}
        return text


def answer_with_index(question: str, lang: str | None, index: Index, *, k: int = 10,
                      calibration: dict | None = None) -> AnswerResult:
    """Triage, then retrieval, then the answer decision. No logging, no I/O.

    The question is encoded once; triage's second detector and the search share the vector.
    """
    started = time.perf_counter()
    lang = normalize_lang(lang) or detect_language(question)
    vector = index.encode(question)
    assessment = triage.assess(question, lang, vector=vector)
    search = index.search(question, lang, k=k, vector=vector)
    decision = decide(search, calibration)
    shown = [passage_dict(h.passage, h.score, lang) for h in decision.shown[:MAX_PASSAGES_SHOWN]]
    if assessment.urgent:
        status = "urgent"
        message = assessment.message  # under it, only passages the decision would answer with
    elif decision.answered:
        status = "answered"
        message = _answered_message(lang, decision.fallback)
    else:
        status = "no_answer"
        message = ""
    result = AnswerResult(
        status=status,
        lang=lang,
        passages=shown,
        message=message,
        handoff={},
        confidence=decision.confidence,
        fallback_language=bool(shown) and decision.fallback,
        urgent=assessment.as_dict() if assessment.urgent else None,
        ranking=[h.passage.id for h in decision.search.hits],
        candidates=[h.passage.id for h in decision.search.shown[:MAX_PASSAGES_SHOWN]],
    )
    result.took_ms = (time.perf_counter() - started) * 1000
    return result


def answer_question(question: str, lang: str | None, *, channel: str = "web", index: Index | None = None,
                    log: bool = True) -> AnswerResult:
    """The live service. Raises ApplicationError on bad input (nothing is stored then)."""
    question, lang = check_question(question, lang)
    result = answer_with_index(question, lang, index or live_index())
    token = uuid.uuid4()
    result.handoff = handoff_for(result.lang, token)
    if result.status == "no_answer":
        result.message = _no_answer_message(result.lang, result.handoff)
    if log:
        result.log_token = question_log_create(question, result, channel=channel, token=token).log_token
    return result


def question_log_create(question: str, result: AnswerResult, *, channel: str, token: uuid.UUID):
    from helpline.common.privacy import scrub

    from .models import QuestionLog

    return QuestionLog.objects.create(
        log_token=token,
        question=scrub(question)[:MAX_QUESTION_CHARS],
        lang=result.lang,
        channel=str(channel or "web").replace("\x00", "")[:20],
        status=result.status,
        urgent_category=(result.urgent or {}).get("category") or "",
        urgent_signs=(result.urgent or {}).get("matched") or [],
        top_passages=[
            {"id": p["id"], "article": p["article"], "section": p["section"], "url": p["url"],
             "lang": p["lang"], "score": p["score"]}
            for p in result.passages
        ],
        confidence=result.confidence,
        fallback_language=result.fallback_language,
        latency_ms=result.took_ms,
    )


def mark_handed_off(log_token) -> bool:
    """A conversation started from this answer: count the question as handed off (the
    dashboard's figure). True if the question exists; a malformed token is unknown."""
    from .models import QuestionLog

    try:
        token = uuid.UUID(str(log_token))
    except (ValueError, TypeError, AttributeError):
        return False
    return QuestionLog.objects.filter(log_token=token).update(handed_off=True) > 0


def get_handoff_context(log_token) -> dict | None:
    """What the visitor asked and what they were shown, for the specialist who takes the chat.
    A pure read: pages that show it (GET) change nothing; see ``mark_handed_off``."""
    from django.core.exceptions import ValidationError

    from .models import QuestionLog

    try:
        token = uuid.UUID(str(log_token))
    except (ValueError, TypeError, AttributeError):
        return None
    try:
        entry = QuestionLog.objects.get(log_token=token)
    except (QuestionLog.DoesNotExist, ValidationError):
        return None
    return {
        "question": entry.question,
        "lang": entry.lang,
        "status": entry.status,
        "passages": list(entry.top_passages),
        "urgent": entry.status == QuestionLog.Status.URGENT,
        "urgent_signs": list(entry.urgent_signs),
    }


def suggest_passages(text: str, lang: str, k: int = 3) -> list[dict]:
    """Passages a specialist may quote (console suggestions). No threshold, no logging."""
    if not isinstance(text, str) or not text.strip():
        return []
    lang = normalize_lang(lang) or detect_language(text)
    search = live_index().search(text[:MAX_QUESTION_CHARS], lang, k=k)
    return [passage_dict(h.passage, h.score, lang) for h in search.hits[:k]]
