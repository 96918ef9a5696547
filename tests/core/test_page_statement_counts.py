"""Each benchmarked page runs exactly PINNED[page] SQL statements, with a small world and
with ten times as much of everything (projects, sessions, people on the roster,
attendance, events, messages, cases, notes, referrals, housing measures).

A page that needs one more statement changes its number here, on purpose; a page whose
count grows with the data (one statement per row) fails at the larger scale. The pages
are the ones bench/inprocess.py measures, and the coordinator's national dashboard and
the fund's XLSX computed (the tests' NATIONAL_CACHE_SECONDS is 0): a fixed number of
grouped queries over the network, whatever its size.
"""

from datetime import timedelta

import pytest

from civic_app.casework.models import ServiceKind
from civic_app.casework.notes import add_note
from civic_app.casework.referrals import refer
from civic_app.core.permissions import Role
from civic_app.events.models import Audience
from civic_app.housing.measures import propose_measure
from civic_app.projects.models import Enrolment, EnrolmentStatus, Rsvp
from civic_app.sms.models import Direction
from tests.casework.conftest import create_case  # noqa: F401 - a fixture
from tests.core.test_query_counts import NOW, add_session_now, world  # noqa: F401

#: SQL statements per request, whatever the size of the data (savepoints left out: the
#: tests' own transaction makes them, a server would not).
PINNED = {
    "marketplace": 7,
    "project": 5,
    "participant_home": 11,
    "participant_events": 7,
    "tutor_home": 14,
    "roster_get": 13,
    "roster_post": 17,
    "sms_inbound": 12,
    "municipal_dashboard": 26,
    "staff_today": 9,
    "case_list": 5,
    "case": 14,
    "intake": 2,
    "housing_case": 8,
    "housing_measures": 4,
    "national_dashboard": 53,
    "fund_xlsx": 56,
}


@pytest.fixture
def scene(db, world, create_user, create_case, add_session, clock):  # noqa: F811
    """The world of test_query_counts with a participant, a caseworker who manages
    housing, a case, and `grow(n)`: n times more of everything."""
    world.participant = world.add_person(preferred_language="ar")
    world.caseworker = create_user(Role.CASEWORKER, profession="caseworker", grants=",housing,")
    world.coordinator = create_user(Role.COORDINATOR)
    world.case = create_case()
    from civic_app.casework.models import CareService

    service = CareService(
        municipality_id=world.case.municipality_id, name="Sportello legale",
        kind=ServiceKind.LEGAL_AID, address="Via Roma 1", languages=",it,",
    )  # fmt: skip
    db.session.add(service)
    db.session.commit()

    def grow(n: int) -> None:
        person = world.participant
        for k in range(n):
            project = world.add_project()
            db.session.add(
                Enrolment(project_id=project.id, participant_id=person.id, requested_at=NOW,
                          municipality_id=person.municipality_id,
                          status=EnrolmentStatus.ACCEPTED)
            )  # fmt: skip
            db.session.commit()
            world.mark(person, add_session(project, NOW - timedelta(days=3 + k)))
            other = world.add_person()
            world.mark(other, world.session)
            db.session.add(
                Rsvp(municipality_id=other.municipality_id, session_id=world.session.id,
                     participant_id=other.id, coming=True, answered_at=NOW, source="sms")
            )  # fmt: skip
            world.message(person)
            world.message(person, Direction.IN, body=f"messaggio {k}")
            world.event(Audience.ALL)
            world.event(Audience.PROJECTS, audience_projects=[project.id])
            case = create_case(first_name=f"Persona{k}")
            for intake in (world.case, case):
                add_note(intake, world.caseworker, f"nota {k}", "team", clock.now())
                refer(intake, service, world.caseworker, "Documenti", None, "", clock.now())
                propose_measure(
                    intake,
                    {"kind": "placement", "starts_on": clock.now().date()},
                    by=world.staff,
                    municipality_id=intake.municipality_id,
                )
            db.session.commit()

    world.grow = grow
    return world


def count_statements(db, request) -> int:
    from sqlalchemy import event

    seen = []

    def listen(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        request()
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    return len(seen)


def get(client, url: str):
    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return request


def page_request(page: str, scene, client, login_as, text):
    """The request of `page` (logging in whoever makes it), as a function to call."""
    as_participant = ("participant_home", "participant_events")
    if page in as_participant:
        login_as(scene.participant)
    elif page in ("tutor_home", "roster_get", "roster_post"):
        login_as(scene.tutor)
    elif page in ("municipal_dashboard", "staff_today"):
        login_as(scene.staff)
    elif page in ("case_list", "case", "intake", "housing_case", "housing_measures"):
        login_as(scene.caseworker)
    elif page in ("national_dashboard", "fund_xlsx"):
        login_as(scene.coordinator)
    urls = {
        "marketplace": "/projects",
        "project": f"/projects/{scene.project.id}",
        "participant_home": "/me",
        "participant_events": "/events",
        "tutor_home": "/tutor",
        "roster_get": f"/tutor/sessions/{scene.session.id}",
        "municipal_dashboard": "/staff/reports",
        "staff_today": "/staff/today",
        "case_list": "/cases",
        "case": f"/cases/{scene.case.id}",
        "intake": "/cases/new",
        "housing_case": f"/cases/{scene.case.id}/housing",
        "housing_measures": "/housing/measures",
        "national_dashboard": "/network",
        "fund_xlsx": "/network/fund.xlsx",
    }
    if page in urls:
        return get(client, urls[page])
    if page == "sms_inbound":
        sids = iter(range(1, 1000))

        def inbound():
            assert text(scene.participant.phone, "ORE", sid=f"SMpin{next(sids)}").status_code == 200

        return inbound
    assert page == "roster_post"
    session = add_session_now(scene, scene.db)
    data = {"csrf_token": client.csrf_token(), "key": "k1"}
    for person_id in [person.id for person in scene.people]:
        data[f"mark-{person_id}"] = "present"
        data[f"hours-{person_id}"] = "3"
    url = f"/tutor/sessions/{session.id}"

    def roster_post():
        response = client.post(url, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)

    return roster_post


@pytest.mark.parametrize("scale", [1, 10])
@pytest.mark.parametrize("page", sorted(PINNED))
def test_a_page_runs_its_pinned_number_of_statements(
    page, scale, scene, db, client, login_as, text
):
    scene.db = db
    scene.grow(scale)
    request = page_request(page, scene, client, login_as, text)
    if page == "sms_inbound":
        request()  # the first text of a number starts its conversation
    elif page != "roster_post":
        request()  # the first request warms what a server keeps between requests
    assert count_statements(db, request) == PINNED[page]
