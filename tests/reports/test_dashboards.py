"""Every number on the dashboards against the hand-made data set of conftest.py."""

import re
from datetime import date
from decimal import Decimal

import pytest

from civic_app.attendance import summary
from civic_app.core.permissions import Role
from civic_app.reports.dashboard import Dashboard
from civic_app.reports.indicators import collect
from civic_app.reports.period import Period
from tests.reports.conftest import Q1

PERIOD = Period(date(2026, 1, 1), date(2026, 3, 31))


def cells(body: str, table_id: str) -> dict[str, list[str]]:
    """{row label: [cell texts]} of one table of a page."""
    table = re.search(rf'<table id="{table_id}".*?</table>', body, re.S).group(0)
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        if 'scope="col"' in row:
            continue
        texts = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if texts:
            out[texts[0]] = texts[1:]
    return out


def test_the_municipal_figures_are_the_known_answer(app, known, municipality, clock):
    with app.test_request_context():
        board = Dashboard(
            collect(PERIOD, clock.now(), municipality_id=municipality.id, by_project=True),
            municipality.id,
        )
        assert board.signed_up == 3  # A, B, D (C signed up in December)
        assert board.active == 3  # A, C, D were there; B never
        assert [r.values for r in board.active_by_sector()] == [(3,), (2,), (0,)]
        assert {r.key: r.values for r in board.by_language()} == {
            "it": (0, 1),
            "fr": (1, 0),
            "ar": (2, 2),
        }
        assert {r.key: r.values for r in board.by_referral()} == {
            "one_stop_shop": (2, 2),
            "mobile_unit": (1, 0),
            "social_services": (0, 0),
            "association": (0, 0),
            "self": (0, 0),
            "not_stated": (0, 1),
        }
        assert {r.key: r.value for r in board.plans_by_status()} == {
            "draft": 1,
            "signed": 1,
            "active": 1,
            "suspended": 0,
            "completed": 0,
            "withdrawn": 1,
        }
        assert board.hours_total == Decimal("13.75")
        # S1 is on 31 January in UTC but 1 February in Rome: it counts in February.
        assert [(r.key, r.value) for r in board.hours_by_month()] == [
            ("2026-01", Decimal("5.50")),
            ("2026-02", Decimal("3.75")),
            ("2026-03", Decimal("4.50")),
        ]
        assert [r.value for r in board.hours_by_sector()] == [Decimal("9.25"), Decimal("4.50"), 0]
        assert [(r.label, r.value) for r in board.hours_by_project()] == [
            (f"#{known.projects['P1'].id}", Decimal("9.25")),
            (f"#{known.projects['P2'].id}", Decimal("4.50")),
        ]
        assert {r.key: r.value for r in board.mark_rows()} == {
            "present": 4,
            "late": 1,
            "left_early": 1,
            "absent": 2,
            "excused": 1,
        }
        assert board.attendance_rate == Decimal("66.7")  # 6 of 9
        assert board.no_show_rate == Decimal("22.2")  # 2 of 9
        assert {r.key: r.values for r in board.events_by_type()} == {
            "workshop": (1, 0, 2, 7),
            "meeting": (0, 0, 0, 0),
            "awareness": (0, 1, 0, 0),
        }
        assert board.sms() == {
            "sent": 5, "delivered": 3, "failed": 2, "waiting": 1, "not_sent": 1,
            "received": 2, "segments": 6,
        }  # fmt: skip


def test_the_project_filter_narrows_what_is_about_projects(app, known, municipality, clock):
    p2 = known.projects["P2"]
    with app.test_request_context():
        board = Dashboard(
            collect(PERIOD, clock.now(), municipality_id=municipality.id, project_id=p2.id),
            municipality.id,
        )
        assert board.active == 2  # A and C came to S3
        assert board.hours_total == Decimal("4.50")
        assert board.marks_total == 3
        assert board.signed_up == 0  # nobody asked to join P2
        assert board.plans_total == 0  # no plan includes P2


def test_the_municipal_page_shows_the_numbers_with_charts_and_tables(client, login_as, known):
    login_as(known.staff)
    body = client.get("/staff/reports", query_string=Q1).get_data(as_text=True)
    assert re.search(r'id="kf-signed-up">3<', body)
    assert re.search(r'id="kf-active">3<', body)
    assert re.search(r'id="kf-hours">13,75<', body)
    assert re.search(r'id="kf-attendance">66,7%<', body)
    assert cells(body, "hours-by-month-table") == {
        "01/2026": ["5,5"],
        "02/2026": ["3,75"],
        "03/2026": ["4,5"],
    }
    assert cells(body, "hours-by-project-table") == {
        "Parco Nord": ["9,25"],
        "Anziani insieme": ["4,5"],
    }
    assert cells(body, "events-table")["Laboratorio"] == ["1", "0", "2", "7"]
    assert cells(body, "sms-table")["Segmenti usati"] == ["6"]
    # Each chart is an SVG beside its table, hidden from screen readers (the table speaks).
    assert body.count('<svg class="chart"') >= 6
    assert 'aria-hidden="true"' in body
    # Staff see only their municipality: Milano's hours (2) are not in the total.
    assert "15,75" not in body


def test_bad_filters_are_explained_and_the_default_period_is_used(client, login_as, known):
    login_as(known.staff)
    response = client.get("/staff/reports?date_from=2026-05-01&date_to=2026-01-01&project=abc")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "La data finale viene prima di quella iniziale." in body
    response = client.get("/staff/reports?date_from=2020-01-01&date_to=2026-01-01")
    assert "Scegli al massimo 36 mesi." in response.get_data(as_text=True)
    assert client.get("/staff/reports?date_from=not-a-date").status_code == 200


