from datetime import UTC, datetime

from civic_app.core.permissions import Role
from civic_app.projects.models import Enrolment, EnrolmentStatus
from civic_app.sms.models import Message


def sms_to(db, person):
    return [
        m.body
        for m in db.session.scalars(
            db.select(Message).where(Message.user_id == person.id).order_by(Message.id)
        )
    ]


def test_staff_accept_and_the_participant_gets_an_sms_in_their_language(
    client, login_as, staff, db, project, enrol, create_participant, clock
):
    amina = create_participant(preferred_language="fr")
    enrolment = enrol(project, amina)
    login_as(staff)
    page = client.get(f"/staff/projects/{project.id}/requests").get_data(as_text=True)
    assert amina.first_name in page
    assert client.post_form(f"/staff/enrolments/{enrolment.id}/accept").status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.status == EnrolmentStatus.ACCEPTED and enrolment.decided_by_id == staff.id
    [body] = sms_to(db, amina)
    assert "Soin du parc" in body and "accepté" in body


def test_staff_waitlist_or_decline_and_say_so(
    client, login_as, staff, db, project, enrol, create_participant
):
    yusuf = create_participant(preferred_language="en")
    olena = create_participant(preferred_language="it")
    first, second = enrol(project, yusuf), enrol(project, olena)
    login_as(staff)
    client.post_form(f"/staff/enrolments/{second.id}/decline")
    client.post_form(f"/staff/enrolments/{first.id}/waitlist")
    assert db.session.get(Enrolment, first.id).status == EnrolmentStatus.WAITLISTED
    assert db.session.get(Enrolment, second.id).status == EnrolmentStatus.DECLINED
    assert "waiting list" in sms_to(db, yusuf)[0]
    assert "non c'è posto" in sms_to(db, olena)[0]


def test_withdrawing_frees_the_place_for_the_first_on_the_waitlist(
    client, login_as, db, project, enrol, create_participant, clock
):
    holders = [create_participant(), create_participant()]
    for person in holders:
        enrol(project, person, EnrolmentStatus.ACCEPTED)
    later = create_participant()
    first_in_line = create_participant(preferred_language="en")
    enrol(project, later, EnrolmentStatus.WAITLISTED, at=datetime(2026, 2, 3, tzinfo=UTC))
    enrol(project, first_in_line, EnrolmentStatus.WAITLISTED, at=datetime(2026, 2, 2, tzinfo=UTC))
    login_as(holders[0])
    mine = db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == holders[0].id))
    assert client.post_form(f"/me/enrolments/{mine.id}/withdraw").status_code == 302
    statuses = {e.participant_id: e.status for e in db.session.scalars(db.select(Enrolment))}
    assert statuses[holders[0].id] == EnrolmentStatus.WITHDRAWN
    assert statuses[first_in_line.id] == EnrolmentStatus.APPLIED
    assert statuses[later.id] == EnrolmentStatus.WAITLISTED
    assert "a place is free" in sms_to(db, first_in_line)[0]


def test_accepting_from_the_waitlist_never_overfills(
    client, login_as, staff, db, project, enrol, create_participant
):
    for _ in range(2):
        enrol(project, create_participant(), EnrolmentStatus.ACCEPTED)
    waiting = enrol(project, create_participant(), EnrolmentStatus.WAITLISTED)
    login_as(staff)
    page = client.post_form(f"/staff/enrolments/{waiting.id}/accept", follow_redirects=True)
    assert "Il progetto è pieno" in page.get_data(as_text=True)
    assert db.session.get(Enrolment, waiting.id).status == EnrolmentStatus.WAITLISTED


def test_a_decision_that_does_not_fit_is_refused(
    client, login_as, staff, db, project, enrol, create_participant
):
    declined = enrol(project, create_participant(), EnrolmentStatus.DECLINED)
    login_as(staff)
    page = client.post_form(f"/staff/enrolments/{declined.id}/accept", follow_redirects=True)
    assert "non è possibile" in page.get_data(as_text=True)
    assert client.post_form(f"/staff/enrolments/{declined.id}/promote").status_code == 404


def test_participants_only_withdraw_their_own_enrolments(
    client, login_as, db, project, enrol, create_participant
):
    theirs = enrol(project, create_participant())
    login_as(create_participant())
    assert client.post_form(f"/me/enrolments/{theirs.id}/withdraw").status_code == 404


def test_requests_of_another_municipality_are_not_found(
    client, login_as, create_user, other_municipality, db, project, enrol, create_participant
):
    enrolment = enrol(project, create_participant())
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.get(f"/staff/projects/{project.id}/requests").status_code == 404
    assert client.post_form(f"/staff/enrolments/{enrolment.id}/accept").status_code == 404
