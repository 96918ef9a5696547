import re
from datetime import UTC, datetime

import pytest

from civic_app.core.errors import DomainError
from civic_app.core.permissions import Role
from civic_app.projects.enrolments import request_to_join
from civic_app.projects.models import Enrolment, EnrolmentStatus, ProjectStatus
from civic_app.sms.models import Message


def statuses(db, project):
    return [
        e.status
        for e in db.session.scalars(
            db.select(Enrolment).where(Enrolment.project_id == project.id).order_by(Enrolment.id)
        )
    ]


def test_a_participant_asks_to_join_and_then_the_waitlist_takes_over(
    client, login_as, create_participant, project, db
):
    for _ in range(3):
        login_as(create_participant())
        response = client.post_form(f"/projects/{project.id}/join", follow_redirects=True)
        assert response.status_code == 200
    assert statuses(db, project) == [
        EnrolmentStatus.APPLIED,
        EnrolmentStatus.APPLIED,
        EnrolmentStatus.WAITLISTED,
    ]
    assert "lista d&#39;attesa" in response.get_data(as_text=True)


def test_asking_twice_keeps_one_enrolment(client, login_as, create_participant, project, db):
    login_as(create_participant())
    client.post_form(f"/projects/{project.id}/join")
    page = client.post_form(f"/projects/{project.id}/join", follow_redirects=True)
    assert statuses(db, project) == [EnrolmentStatus.APPLIED]
    assert "Richiesta inviata" in page.get_data(as_text=True)


def test_only_open_projects_of_ones_own_municipality_can_be_joined(
    client, login_as, create_participant, project, db, other_municipality, app
):
    stranger = create_participant(municipality=other_municipality)
    login_as(stranger)
    page = client.post_form(f"/projects/{project.id}/join", follow_redirects=True)
    assert "per chi partecipa nel suo Comune" in page.get_data(as_text=True)
    project.status = ProjectStatus.CLOSED
    db.session.commit()
    login_as(create_participant())
    page = client.post_form(f"/projects/{project.id}/join", follow_redirects=True)
    assert "non accetta iscrizioni" in page.get_data(as_text=True)
    project.status = ProjectStatus.DRAFT
    db.session.commit()
    assert client.post_form(f"/projects/{project.id}/join").status_code == 404
    assert statuses(db, project) == []


def test_staff_and_tutors_cannot_join(client, login_as, create_user, project):
    login_as(create_user(Role.TUTOR))
    assert client.post_form(f"/projects/{project.id}/join").status_code == 403


def test_an_anonymous_visitor_logs_in_and_comes_back_to_the_project(
    client, create_participant, project, db
):
    participant = create_participant()
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    login_link = re.search(r'href="(/login/phone\?next=[^"]+)"', page).group(1)
    client.get(login_link.replace("&amp;", "&"))
    client.post_form("/login/phone", {"phone": participant.phone})
    message = db.session.scalar(db.select(Message).where(Message.phone == participant.phone))
    code = re.search(r"\d{6}", message.body).group(0)
    response = client.post_form("/login/code", {"code": code})
    assert response.location == f"/projects/{project.id}"


def test_an_outside_next_is_ignored(client, create_participant, db):
    participant = create_participant()
    client.get("/login/phone?next=//evil.example/")
    client.post_form("/login/phone", {"phone": participant.phone})
    message = db.session.scalar(db.select(Message).where(Message.phone == participant.phone))
    code = re.search(r"\d{6}", message.body).group(0)
    assert client.post_form("/login/code", {"code": code}).location == "/"


def test_withdrawn_participants_may_ask_again(app, db, create_participant, project):
    participant = create_participant()
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with app.test_request_context():
        enrolment = request_to_join(project, participant, now)
        enrolment.status = EnrolmentStatus.WITHDRAWN
        again = request_to_join(project, participant, now)
    assert again.id == enrolment.id and again.status == EnrolmentStatus.APPLIED


def test_joining_is_refused_for_non_participants(app, create_user, project):
    with app.test_request_context(), pytest.raises(DomainError):
        request_to_join(project, create_user(Role.STAFF), datetime(2026, 3, 1, tzinfo=UTC))
