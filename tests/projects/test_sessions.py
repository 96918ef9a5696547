from datetime import UTC, date, datetime, time

import pytest

from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.projects.models import ProjectSession, SessionStatus
from civic_app.projects.operations import (
    MAX_SESSIONS_PER_RULE,
    add_schedule,
    add_session,
    build_rrule,
    cancel_session,
    move_session,
)


@pytest.fixture
def staff_client(client, login_as, staff):
    login_as(staff)
    return client


def sessions(db, project):
    return db.session.scalars(
        db.select(ProjectSession)
        .where(ProjectSession.project_id == project.id)
        .order_by(ProjectSession.starts_at)
    ).all()


def tue_thu_form(**overrides):
    data = {
        "weekdays": ["1", "3"],
        "start_time": "09:00",
        "end_time": "12:00",
        "from_date": "2026-03-01",
        "until_date": "2026-06-30",
        "interval": "1",
        "venue_id": "0",
    }
    return data | overrides


def test_a_weekly_rule_makes_the_sessions_at_the_right_local_time_across_dst(
    staff_client, db, create_project
):
    project = create_project()
    response = staff_client.post_form(f"/staff/projects/{project.id}/schedule", tue_thu_form())
    assert response.status_code == 302
    made = sessions(db, project)
    # Tuesdays and Thursdays from 3 March to 30 June 2026.
    assert len(made) == 35
    assert {to_local(s.starts_at).time() for s in made} == {time(9, 0)}
    assert {to_local(s.ends_at).time() for s in made} == {time(12, 0)}
    assert {s.local_weekday for s in made} == {1, 3}
    # Europe/Rome moves to summer time on 29 March 2026: 09:00 is 08:00 UTC before, 07:00 after.
    before = next(s for s in made if to_local(s.starts_at).date() == date(2026, 3, 26))
    after = next(s for s in made if to_local(s.starts_at).date() == date(2026, 3, 31))
    assert before.starts_at == datetime(2026, 3, 26, 8, 0, tzinfo=UTC)
    assert after.starts_at == datetime(2026, 3, 31, 7, 0, tzinfo=UTC)


