"""Backfilling from the waitlist: a NO to a reminder frees a place at that session.

The first person on the project's waitlist gets an SMS offer; the first YES within the
offer time (OFFER_MINUTES) takes the place. When an offer expires or is refused, the
next person is asked. These flush; callers commit.
"""

from datetime import datetime, timedelta

from flask import current_app

from civic_app.core.models import Municipality
from civic_app.extensions import db
from civic_app.projects.enrolments import answer_for_session, places_free
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    ProjectSession,
    SessionOffer,
    SessionStatus,
)
from civic_app.sms.models import Question
from civic_app.sms.operations import queue_sms
from civic_app.sms.quiet import not_before
from civic_app.sms.templates import render_sms, sms_when

#: A YES this long after an offer that lapsed still gets "too late".
LATE_REPLY = timedelta(days=1)


#: An offer is worth sending only this long before the session at the latest.
OFFER_LEAD = timedelta(minutes=30)


def offer_freed_place(session: ProjectSession, now: datetime) -> SessionOffer | None:
    """Offer a free place at `session` to the next on the waitlist (none open already).

    The offer waits for the end of the quiet hours like any SMS, and its window starts
    when it is sent. When there is no time left to ask anyone before the session (the
    night lasts until it, or it starts within OFFER_LEAD), nobody is woken: the offer is
    kept as `no_time` for staff to see on the project's requests page.
    """
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
        return None
    if places_free(session) <= 0:
        return None
    if db.session.scalar(
        db.select(SessionOffer.id).where(
            SessionOffer.session_id == session.id, SessionOffer.status.in_(("open", "no_time"))
        )
    ):
        return None
    asked = db.select(SessionOffer.participant_id).where(SessionOffer.session_id == session.id)
    enrolment = db.session.scalar(
        db.select(Enrolment)
        .where(
            Enrolment.project_id == session.project_id,
            Enrolment.status == EnrolmentStatus.WAITLISTED,
            Enrolment.participant_id.not_in(asked),
        )
        .order_by(Enrolment.requested_at, Enrolment.id)
        .limit(1)
    )
    if enrolment is None or not enrolment.participant.phone:
        return None
    send_at = not_before(now, db.session.get(Municipality, session.municipality_id))
    if send_at > session.starts_at - OFFER_LEAD:
        db.session.add(
            SessionOffer(
                session_id=session.id,
                participant_id=enrolment.participant_id,
                municipality_id=session.municipality_id,
                offered_at=now,
                expires_at=now,
                status="no_time",
            )
        )
        db.session.flush()
        return None
    expires_at = min(send_at + timedelta(minutes=current_app.config["OFFER_MINUTES"]),
                     session.starts_at)  # fmt: skip
    offer = SessionOffer(
        session_id=session.id,
        participant_id=enrolment.participant_id,
        municipality_id=session.municipality_id,
        offered_at=send_at,
        expires_at=expires_at,
        status="open",
    )
    db.session.add(offer)
    db.session.flush()
    person = enrolment.participant
    language = person.preferred_language
    place = session.venue.address if session.venue else session.project.place
    queue_sms(
        phone=person.phone,
        body=render_sms(
            "offer",
            language,
            when=sms_when(session.starts_at, language),
            project=session.project.text(language)[0][:40],
            place=(place or "-")[:40],
            minutes=int((expires_at - send_at).total_seconds() // 60),
        ),  # fmt: skip
        kind="offer",
        now=now,
        user=person,
        idempotency_key=f"offer:{offer.id}",
        subject=("offer", offer.id),
        question=Question.OFFER,
        expires_at=expires_at,
    )
    return offer


def answer_offer(offer: SessionOffer, yes: bool, now: datetime) -> str:
    """A YES/NO to `offer`: the template of the reply (offer_taken: the person is now
    expected at the session)."""
    session = db.session.get(ProjectSession, offer.session_id)
    if offer.status != "open":
        return "offer_too_late" if yes else "rsvp_no"
    if offer.expires_at <= now:
        offer.status = "expired"
        db.session.flush()
        offer_freed_place(session, now)
        return "offer_too_late"
    if not yes:
        offer.status = "declined"
        db.session.flush()
        offer_freed_place(session, now)
        return "rsvp_no"
    if places_free(session) <= 0:
        offer.status = "taken"
        db.session.flush()
        return "offer_too_late"
    offer.status = "accepted"
    answer_for_session(session, offer.participant_id, True, now, "sms")
    return "offer_taken"


def expire_offers(now: datetime) -> int:
    """Close the offers nobody answered in time, and ask the next person."""
    stale = db.session.scalars(
        db.select(SessionOffer).where(SessionOffer.status == "open", SessionOffer.expires_at <= now)
    ).all()
    for offer in stale:
        offer.status = "expired"
        db.session.flush()
        offer_freed_place(db.session.get(ProjectSession, offer.session_id), now)
    return len(stale)
