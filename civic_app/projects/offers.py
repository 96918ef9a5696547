"""Backfilling from the waitlist: a NO to a reminder frees a place at that session.

The first person on the project's waitlist gets an SMS offer; the first YES within the
offer time (OFFER_MINUTES) takes the place. When an offer expires or is refused, the
next person is asked. These flush; callers commit.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func

from civic_app.extensions import db
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    ProjectSession,
    Rsvp,
    SessionOffer,
    SessionStatus,
)
from civic_app.sms.operations import queue_sms
from civic_app.sms.templates import render_sms, sms_when

#: A YES this long after an offer that passed to someone else still gets "too late".
LATE_REPLY = timedelta(days=1)


def places_free(session: ProjectSession) -> int:
    """Free places at this session: capacity, less the accepted who did not say NO and the
    offers taken."""
    accepted = db.session.scalar(
        db.select(func.count(Enrolment.id)).where(
            Enrolment.project_id == session.project_id, Enrolment.status == EnrolmentStatus.ACCEPTED
        )
    )
    said_no = db.session.scalar(
        db.select(func.count(Rsvp.id)).where(Rsvp.session_id == session.id, Rsvp.coming.is_(False))
    )
    taken = db.session.scalar(
        db.select(func.count(SessionOffer.id)).where(
            SessionOffer.session_id == session.id, SessionOffer.status == "accepted"
        )
    )
    return session.project.capacity - accepted + said_no - taken


def offer_freed_place(session: ProjectSession, now: datetime) -> SessionOffer | None:
    """Offer a free place at `session` to the next on the waitlist (none open already)."""
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= now:
        return None
    if places_free(session) <= 0:
        return None
    if db.session.scalar(
        db.select(SessionOffer.id).where(
            SessionOffer.session_id == session.id, SessionOffer.status == "open"
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
    minutes = current_app.config["OFFER_MINUTES"]
    offer = SessionOffer(
        session_id=session.id,
        participant_id=enrolment.participant_id,
        municipality_id=session.municipality_id,
        offered_at=now,
        expires_at=min(now + timedelta(minutes=minutes), session.starts_at),
        status="open",
    )
    db.session.add(offer)
    db.session.flush()
    person = enrolment.participant
    language = person.preferred_language
    when = sms_when(session.starts_at, language)
    queue_sms(
        phone=person.phone,
        body=render_sms(
            "offer",
            language,
            when=when,
            project=session.project.text(language)[0][:40],
            minutes=minutes,
        ),  # fmt: skip
        kind="offer",
        now=now,
        user=person,
        urgent=True,  # it expires: quiet hours would make it useless
        idempotency_key=f"offer:{offer.id}",
        subject=("session", session.id),
    )
    return offer


def answer_offer(user, yes: bool, now: datetime) -> str | None:
    """A YES/NO to an open offer: the template of the reply, or None if there is no offer."""
    offer = db.session.scalar(
        db.select(SessionOffer)
        .where(SessionOffer.participant_id == user.id, SessionOffer.offered_at > now - LATE_REPLY)
        .order_by(SessionOffer.id.desc())
        .limit(1)
    )
    if offer is None or offer.status in ("accepted", "declined"):
        return None
    if offer.status != "open":
        return "offer_too_late" if yes else None
    session = db.session.get(ProjectSession, offer.session_id)
    if offer.expires_at <= now:
        offer.status = "expired"
        offer_freed_place(session, now)
        return "offer_too_late"
    if not yes:
        offer.status = "declined"
        offer_freed_place(session, now)
        return "rsvp_no"
    if places_free(session) <= 0:
        offer.status = "taken"
        return "offer_too_late"
    offer.status = "accepted"
    rsvp = db.session.scalar(
        db.select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.participant_id == user.id)
    )
    if rsvp is None:
        rsvp = Rsvp(
            session_id=session.id, participant_id=user.id, municipality_id=user.municipality_id
        )
        db.session.add(rsvp)
    rsvp.coming, rsvp.answered_at, rsvp.source = True, now, "sms"
    db.session.flush()
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
