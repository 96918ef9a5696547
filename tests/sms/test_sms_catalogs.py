"""The SMS texts are gettext catalogs (issue 22, point 5): the `sms` domain, msgctxt = the
template key, msgid = the Italian text of civic_app/sms/texts.py. Every entry of every
sms catalog keeps its budget, its placeholders and the brand; sms.pot is what extraction
gives; a text is read from the person's language catalog and falls back to Italian."""

import shutil
import string
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from civic_app.cli import SMS_POT, extract_sms
from civic_app.sms.costs import budget, expected_encoding
from civic_app.sms.segments import count_segments
from civic_app.sms.templates import (
    MULTILINGUAL,
    SMS_LANGUAGES,
    TEMPLATES,
    TRANSLATIONS,
    load_templates,
    render_sms,
    typical_values,
)
from civic_app.sms.texts import SOURCES

ROOT = Path(__file__).resolve().parents[2]
LONGEST_BRAND = "Comune di Torino"  # 16 characters, the most SMS_BRAND allows


def catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "sms.po", "rb") as po:
        return read_po(po, locale=language, domain="sms")


def entries():
    for language in SMS_LANGUAGES:
        for message in catalog(language):
            if message.id and message.string:
                yield language, message


def fields(text: str) -> set[str]:
    return {name for _l, name, _s, _c in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", SMS_LANGUAGES)
def test_every_sms_language_has_a_catalog_of_every_template(language):
    keys = [message.context for message in catalog(language) if message.id]
    assert keys == list(SOURCES)


def test_every_catalog_entry_keeps_its_budget_placeholders_and_brand():
    over = []
    for language, message in entries():
        key = message.context
        assert message.id == SOURCES[key], (language, key)
        assert fields(message.string) == fields(message.id), (language, key)
        # signed like the Italian text (the language menu goes out unsigned)
        assert message.string.startswith("{brand}") == message.id.startswith("{brand}"), key
        if key in MULTILINGUAL and language != "it":
            continue  # the Italian entry itself, measured as Italian
        for brand in (None, LONGEST_BRAND):
            text = message.string.format(**typical_values(language, brand))
            counted = count_segments(text)
            wanted = expected_encoding(key, language)
            if counted.segments > budget(key, language) or wanted not in (None, counted.encoding):
                over.append((key, language, counted.encoding, counted.segments))
    assert over == []


def test_the_multilingual_texts_are_the_italian_text_in_every_catalog():
    for language, message in entries():
        if message.context in MULTILINGUAL:
            assert message.string == message.id, language


def test_sms_pot_is_what_extraction_of_texts_py_gives(tmp_path):
    extract_sms(tmp_path / "sms.pot")
    with open(tmp_path / "sms.pot", "rb") as fresh, open(SMS_POT, "rb") as committed:
        fresh_ids = [(m.context, m.id) for m in read_po(fresh) if m.id]
        committed_ids = [(m.context, m.id) for m in read_po(committed) if m.id]
    assert fresh_ids == committed_ids == list(SOURCES.items())


def test_templates_are_the_catalogs_texts():
    for language, message in entries():
        if message.context not in MULTILINGUAL:
            assert TEMPLATES[message.context][language] == message.string


def copy_catalogs(tmp_path: Path) -> Path:
    folder = tmp_path / "translations"
    for language in SMS_LANGUAGES:
        target = folder / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(TRANSLATIONS / language / "LC_MESSAGES" / "sms.po", target)
    return folder


def test_a_missing_or_fuzzy_translation_falls_back_to_italian(tmp_path):
    folder = copy_catalogs(tmp_path)
    po = folder / "fr" / "LC_MESSAGES" / "sms.po"
    fr = read_po(po.open("rb"), locale="fr", domain="sms")
    fr.get(SOURCES["reminder"], context="reminder").string = ""
    fr.get(SOURCES["rsvp_yes"], context="rsvp_yes").flags.add("fuzzy")
    from babel.messages.pofile import write_po

    with open(po, "wb") as out:
        write_po(out, fr)
    templates = load_templates(folder)
    assert "fr" not in templates["reminder"] and "fr" not in templates["rsvp_yes"]
    assert templates["help"]["fr"] == TEMPLATES["help"]["fr"]


def test_a_compiled_catalog_is_read_like_its_po(tmp_path):
    folder = copy_catalogs(tmp_path)
    for language in SMS_LANGUAGES:
        po = folder / language / "LC_MESSAGES" / "sms.po"
        with open(po.with_suffix(".mo"), "wb") as mo:
            write_mo(mo, read_po(po.open("rb"), locale=language, domain="sms"))
    assert load_templates(folder) == load_templates(copy_catalogs(tmp_path / "po_only"))


def test_rendering_uses_the_persons_language_not_the_pages(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        text = render_sms("stop_confirmation", "uk")
    assert text.endswith(TEMPLATES["stop_confirmation"]["uk"].split("}", 1)[1])
    assert text != render_sms("stop_confirmation", "fr")
    assert render_sms("stop_confirmation", "xx") == render_sms("stop_confirmation", "it")
