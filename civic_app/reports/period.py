"""The local date range a report covers, and months as SQL can group them."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, literal

from civic_app.core.timeutil import local_to_utc, to_local

#: Longest range a dashboard or export covers in one go.
MAX_MONTHS = 36


def first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both local calendar days and both included."""

    start: date
    end: date

    @classmethod
    def last_twelve_months(cls, moment: datetime) -> "Period":
        today = to_local(moment).date()
        month = today.month - 11
        year = today.year + (month - 1) // 12
        return cls(date(year, (month - 1) % 12 + 1, 1), today)

    @property
    def utc_start(self) -> datetime:
        return local_to_utc(self.start, time(0))

    @property
    def utc_end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return local_to_utc(self.end + timedelta(days=1), time(0))

    def months(self) -> list[str]:
        """Every month the period touches, as "YYYY-MM"."""
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(f"{day.year:04d}-{day.month:02d}")
            day = first_of_next_month(day)
        return out

    def contains(self, moment_column):
        """SQL condition: a UTC datetime column falls inside the period."""
        return (moment_column >= self.utc_start) & (moment_column < self.utc_end)

    def month_of(self, moment_column):
        """SQL expression giving the local month ("YYYY-MM") of a UTC datetime column.

        A CASE over the month boundaries in UTC: exact across daylight saving time,
        and the same on SQLite and PostgreSQL. Use it on rows inside the period.
        """
        months = self.months()
        whens = []
        for label in months[:-1]:
            year, number = (int(part) for part in label.split("-"))
            boundary = local_to_utc(first_of_next_month(date(year, number, 1)), time(0))
            whens.append((moment_column < boundary, literal(label)))
        if not whens:
            return literal(months[0])
        return case(*whens, else_=literal(months[-1]))

    def contains_day(self, date_column):
        """SQL condition: a local date column falls inside the period."""
        return (date_column >= self.start) & (date_column <= self.end)

    def month_of_day(self, date_column):
        """SQL expression giving the month ("YYYY-MM") of a local date column inside the
        period, as `month_of` does for moments."""
        months = self.months()
        whens = []
        for label in months[:-1]:
            year, number = (int(part) for part in label.split("-"))
            whens.append((date_column < first_of_next_month(date(year, number, 1)), literal(label)))
        if not whens:
            return literal(months[0])
        return case(*whens, else_=literal(months[-1]))

    def month_spans(self, last: date | None = None) -> list[tuple[str, date, date]]:
        """(month, first day, first day after) of each month of the period, cut to the
        period and to `last` (included), e.g. today: a month after `last` is left out."""
        end = self.end if last is None else min(self.end, last)
        out = []
        for label in self.months():
            year, number = (int(part) for part in label.split("-"))
            first = max(date(year, number, 1), self.start)
            after = min(first_of_next_month(date(year, number, 1)), end + timedelta(days=1))
            if first < after:
                out.append((label, first, after))
        return out
