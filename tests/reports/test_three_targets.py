"""The programme's three targets, counted from real records (tests/reports/conftest.py,
`pillars`): people taken in charge and referred, people in housing measures, plans signed."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from civic_app.core.permissions import Role
from civic_app.housing.models import MeasureKind, MeasureStatus
from civic_app.reports.breakdowns import MEASURES, collect_breakdowns, network_table
from civic_app.reports.dashboard import Dashboard
from civic_app.reports.indicators import collect
from tests.reports.conftest import Q1, utc
from tests.reports.test_dashboards import PERIOD, cells


@pytest.fixture
def all_shown(app, monkeypatch):
    """Every figure as it is (no small-count rule), to read the page's arithmetic."""
    monkeypatch.setitem(app.config, "SUPPRESS_BELOW", 1)


def test_the_three_targets_are_counted_from_records(app, pillars, clock, municipality):
    with app.test_request_context():
        figures = collect(PERIOD, clock.now(), network=True)
        network, roma = Dashboard(figures), Dashboard(figures, municipality.id)
        # P1, P2, P3, P5 in Roma (P4 was never referred) and Q1 in Milano.
        assert (network.taken_in_charge, roma.taken_in_charge) == (5, 4)
        # P1 (since December), P2, P3 and Q1; not P4 (approved only) nor P5 (one ended
        # "not started", one starting after today).
        assert (network.housed, roma.housed) == (4, 3)
        # P2's 2 and P3's 3 (the largest of their measures, not 1 + 3): apart.
        assert (network.household_members, roma.household_members) == (5, 5)
        assert (network.plans_signed, roma.plans_signed) == (2, 2)
        # By month, the people new that month: P1's first referral was in November and
        # his placement began in December, so he is in no month of the period.
        assert [r.values for r in network.programme_trend()] == [(1, 1, 1), (2, 2, 1), (1, 0, 0)]
        assert [r.values for r in roma.programme_trend()] == [(1, 1, 1), (1, 1, 1), (1, 0, 0)]


def test_the_targets_are_broken_down_by_sex_age_citizenship_and_vulnerability(app, pillars, clock):
    with app.test_request_context():
        b = collect_breakdowns(PERIOD, None, clock.now())
    # New in the period: referred P2 (woman), P3 (man), P5 (woman), Q1 (man); housed P2, P3, Q1.
    column = {row[0]: row[2] for row in network_table(b, "sex")}
    measures = [m for m, _label in MEASURES]
    taken, housed = measures.index("taken_in_charge"), measures.index("housed")
    assert (column["female"][taken], column["male"][taken]) == (2, 2)
    assert (column["female"][housed], column["male"][housed]) == (1, 2)
    vulnerable = {row[0]: row[2] for row in network_table(b, "vulnerability")}
    # P2: trafficking; P3: disability and single parent ("several"); P5: none; Q1: disability.
    assert {k: v for k, v in vulnerable.items() if v[0]} == {
        "trafficking_victim": [1, 1],
        "disability": [1, 1],
        "several": [1, 1],
        "none": [1, 0],
    }
    # One category per person: every dimension adds up to the same people.
    for dimension in ("sex", "age_band", "third_country", "vulnerability"):
        table = network_table(b, dimension)
        index = 0 if dimension == "vulnerability" else taken
        assert sum(row[2][index] for row in table) == 4, dimension


def test_the_national_page_shows_the_three_targets_first_with_progress(
    client, login_as, create_user, pillars, all_shown, app, monkeypatch
):
    monkeypatch.setitem(app.config, "TARGET_HOUSED", 8)
    login_as(create_user(Role.COORDINATOR))
    body = client.get("/network", query_string=Q1).get_data(as_text=True)
    targets = body[body.index('id="targets"') : body.index('id="activities-title"')]
    assert re.search(
        r'id="target-taken-in-charge" dir="ltr">5</span> / <span dir="ltr">3000', targets
    )
    assert re.search(
        r'id="target-housed" dir="ltr">4</span> / <span dir="ltr">8</span>\s*'
        r'\(<span dir="ltr">50%</span>\)',
        targets,
    )
    assert "+ 5 familiari, non contati nell’obiettivo." in targets
    assert re.search(r'id="target-plans" dir="ltr">2</span> / <span dir="ltr">600', targets)
    assert targets.count('class="target-bar"') == 3
    # The old proxy is named for what it is, and is not among the targets.
    assert "Partecipanti e pubblico alle attività" in body
    assert "Persone raggiunte" not in body
    table = cells(body, "targets-by-municipality-table")
    assert table["Roma"] == ["4", "3", "5", "2"]
    assert table["Milano"] == ["1", "1", "0", "0"]
    assert table["Rete"] == ["5", "4", "5", "2"]
    trend = cells(body, "programme-trend-table")
    assert trend == {
        "01/2026": ["1", "1", "1"],
        "02/2026": ["2", "2", "1"],
        "03/2026": ["1", "0", "0"],
    }
    vulnerability = cells(body, "breakdown-vulnerability-table")
    assert vulnerability["Più di una"] == ["1", "1"]


