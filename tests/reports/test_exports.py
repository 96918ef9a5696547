"""Exports for the fund (aggregates) and the participant list (staff of the municipality)."""

import csv
import io

from openpyxl import load_workbook

from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.reports.columns import (
    BREAKDOWNS,
    HOUSING,
    INTAKE,
    MONTH,
    PARTICIPANTS,
    SECTOR_MONTH,
)
from tests.reports.conftest import Q1


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_fund_csv_per_sector_and_month(client, login_as, known):
    login_as(known.staff)
    rows = read_csv(
        client.get("/staff/reports/fund.csv", query_string=Q1 | {"table": "sector_month"})
    )
    assert [(r["month"], r["sector"], r["participants_active"], r["hours"]) for r in rows] == [
        ("2026-01", "green", "2", "5.50"),
        ("2026-02", "green", "2", "3.75"),
        ("2026-03", "care", "2", "4.50"),
    ]
    first = rows[0]
    keys = ("municipality", "sessions_held", "marks_present", "marks_absent")
    assert [first[key] for key in keys] == ["Roma", "1", "2", "1"]
    assert list(rows[0]) == [c.key for c in SECTOR_MONTH]


def test_the_fund_csv_per_month(client, login_as, known):
    login_as(known.staff)
    rows = read_csv(client.get("/staff/reports/fund.csv", query_string=Q1 | {"table": "month"}))
    by_month = {r["month"]: r for r in rows}
    assert {m: by_month[m]["participants_signed_up"] for m in by_month} == {
        "2026-01": "1",
        "2026-02": "1",
        "2026-03": "1",
    }
    assert by_month["2026-02"]["events_held"] == "1"
    assert by_month["2026-02"]["event_participants"] == "2"
    assert by_month["2026-02"]["event_public"] == "7"
    assert by_month["2026-02"]["sms_sent"] == "5"
    assert by_month["2026-02"]["sms_failed"] == "2"
    assert by_month["2026-02"]["sms_segments"] == "6"
    assert by_month["2026-01"]["plans_signed"] == "1"
    assert by_month["2026-03"]["plans_signed"] == "1"
    assert list(rows[0]) == [c.key for c in MONTH]


def test_the_national_xlsx_has_every_municipality_with_small_counts_hidden(
    client, login_as, create_user, known
):
    login_as(create_user(Role.COORDINATOR))
    response = client.get("/network/fund.xlsx", query_string=Q1)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == [
        "readme", "sector_month", "month", "intake", "housing", "breakdowns", "columns"
    ]  # fmt: skip
    sheet = list(book["sector_month"].values)
    header, rows = sheet[0], [dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]]
    assert header == tuple(c.key for c in SECTOR_MONTH)
    milano = [r for r in rows if r["municipality"] == "Milano"]
    assert milano == [
        {"municipality": "Milano", "istat_code": None, "month": "2026-02", "sector": "safety",
         "participants_active": "<5", "sessions_held": 1, "marks_present": "<5",
         "marks_late": 0, "marks_left_early": 0, "marks_absent": 0, "marks_excused": 0,
         "hours": "x"},  # the hours of one person
    ]  # fmt: skip
    month = [
        dict(zip(book["month"].values.__next__(), r, strict=True))
        for r in list(book["month"].values)[1:]
    ]
    roma_feb = next(r for r in month if r["municipality"] == "Roma" and r["month"] == "2026-02")
    assert roma_feb["event_public"] == 7  # not a small count: shown
    assert roma_feb["event_participants"] == "<5"
    definitions = {row[1] for row in list(book["columns"].values)[1:]}
    assert {c.key for c in SECTOR_MONTH + MONTH} <= definitions
    assert "counts of people from 1 to 4 are shown as <5" in [r[0] for r in book["readme"].values]


def test_every_column_is_documented(app):
    from pathlib import Path

    doc = (Path(app.root_path).parent / "docs" / "reports.md").read_text()
    for column in SECTOR_MONTH + MONTH + INTAKE + HOUSING + BREAKDOWNS + PARTICIPANTS:
        assert f"`{column.key}`" in doc, column.key


