"""The fund's breakdowns by sex, age band and third-country nationality, on the known data."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from civic_app.core.permissions import Role
from civic_app.reports.breakdowns import collect_breakdowns, network_table, reporting_periods
from civic_app.reports.period import Period
from tests.reports.conftest import Q1
from tests.reports.test_dashboards import cells

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture
def facts(known, db):
    """A: woman, 1990, Senegal; B: man, 2008, France; C: nothing stated;
    D: prefers not to say, 2000, Morocco; E: woman, 1960, Ukraine."""
    values = {
        "A": ("female", 1990, "SN"),
        "B": ("male", 2008, "FR"),
        "C": (None, 1970, None),
        "D": ("undisclosed", 2000, "MA"),
        "E": ("female", 1960, "UA"),
    }
    for key, (sex, year, country) in values.items():
        person = known.people[key]
        person.sex, person.birth_year, person.citizenship = sex, year, country
    known.people["C"].birth_year = None
    db.session.commit()
    return known


def totals(breakdowns, measure, dimension):
    out = {}
    for cell in breakdowns[measure].values():
        for category, value in cell[dimension].items():
            out[category] = out.get(category, 0) + value
    return {k: v for k, v in out.items() if v}


def test_people_reached_by_sex_age_and_citizenship(app, facts):
    with app.test_request_context():
        b = collect_breakdowns(PERIOD)
    # Cells per municipality and sector: Roma green A C D, care A C, community (event) A B;
    # Milano safety E. A person counts once in each sector they were in.
    roma, milano = facts.staff.municipality_id, facts.other_staff.municipality_id
    assert sorted(b["reached"]) == sorted(
        [(roma, "green"), (roma, "care"), (roma, "community"), (milano, "safety")]
    )
    assert totals(b, "reached", "sex") == {
        "female": 4,
        "male": 1,
        "undisclosed": 1,
        "not_stated": 2,
    }
    assert totals(b, "reached", "age_band") == {
        "35_54": 3,
        "18_24": 1,
        "not_stated": 2,
        "25_34": 1,
        "55_plus": 1,
    }
    assert totals(b, "reached", "third_country") == {"yes": 5, "no": 1, "not_stated": 2}


def test_plans_hours_and_events_broken_down(app, facts):
    with app.test_request_context():
        b = collect_breakdowns(PERIOD)
    assert totals(b, "active_plan", "sex") == {"female": 2, "undisclosed": 1}  # A, E; D
    roma, milano = facts.staff.municipality_id, facts.other_staff.municipality_id
    assert sorted(b["active_plan"]) == sorted([(roma, "none"), (milano, "none")])  # no projects
    assert totals(b, "plans_started", "third_country") == {"yes": 3}
    assert totals(b, "plans_completed", "sex") == {}
    assert totals(b, "hours", "sex") == {
        "female": Decimal("9.75"),
        "undisclosed": Decimal("2.00"),
        "not_stated": Decimal("4.00"),
    }
    assert totals(b, "event_participants", "sex") == {"female": 1, "male": 1}


def test_one_municipality_only(app, facts, other_municipality):
    with app.test_request_context():
        b = collect_breakdowns(PERIOD, other_municipality.id)
    assert totals(b, "reached", "sex") == {"female": 1}
    assert network_table(b, "third_country")[0][2][0] == 1  # E is a third-country national


def test_the_national_dashboard_shows_breakdowns_with_small_counts_hidden(
    client, login_as, create_user, facts
):
    login_as(create_user(Role.COORDINATOR))
    body = client.get("/network", query_string=Q1).get_data(as_text=True)
    sex = cells(body, "breakdown-sex-table")
    # reached, active plan, started, completed, hours, at events; taken in charge, housed
    # The hours of the two women (9.75) and of C alone (4) are hours of small groups: "x".
    assert sex["Donna"] == ["&lt;5", "&lt;5", "&lt;5", "0", "x", "&lt;5", "0", "0"]
    assert sex["Non indicato"] == ["&lt;5", "0", "0", "0", "x", "0", "0", "0"]
    assert "55 anni e più" in cells(body, "breakdown-age_band-table")
    assert "PersonaA" not in body


def test_reporting_periods_are_configurable(app, client, login_as, create_user, facts, monkeypatch):
    monkeypatch.setitem(app.config, "REPORTING_PERIODS", "Primo trimestre=2026-01-01..2026-03-31")
    with app.test_request_context():
        assert reporting_periods(None) == [("Primo trimestre", PERIOD)]
    login_as(create_user(Role.COORDINATOR))
    body = client.get("/network?reporting_period=Primo+trimestre").get_data(as_text=True)
    assert "Dal 1 gennaio 2026 al 31 marzo 2026" in body


def test_the_fund_xlsx_has_the_breakdowns(client, login_as, facts):
    login_as(facts.staff)
    book = load_workbook(io.BytesIO(client.get("/staff/reports/fund.xlsx", query_string=Q1).data))
    rows = list(book["breakdowns"].values)
    header = rows[0]
    data = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    green_tcn = {
        r["category"]: r["value"]
        for r in data
        if (r["measure"], r["sector"], r["dimension"]) == ("reached", "green", "third_country")
    }
    assert green_tcn == {"yes": 2, "no": 0, "not_stated": 1}  # A, D; C
    assert {r["municipality"] for r in data} == {"Roma"}
