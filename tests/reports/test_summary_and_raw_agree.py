"""The dashboards' and the fund's figures are the same whether attendance is read from the
monthly summary (whole months) and raw rows (partial months), or from raw rows only
(`ATTENDANCE_SUMMARY` off): for twelve months, a period with partial first and last
months, and a period inside one month, on seeded data with marks either side of the
periods' and months' local midnights."""

from datetime import UTC, date, datetime

import pytest

from civic_app.attendance import summary
from civic_app.attendance.models import Attendance, AttendanceMonth
from civic_app.core.network import ensure_network
from civic_app.reports.breakdowns import collect_breakdowns
from civic_app.reports.fund_tables import fund_tables
from civic_app.reports.indicators import collect
from civic_app.reports.network import network_snapshot
from civic_app.reports.period import Period
from civic_app.seeding.demo_history import seed_demo_history
from civic_app.seeding.demo_people import seed_demo


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


MOMENT = utc(2026, 10, 1, 9)
PERIODS = {
    "twelve months": Period(date(2025, 11, 1), date(2026, 10, 1)),  # last_twelve_months
    "partial first and last months": Period(date(2026, 3, 17), date(2026, 9, 4)),
    "inside one month": Period(date(2026, 8, 3), date(2026, 8, 20)),
}
#: Marks moved to either side of local midnights that bound the periods and months.
EDGES = [
    utc(2026, 9, 4, 21, 59),  # 23:59 on 4 September in Rome: inside
    utc(2026, 9, 4, 22, 0),  # 00:00 on 5 September: after the period
    utc(2026, 8, 31, 21, 59),  # August
    utc(2026, 8, 31, 22, 0),  # September
    utc(2026, 8, 2, 21, 59),  # before 3 August
    utc(2026, 8, 2, 22, 0),  # 3 August
    utc(2026, 8, 20, 21, 59),  # 20 August
    utc(2026, 8, 20, 22, 0),  # 21 August
    utc(2026, 3, 16, 22, 59),  # 23:59 on 16 March (winter time): before the period
    utc(2026, 3, 16, 23, 0),  # 00:00 on 17 March
]


@pytest.fixture
def seeded(db):
    seed_demo("demo-password-1")
    municipalities = ensure_network()
    seed_demo_history(municipalities, MOMENT)
    ids = db.session.scalars(db.select(Attendance.id).order_by(Attendance.id).limit(len(EDGES)))
    for attendance_id, moment in zip(list(ids), EDGES, strict=True):
        db.session.execute(
            db.update(Attendance)
            .where(Attendance.id == attendance_id)
            .values(session_starts_at=moment)
        )
    summary.rebuild()
    db.session.commit()
    return municipalities


def figures(period, municipality_id):
    network = collect(period, MOMENT, network=True)
    municipal = collect(period, MOMENT, municipality_id=municipality_id, by_project=True)
    return {
        "network": {name: sorted(rows, key=repr) for name, rows in network.rows.items()},
        "municipal": {name: sorted(rows, key=repr) for name, rows in municipal.rows.items()},
        "breakdowns": collect_breakdowns(period, None, MOMENT),
        "fund": fund_tables(period, MOMENT),
        "fund_one": fund_tables(period, MOMENT, municipality_id),
        "shown": network_snapshot(period, refresh=True)[0].shown,
    }


@pytest.mark.parametrize("name", sorted(PERIODS))
def test_the_summary_and_the_raw_rows_give_the_same_figures(name, seeded, app, db, monkeypatch):
    period = PERIODS[name]
    if name == "twelve months":
        assert period == Period.last_twelve_months(MOMENT)
    roma = seeded["roma"].id
    with_summary = figures(period, roma)
    monkeypatch.setitem(app.config, "ATTENDANCE_SUMMARY", False)
    raw_only = figures(period, roma)
    assert with_summary == raw_only
    hours = sum(row[5] for row in with_summary["network"]["marks"])
    assert hours > 0
    assert with_summary["fund"]["sector_month"]

    # And the summary is what is read: without it, the figures of whole months change.
    monkeypatch.setitem(app.config, "ATTENDANCE_SUMMARY", True)
    db.session.execute(db.delete(AttendanceMonth))
    emptied = collect(period, MOMENT, network=True).rows["marks"]
    if name == "inside one month":
        assert sorted(emptied, key=repr) == with_summary["network"]["marks"]
    else:
        assert sum(row[5] for row in emptied) < hours
