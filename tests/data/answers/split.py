"""The one-time calibration / held-back split of the answer-service development set.

The split was decided once, when each file was written, and is stored in every row's
``split`` field. This module records how it was made so that it can be checked: within each
stratum (one file, one language) the rows are ordered by id, shuffled with a
``random.Random`` seeded by ``SEED``, the file name and the language, and the first half
(rounded up) becomes ``calibration``, the rest ``heldback``.

Nothing that calibrates or tunes the answer service may read the held-back rows.
"""

from __future__ import annotations

import random
from collections import defaultdict

SEED = 20261205
CALIBRATION = "calibration"
HELDBACK = "heldback"


def split_for(rows: list[dict], file_name: str, seed: int = SEED) -> dict[str, str]:
    """Return ``{id: split}`` for the rows of one file, stratified by language."""
    by_lang: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        by_lang[row["lang"]].append(row["id"])
    result: dict[str, str] = {}
    for lang in sorted(by_lang):
        ids = sorted(by_lang[lang])
        random.Random(f"{seed}:{file_name}:{lang}").shuffle(ids)
        half = (len(ids) + 1) // 2
        for position, row_id in enumerate(ids):
            result[row_id] = CALIBRATION if position < half else HELDBACK
    return result
