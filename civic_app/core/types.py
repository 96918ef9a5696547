"""Column types shared by every feature."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment in time: stored as naive UTC, always returned timezone-aware (UTC).

    SQLite keeps no zone and PostgreSQL's `timestamptz` converts to the session's
    zone; storing naive UTC in a plain `timestamp` behaves the same on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def utc(dt: datetime) -> datetime:
    """The same moment as an aware UTC datetime."""
    if dt.tzinfo is None:
        raise ValueError("expected a timezone-aware datetime")
    return dt.astimezone(UTC)


def str_enum(enum_class) -> Enum:
    """A Python enum stored as its string values in a VARCHAR (no database enum type)."""
    return Enum(
        enum_class, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
    )


def as_utc(value: datetime | None) -> datetime | None:
    """A moment from a raw aggregate (min/max over a UTCDateTime column), made aware UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
