"""How the codes in reports read on a page and in an export."""

from flask_babel import lazy_gettext as _l

from civic_app.projects.forms import SPOKEN_LANGUAGES

REFERRAL_LABELS = {
    "one_stop_shop": _l("Sportello unico"),
    "mobile_unit": _l("Unità mobile"),
    "social_services": _l("Servizi sociali"),
    "association": _l("Associazione"),
    "self": _l("Di propria iniziativa"),
    None: _l("Non indicato"),
}

_LANGUAGES = dict(SPOKEN_LANGUAGES)


def language_label(code: str | None) -> str:
    """A language by its own name ("العربية"), or its code when unknown."""
    return _LANGUAGES.get(code or "", code or "?")
