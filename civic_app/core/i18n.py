"""Language choice: the user's own, then the one picked on this browser, then the browser's."""

import re

from babel.lists import format_list as babel_format_list
from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import get_locale as babel_locale
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError

#: Names of the interface languages, each written in itself.
LANGUAGE_NAMES = {
    "it": "Italiano", "en": "English", "fr": "Français", "ar": "العربية",
    "es": "Español", "bn": "বাংলা", "ur": "اردو", "uk": "Українська",
}  # fmt: skip


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # jobs and commands: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        user_language = getattr(current_user, "preferred_language", None)
    except SQLAlchemyError:  # no database: the error page still gets a language
        user_language = None
    if user_language in languages:
        return user_language
    if session.get("lang") in languages:
        return session["lang"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    return current_app.config["TIMEZONE"]


def current_language() -> str:
    return str(babel_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_page_language(language: str) -> None:
    """Keep this browser's pages in `language`; for a language only SMS speak (Bengali,
    Urdu ...), keep them in the language they are shown in now."""
    pages = current_app.config["LANGUAGES"]
    session["lang"] = language if language in pages else current_language()


def text_direction() -> str:
    return "rtl" if current_language() in current_app.config["RTL_LANGUAGES"] else "ltr"


def format_list(items, language: str | None = None) -> str:
    """Items joined as the language joins a list: "a, b e c" in Italian, "a, b and c" in
    English, "a وb وc" in Arabic, "a، b، اور c" in Urdu (Babel's CLDR patterns); in the
    page's language unless told."""
    items = [str(item) for item in items]
    if not items:
        return ""
    return babel_format_list(items, locale=language or current_language())


def join_list(items) -> Markup:
    """The Jinja filter of format_list: each item escaped (markup such as <span lang> kept)."""
    return Markup(format_list([escape(item) for item in items]))  # noqa: S704 - items escaped


def in_language(code: str, names: dict) -> Markup:
    """The name of language `code` marked as written in it: <span lang="ar">العربية</span>."""
    return Markup('<span lang="{}">{}</span>').format(code, names.get(code, code))


#: A phone number or a dialling prefix inside a sentence: "+33", "+39 347 111 0009".
_PHONE_IN_TEXT = re.compile(r"\+\d[\d ]*\d|\+\d")


def ltr(value) -> Markup:
    """`value` (a phone number, a code) isolated and left to right inside any sentence."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(value) if value else Markup("")


def isolate_numbers(text) -> Markup:
    """`text` with each phone number or prefix in it isolated left to right, so that
    "... ad esempio +33." keeps its "+" before the digits on an Arabic page."""
    escaped = str(escape(text))
    isolated = _PHONE_IN_TEXT.sub(lambda m: f'<bdi dir="ltr">{m.group(0)}</bdi>', escaped)
    return Markup(isolated)  # noqa: S704 - escaped, then digits, spaces and "+" wrapped


#: The comma of languages that do not write a Latin one: "الثلاثاء 8 ديسمبر، 09:00".
_COMMAS = {"ar": "، ", "ur": "، "}
_NAMED_FORMATS = {"short", "medium", "long", "full"}


def _local_pattern(pattern):
    """A pattern of our own ("EEEE d MMMM, HH:mm") with the page language's comma."""
    if isinstance(pattern, str) and pattern not in _NAMED_FORMATS:
        return pattern.replace(", ", comma())
    return pattern


def comma() -> str:
    """The comma between two parts of a sentence in the page's language ("، " in Arabic)."""
    return _COMMAS.get(current_language(), ", ")


def local_datetime(value, pattern=None, **kwargs) -> str:
    """The `datetime` filter: Babel's format_datetime, with the page language's comma in
    the patterns the templates write (Babel's own named formats carry theirs)."""
    return format_datetime(value, _local_pattern(pattern), **kwargs)


def local_date(value, pattern=None, **kwargs) -> str:
    """The `date_format` filter, like `local_datetime`."""
    return format_date(value, _local_pattern(pattern), **kwargs)


def format_hours(hours) -> str:
    """Hours as people write them in the page's language: 2, 1,5 or 1.25 (no trailing zeros)."""
    return format_decimal(hours, "#,##0.##")


def by_sex(person, *, female, male, neutral):
    """The Italian text that agrees with the person: `female` or `male` when their sex is
    recorded as such (`User.sex`), otherwise (other, undisclosed, not stated, nobody
    logged in) the `neutral` wording, which assumes nothing.

    `person` is a User (or anything with `sex`) or the sex code itself. Each text is its
    own msgid, so every language translates the three forms as it needs.
    """
    sex = getattr(person, "sex", person)
    if sex == "female":
        return female
    if sex == "male":
        return male
    return neutral