def test_the_national_figures_and_targets(app, known, clock):
    with app.test_request_context():
        figures = collect(PERIOD, clock.now(), network=True)
        network = Dashboard(figures)
        assert network.signed_up == 4
        assert network.active == 4
        assert network.hours_total == Decimal("15.75")
        assert network.plans_signed == 3  # A, D, E (B's plan has one signature)
        assert network.participants_reached == 5  # A, C, D, E came to sessions; B to an event
        assert network.public_reached == 7
        assert network.people_reached == 12
        assert [r.values for r in network.trend()] == [
            (1, 2, Decimal("5.50")),
            (1, 3, Decimal("5.75")),
            (1, 2, Decimal("4.50")),
        ]
        roma = Dashboard(figures, known.staff.municipality_id)
        assert (roma.plans_signed, roma.people_reached) == (2, 11)


def test_the_national_page_shows_aggregates_only_with_small_counts_hidden(
    client, login_as, create_user, known
):
    login_as(create_user(Role.COORDINATOR))
    response = client.get("/network", query_string=Q1)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    table = cells(body, "by-municipality-table")
    # signed up, active, plans, reached, hours, rate, events, at events, sms, failed
    # Four active people in Roma, one in Milano: their hours and rates are theirs ("x",
    # "—"); Milano's one person reached cannot be computed back from the network's 12,
    # so Roma's 11 is hidden too.
    assert table["Roma"] == ["&lt;5", "&lt;5", "&lt;5", "x", "x", "—", "1", "&lt;5", "5", "2"]
    assert table["Milano"] == ["&lt;5", "&lt;5", "&lt;5", "&lt;5", "x", "—", "0", "0", "1", "0"]
    assert table["Rete"][3:5] == ["12", "x"]
    assert re.search(r'id="target-plans" dir="ltr">&lt;5</span> / <span dir="ltr">600', body)
    # Nobody taken in charge nor housed in this data set; the old proxy is named for what
    # it is and has no target.
    assert re.search(r'id="target-taken-in-charge" dir="ltr">0</span> / <span dir="ltr">3000', body)
    assert re.search(r'id="target-housed" dir="ltr">0</span> / <span dir="ltr">500', body)
    assert 'id="people-at-activities" dir="ltr">12</span>' in body
    assert "target-reached" not in body
    # No name or phone of anyone reaches a coordinator.
    for person in known.people.values():
        assert person.first_name not in body
        assert person.phone not in body


def test_targets_are_configurable(client, login_as, create_user, known, app, monkeypatch):
    monkeypatch.setitem(app.config, "TARGET_PLANS", 6)
    monkeypatch.setitem(app.config, "TARGET_HOUSED", 50)
    monkeypatch.setitem(app.config, "TARGET_TAKEN_IN_CHARGE", 300)
    monkeypatch.setitem(app.config, "SUPPRESS_BELOW", 1)
    login_as(create_user(Role.COORDINATOR))
    body = client.get("/network", query_string=Q1).get_data(as_text=True)
    assert re.search(
        r'id="target-plans" dir="ltr">3</span> / <span dir="ltr">6</span>\s*'
        r'\(<span dir="ltr">50%</span>\)',
        body,
    )
    assert re.search(r'id="target-housed" dir="ltr">0</span> / <span dir="ltr">50<', body)
    assert re.search(r'id="target-taken-in-charge" dir="ltr">0</span> / <span dir="ltr">300<', body)


@pytest.mark.parametrize("path", ["/network", "/network/fund.xlsx"])
def test_staff_cannot_open_the_national_dashboard(client, login_as, known, path):
    login_as(known.staff)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/staff/reports", "/staff/reports/participants.csv"])
def test_coordinators_and_participants_cannot_open_municipal_reports(
    client, login_as, create_user, known, path
):
    login_as(create_user(Role.COORDINATOR))
    assert client.get(path).status_code == 403
    login_as(known.people["A"])
    assert client.get(path).status_code == 403


def test_dashboards_run_a_fixed_number_of_queries_whatever_the_data(
    count_queries, db, login_as, create_user, create_municipality, known, add_session, clock
):
    from tests.reports.conftest import utc

    coordinator = create_user(Role.COORDINATOR)
    query = "?date_from=2026-01-01&date_to=2026-03-31"
    login_as(known.staff)
    municipal = count_queries("/staff/reports" + query)
    login_as(coordinator)
    national = count_queries("/network" + query)

    # Ten times more of everything: municipalities, participants, projects, sessions.
    from civic_app.attendance.models import Attendance, Mark
    from civic_app.projects.models import Project, ProjectStatus, Sector

    for n in range(10):
        place = create_municipality()
        project = Project(
            municipality_id=place.id, title=f"P{n}", description="d", sector=Sector.CARE,
            status=ProjectStatus.PUBLISHED, capacity=9, start_date=date(2026, 1, 1),
            end_date=date(2026, 6, 30), translations={},
        )  # fmt: skip
        db.session.add(project)
        db.session.flush()
        session = add_session(project, utc(2026, 2, 1 + n, 9))
        for _m in range(3):
            person = create_user(Role.PARTICIPANT, municipality=place, created_at=utc(2026, 2, 1))
            db.session.add(
                Attendance(
                    municipality_id=place.id, session_id=session.id,
                    session_starts_at=session.starts_at, project_id=project.id,
                    participant_id=person.id, mark=Mark.PRESENT, hours=Decimal("3"),
                    recorded_by_id=known.staff.id, recorded_at=session.starts_at,
                )
            )  # fmt: skip
    summary.rebuild()  # marks added directly, not by record_marks
    db.session.commit()
    login_as(known.staff)
    assert count_queries("/staff/reports" + query) == municipal
    login_as(coordinator)
    assert count_queries("/network" + query) == national