def test_the_hour_skipped_by_the_spring_change_moves_forward():
    from zoneinfo import ZoneInfo

    rome = ZoneInfo("Europe/Rome")
    assert local_to_utc(date(2026, 3, 29), time(2, 30), rome) == datetime(
        2026, 3, 29, 1, 30, tzinfo=UTC
    )
    assert local_to_utc(date(2026, 10, 25), time(2, 30), rome) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_an_advanced_rrule_is_accepted(staff_client, db, create_project):
    project = create_project()
    staff_client.post_form(
        f"/staff/projects/{project.id}/schedule",
        tue_thu_form(weekdays=[], rrule="FREQ=MONTHLY;BYDAY=1SA;COUNT=3"),
    )
    made = sessions(db, project)
    assert [to_local(s.starts_at).date() for s in made] == [
        date(2026, 3, 7),
        date(2026, 4, 4),
        date(2026, 5, 2),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rrule": "FREQ=DAILY;COUNT=5000"}, f"più di {MAX_SESSIONS_PER_RULE} turni"),
        ({"rrule": "FREQ=DAILY"}, "indica UNTIL o COUNT"),
        ({"rrule": "FREQ=SOMETIMES;COUNT=2"}, "non è valida"),
        ({"rrule": "FREQ=WEEKLY;BYDAY=MO;UNTIL=20250101"}, "non crea nessun turno"),
        ({"weekdays": []}, "Scegli almeno un giorno"),
        ({"end_time": "08:00"}, "da 15 minuti a 12 ore"),
        ({"until_date": "2026-12-31"}, "tra l&#39;inizio e la fine del progetto"),
        ({"interval": "0"}, "Il numero deve essere compreso tra"),
        ({"start_time": "25:00"}, "Not a valid time value"),
    ],
)
def test_a_bad_rule_gets_a_clear_message_and_makes_nothing(
    staff_client, db, create_project, overrides, message
):
    project = create_project()
    response = staff_client.post_form(
        f"/staff/projects/{project.id}/schedule", tue_thu_form(**overrides)
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert sessions(db, project) == []


def test_one_occurrence_moves_without_touching_the_others(app, db, create_project, staff_client):
    project = create_project()
    staff_client.post_form(f"/staff/projects/{project.id}/schedule", tue_thu_form())
    first, second, *_ = sessions(db, project)
    untouched = (second.starts_at, second.sequence)
    response = staff_client.post_form(
        f"/staff/sessions/{first.id}/edit",
        {"day": "2026-03-04", "start_time": "15:00", "end_time": "17:30", "venue_id": "0"},
    )
    assert response.status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert to_local(first.starts_at) == datetime(
        2026, 3, 4, 15, 0, tzinfo=to_local(first.starts_at).tzinfo
    )
    assert first.sequence == 1 and first.is_exception and first.local_weekday == 2
    assert (second.starts_at, second.sequence) == untouched


def test_one_occurrence_is_cancelled_without_touching_the_others(db, create_project, staff_client):
    project = create_project()
    staff_client.post_form(f"/staff/projects/{project.id}/schedule", tue_thu_form())
    first, second, *_ = sessions(db, project)
    assert staff_client.post_form(f"/staff/sessions/{first.id}/cancel").status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status == SessionStatus.CANCELLED and first.sequence == 1
    assert second.status == SessionStatus.SCHEDULED and second.sequence == 0
    again = staff_client.post_form(f"/staff/sessions/{first.id}/cancel", follow_redirects=True)
    assert "già annullato" in again.get_data(as_text=True)


def test_two_sessions_at_the_same_venue_and_time_are_refused(
    app, db, create_project, create_venue, staff_client
):
    venue = create_venue()
    park = create_project(venue_id=venue.id, title="<b>Parco</b> Nord")
    garden = create_project(venue_id=venue.id, title="Orto")
    staff_client.post_form(f"/staff/projects/{park.id}/schedule", tue_thu_form())
    response = staff_client.post_form(
        f"/staff/projects/{garden.id}/sessions/new",
        {"day": "2026-03-03", "start_time": "11:00", "end_time": "13:00", "venue_id": "0"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Il luogo è già occupato" in body and "&lt;b&gt;Parco&lt;/b&gt; Nord" in body
    assert sessions(db, garden) == []
    # A whole rule that collides is refused as well.
    response = staff_client.post_form(f"/staff/projects/{garden.id}/schedule", tue_thu_form())
    assert "Il luogo è già occupato" in response.get_data(as_text=True)
    assert sessions(db, garden) == []
    # Right after is fine.
    ok = staff_client.post_form(
        f"/staff/projects/{garden.id}/sessions/new",
        {"day": "2026-03-03", "start_time": "12:00", "end_time": "13:00", "venue_id": "0"},
    )
    assert ok.status_code == 302


def test_operations_refuse_bad_times(app, db, create_project):
    project = create_project()
    with app.test_request_context():
        with pytest.raises(DomainError, match="dopo l'ora di inizio"):
            add_session(project, date(2026, 3, 3), time(12), time(9))
        with pytest.raises(DomainError, match="12 ore"):
            add_session(project, date(2026, 3, 3), time(0), time(23, 59))
        with pytest.raises(DomainError, match="inizio e la fine del progetto"):
            add_session(project, date(2027, 1, 1), time(9), time(10))
        session = add_session(project, date(2026, 3, 3), time(9), time(10))
        cancel_session(session)
        with pytest.raises(DomainError, match="annullato non si può spostare"):
            move_session(session, date(2026, 3, 4), time(9), time(10))
        with pytest.raises(DomainError):
            add_schedule(project, build_rrule([0], date(2026, 4, 1)), datetime(2026, 3, 2, 9), 5)


def test_rrules_are_built_from_the_form():
    assert build_rrule([3, 1], date(2026, 6, 30)) == (
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU,TH;UNTIL=20260630T235959"
    )


def test_staff_of_another_municipality_get_404_on_every_project_page(
    client, login_as, create_user, other_municipality, create_project, create_venue, db
):
    project = create_project()
    venue = create_venue()
    session = ProjectSession(
        project_id=project.id,
        municipality_id=project.municipality_id,
        starts_at=datetime(2026, 3, 3, 8, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 11, tzinfo=UTC),
        local_weekday=1,
    )
    db.session.add(session)
    db.session.commit()
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    gets = [
        f"/staff/projects/{project.id}",
        f"/staff/projects/{project.id}/edit",
        f"/staff/projects/{project.id}/schedule",
        f"/staff/projects/{project.id}/sessions/new",
        f"/staff/sessions/{session.id}/edit",
        f"/staff/venues/{venue.id}/edit",
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Cura del parco" not in response.get_data(as_text=True)
    posts = [
        f"/staff/projects/{project.id}/status/published",
        f"/staff/projects/{project.id}/share",
        f"/staff/sessions/{session.id}/cancel",
        f"/staff/projects/{project.id}/edit",
    ]
    for url in posts:
        assert client.post_form(url).status_code == 404, url
    listing = client.get("/staff/projects").get_data(as_text=True)
    assert "Cura del parco" not in listing
    assert "Parco" not in client.get("/staff/venues").get_data(as_text=True)