def test_the_participant_list_is_for_the_municipality_staff_and_audited(
    client, login_as, known, db
):
    login_as(known.staff)
    rows = read_csv(client.get("/staff/reports/participants.csv", query_string=Q1))
    assert [r["first_name"] for r in rows] == ["PersonaA", "PersonaB", "PersonaC", "PersonaD"]
    a = rows[0]
    assert (a["hours"], a["sessions_attended"], a["absences"], a["plan_status"]) == (
        "7.75",
        "3",
        "0",
        "active",
    )
    assert a["last_attended_on"] == "2026-03-02"
    assert "phone" not in a
    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "report.participants_exported")
    ).all()
    assert len(events) == 1
    assert events[0].actor_id == known.staff.id
    assert events[0].details["rows"] == 4
    # Milano's staff get Milano's people only.
    login_as(known.other_staff)
    rows = read_csv(client.get("/staff/reports/participants.csv", query_string=Q1))
    assert [r["first_name"] for r in rows] == ["PersonaE"]


def test_values_a_spreadsheet_would_run_are_neutralised(client, login_as, known, db):
    person = known.people["A"]
    person.first_name = '=HYPERLINK("http://evil.example","x")'
    person.last_name = "+1+1"
    db.session.commit()
    login_as(known.staff)
    rows = read_csv(client.get("/staff/reports/participants.csv", query_string=Q1))
    assert rows[0]["first_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[0]["last_name"] == "'+1+1"
    response = client.get("/staff/reports/participants.xlsx", query_string=Q1)
    sheet = load_workbook(io.BytesIO(response.data))["participants"]
    first_name = sheet.cell(row=2, column=2)
    assert first_name.data_type == "s"
    assert first_name.value.startswith("'=")


def test_unknown_formats_and_tables_are_404(client, login_as, known):
    login_as(known.staff)
    assert client.get("/staff/reports/fund.pdf").status_code == 404
    assert client.get("/staff/reports/fund.csv?table=secret").status_code == 404
    assert client.get("/staff/reports/participants.exe").status_code == 404


def cells_read_with_either_separator(text: str) -> list[str]:
    """Every cell of a CSV as a spreadsheet splitting on `,` or on `;` would see it."""
    text = text.removeprefix("\ufeff")
    return [
        cell
        for delimiter in (",", ";")
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        for cell in row
    ]


def test_no_csv_cell_starts_a_formula_whether_split_on_commas_or_semicolons(
    client, login_as, create_user, known, db
):
    """Excel in Italian splits on `;`: a name like `x;=2*3;` must not become `=2*3` there."""
    person = known.people["A"]
    person.first_name, person.last_name = "x;=2*3;", "y, -1;+cmd|' /C calc'!A0"
    db.session.commit()
    login_as(known.staff)
    downloads = [
        ("/staff/reports/participants.csv", {}),
        ("/staff/reports/fund.csv", {"table": "sector_month"}),
        ("/staff/reports/fund.csv", {"table": "month"}),
    ]
    bodies = []
    for url, args in downloads:
        for sep in ("comma", "semicolon"):
            response = client.get(url, query_string=Q1 | args | {"sep": sep})
            assert response.status_code == 200
            bodies.append(response.get_data(as_text=True))
    login_as(create_user(Role.COORDINATOR))
    for table in ("sector_month", "month"):
        for sep in ("comma", "semicolon"):
            response = client.get(
                "/network/fund.csv", query_string=Q1 | {"table": table, "sep": sep}
            )
            bodies.append(response.get_data(as_text=True))
    for body in bodies:
        cells = cells_read_with_either_separator(body)
        assert cells
        assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]


def test_the_italian_csv_is_separated_by_semicolons_with_a_bom_and_decimal_commas(
    client, login_as, known
):
    login_as(known.staff)
    response = client.get("/staff/reports/participants.csv", query_string=Q1 | {"sep": "semicolon"})
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0]["first_name"] == "PersonaA"
    assert rows[0]["hours"] == "7,75"
    assert rows[0]["sessions_attended"] == "3"
    # The default file stays as it was: commas, a decimal point, no BOM.
    plain = client.get("/staff/reports/participants.csv", query_string=Q1)
    assert not plain.get_data(as_text=True).startswith("\ufeff")
    assert read_csv(plain)[0]["hours"] == "7.75"
