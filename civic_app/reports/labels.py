"""How the codes in reports read on a page and in an export."""

from flask_babel import format_currency

from civic_app.core.i18n import format_hours
from civic_app.projects.forms import SPOKEN_LANGUAGES

_LANGUAGES = dict(SPOKEN_LANGUAGES)


def language_label(code: str | None) -> str:
    """A language by its own name ("العربية"), or its code when unknown."""
    return _LANGUAGES.get(code or "", code or "?")


def euro_text(value) -> str:
    """Euro in the page's language ("1.234,50 €"); a marker of a hidden figure as it is."""
    if value is None or isinstance(value, str):
        return "—" if value is None else value
    return format_currency(value, "EUR")


def percent_text(value) -> str:
    """A rate in the page's language ("83,3%"); "—" when there is none; a marker as it is."""
    if value is None or isinstance(value, str):
        return "—" if value is None else value
    return f"{format_hours(value)}%"
