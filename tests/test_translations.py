"""The compiled catalogs (.mo, what Django reads) say what the .po files say.

A .po edited without running compilemessages leaves Spanish visitors reading English:
every translated, non-fuzzy entry must be in the .mo next to it, with the same text.
"""

import gettext
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent / "helpline"
CATALOGS = sorted(ROOT.glob("**/locale/es/LC_MESSAGES/django.po"))


def test_there_are_catalogs():
    assert len(CATALOGS) >= 5


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path} is missing: run compilemessages"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        key = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            for n, text in entry.msgstr_plural.items():
                if text and compiled.get((key, int(n))) != text:
                    stale.append(entry.msgid)
        elif entry.msgstr and compiled.get(key) != entry.msgstr:
            stale.append(entry.msgid)
    assert not stale, f"{po_path}: {len(stale)} entries differ from the .mo (run compilemessages): {stale[:5]}"


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_is_left_untranslated_or_fuzzy(po_path):
    catalog = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in catalog.untranslated_entries()]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries() if e.msgid]
    assert not untranslated and not fuzzy, f"untranslated {untranslated[:5]}, fuzzy {fuzzy[:5]}"
