"""The triage stress set: every urgent message flagged, few traps, in both halves.

``data/triage_stress.jsonl`` holds messages written for this guard (none from the
development set or the exemplar file): urgent ones (``crisis`` or ``medical``) and traps
(``not_urgent``), in English and Spanish, written the way people write. Its rows were split
once into half A (used to find and fix what the detectors missed) and half B (measured once,
at the end); see docs/notes/issue-12.md. Both halves now guard against regressions.

``data/triage_stress_c.jsonl`` is a third part, half C, written later in fresh wording
before the detectors were run on it (170 messages), measured once and then used to find
what the detectors missed; see docs/notes/issue-12.md. It guards the same way.

``data/triage_stress_d.jsonl`` is a fourth part, half D, written the same way in wording
and structures the earlier parts do not use (caregivers texting mid-situation, readings
with units or a decimal comma, regional Spanish, crisis asked about others or
"hypothetically", signs told by what someone cannot do, near misses of each).

``data/triage_stress_e.jsonl`` is a fifth part, half E, written the same way in styles the
earlier parts under-use (the sign as an aside, lists of signs, typos that break keywords,
voice-to-text slips, capitals, emoji, SMS shorthand, Portuguese-tinged Spanish, indirect
crisis wording, worsening trends, children telling their own signs, near misses of each).

``data/triage_stress_f.jsonl`` is a sixth part, half F, written the same way with more weight on
crisis (55 crisis, 55 medical, 60 traps): passive death wishes, hopelessness next to a means,
farewells and apologies, pets and children handed over, methods looked up, medication saved,
self-harm by burning, hitting or scratching, carers afraid of hurting themselves or the one they
look after, regional Spanish, voice-to-text slips; traps with "kill"/"die"/"dead" idioms, fiction,
news, history that is over, hotlines asked about for someone else's general information.

``data/triage_stress_g.jsonl`` is a seventh part, half G (40 crisis, 40 medical, 50 traps):
asking the doctors for something so as not to wake up, charcoal and a sealed room, waiting by
the tracks, the tallest garage looked up, lethal doses, papers laid out and no answer, not
eating on purpose, going with the one who dies, a countdown, biting or burning oneself, carers
afraid of shaking or hurting someone; readings as "82 de alta y 48 de baja", a dead relative's
name; traps with things outgrown, treatment finished, idioms, stories and events that are over.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest

from helpline.answers.triage import CRISIS, assess

STRESS = Path(__file__).with_name("data") / "triage_stress.jsonl"
STRESS_C = Path(__file__).with_name("data") / "triage_stress_c.jsonl"
STRESS_D = Path(__file__).with_name("data") / "triage_stress_d.jsonl"
STRESS_E = Path(__file__).with_name("data") / "triage_stress_e.jsonl"
STRESS_F = Path(__file__).with_name("data") / "triage_stress_f.jsonl"
STRESS_G = Path(__file__).with_name("data") / "triage_stress_g.jsonl"
STRESS_H = Path(__file__).with_name("data") / "triage_stress_h.jsonl"
STRESS_I = Path(__file__).with_name("data") / "triage_stress_i.jsonl"
PARTS = {"A": STRESS, "B": STRESS, "C": STRESS_C, "D": STRESS_D, "E": STRESS_E, "F": STRESS_F, "G": STRESS_G, "H": STRESS_H, "I": STRESS_I}
# (urgent, crisis, traps) at least, per later part
SIZES = {"C": (110, 35, 60), "D": (110, 35, 60), "E": (110, 35, 60), "F": (110, 55, 60), "G": (80, 40, 50), "H": (110, 45, 60), "I": (110, 45, 60)}
SEED = 20260611
FIELDS = {"id", "question", "lang", "category", "half", "topic"}


def _rows(path: Path = STRESS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _half_of(rows: list[dict]) -> dict[str, str]:
    """Recompute the halves: per (category, language), ids sorted then shuffled with the seed; first half is A."""
    halves: dict[str, str] = {}
    for key in {(r["category"], r["lang"]) for r in rows}:
        ids = sorted(r["id"] for r in rows if (r["category"], r["lang"]) == key)
        random.Random(f"triage-stress:{SEED}:{key[0]}:{key[1]}").shuffle(ids)
        cut = (len(ids) + 1) // 2
        halves.update({i: "A" if n < cut else "B" for n, i in enumerate(ids)})
    return halves


def test_the_set_is_as_described():
    rows = _rows()
    assert all(set(r) == FIELDS for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["question"].strip().lower() for r in rows}) == len(rows)
    assert {r["lang"] for r in rows} == {"en", "es"}
    assert {r["category"] for r in rows} == {"crisis", "medical", "not_urgent"}
    urgent = [r for r in rows if r["category"] != "not_urgent"]
    counts = Counter(r["category"] for r in rows)
    assert len(urgent) >= 240 and counts["crisis"] >= 60 and counts["not_urgent"] >= 120
    assert sum(r["lang"] == "es" for r in urgent) >= 0.4 * len(urgent)
    # the halves were drawn once, at random, and nobody moved a row since
    assert {r["id"]: r["half"] for r in rows} == _half_of(rows)


@pytest.mark.parametrize("half", ["C", "D", "E", "F", "G", "H", "I"])
def test_later_halves_are_as_described(half):
    rows = _rows(PARTS[half])
    assert all(set(r) == FIELDS and r["half"] == half and r["id"].startswith(f"t{half.lower()}-") for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    questions = {r["question"].strip().lower() for r in rows}
    assert len(questions) == len(rows)
    earlier = [path for h, path in PARTS.items() if h < half]
    assert not questions & {r["question"].strip().lower() for path in set(earlier) for r in _rows(path)}
    counts = Counter(r["category"] for r in rows)
    urgent = [r for r in rows if r["category"] != "not_urgent"]
    least_urgent, least_crisis, least_traps = SIZES[half]
    assert len(urgent) >= least_urgent and counts["crisis"] >= least_crisis and counts["not_urgent"] >= least_traps
    assert sum(r["lang"] == "es" for r in urgent) >= 0.4 * len(urgent)


@pytest.mark.parametrize("half", ["A", "B", "C", "D", "E", "F", "G", "H", "I"])
def test_every_urgent_message_is_flagged_and_few_traps_are(half):
    rows = [r for r in _rows(PARTS[half]) if r["half"] == half]
    assert rows
    results = [(r, assess(r["question"], r["lang"])) for r in rows]
    missed = [r["question"] for r, a in results if r["category"] != "not_urgent" and not a.urgent]
    not_crisis = [r["question"] for r, a in results if r["category"] == "crisis" and a.category != CRISIS]
    traps = [(r, a) for r, a in results if r["category"] == "not_urgent"]
    flagged = [(r["question"], a.matched) for r, a in traps if a.urgent]
    assert missed == []
    assert not_crisis == []
    assert len(flagged) <= 0.10 * len(traps), flagged
    urgent_flagged = sum(1 for r, a in results if a.urgent and r["category"] != "not_urgent")
    assert urgent_flagged / (urgent_flagged + len(flagged)) >= 0.90


def test_half_f_weighs_crisis():
    rows = _rows(STRESS_F)
    counts = Counter(r["category"] for r in rows)
    assert counts["crisis"] >= 55 and counts["medical"] >= 55 and counts["not_urgent"] >= 60


def test_half_g_weighs_crisis_and_spanish():
    rows = _rows(STRESS_G)
    counts = Counter(r["category"] for r in rows)
    assert counts["crisis"] >= 40 and counts["medical"] >= 40 and counts["not_urgent"] >= 50
    urgent = [r for r in rows if r["category"] != "not_urgent"]
    assert sum(r["lang"] == "es" for r in urgent) >= 0.45 * len(urgent)
