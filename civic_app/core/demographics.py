"""Facts the fund counts people by: sex, age band, citizenship. All optional.

None always means "not stated" and is counted as such, never guessed.
"""

from functools import cache

from babel import Locale, UnknownLocaleError
from flask_babel import lazy_gettext as _l

SEXES = ("female", "male", "other", "undisclosed")

SEX_LABELS = {
    "female": _l("Donna"),
    "male": _l("Uomo"),
    "other": _l("Altro"),
    "undisclosed": _l("Preferisco non dirlo"),
}

#: (code, lowest age, highest age or None): the fund's age bands.
AGE_BANDS = (
    ("under_18", 0, 17),
    ("18_24", 18, 24),
    ("25_34", 25, 34),
    ("35_54", 35, 54),
    ("55_plus", 55, None),
)

AGE_BAND_LABELS = {
    "under_18": _l("Meno di 18 anni"),
    "18_24": _l("18–24 anni"),
    "25_34": _l("25–34 anni"),
    "35_54": _l("35–54 anni"),
    "55_plus": _l("55 anni e più"),
}

#: The member states of the European Union (ISO 3166-1 alpha-2). Anyone else is a
#: third-country national for the fund.
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)

NOT_STATED = "not_stated"


def age_in(year: int, birth_year: int | None) -> int | None:
    """Age reached during `year` (the birth year is all we keep)."""
    return None if birth_year is None else year - birth_year


def age_band(birth_year: int | None, year: int) -> str:
    """The fund's age band of someone born in `birth_year`, in `year`; "not_stated"."""
    age = age_in(year, birth_year)
    if age is None or age < 0:
        return NOT_STATED
    for code, low, high in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return code
    return NOT_STATED


def is_minor(birth_year: int | None, year: int) -> bool:
    """True when the person may be under 18 in `year`.

    With the year of birth only, someone who turns 18 this year may still be 17:
    they are treated as a minor until the year after, so no minor passes as adult.
    """
    age = age_in(year, birth_year)
    return age is not None and age <= 18


def third_country(citizenship: str | None) -> str:
    """ "yes", "no" or "not_stated": a third-country national (outside the EU)."""
    if not citizenship:
        return NOT_STATED
    return "no" if citizenship.upper() in EU_COUNTRIES else "yes"


#: Why the optional questions are asked; shown beside them in the person's language.
PURPOSE_TEXT = _l(
    "Il Comune li usa solo per contare in forma anonima le persone raggiunte, come chiede "
    "il fondo europeo. Puoi non rispondere."
)


def purpose_text(language: str) -> str:
    """PURPOSE_TEXT as a person reading `language` sees it (at a desk, staff read it out)."""
    from flask import current_app
    from flask_babel import force_locale

    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        return str(PURPOSE_TEXT)


#: Labels of the default vulnerability categories (config VULNERABILITY_CATEGORIES);
#: a configured code without a label here is shown as the code itself.
VULNERABILITY_LABELS = {
    "trafficking_victim": _l("Vittima di tratta"),
    "unaccompanied_minor_adult": _l("Ex minore straniero non accompagnato, ora maggiorenne"),
    "disability": _l("Persona con disabilità"),
    "single_parent": _l("Famiglia monoparentale"),
}

#: Oldest age a year of birth may give.
OLDEST_AGE = 100


def birth_year_bounds(year: int) -> tuple[int, int]:
    """The years of birth we accept in `year`: from `year` - 100 to `year`."""
    return year - OLDEST_AGE, year


def vulnerability_codes(value: str | None) -> list[str]:
    """The codes stored as ",code,code," on User.vulnerabilities."""
    return [code for code in (value or "").split(",") if code]


def vulnerability_label(code: str) -> str:
    return str(VULNERABILITY_LABELS.get(code, code))


def configured_vulnerabilities() -> tuple[str, ...]:
    from flask import current_app

    return tuple(current_app.config.get("VULNERABILITY_CATEGORIES", ()))


def vulnerability_choices() -> list[tuple[str, str]]:
    """(code, label) of the programme's categories, in the configured order."""
    return [(code, vulnerability_label(code)) for code in configured_vulnerabilities()]


#: Two-letter territory codes in CLDR that are not ISO 3166-1 countries (XK, Kosovo,
#: is not in ISO 3166-1 either, but people hold its citizenship, so it stays).
NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)


def _sort_key(name: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


@cache
def country_names(language: str) -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> country name in `language` (Italian for a language
    Babel does not know), sorted by name."""
    try:
        territories = Locale.parse(language).territories
    except (ValueError, UnknownLocaleError):
        territories = Locale.parse("it").territories
    names = {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code.isupper() and code not in NOT_COUNTRIES
    }
    return dict(sorted(names.items(), key=lambda item: _sort_key(item[1])))


def country_codes() -> frozenset[str]:
    return frozenset(country_names("it"))


def country_choices(language: str) -> list[tuple[str, str]]:
    return list(country_names(language).items())


def country_name(code: str | None, language: str) -> str | None:
    if not code:
        return None
    return country_names(language).get(code, code)
