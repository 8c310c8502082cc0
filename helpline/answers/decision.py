"""The answer decision: the one place that owns the threshold and the cross-language fallback.

``Index.search`` ranks passages and measures the evidence that the passages it
would show answer the question (``retrieval.FEATURES``). ``decide`` turns that
evidence into a calibrated probability that an answering passage is among the
passages shown (``calibration.json``, fitted by ``helpline calibrate-answers``)
and answers only above the threshold. A wrong answer is worse than an honest
handoff: passages that are lists of questions are never shown as answers
(``Passage.is_question_list``), and the features reward a passage that covers
the question's words in what it is about, not one that mentions them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .retrieval import FEATURES, Hit, SearchResult, load_calibration

# The other language's passages are shown only when the question's own
# language is at least this far below the threshold (it clearly has nothing).
DEFAULT_CROSS_MARGIN = 0.3


@dataclass
class Decision:
    answered: bool
    search: SearchResult  # the ranking behind the decision (own or other language)
    shown: list[Hit] = field(default_factory=list)  # passages to show when answered
    confidence: float = 0.0
    fallback: bool = False  # the shown passages are in the other language


def confidence(features: dict, calibration: dict) -> float:
    """P(an answering passage is among those shown | features)."""
    if not features:
        return 0.0
    z = calibration["intercept"] + sum(c * float(features.get(name, 0.0))
                                       for c, name in zip(calibration["coef"], FEATURES))
    return float(1.0 / (1.0 + np.exp(-z)))


_CALIBRATION: dict | None = None


def default_calibration() -> dict:
    global _CALIBRATION
    if _CALIBRATION is None:
        _CALIBRATION = load_calibration()
    return _CALIBRATION


def decide(search: SearchResult, calibration: dict | None = None) -> Decision:
    cal = calibration or default_calibration()
    # One threshold per question language when the calibration has them (fitted so that
    # uncovered questions in each language get no answer), else the one threshold.
    threshold = float((cal.get("threshold_by_lang") or {}).get(search.lang, cal["threshold"]))
    own = confidence(search.features, cal) if search.shown else 0.0
    if search.shown and own >= threshold:
        return Decision(True, search, list(search.shown), own, search.fallback)
    alt = search.alternative
    if alt is not None and alt.shown:
        other = confidence(alt.features, cal)
        margin = float(cal.get("cross_margin", DEFAULT_CROSS_MARGIN))
        if other >= threshold and own < threshold - margin:
            return Decision(True, alt, list(alt.shown), other, True)
        if not search.hits or other > own:
            # Nothing to show: keep the better ranking for suggestions and evaluation.
            return Decision(False, alt, [], other, alt.fallback)
    return Decision(False, search, [], own, search.fallback)
