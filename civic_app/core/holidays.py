"""Italian public holidays of a municipality: national, regional and its patron saint.

Computed locally by the `holidays` library (no network). Its Italian subdivisions are the
provinces, and each province's holiday is the patron saint of its capital city, which is
what a municipality of the network (all of them provincial capitals) keeps as a holiday.
"""

from datetime import date
from functools import lru_cache

import holidays

#: The network's municipalities (slugs of core.network.NETWORK) and their province codes.
#: A municipality not listed gets the national holidays only.
PROVINCE_BY_SLUG = {
    "agrigento": "AG",
    "bologna": "BO",
    "bolzano": "BZ",
    "caserta": "CE",
    "catania": "CT",
    "firenze": "FI",
    "genova": "GE",
    "latina": "LT",
    "milano": "MI",
    "napoli": "NA",
    "palermo": "PA",
    "perugia": "PG",
    "potenza": "PZ",
    "roma": "RM",
    "sassari": "SS",
    "taranto": "TA",
    "torino": "TO",
    "trieste": "TS",
}

#: The languages the library names holidays in, by the site's language; Italian otherwise.
LIBRARY_LANGUAGES = {"it": "it_IT", "en": "en_US"}


@lru_cache(maxsize=256)
def _year(province: str | None, language: str, year: int) -> dict[date, str]:
    calendar = holidays.Italy(subdiv=province, years=year, language=language)
    return dict(calendar.items())


def province_of(municipality) -> str | None:
    """The province code of a municipality (an object with `slug`), or None."""
    return PROVINCE_BY_SLUG.get(getattr(municipality, "slug", None) or "")


def holiday_names(municipality, first: date, last: date, language: str = "it") -> dict[date, str]:
    """The holidays from `first` to `last` (both included) and their names in `language`.

    Two holidays on one day (4 October in Bologna) share a name: "A; B".
    """
    province = province_of(municipality)
    library_language = LIBRARY_LANGUAGES.get(language, "it_IT")
    found = {}
    for year in range(first.year, last.year + 1):
        for day, name in _year(province, library_language, year).items():
            if first <= day <= last:
                found[day] = name
    return dict(sorted(found.items()))


def holidays_among(municipality, days, language: str = "it") -> dict[date, str]:
    """Which of `days` are holidays, with their names."""
    days = sorted(set(days))
    if not days:
        return {}
    names = holiday_names(municipality, days[0], days[-1], language)
    return {day: names[day] for day in days if day in names}
