import re
from datetime import UTC, datetime, timedelta

import pytest

from civic_app.plans.reminders import sweep
from civic_app.projects.models import EnrolmentStatus, Rsvp, SessionOffer
from civic_app.projects.offers import expire_offers
from civic_app.sms.models import Direction, Message

START = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def full_session(db, project, create_participant, enrol, clock):
    """A full project (2 places) with two on the waitlist, and a session tomorrow."""
    from civic_app.projects.models import ProjectSession

    holders = [create_participant(phone=f"+39347100000{n}") for n in range(2)]
    for person in holders:
        enrol(project, person, EnrolmentStatus.ACCEPTED)
    first = create_participant(phone="+393471000010", preferred_language="en")
    second = create_participant(phone="+393471000011")
    enrol(project, first, EnrolmentStatus.WAITLISTED, at=datetime(2026, 2, 2, tzinfo=UTC))
    enrol(project, second, EnrolmentStatus.WAITLISTED, at=datetime(2026, 2, 3, tzinfo=UTC))
    session = ProjectSession(
        project_id=project.id, municipality_id=project.municipality_id,
        starts_at=START, ends_at=START + timedelta(hours=3), local_weekday=3,
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return session, holders, first, second


def replies_to(db, person):
    return [
        m.body
        for m in db.session.scalars(
            db.select(Message)
            .where(Message.phone == person.phone, Message.direction == Direction.OUT)
            .order_by(Message.id)
        )
    ]


def test_a_no_frees_the_place_and_the_first_yes_on_the_waitlist_takes_it(
    text, db, app, full_session, clock, client, login_as, create_user, deliver
):
    session, holders, first, second = full_session
    with app.test_request_context():
        sweep(clock.now())  # reminders for tomorrow's session
    db.session.commit()
    deliver()
    text(holders[0].phone, "2")  # NO
    deliver()
    offer = db.session.scalar(db.select(SessionOffer))
    assert offer.participant_id == first.id and offer.status == "open"
    assert "Want it? 1=YES within 120 min" in replies_to(db, first)[-1]
    assert replies_to(db, second) == []
    text(first.phone, "yes")
    assert db.session.get(SessionOffer, offer.id).status == "accepted"
    # Taking the place makes them expected at that session: the reply says when and where.
    assert replies_to(db, first)[-1].startswith("The place is yours: Thu 5/03 10:00, ")
    rsvp = db.session.scalar(db.select(Rsvp).where(Rsvp.participant_id == first.id))
    assert rsvp.coming and rsvp.session_id == session.id
    # The tutor's roster has them, as confirmed.
    from civic_app.core.permissions import Role

    tutor = create_user(Role.TUTOR)
    session.project.tutors = [tutor]
    db.session.commit()
    login_as(tutor)
    roster = client.get(f"/tutor/sessions/{session.id}").get_data(as_text=True)
    # Tomorrow's roster also carries its form dormant in a <template> for the phone.
    shown = re.sub(r"<template.*?</template>", "", roster, flags=re.S)
    assert first.first_name in shown and shown.count("ha confermato") == 1


def test_an_unanswered_offer_passes_to_the_next_person(text, db, app, full_session, clock, deliver):
    session, holders, first, second = full_session
    with app.test_request_context():
        sweep(clock.now())
    db.session.commit()
    deliver()
    text(holders[1].phone, "NO")
    deliver()
    clock.advance(minutes=121)
    with app.test_request_context():
        assert expire_offers(clock.now()) == 1
    db.session.commit()
    deliver()
    offers = db.session.scalars(db.select(SessionOffer).order_by(SessionOffer.id)).all()
    assert [(o.participant_id, o.status) for o in offers] == [
        (first.id, "expired"),
        (second.id, "open"),
    ]
    text(first.phone, "yes")  # too late now
    assert "already" in replies_to(db, first)[-1] or "taken" in replies_to(db, first)[-1]
    text(second.phone, "si")
    assert db.session.get(SessionOffer, offers[1].id).status == "accepted"


def test_no_offer_without_a_free_place_or_a_waitlist(text, db, app, full_session, clock, deliver):
    session, holders, first, second = full_session
    with app.test_request_context():
        sweep(clock.now())
    db.session.commit()
    deliver()
    text(holders[0].phone, "2")
    deliver()
    text(first.phone, "1")  # takes it
    text(holders[0].phone, "2")  # the same NO again frees nothing new
    assert db.session.scalar(db.select(db.func.count(SessionOffer.id))) == 1
