"""The funnel intake → referral → signed plan → completed plan: different people, each step
among those of the step before, per municipality and for the network."""

from datetime import date
from types import SimpleNamespace

from civic_app.core.permissions import Role
from civic_app.plans.models import Plan, PlanStatus
from civic_app.reports.dashboard import Dashboard
from civic_app.reports.indicators import collect
from tests.reports.conftest import Q1, utc
from tests.reports.test_dashboards import PERIOD, cells


def funnel(app, clock, municipality_id=None):
    with app.test_request_context():
        board = Dashboard(collect(PERIOD, clock.now(), network=True), municipality_id)
        return [row.value for row in board.funnel()]


def test_the_funnel_per_municipality_and_for_the_network(
    app, pillars, clock, municipality, other_municipality
):
    # Roma: P1–P5 taken in charge; P1, P2, P3, P5 referred; P2, P3 with a signed plan; P2's
    # completed. Milano: Q1, referred, no plan.
    assert funnel(app, clock, municipality.id) == [5, 4, 2, 1]
    assert funnel(app, clock, other_municipality.id) == [1, 1, 0, 0]
    assert funnel(app, clock) == [6, 5, 2, 1]


def test_each_step_counts_only_people_of_the_step_before(
    app, db, build, pillars, clock, municipality
):
    # P4 (never referred) gets a signed, completed plan: in no step after the first. A new
    # person is taken in charge twice and referred from both intakes: once in each step.
    # Their plan, marked completed but never signed by both sides, is no plan here.
    build.plan(pillars["P4"], PlanStatus.COMPLETED, utc(2026, 2, 20, 10))
    twice = build.person(municipality.id, met_on=date(2026, 1, 5), referred=[utc(2026, 1, 6)])
    again = build.person(municipality.id, met_on=date(2026, 2, 5), referred=[utc(2026, 2, 6)])
    again.person_id = twice.person_id
    db.session.add(
        Plan(
            municipality_id=municipality.id, participant_id=twice.person_id, goals="g",
            target_hours=40, start_date=date(2026, 1, 1), end_date=date(2026, 6, 30),
            status=PlanStatus.COMPLETED,
        )
    )  # fmt: skip
    db.session.commit()
    assert funnel(app, clock, municipality.id) == [6, 5, 2, 1]


def test_the_national_page_shows_the_funnel_as_a_chart_and_tables(
    app, client, login_as, create_user, pillars, monkeypatch
):
    monkeypatch.setitem(app.config, "SUPPRESS_BELOW", 1)
    login_as(create_user(Role.COORDINATOR))
    body = client.get("/network", query_string=Q1).get_data(as_text=True)
    table = cells(body, "funnel-table")
    assert table["Roma"] == ["5", "4", "2", "1"]
    assert table["Milano"] == ["1", "1", "0", "0"]
    assert table["Rete"] == ["6", "5", "2", "1"]
    assert list(cells(body, "funnel-network-table").values()) == [["6"], ["5"], ["2"], ["1"]]
    chart = body[body.index('id="funnel-title"') : body.index('id="funnel-network-table"')]
    assert chart.count('class="chart-bar"') == 4  # one bar per step, none empty


def test_the_municipal_page_shows_its_own_funnel(client, login_as, create_user, pillars):
    login_as(create_user(Role.STAFF))
    body = client.get("/staff/reports", query_string=Q1).get_data(as_text=True)
    assert [v for v, *_ in cells(body, "funnel-table").values()] == ["5", "4", "2", "1"]


def test_one_municipality_counted_alone_gives_its_share_of_the_network(
    app, db, build, pillars, clock, municipality, other_municipality
):
    # The municipal dashboard reads only its own municipality's plans, signatures and
    # referrals; what it counts must be exactly its part of the network-wide figures, even
    # for a person whose intake is in one municipality and whose plan is in the other.
    build.plan(pillars["Q1"], PlanStatus.ACTIVE, utc(2026, 2, 21, 10))
    moved = pillars["P5"]  # referred in Roma, signs a plan in Milano
    build.plan(
        SimpleNamespace(municipality_id=other_municipality.id, person_id=moved.person_id),
        PlanStatus.COMPLETED,
        utc(2026, 2, 22, 10),
    )
    db.session.commit()
    with app.test_request_context():
        network = collect(PERIOD, clock.now(), network=True)
        for place in (municipality, other_municipality):
            alone = collect(PERIOD, clock.now(), municipality_id=place.id, network=True)
            for name in (
                "funnel",
                "plans_signed_all",
                "plans_signed_by_month",
                "referred_by_month",
            ):
                assert sorted(alone.rows[name]) == sorted(network.scope(place.id).rows[name]), name
            assert alone.rows["funnel"], place.name
