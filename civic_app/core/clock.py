"""The clock seam: code asks `now()` instead of reading the system time.

The app holds one Clock in `app.extensions["civic_clock"]`; tests swap in a
FrozenClock. Sweeps and operations take `now` as a parameter; views and jobs
get it from here.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self.at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, **kwargs) -> datetime:
        self.at += timedelta(**kwargs)
        return self.at


def now() -> datetime:
    """The current time in UTC, from the app's clock."""
    return current_app.extensions["civic_clock"].now()
