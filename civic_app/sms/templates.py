"""SMS texts in every language a participant can choose, kept short.

The texts are gettext catalogs of their own domain, `sms`: the Italian source texts are
civic_app/sms/texts.py (`sms_text(key, italian)`), the translations
civic_app/translations/<lang>/LC_MESSAGES/sms.po (msgctxt = the template key, msgid = the
Italian text), extracted, updated and compiled by `flask translate` like the web's, so a
translator works on them with Poedit or Weblate. An SMS is written in the *person's*
language, not the request's: `TEMPLATES` (key -> language -> text) is read once from the
catalogs (sms.mo, or the sms.po when no up-to-date .mo is compiled), and a text with no
translation falls back to Italian. Dates and numbers inside them come from Babel's own
locale data, which has every one of these languages (`sms_when`, `sms_number`).

Budgets (`civic_app/sms/costs.py`, the staff page /staff/sms/templates and
`flask sms templates` show them): Italian, English, French and Spanish stay in GSM-7,
where a reminder is one segment (160 characters); Arabic, Bengali, Urdu and Ukrainian
are UCS-2 (70 characters, 67 per part), where a reminder is two segments at most.
The Spanish texts avoid á, í, ó, ú (not in GSM-7; é and ñ are) so as to stay there.

`{brand}` is the name SMS are signed with (SMS_BRAND, core/brand.py: 16 plain GSM-7
characters at most; every template is tested to keep its budget with one that long).
"""

import gettext
import unicodedata
from datetime import datetime
from pathlib import Path

from babel.dates import format_datetime as babel_format_datetime
from babel.messages.pofile import read_po

from civic_app.core.brand import current_brand
from civic_app.sms.segments import is_gsm7
from civic_app.sms.texts import MULTILINGUAL, SOURCES

#: Every language SMS are written in, the order of the sign-up menu.
SMS_LANGUAGES = ("it", "en", "fr", "ar", "es", "bn", "ur", "uk")
#: Languages whose texts stay in GSM-7; the others are UCS-2.
GSM_LANGUAGES = ("it", "en", "fr", "es")
#: MULTILINGUAL (texts.py): written once for everyone: the menu goes out before a
#: language is chosen; staff replies are staff's own words.
__all__ = ["MULTILINGUAL", "SMS_LANGUAGES", "GSM_LANGUAGES", "TEMPLATES", "render_sms"]

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "sms"


def catalog_texts(language: str, folder: Path = TRANSLATIONS) -> dict[tuple[str, str], str]:
    """(key, Italian text) -> the translation, for every translated, non-fuzzy entry of
    `language`'s sms catalog: its compiled sms.mo when not older than the sms.po, else
    the sms.po itself (a fresh checkout has no .mo)."""
    po = folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)._catalog
        return {
            tuple(key.split("\x04", 1)): text
            for key, text in catalog.items()
            if isinstance(key, str) and "\x04" in key and text
        }
    if not po.exists():
        return {}
    with open(po, "rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    return {
        (message.context, message.id): message.string
        for message in catalog
        if message.id and message.context and message.string and not message.fuzzy
    }


def load_templates(folder: Path = TRANSLATIONS) -> dict[str, dict[str, str]]:
    """Every template key -> language -> text: Italian from texts.py, the others from
    their catalogs (a missing translation is left out: render_sms falls back to Italian;
    the MULTILINGUAL texts are the Italian entry alone)."""
    templates = {key: {"it": italian} for key, italian in SOURCES.items()}
    for language in SMS_LANGUAGES[1:]:
        texts = catalog_texts(language, folder)
        for key, italian in SOURCES.items():
            if key not in MULTILINGUAL and (text := texts.get((key, italian))):
                templates[key][language] = text
    return templates


#: key -> language -> text, as the catalogs have them (read at import).
TEMPLATES: dict[str, dict[str, str]] = load_templates()


def sms_language(language: str | None) -> str:
    """The language SMS are written in for someone who chose `language` (Italian if none)."""
    return language if language in SMS_LANGUAGES else "it"


def sms_brand() -> str:
    """The name SMS are signed with (`{brand}`): the app's SMS_BRAND, "civic_app" by default."""
    return current_brand().sms_name


def render_sms(template: str, language: str, /, **values) -> str:
    """The text of `template` in `language`, falling back to Italian, signed with the brand."""
    texts = TEMPLATES[template]
    return texts.get(language, texts["it"]).format(**(values | {"brand": sms_brand()}))


#: How SMS show a date: short weekday, day/month and time, e.g. "mar 10/03 09:00".
WHEN_FORMAT = "EEE d/MM HH:mm"
NUMBER_FORMAT = "#,##0.##"


def fold_to_gsm7(text: str) -> str:
    """`text` without the accents GSM-7 lacks ("sáb" -> "sab"); other characters kept."""
    out = []
    for ch in text:
        if not is_gsm7(ch):
            bare = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
            ch = bare if bare and is_gsm7(bare) else ch
        out.append(ch)
    return "".join(out)


def _fit(text: str, language: str) -> str:
    # One accented weekday ("sáb") must not turn a Spanish reminder into UCS-2.
    return fold_to_gsm7(text) if language in GSM_LANGUAGES else text


def sms_when(moment: datetime, language: str | None, pattern: str = WHEN_FORMAT) -> str:
    """`moment` in Rome time as an SMS in `language` shows it (Babel's data, not the web
    catalogs: every SMS language has its weekday names). Needs an app context."""
    from flask_babel import force_locale, format_datetime

    language = sms_language(language)
    with force_locale(language):
        return _fit(format_datetime(moment, pattern), language)


def sms_number(value, language: str | None) -> str:
    """A number of hours as an SMS in `language` writes it ("12,5" in Italian)."""
    from flask_babel import force_locale, format_decimal

    language = sms_language(language)
    with force_locale(language):
        return format_decimal(value, NUMBER_FORMAT)


#: Typical values, to measure each template's cost in segments.
TYPICAL_VALUES = {
    "code": "123456",
    "project": "Cura del parco",
    "when": "mar 10/03 09:00",
    "place": "Via Appia 12",
    "name": "Amina Diallo",
    "municipality": "Roma",
    "done": "12,5",
    "target": "60",
    "text": "Ciao, domani porta i guanti.",
    "minutes": "120",
    "title": "Festa di quartiere",
    "first": "turno mar 10/03 09:00",
    "second": "posto libero mer 11/03 09:00",
    "service": "Sportello legale Diritti",
    "site": "civic.comune.roma.it",
    "projects": "1 Cura del parco; 2 Orto di quartiere; 3 Biblioteca aperta",
    "choices": "1 Roma; 2 Milano; 3 Napoli",
    "last": "5",
    "brand": "civic_app",
}


def typical_values(language: str, brand: str | None = None) -> dict[str, str]:
    """TYPICAL_VALUES with the date as `language` writes it, on its longest weekday, and
    `brand` (default: this app's SMS signature) as the signature."""
    language = sms_language(language)
    week = (datetime(2026, 3, 9 + day, 9, 0) for day in range(7))
    when = max(
        (_fit(babel_format_datetime(day, WHEN_FORMAT, locale=language), language) for day in week),
        key=len,
    )
    return TYPICAL_VALUES | {"when": when, "brand": brand or sms_brand()}
