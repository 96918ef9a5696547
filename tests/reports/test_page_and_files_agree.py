"""The national dashboard, its CSV and its XLSX give the same figures for the same filters.

Small counts are not hidden here (SUPPRESS_BELOW=1), so every figure can be compared; the
figures are cached as in production, and the data changes between the page and the files:
everything must still come from the one snapshot the page showed.
"""

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from civic_app.attendance import summary
from civic_app.attendance.models import Attendance, Mark
from civic_app.core.permissions import Role
from civic_app.events.models import Audience, CommunityEvent, EventAttendance, EventType
from civic_app.reports import cache
from tests.reports.conftest import Q1, utc
from tests.reports.test_breakdowns import facts  # noqa: F401 - the fixture
from tests.reports.test_dashboards import cells

COLUMNS = [
    "signed_up", "active", "plans_signed", "people_reached", "hours", "attendance_rate",
    "events_held", "event_participants", "sms_sent", "sms_failed",
]  # fmt: skip


def number(text) -> Decimal:
    if isinstance(text, int | float | Decimal):
        return Decimal(str(text))
    return Decimal(text.replace("%", "").replace(",", "."))  # "13,75" on the page: small


@pytest.fixture
def cached_and_shown(app, monkeypatch):
    monkeypatch.setitem(app.config, "NATIONAL_CACHE_SECONDS", 300)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "SUPPRESS_BELOW", 1)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_kinds_of_event(db, facts, create_venue):  # noqa: F811
    """A, already at the workshop of 10 February with B, also comes to an awareness event:
    two people at Roma's events, three attendances, one person at two kinds of event."""
    roma = facts.staff.municipality_id
    event = CommunityEvent(
        municipality_id=roma, venue_id=create_venue().id, title="Incontro", capacity=30,
        event_type=EventType.AWARENESS, audience=Audience.PUBLIC,
        starts_at=utc(2026, 2, 25, 17), ends_at=utc(2026, 2, 25, 19), public_guests=3,
    )  # fmt: skip
    db.session.add(event)
    db.session.flush()
    db.session.add(
        EventAttendance(
            municipality_id=roma, event_id=event.id, participant_id=facts.people["A"].id,
            recorded_by_id=facts.staff.id, recorded_at=event.starts_at,
        )
    )  # fmt: skip
    db.session.commit()
    return facts


def read_xlsx(client, query) -> dict[str, list[dict]]:
    book = load_workbook(io.BytesIO(client.get("/network/fund.xlsx", query_string=query).data))
    sheets = {}
    for name in ("sector_month", "month", "breakdowns"):
        header, *rows = list(book[name].values)
        sheets[name] = [dict(zip(header, row, strict=True)) for row in rows]
    return sheets


def assert_the_csvs_hold_the_xlsx_figures(client, query, sheets) -> None:
    """Each CSV table, with commas and with semicolons (decimal commas), row by row."""
    for table in ("sector_month", "month"):
        for sep, delimiter in (("comma", ","), ("semicolon", ";")):
            response = client.get(
                "/network/fund.csv", query_string=query | {"table": table, "sep": sep}
            )
            text = response.get_data(as_text=True).removeprefix("\ufeff")
            rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
            assert len(rows) == len(sheets[table]), (table, sep)
            for in_csv, in_xlsx in zip(rows, sheets[table], strict=True):
                for key, value in in_xlsx.items():
                    if key == "hours":
                        assert number(in_csv[key]) == number(value), (table, sep, key)
                    else:
                        assert in_csv[key] == ("" if value is None else str(value)), (table, key)


def test_the_page_the_csv_and_the_xlsx_agree_figure_by_figure(
    db, client, login_as, create_user, two_kinds_of_event, cached_and_shown, add_session
):
    k = two_kinds_of_event
    login_as(create_user(Role.COORDINATOR))
    body = client.get("/network", query_string=Q1).get_data(as_text=True)

    # A correction after the page was computed: the files still show the page's snapshot.
    session = add_session(k.projects["P2"], utc(2026, 3, 3, 9))
    db.session.add(
        Attendance(
            municipality_id=session.municipality_id, session_id=session.id,
            session_starts_at=session.starts_at, project_id=session.project_id,
            participant_id=k.people["B"].id, mark=Mark.PRESENT, hours=Decimal("3"),
            recorded_by_id=k.staff.id, recorded_at=session.starts_at,
        )
    )  # fmt: skip
    summary.rebuild()  # marks added directly, not by record_marks
    db.session.commit()
    files = read_xlsx(client, Q1)

    table = {
        name: dict(zip(COLUMNS, values, strict=True))
        for name, values in cells(body, "by-municipality-table").items()
    }
    names = ["Roma", "Milano"]

    def total(sheet, column, *, where=lambda row: True):
        out = defaultdict(Decimal)
        for row in files[sheet]:
            if where(row):
                out[row["municipality"]] += number(row[column])
        out["Rete"] = sum((out[n] for n in names), Decimal(0))
        return out

    sums = {
        "signed_up": total("month", "participants_signed_up"),
        "hours": total("sector_month", "hours"),
        "events_held": total("month", "events_held"),
        "sms_sent": total("month", "sms_sent"),
        "sms_failed": total("month", "sms_failed"),
        # People, once each for the period: the breakdown by sex adds up to the page's.
        "event_participants": total(
            "breakdowns",
            "value",
            where=lambda r: (r["measure"], r["dimension"]) == ("event_participants", "sex"),
        ),
    }
    hours_by_sex = total(
        "breakdowns", "value", where=lambda r: (r["measure"], r["dimension"]) == ("hours", "sex")
    )
    for name in [*names, "Rete"]:
        for column, in_files in sums.items():
            assert number(table[name][column]) == in_files[name], (name, column)
        assert number(table[name]["hours"]) == hours_by_sex[name], name
    # One definition of event participants: A and B, although A went to two kinds of event.
    assert table["Roma"]["event_participants"] == "2"
    events = cells(body, "events-table")  # held, cancelled, attendances, public
    assert sum(number(v[2]) for v in events.values()) == 3
    assert sum(number(v[3]) for v in events.values()) == sum(
        number(r["event_public"]) for r in files["month"]
    )
    # Per month, the trend is the sum of the municipalities' months.
    trend = cells(body, "trend-table")
    for label, (plans, active, hours) in trend.items():
        month = "-".join(reversed(label.split("/")))
        of_month = [r for r in files["month"] if r["month"] == month]
        assert number(plans) == sum(number(r["plans_signed"]) for r in of_month), month
        assert number(active) == sum(number(r["participants_active"]) for r in of_month), month
        assert number(hours) == sum(
            number(r["hours"]) for r in files["sector_month"] if r["month"] == month
        ), month
    # Every cell of the page's breakdowns is the sum of the file's, over sectors and places.
    labels = {"Donna": "female", "Uomo": "male", "Altro": "other"}
    measures = ["reached", "active_plan", "plans_started", "plans_completed", "hours"]
    for label, values in cells(body, "breakdown-sex-table").items():
        if label not in labels:
            continue
        for measure, shown in zip(measures, values, strict=False):
            in_file = sum(
                number(r["value"])
                for r in files["breakdowns"]
                if (r["measure"], r["dimension"], r["category"]) == (measure, "sex", labels[label])
            )
            assert number(shown) == in_file, (label, measure)
    # And the correction made after the snapshot is in none of them.
    assert table["Roma"]["hours"] == "13,75"
    assert_the_csvs_hold_the_xlsx_figures(client, Q1, files)
