"""Facts the fund counts people by: sex, age band, citizenship. All optional.

None always means "not stated" and is counted as such, never guessed.
"""

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
