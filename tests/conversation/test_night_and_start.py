"""Nothing about a session after it began; offers wait for the morning and their window
starts when they are sent; with no time left, staff are told instead of anyone woken."""

from datetime import UTC, datetime, timedelta

from civic_app.projects.models import EnrolmentStatus, ProjectSession, SessionOffer
from civic_app.projects.offers import expire_offers
from civic_app.sms.models import Message, Question, Status
from civic_app.sms.operations import queue_sms
from tests.conversation.conftest import replies


def make_session(db, project, starts_at):
    session = ProjectSession(
        project_id=project.id, municipality_id=project.municipality_id,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), local_weekday=4,
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return session


def reminders_of(db, person):
    return [m for m in replies(db, person.phone) if m.kind == "reminder"]


def test_a_reminder_the_quiet_hours_would_push_past_the_start_is_never_sent(
    db, project, create_participant, enrol, remind, clock
):
    person = create_participant(phone="+393473000001")
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    # 07:00 in Rome: the 2 h reminder falls at 05:00, inside the quiet hours until 08:00.
    session = make_session(db, project, datetime(2026, 3, 5, 6, 0, tzinfo=UTC))
    remind()  # 10:00 the day before: the 24 h reminder goes
    assert [m.status for m in reminders_of(db, person)] == [Status.SENT]
    clock.advance(hours=19, minutes=30)  # 05:30 in Rome, 90 minutes before the start
    remind()
    late = reminders_of(db, person)[-1]
    assert late.idempotency_key.endswith(":h2:v0")
    assert (late.status, late.error_code) == (Status.CANCELLED, "expired")
    clock.advance(hours=3)  # past the quiet hours: still nothing goes
    remind()
    assert [m.status for m in reminders_of(db, person)] == [Status.SENT, Status.CANCELLED]
    assert session.starts_at < clock.now()


def test_the_dispatcher_refuses_a_reminder_whose_session_has_begun(db, deliver, clock):
    starts_at = clock.now() + timedelta(minutes=30)
    message = queue_sms(
        phone="+393473000002", body="Domani?", kind="reminder", now=clock.now(),
        idempotency_key="reminder:test", question=Question.SESSION, expires_at=starts_at,
        urgent=True,
    )  # fmt: skip
    db.session.commit()
    clock.advance(minutes=31)  # the dispatcher was late: the session began
    deliver()
    message = db.session.get(Message, message.id)
    assert (message.status, message.error_code) == (Status.CANCELLED, "expired")


def go_to(clock, moment):
    clock.advance(seconds=(moment - clock.now()).total_seconds())


def _night_no(db, project, create_participant, enrol, remind, clock, text, starts_at):
    """Two accepted and one waiting; the 24 h reminder in the day; a NO at 22:30."""
    holders = [create_participant(phone=f"+39347300010{n}") for n in (1, 2)]
    for person in holders:
        enrol(project, person, EnrolmentStatus.ACCEPTED)
    waiting = create_participant(phone="+393473000109", preferred_language="en")
    enrol(project, waiting, EnrolmentStatus.WAITLISTED)
    session = make_session(db, project, starts_at)
    go_to(clock, max(clock.now(), starts_at - timedelta(hours=24)))
    remind()  # the 24 h reminder, sent in the day
    go_to(clock, datetime(2026, 3, 4, 21, 30, tzinfo=UTC))  # 22:30 in Rome
    text(holders[0].phone, "2")
    return session, waiting


def test_a_place_freed_at_night_is_offered_in_the_morning_with_a_full_window(
    db, project, create_participant, enrol, remind, clock, text, deliver, app
):
    session, waiting = _night_no(db, project, create_participant, enrol, remind, clock, text,
                                 datetime(2026, 3, 5, 14, 0, tzinfo=UTC))  # fmt: skip
    offer = db.session.scalar(db.select(SessionOffer))
    assert offer.participant_id == waiting.id and offer.status == "open"
    assert offer.offered_at == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)  # 08:00 in Rome
    assert offer.expires_at == offer.offered_at + timedelta(minutes=120)
    deliver()
    assert replies(db, waiting.phone)[-1].status == Status.QUEUED  # nobody woken
    clock.advance(hours=1)
    with app.test_request_context():
        assert expire_offers(clock.now()) == 0  # the window has not even started
    db.session.commit()
    go_to(clock, datetime(2026, 3, 5, 7, 1, tzinfo=UTC))  # 08:01 in Rome
    deliver()
    sms = replies(db, waiting.phone)[-1]
    assert sms.status == Status.SENT and "within 120 min" in sms.body


def test_with_no_time_left_staff_are_told_and_nobody_is_woken(
    db, project, create_participant, enrol, remind, clock, text, deliver, client, login_as, staff
):
    # 07:30 in Rome: the quiet hours last until 08:00, past the start.
    session, waiting = _night_no(db, project, create_participant, enrol, remind, clock, text,
                                 datetime(2026, 3, 5, 6, 30, tzinfo=UTC))  # fmt: skip
    offer = db.session.scalar(db.select(SessionOffer))
    assert offer.status == "no_time" and offer.participant_id == waiting.id
    assert replies(db, waiting.phone) == []
    login_as(staff)
    page = client.get(f"/staff/projects/{project.id}/requests").get_data(as_text=True)
    assert "troppo tardi per offrirlo via SMS" in page and waiting.first_name in page
