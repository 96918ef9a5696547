"""The housing pillar in figures: occupancy of the dwellings, money spent by kind, household
members apart, measures that never began left out, and no municipality's figures mixed into
another's (tests/reports/conftest.py, `pillars`)."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from civic_app.casework.models import ConsentMethod, Intake
from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.housing.dwellings import save_dwelling, set_state
from civic_app.housing.measures import advance, end_placement, place, propose_measure
from civic_app.housing.models import HousingMeasure, MeasureStatus
from civic_app.reports.dashboard import Dashboard
from civic_app.reports.indicators import collect
from civic_app.reports.occupancy import place_days
from civic_app.reports.period import Period
from tests.reports.conftest import Q1
from tests.reports.test_dashboards import PERIOD, cells
from tests.reports.test_three_targets import read_sheet

TODAY = date(2026, 3, 4)


def boards(app, clock, municipality, other_municipality, period=PERIOD):
    with app.test_request_context():
        figures = collect(period, clock.now(), network=True)
        return (
            Dashboard(figures),
            Dashboard(figures, municipality.id),
            Dashboard(figures, other_municipality.id),
        )


def test_occupancy_counts_place_days_from_opening_to_closing_up_to_today(
    app, pillars, clock, municipality, other_municipality
):
    with app.test_request_context():
        rows, people = place_days(PERIOD, TODAY)
    # D1: 4 places, 1 Jan to today (63 days); D3: 2 places, 1 Feb until it closed on
    # 1 Mar (28 days); D2, still being refurbished, none. P2: 3 places from 10 Jan (54
    # days); P1: 1 place in D3, 1 to 15 Feb (14 days).
    assert rows == [
        (municipality.id, "2026-01", 124, 66, 1),
        (municipality.id, "2026-02", 168, 98, 2),
        (municipality.id, "2026-03", 16, 12, 1),
    ]
    assert people == [(municipality.id, 2)]
    network, roma, _milano = boards(app, clock, municipality, other_municipality)
    assert roma.place_days() == (308, 176)
    assert roma.occupancy_rate == Decimal("57.1")
    assert network.occupancy_rate == Decimal("57.1")


def test_a_period_before_any_dwelling_opened_or_in_the_future_has_no_rate(
    app, pillars, clock, municipality, other_municipality
):
    december = Period(date(2025, 12, 1), date(2025, 12, 31))
    _network, roma, _milano = boards(app, clock, municipality, other_municipality, december)
    assert roma.place_days() == (0, 0) and roma.occupancy_rate is None
    later = Period(date(2026, 4, 1), date(2026, 6, 30))
    _network, roma, _milano = boards(app, clock, municipality, other_municipality, later)
    assert roma.place_days() == (0, 0) and roma.occupancy_rate is None


def test_money_by_kind_is_exact_in_euro(app, pillars, clock, municipality, other_municipality):
    network, roma, milano = boards(app, clock, municipality, other_municipality)
    money = {row.key: row.values for row in roma.money_by_kind()}
    # Started in the period: P2's placement (no euro), P3's rent support and deposit; the
    # works on D2 (1 Feb), not those on D1 (December). P4's approved measure, P5's one
    # "not started" and the one starting after today cost nothing yet.
    assert money == {
        "placement": (1, 1, Decimal("0.00")),
        "rent_support": (1, 1, Decimal("2100.00")),
        "deposit_support": (1, 1, Decimal("700.25")),
        "autonomy_support": (0, 0, Decimal("0.00")),
        "home_refurbishment": (0, 0, Decimal("0.00")),
        "dwelling_works": (1, None, Decimal("1500.50")),
    }
    assert (roma.euro_measures, roma.euro_works, roma.euro_total) == (
        Decimal("2800.25"),
        Decimal("1500.50"),
        Decimal("4300.75"),
    )
    assert all(isinstance(v[2], Decimal) for v in money.values())
    assert {row.key: row.values[2] for row in milano.money_by_kind()}["rent_support"] == Decimal(
        "1200.00"
    )
    assert milano.euro_total == Decimal("1200.00")
    assert network.euro_total == Decimal("5500.75")


def test_household_members_are_counted_apart_and_never_in_the_target(
    app, pillars, clock, municipality, other_municipality
):
    _network, roma, milano = boards(app, clock, municipality, other_municipality)
    # P1 alone, P2 with 2, P3 with 1 then 3: the largest household of each person.
    assert (roma.housed, roma.household_members) == (3, 5)
    assert (milano.housed, milano.household_members) == (1, 0)


def test_a_measure_that_never_began_is_not_counted(
    app, db, pillars, clock, municipality, other_municipality
):
    _network, roma, _milano = boards(app, clock, municipality, other_municipality)
    before = (roma.housed, roma.household_members, roma.euro_measures)
    # P4's approved measure ends "not started": still nobody more, no euro more.
    p4 = db.session.scalars(
        db.select(HousingMeasure).where(HousingMeasure.person_id == pillars["P4"].person_id)
    ).one()
    advance(p4, MeasureStatus.ENDED, TODAY, by=None, outcome="not_started")
    db.session.commit()
    _network, roma, _milano = boards(app, clock, municipality, other_municipality)
    assert (roma.housed, roma.household_members, roma.euro_measures) == before


def test_no_municipality_is_mixed_into_another(
    client, login_as, create_user, pillars, other_municipality
):
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    body = client.get("/staff/reports", query_string=Q1).get_data(as_text=True)
    money = cells(body, "money-table")
    assert money["Contributo all&#39;affitto"] == ["1", "1", "1.200,00\xa0€"]
    assert money["Ristrutturazione degli alloggi"] == ["0", "—", "0,00\xa0€"]
    assert 'id="kf-occupancy" dir="ltr">—<' in body  # Milano has no dwellings
    assert 'id="kf-euro-total" dir="ltr">1.200,00\xa0€<' in body
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    "/staff/reports/fund.csv", query_string=Q1 | {"table": "housing"}
                ).get_data(as_text=True)
            )
        )
    )
    assert [(r["municipality"], r["month"], r["euro_rent_support"]) for r in rows] == [
        ("Milano", "2026-02", "1200.00")
    ]


def test_the_municipal_page_and_file_show_occupancy_and_money(
    client, login_as, create_user, pillars
):
    login_as(create_user(Role.STAFF))
    body = client.get("/staff/reports", query_string=Q1).get_data(as_text=True)
    assert 'id="kf-occupancy" dir="ltr">57,1%<' in body
    assert 'id="kf-placed" dir="ltr">2<' in body
    assert 'id="kf-euro-total" dir="ltr">4.300,75\xa0€<' in body
    book = load_workbook(io.BytesIO(client.get("/staff/reports/fund.xlsx", query_string=Q1).data))
    rows = {r["month"]: r for r in read_sheet(book, "housing")}
    assert [rows[m]["occupancy_rate"] for m in ("2026-01", "2026-02", "2026-03")] == [
        53.2,
        58.3,
        75.0,
    ]
    january, february = rows["2026-01"], rows["2026-02"]
    assert (january["people_entering"], january["household_members"]) == (1, 2)
    assert (january["measures_placement"], january["placements_started"]) == (1, 1)
    assert (february["people_entering"], february["household_members"]) == (1, 3)
    assert (february["euro_rent_support"], february["euro_deposit_support"]) == (2100, 700.25)
    assert february["euro_dwelling_works"] == 1500.5
    assert rows["2026-03"]["people_entering"] == 0  # P5's measures: not begun, not yet
    text = client.get(
        "/staff/reports/fund.csv", query_string=Q1 | {"table": "housing", "sep": "semicolon"}
    ).get_data(as_text=True)
    assert '"2026-02";1;3;0;1;1;0;0;"0,00";"2100,00";"700,25"' in text


def test_the_figures_follow_the_housing_operations(
    app, db, client, login_as, create_user, municipality, clock
):
    """Staff add a dwelling, then a person taken in charge is placed with two household
    members through the operations, and leaves for a home of their own."""
    staff = create_user(Role.STAFF)
    dwelling = save_dwelling(
        None,
        municipality.id,
        {"name": "Via Roma 1", "address": "Via Roma 1", "kind": "temporary_flat", "places": 3,
         "managed_by": "municipality"},
        date(2026, 1, 31),
    )  # fmt: skip
    set_state(dwelling, "available", date(2026, 2, 1))
    person = User(role=Role.IN_CARE, municipality_id=municipality.id, first_name="Amina")
    db.session.add(person)
    db.session.flush()
    intake = Intake(
        municipality_id=municipality.id, person_id=person.id, met_on=date(2026, 2, 1),
        last_seen_on=date(2026, 2, 1), consent_method=ConsentMethod.VERBAL,
    )  # fmt: skip
    db.session.add(intake)
    db.session.flush()
    measure = propose_measure(
        intake,
        {"kind": "placement", "household_members": 2, "starts_on": date(2026, 2, 2)},
        by=staff,
        municipality_id=municipality.id,
    )
    placement = place(measure, dwelling, date(2026, 2, 2), date(2026, 2, 2), by=staff)
    end_placement(placement, date(2026, 2, 12), date(2026, 2, 12), by=staff)
    advance(measure, MeasureStatus.ENDED, TODAY, by=staff, outcome="autonomous_housing",
            ends_on=date(2026, 2, 12))  # fmt: skip
    db.session.commit()
    with app.test_request_context():
        board = Dashboard(collect(PERIOD, clock.now(), network=True), municipality.id)
    assert (board.housed, board.household_members) == (1, 2)
    available_from = dwelling.available_from
    assert board.place_days() == (3 * (TODAY - available_from).days + 3, 3 * 10)
    assert board.placed_people == 1