def test_the_municipal_dashboard_shows_its_own_targets(
    client, login_as, create_user, pillars, other_municipality
):
    login_as(create_user(Role.STAFF))
    body = client.get("/staff/reports", query_string=Q1).get_data(as_text=True)
    assert 'id="kf-taken-in-charge" dir="ltr">4<' in body
    assert 'id="kf-housed" dir="ltr">3<' in body
    assert "+ 5 familiari, non contati nell’obiettivo." in body
    assert 'id="kf-plans-signed" dir="ltr">2<' in body
    trend = cells(body, "programme-trend-table")
    assert trend == {
        "01/2026": ["1", "1", "1"],
        "02/2026": ["1", "1", "1"],
        "03/2026": ["1", "0", "0"],
    }
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    body = client.get("/staff/reports", query_string=Q1).get_data(as_text=True)
    assert 'id="kf-taken-in-charge" dir="ltr">1<' in body
    assert 'id="kf-housed" dir="ltr">1<' in body
    assert "+ 0 familiari" in body


def read_sheet(book, name) -> list[dict]:
    header, *rows = list(book[name].values)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_municipal_fund_file_has_the_intake_table(client, login_as, create_user, pillars):
    login_as(create_user(Role.STAFF))
    book = load_workbook(io.BytesIO(client.get("/staff/reports/fund.xlsx", query_string=Q1).data))
    rows = {r["month"]: r for r in read_sheet(book, "intake")}
    assert set(rows) == {"2026-01", "2026-02", "2026-03"}  # Roma's only
    # January: P2 met; P2 referred for the first time; P1's second and P2's referrals.
    assert rows["2026-01"]["people_taken_in_charge"] == 1
    assert rows["2026-01"]["people_referred_first"] == 1
    assert rows["2026-01"]["referrals_made"] == 2
    assert (rows["2026-01"]["referrals_health"], rows["2026-01"]["referrals_legal_aid"]) == (1, 1)
    # February: P3 and P4 met (P4 never referred), P3 referred.
    assert [rows["2026-02"][k] for k in ("people_taken_in_charge", "people_referred_first")] == [
        2,
        1,
    ]
    # The months add up to the people new in the period, as on the page.
    assert sum(r["people_referred_first"] for r in rows.values()) == 3
    definitions = {row[1] for row in list(book["columns"].values)[1:]}
    assert {"people_taken_in_charge", "referrals_made", "people_entering"} <= definitions


def test_the_fund_csv_of_a_pillar_table(client, login_as, create_user, pillars):
    login_as(create_user(Role.STAFF))
    response = client.get("/staff/reports/fund.csv", query_string=Q1 | {"table": "intake"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["month"], r["people_referred_first"], r["referrals_made"]) for r in rows] == [
        ("2026-01", "1", "2"),
        ("2026-02", "1", "1"),
        ("2026-03", "1", "1"),
    ]


def test_the_pillars_run_a_fixed_number_of_queries_whatever_the_data(
    count_queries, db, login_as, create_user, create_municipality, build, pillars
):
    coordinator, staff = create_user(Role.COORDINATOR), create_user(Role.STAFF)
    query = "?date_from=2026-01-01&date_to=2026-03-31"
    urls = ["/network", "/network/fund.xlsx", "/network/fund.csv?table=housing&" + query[1:]]
    login_as(coordinator)
    national = [count_queries(url if "?" in url else url + query) for url in urls]
    login_as(staff)
    municipal = [
        count_queries("/staff/reports" + query),
        count_queries("/staff/reports/fund.xlsx" + query),
    ]

    # Ten more municipalities with people referred, housed, placed, and dwellings.
    for n in range(10):
        place = create_municipality()
        dwelling = build.dwelling(place.id, 6, available_from=date(2026, 1, 1))
        build.work(dwelling, date(2026, 1, 5), "100.10")
        for k in range(3):
            intake = build.person(place.id, met_on=date(2026, 2, 1), referred=[utc(2026, 2, 2)])
            measure = build.measure(
                intake, MeasureKind.PLACEMENT, MeasureStatus.ACTIVE, date(2026, 2, 1 + k),
                household=k,
            )  # fmt: skip
            build.placement(measure, dwelling, 1 + k, date(2026, 2, 1 + k))
            build.measure(
                intake, MeasureKind.RENT_SUPPORT, MeasureStatus.ENDED, date(2026, 2, 3),
                amount=Decimal("250.50") * (n + 1),
            )  # fmt: skip
    db.session.commit()
    login_as(coordinator)
    assert [count_queries(url if "?" in url else url + query) for url in urls] == national
    login_as(staff)
    assert [
        count_queries("/staff/reports" + query),
        count_queries("/staff/reports/fund.xlsx" + query),
    ] == municipal
