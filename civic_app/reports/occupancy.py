"""How full the programme's dwellings were: occupied place-days over available place-days.

A dwelling offers its places every day from `available_from` (or the period's first day)
until `closed_on` (excluded; or the period's last day); one still being refurbished, with
no `available_from`, offers none. A placement occupies its places every day from its
start until its end (excluded), within the days its dwelling was open. Days after today
are not counted: the rate of a period that has not ended is the rate so far.

Two queries (the dwellings open in the period and the placements overlapping it), then
Python over those rows, month by month.
"""

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select

from civic_app.extensions import db
from civic_app.housing.models import Dwelling, HousingMeasure, Placement
from civic_app.reports.period import Period


def _overlap(start: date, after: date, first: date, stop: date) -> int:
    """Days in both [start, after) and [first, stop)."""
    return max(0, (min(after, stop) - max(start, first)).days)


def place_days(
    period: Period, today: date, municipality_id: int | None = None
) -> tuple[list[tuple], list[tuple]]:
    """([(municipality, month, available, occupied, people placed)], [(municipality,
    people placed in the period)]): place-days per municipality and month, and the
    different people who lived in a dwelling during them."""
    spans = period.month_spans(today)
    if not spans:
        return [], []
    first_day, after_last = spans[0][1], spans[-1][2]

    def where_m(column):
        return [] if municipality_id is None else [column == municipality_id]

    run = db.session.execute
    windows: dict[int, tuple[int, int, date, date]] = {}
    for dwelling_id, m, places, available_from, closed_on in run(
        select(
            Dwelling.id,
            Dwelling.municipality_id,
            Dwelling.places,
            Dwelling.available_from,
            Dwelling.closed_on,
        ).where(
            Dwelling.available_from.is_not(None),
            Dwelling.available_from < after_last,
            or_(Dwelling.closed_on.is_(None), Dwelling.closed_on > first_day),
            *where_m(Dwelling.municipality_id),
        )
    ):
        windows[dwelling_id] = (m, places, available_from, closed_on or after_last)

    available: dict[tuple, int] = defaultdict(int)
    occupied: dict[tuple, int] = defaultdict(int)
    people: dict[tuple, set] = defaultdict(set)
    in_period: dict[int, set] = defaultdict(set)
    for m, places, opens, closes in windows.values():
        for month, start, after in spans:
            available[(m, month)] += places * _overlap(start, after, opens, closes)
    for dwelling_id, places, starts_on, ends_on, person_id in run(
        select(
            Placement.dwelling_id,
            Placement.places,
            Placement.starts_on,
            Placement.ends_on,
            HousingMeasure.person_id,
        )
        .join(HousingMeasure, HousingMeasure.id == Placement.measure_id)
        .where(
            Placement.starts_on < after_last,
            or_(Placement.ends_on.is_(None), Placement.ends_on > first_day),
            *where_m(Placement.municipality_id),
        )
    ):
        window = windows.get(dwelling_id)
        if window is None:  # a dwelling not open in the period offers no places
            continue
        m, _places, opens, closes = window
        lived_from, lived_until = max(starts_on, opens), min(ends_on or after_last, closes)
        for month, start, after in spans:
            days = _overlap(start, after, lived_from, lived_until)
            if days:
                occupied[(m, month)] += places * days
                people[(m, month)].add(person_id)
                in_period[m].add(person_id)
    keys = sorted(set(available) | set(occupied))
    rows = [
        (m, month, available[(m, month)], occupied[(m, month)], len(people[(m, month)]))
        for m, month in keys
        if available[(m, month)] or occupied[(m, month)]
    ]
    return rows, sorted((m, len(who)) for m, who in in_period.items())
