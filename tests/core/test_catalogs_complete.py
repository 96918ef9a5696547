"""No untranslated string in any of the eight languages (issue 22): for each language (but
Italian, the source) and
each gettext domain (`messages`, the web; `sms`, SMS/WhatsApp/voice), every msgid of the
template (messages.pot, sms.pot) has a non-empty, non-fuzzy translation in the language's
catalog. A failure lists what is missing, per language and domain.

Marked `catalogs` (`pytest -m catalogs tests/core/test_catalogs_complete.py` runs just
these): they fail while the Spanish, Bengali, Urdu and Ukrainian web catalogs are the
empty ones `pybabel init` made, until the translators' files are merged in.
"""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "civic_app" / "translations"
#: Every language but Italian, the source text (its msgids are what is shown).
LANGUAGES = ("en", "fr", "ar", "es", "bn", "ur", "uk")
DOMAINS = ("messages", "sms")
SHOWN = 15  # missing entries listed per language and domain

pytestmark = pytest.mark.catalogs


def read(path: Path):
    with open(path, "rb") as f:
        return read_po(f)


def filled(string) -> bool:
    forms = string if isinstance(string, tuple) else (string,)
    return bool(forms) and all(forms)


def key(message) -> str:
    return f"[{message.context}] {message.id}" if message.context else str(message.id)


def gaps(language: str, domain: str) -> dict[str, list[str]]:
    """What `language`'s catalog of `domain` lacks: missing, empty, fuzzy."""
    template = [m for m in read(TRANSLATIONS / f"{domain}.pot") if m.id]
    po = TRANSLATIONS / language / "LC_MESSAGES" / f"{domain}.po"
    if not po.exists():
        return {"no catalog": [str(po.relative_to(TRANSLATIONS))]}
    catalog = read(po)
    found = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    missing, empty, fuzzy = [], [], []
    for wanted in template:
        message = found.get(
            (wanted.context, wanted.id if isinstance(wanted.id, str) else wanted.id[0])
        )
        if message is None:
            missing.append(key(wanted))
        elif not filled(message.string):
            empty.append(key(wanted))
        elif message.fuzzy:
            fuzzy.append(key(wanted))
    return {name: rows for name, rows in
            (("missing", missing), ("untranslated", empty), ("fuzzy", fuzzy)) if rows}  # fmt: skip


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language, domain):
    found = gaps(language, domain)
    report = [
        f"{language}/{domain}: {len(rows)} {name}: " + "; ".join(rows[:SHOWN])
        + (" …" if len(rows) > SHOWN else "")
        for name, rows in found.items()
    ]  # fmt: skip
    assert not found, "\n".join(report)
