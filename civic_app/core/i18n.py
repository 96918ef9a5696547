"""Language choice: the user's own, then the one picked on this browser, then the browser's."""

from flask import current_app, has_request_context, request, session
from flask_babel import format_decimal
from flask_babel import get_locale as babel_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

#: Names of the interface languages, each written in itself.
LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "fr": "Français", "ar": "العربية"}


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
