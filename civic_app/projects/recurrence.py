"""Recurrence rules (RFC 5545 RRULE) made into the starts of sessions and events.

Bounded work whatever a staff account writes: a rule repeats at most daily, ends within
MAX_RULE_YEARS of its first start, makes at most MAX_SESSIONS_PER_RULE starts, and is
scanned over a bounded span (`_bounded_starts`). Projects' schedules and events' series
both come through `expand_rrule`.
"""

import calendar
from datetime import MAXYEAR, date, datetime

from dateutil.rrule import HOURLY, MINUTELY, SECONDLY, rrule, rrulestr
from flask_babel import lazy_gettext as _l

from civic_app.core.errors import DomainError

#: A rule that makes more sessions than this is a mistake (or a decade of shifts).
MAX_SESSIONS_PER_RULE = 400
#: How far after its first start a rule may go on (UNTIL, or the last start of COUNT).
MAX_RULE_YEARS = 3


def _years_after(moment: datetime, years: int) -> datetime:
    year = min(moment.year + years, MAXYEAR)
    try:
        return moment.replace(year=year)
    except ValueError:  # 29 February
        return moment.replace(year=year, day=28)


def _calendar_of(year: int) -> tuple[bool, int]:
    return calendar.isleap(year), date(year, 1, 1).weekday()


def _same_calendar_shift(first_year: int, last_year: int) -> int:
    """The most years that `first_year` .. `last_year` (and the year either side, for week
    numbers) can move forward onto years with the same calendars, before dateutil's last
    year; 0 if none. Every 400 years the calendar repeats, usually every 28."""
    years = range(first_year - 1, last_year + 2)
    for shift in range(MAXYEAR - 1 - years[-1], 0, -1):
        if all(_calendar_of(y) == _calendar_of(y + shift) for y in years):
            return shift
    return 0


def _bounded_starts(recurrence: rrule, first_start: datetime, horizon: datetime, field: str):
    """The starts of `recurrence` up to `horizon`, scanning a bounded number of days.

    dateutil looks for the next start one period (a day, a week ...) after the other until
    it finds one, checking UNTIL only on a start it found: a rule that never matches
    (BYMONTH=2;BYMONTHDAY=30) scans every day to the year 9999, seconds of CPU. The same
    rule is run on the same days moved to the last years dateutil knows (same weekdays,
    same leap years), where the scan ends a few years after the horizon whatever the rule.
    """
    shift = _same_calendar_shift(first_start.year, horizon.year)
    until = recurrence._until
    moved = recurrence.replace(
        dtstart=first_start.replace(year=first_start.year + shift),
        until=until.replace(year=until.year + shift) if until is not None else None,
    )
    last = horizon.replace(year=horizon.year + shift)
    starts = []
    for start in moved:
        if start > last:
            raise DomainError(field, _rule_too_long())
        starts.append(start.replace(year=start.year - shift))
        if len(starts) > MAX_SESSIONS_PER_RULE:
            raise DomainError(
                field,
                _l(
                    "Questa regola crea più di %(max)s turni. Accorcia il periodo.",
                    max=MAX_SESSIONS_PER_RULE,
                ),
            )
    return starts


def _rule_too_long():
    return _l(
        "La regola deve finire entro %(years)s anni dal primo turno: accorcia UNTIL o COUNT.",
        years=MAX_RULE_YEARS,
    )


def expand_rrule(rule: str, first_start: datetime, field: str = "rrule") -> list[datetime]:
    """Local wall-clock starts of `rule` from `first_start` (naive local).

    The work is bounded whatever the rule: at most daily, ending within MAX_RULE_YEARS of
    `first_start`, at most MAX_SESSIONS_PER_RULE starts, and a bounded scan (above).

    :raise DomainError: on a rule that does not parse, never ends, repeats more than daily,
        goes on too long or makes too many sessions.
    """
    rule = rule.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    if "UNTIL=" not in rule.upper() and "COUNT=" not in rule.upper():
        raise DomainError(field, _l("La regola deve finire: indica UNTIL o COUNT."))
    invalid = DomainError(field, _l("La regola di ripetizione non è valida."))
    # One RRULE only (no DTSTART, EXDATE or second rule on other lines); no BYEASTER
    # (dateutil's own, and the one part whose days the calendar shift would not keep).
    if "\n" in rule or "\r" in rule or "BYEASTER" in rule.upper():
        raise invalid
    try:
        recurrence = rrulestr(rule, dtstart=first_start)
    except (ValueError, TypeError, OverflowError):
        raise invalid from None
    if not isinstance(recurrence, rrule):
        raise invalid
    if recurrence._freq in (HOURLY, MINUTELY, SECONDLY):
        raise DomainError(
            field,
            _l(
                "Una regola si ripete al massimo una volta al giorno: "
                "usa FREQ=DAILY, WEEKLY, MONTHLY o YEARLY."
            ),
        )
    horizon = _years_after(first_start, MAX_RULE_YEARS)
    until = recurrence._until
    if until is not None and until > horizon:
        raise DomainError(field, _rule_too_long())
    if until is not None and until < first_start:
        raise DomainError(field, _l("La regola non crea nessun turno in questo periodo."))
    try:
        starts = _bounded_starts(recurrence, first_start, horizon, field)
    except (ValueError, TypeError, OverflowError):
        raise invalid from None
    if not starts:
        raise DomainError(field, _l("La regola non crea nessun turno in questo periodo."))
    return starts
