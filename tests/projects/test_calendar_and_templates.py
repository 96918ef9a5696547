import re
from datetime import UTC, datetime

from icalendar import Calendar

from civic_app.core.permissions import Role
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectStatus,
    ProjectTemplate,
)
from tests.projects.test_sessions import sessions, tue_thu_form


def events(body: bytes) -> dict:
    calendar = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_project_feed_follows_moves_and_cancellations(
    client, login_as, staff, db, create_project, clock
):
    project = create_project()
    login_as(staff)
    client.post_form(f"/staff/projects/{project.id}/schedule", tue_thu_form())
    first, second, *_ = sessions(db, project)
    response = client.get(f"/projects/{project.id}/calendar.ics")
    assert response.mimetype == "text/calendar"
    before = events(response.data)
    assert len(before) == 35
    uid = f"{first.uid}@civic-app"
    assert before[uid]["dtstart"].dt == datetime(2026, 3, 3, 8, tzinfo=UTC)
    assert int(before[uid]["sequence"]) == 0 and str(before[uid]["status"]) == "CONFIRMED"

    client.post_form(
        f"/staff/sessions/{first.id}/edit",
        {"day": "2026-03-04", "start_time": "10:00", "end_time": "12:00", "venue_id": "0"},
    )
    client.post_form(f"/staff/sessions/{second.id}/cancel")
    after = events(client.get(f"/projects/{project.id}/calendar.ics").data)
    assert set(after) == set(before)  # stable UIDs, nothing dropped
    assert after[uid]["dtstart"].dt == datetime(2026, 3, 4, 9, tzinfo=UTC)
    assert int(after[uid]["sequence"]) == 1
    cancelled = after[f"{second.uid}@civic-app"]
    assert str(cancelled["status"]) == "CANCELLED" and int(cancelled["sequence"]) == 1


def test_draft_projects_have_no_public_feed(client, create_project):
    draft = create_project(status=ProjectStatus.DRAFT)
    assert client.get(f"/projects/{draft.id}/calendar.ics").status_code == 404


def feed_url(client) -> str:
    page = client.get("/me/calendar").get_data(as_text=True)
    return re.search(r"http://localhost(/calendar/[^<]+\.ics)", page).group(1)


def test_a_participant_subscribes_to_their_own_sessions(
    client, login_as, staff, create_participant, db, create_project, clock
):
    mine = create_project(title="Mio")
    other = create_project(title="Altro")
    login_as(staff)
    client.post_form(f"/staff/projects/{mine.id}/schedule", tue_thu_form())
    client.post_form(
        f"/staff/projects/{other.id}/schedule",
        tue_thu_form(weekdays=["0"], start_time="15:00", end_time="16:00"),
    )
    participant = create_participant()
    db.session.add(
        Enrolment(
            project_id=mine.id,
            participant_id=participant.id,
            municipality_id=mine.municipality_id,
            status=EnrolmentStatus.APPLIED,
            requested_at=datetime(2026, 2, 1, tzinfo=UTC),
        )
    )
    db.session.commit()
    login_as(participant)
    url = feed_url(client)
    client.post_form("/logout")
    feed = events(client.get(url).data)  # no login: the token is the key
    assert len(feed) == 35
    assert {str(e["summary"]) for e in feed.values()} == {"Mio"}
    assert {str(e["status"]) for e in feed.values()} == {"TENTATIVE"}


def test_a_new_feed_address_revokes_the_old_one(client, login_as, create_participant):
    login_as(create_participant())
    old = feed_url(client)
    assert client.get(old).status_code == 200
    client.post_form("/me/calendar")
    new = feed_url(client)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/calendar/not-a-real-token-at-all-xyz.ics").status_code == 404


def test_a_tutor_feed_has_the_sessions_of_assigned_projects(
    client, login_as, staff, create_user, db, create_project, clock
):
    tutor = create_user(Role.TUTOR)
    assigned = create_project(title="Assegnato")
    create_project(title="Di altri")
    assigned.tutors = [tutor]
    db.session.commit()
    login_as(staff)
    client.post_form(f"/staff/projects/{assigned.id}/schedule", tue_thu_form())
    login_as(tutor)
    feed = events(client.get(feed_url(client)).data)
    assert {str(e["summary"]) for e in feed.values()} == {"Assegnato"}


def test_staff_only_get_calendar_pages_for_participants_and_tutors(client, login_as, staff):
    login_as(staff)
    assert client.get("/me/calendar").status_code == 403


def test_staff_share_a_project_and_another_municipality_copies_it(
    client, login_as, staff, create_user, create_project, other_municipality, db
):
    tutor = create_user(Role.TUTOR)
    project = create_project(title="Orti sociali", what_to_bring="Guanti")
    project.tutors = [tutor]
    db.session.commit()
    login_as(staff)
    client.post_form(f"/staff/projects/{project.id}/share")
    template = db.session.scalar(db.select(ProjectTemplate))
    assert (
        template.title == "Orti sociali"
        and template.source_municipality_id == staff.municipality_id
    )

    milano_staff = create_user(Role.STAFF, municipality=other_municipality)
    login_as(milano_staff)
    library = client.get("/staff/templates").get_data(as_text=True)
    assert "Orti sociali" in library and "Dal Comune di Roma" in library
    response = client.post_form(f"/staff/templates/{template.id}/copy")
    assert response.status_code == 302
    copy = db.session.scalar(
        db.select(Project).where(Project.municipality_id == other_municipality.id)
    )
    assert copy.status == ProjectStatus.DRAFT and copy.title == "Orti sociali"
    assert copy.what_to_bring == "Guanti" and copy.tutors == []
    assert copy.copied_from_template_id == template.id
    db.session.refresh(template)
    assert template.times_copied == 1
    # The copy is Milano's own: Roma's staff cannot open it.
    login_as(staff)
    assert client.get(f"/staff/projects/{copy.id}").status_code == 404


def test_copying_an_unknown_template_is_404(client, login_as, staff):
    login_as(staff)
    assert client.post_form("/staff/templates/424242/copy").status_code == 404
