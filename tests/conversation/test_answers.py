"""A 1/2 answers the open question it is for, never an expired or an older one; a late
YES never overbooks; who is expected is one thing everywhere."""

from datetime import timedelta

from civic_app.projects.enrolments import expected_ids, next_expected_session, places_free
from civic_app.projects.models import Enrolment, EnrolmentStatus, Rsvp, SessionOffer
from civic_app.projects.offers import offer_freed_place
from civic_app.sms.models import Question
from civic_app.sms.templates import render_sms
from tests.conversation.conftest import last_reply, replies


def rsvp_of(db, session, person):
    return db.session.scalar(
        db.select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.participant_id == person.id)
    )


def test_a_yes_to_this_mornings_reminder_is_not_eaten_by_last_nights_expired_offer(
    db, app, world, text, remind, deliver, clock, project, create_participant, enrol
):
    session, waiting = world["session"], world["waiting"]
    # Last night an offer for another session went to the waiting person, and lapsed.
    other = session.__class__(
        project_id=project.id, municipality_id=project.municipality_id,
        starts_at=clock.now() + timedelta(hours=2), ends_at=clock.now() + timedelta(hours=4),
        local_weekday=3,
    )  # fmt: skip
    db.session.add(other)
    db.session.commit()
    with app.test_request_context():
        db.session.add(
            Rsvp(session_id=other.id, participant_id=world["holders"][0].id, coming=False,
                 municipality_id=project.municipality_id, source="sms",
                 answered_at=clock.now())
        )  # fmt: skip
        offer = offer_freed_place(other, clock.now())
    db.session.commit()
    deliver()
    assert offer is not None and offer.participant_id == waiting.id
    clock.advance(hours=3)  # the offer lapsed, its session is over
    # Then staff accept the waiting person, and tomorrow's reminder reaches them.
    row = db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == waiting.id))
    row.status = EnrolmentStatus.ACCEPTED
    db.session.commit()
    clock.advance(hours=1)
    remind()
    text(waiting.phone, "yes")
    assert rsvp_of(db, session, waiting).coming is True
    assert last_reply(db, waiting.phone) == "Thank you, see you there!"


def test_with_an_offer_and_a_reminder_open_a_reply_asks_which_one(
    db, app, world, text, remind, deliver, clock, project, create_participant, enrol
):
    session, holders = world["session"], world["holders"]
    # holders[1] is also on the waiting list of another project, offered a place there.
    other_project = type(project)(
        municipality_id=project.municipality_id, title="Sportello", description="-",
        sector=project.sector, status=project.status, capacity=1,
        start_date=project.start_date, end_date=project.end_date,
    )  # fmt: skip
    db.session.add(other_project)
    db.session.commit()
    keeper = create_participant(phone="+393472000077")
    enrol(other_project, keeper, EnrolmentStatus.ACCEPTED)
    enrol(other_project, holders[1], EnrolmentStatus.WAITLISTED)
    other = session.__class__(
        project_id=other_project.id, municipality_id=project.municipality_id,
        starts_at=clock.now() + timedelta(hours=30), ends_at=clock.now() + timedelta(hours=32),
        local_weekday=4,
    )  # fmt: skip
    db.session.add(other)
    db.session.commit()
    remind()  # tomorrow's reminder to both holders (other is 30 h away: not yet)
    with app.test_request_context():
        db.session.add(
            Rsvp(session_id=other.id, participant_id=keeper.id, coming=False,
                 municipality_id=project.municipality_id, source="web",
                 answered_at=clock.now())
        )  # fmt: skip
        offer = offer_freed_place(other, clock.now())
    db.session.commit()
    deliver()
    assert offer.participant_id == holders[1].id
    text(holders[1].phone, "2")
    assert last_reply(db, holders[1].phone).startswith("Per quale rispondi? 1=")
    # Nothing was answered yet: neither the session nor the offer.
    assert rsvp_of(db, session, holders[1]) is None
    assert db.session.get(SessionOffer, offer.id).status == "open"
    text(holders[1].phone, "1")  # the first option: the offer, the newest question
    assert db.session.get(SessionOffer, offer.id).status == "declined"
    assert rsvp_of(db, session, holders[1]) is None


def test_a_late_yes_after_the_place_went_to_the_waiting_list_is_told_so(
    db, world, text, remind, deliver
):
    session, holders, waiting = world["session"], world["holders"], world["waiting"]
    remind()
    text(holders[0].phone, "2")  # NO: the place is offered to the waiting list
    deliver()
    text(waiting.phone, "1")  # takes it
    assert last_reply(db, waiting.phone).startswith("The place is yours: ")
    assert waiting.id in expected_ids(session)
    text(holders[0].phone, "1")  # changes their mind, too late
    assert "è andato a un'altra persona" in last_reply(db, holders[0].phone)
    assert rsvp_of(db, session, holders[0]).coming is False
    assert len(expected_ids(session)) == session.project.capacity
    assert places_free(session) == 0


def test_a_yes_after_a_no_takes_the_place_back_while_it_is_still_free(
    db, world, text, remind, deliver
):
    session, holders = world["session"], world["holders"]
    remind()
    text(holders[0].phone, "2")
    text(holders[0].phone, "1")  # the offer to the waiting list is still unanswered
    assert rsvp_of(db, session, holders[0]).coming is True
    deliver()
    text(world["waiting"].phone, "1")
    assert "already been taken" in last_reply(db, world["waiting"].phone) or "taken" in (
        last_reply(db, world["waiting"].phone)
    )
    assert len(expected_ids(session)) == 2


def test_an_applied_request_is_never_a_shift_and_a_taken_place_is(
    db, world, text, remind, deliver, create_participant, enrol
):
    session, holders, waiting = world["session"], world["holders"], world["waiting"]
    pending = create_participant(phone="+393472000055", preferred_language="en")
    request = enrol(world["project"], pending, EnrolmentStatus.APPLIED)
    text(pending.phone, "NEXT")
    # The request waits for staff: NEXT says so, never as a shift to go to.
    assert last_reply(db, pending.phone) == render_sms(
        "next_waiting", "en", project="Cura del parco"
    )
    assert pending.id not in expected_ids(session)
    remind()
    assert not [m for m in replies(db, pending.phone) if m.kind == "reminder"]
    # The request holds one of the project's places: a NO frees none while it waits.
    text(holders[0].phone, "2")
    assert places_free(session) == 0
    assert db.session.scalar(db.select(SessionOffer)) is None
    request.status = EnrolmentStatus.DECLINED
    db.session.commit()
    text(holders[0].phone, "2")  # the NO again: now the place is free and offered
    deliver()
    text(waiting.phone, "1")
    text(waiting.phone, "NEXT")
    assert last_reply(db, waiting.phone).startswith("Next shift: ")
    assert next_expected_session(waiting.id, session.starts_at - timedelta(hours=1)) == session
    assert next_expected_session(holders[0].id, session.starts_at - timedelta(hours=1)) is None


def test_a_reminder_reaches_whoever_took_a_freed_place(db, world, text, remind, deliver, clock):
    holders, waiting = world["holders"], world["waiting"]
    remind()  # the 24 h reminder
    text(holders[0].phone, "2")
    deliver()
    text(waiting.phone, "1")
    clock.advance(hours=21, minutes=30)  # 90 minutes before: the 2 h reminder is due
    remind()
    kinds = [(m.kind, m.question) for m in replies(db, waiting.phone)]
    assert ("reminder", Question.SESSION) in kinds
    assert not [m for m in replies(db, holders[0].phone) if m.kind == "reminder"][1:]
