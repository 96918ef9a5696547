"""Local time (Europe/Rome by default) and UTC: stored in UTC, entered and shown locally."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local_to_utc(day: date, at: time, zone: ZoneInfo | None = None) -> datetime:
    """The UTC moment of wall-clock `at` on `day` in the local zone.

    A time that does not exist (skipped by the spring change) moves forward an hour;
    an ambiguous one (autumn) is taken as its first occurrence.
    """
    zone = zone or local_zone()
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone)
    # Round-trip to detect the non-existent hour of the spring change.
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        aware = (naive + timedelta(hours=1)).replace(tzinfo=zone)
    return aware.astimezone(UTC)


def to_local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    return moment.astimezone(zone or local_zone())


def local_day_bounds(day: date, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """UTC start and end of a local calendar day."""
    return local_to_utc(day, time(0), zone), local_to_utc(day + timedelta(days=1), time(0), zone)
