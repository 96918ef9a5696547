"""Quiet hours: non-urgent SMS wait for the morning (per municipality, local time)."""

from datetime import datetime, time, timedelta

from civic_app.core.timeutil import local_to_utc, to_local

DEFAULT_QUIET = ("21:00", "08:00")


def _parse(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def not_before(moment: datetime, municipality=None) -> datetime:
    """`moment`, or the end of the quiet hours it falls in (UTC)."""
    start_text, end_text = (
        (municipality.quiet_start, municipality.quiet_end) if municipality else DEFAULT_QUIET
    )
    start, end = _parse(start_text), _parse(end_text)
    local = to_local(moment)
    now_t = local.time()
    if start == end:
        return moment
    if start > end:  # e.g. 21:00-08:00, across midnight
        if now_t >= start:
            return local_to_utc(local.date() + timedelta(days=1), end)
        if now_t < end:
            return local_to_utc(local.date(), end)
        return moment
    if start <= now_t < end:
        return local_to_utc(local.date(), end)
    return moment
