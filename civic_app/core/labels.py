"""Names for the codes that staff pages would otherwise print: languages, sign-up
channels, referral sources, consent purposes and methods.

A page shows a language by its name in the page's language (Babel's locale data, so
Bengali is "bengalese" on an Italian page and "Bengali" on an English one), and the other
codes by a translated label; an unknown code is shown as it is rather than hidden.
"""

from datetime import date

from babel import Locale, UnknownLocaleError
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from civic_app.core.i18n import current_language

SIGNUP_CHANNEL_LABELS = {
    "web": _l("dal sito"),
    "sms": _l("via SMS"),
    "assisted": _l("allo sportello, con il personale"),
    "walk_in": _l("sul posto, con il tutor"),
}

REFERRAL_LABELS = {
    "one_stop_shop": _l("Sportello unico"),
    "mobile_unit": _l("Unità mobile"),
    "social_services": _l("Servizi sociali"),
    "association": _l("Associazione"),
    "self": _l("Di propria iniziativa"),
    None: _l("Non indicato"),
}

CONSENT_PURPOSE_LABELS = {
    "programme": _l("partecipazione al programma"),
    "sms": _l("SMS"),
    "casework": _l("presa in carico"),
}

CONSENT_METHOD_LABELS = {
    "web": _l("dal sito"),
    "sms": _l("via SMS"),
    "sms_code": _l("con un codice via SMS"),
    "paper": _l("su carta"),
    "written": _l("su carta"),
    "verbal": _l("a voce"),
    "keyword": _l("con una parola chiave via SMS"),
    "staff_login": _l("dal personale"),
}


def language_name(code: str | None, page_language: str | None = None) -> str:
    """A language's name in the page's language ("bengalese"), or its code when unknown."""
    if not code:
        return "—"
    try:
        name = Locale.parse(code).get_display_name(page_language or current_language())
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    if not name:
        return code
    return name[:1].upper() + name[1:]


def label(labels: dict, code: str | None) -> str:
    """The label of `code` in `labels`, or the code itself when it has none."""
    found = labels.get(code)
    return str(found) if found is not None else (code or "—")


def month_label(value: str | None) -> str:
    """A month kept as "2026-03" as a person reads it ("marzo 2026"), else as it is."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return format_date(date(year, month, 1), "LLLL y")
    except (ValueError, TypeError):
        return value or "—"
