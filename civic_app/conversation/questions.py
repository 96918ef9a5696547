"""The questions a person may be answering: what we asked them by SMS, still open.

A reminder asks "will you come?" until its session starts, an offer asks "do you take
the place?" until it lapses (or is answered), an event invitation asks until the event.
Each outgoing question is a Message with its `question` and `expires_at`; it is open once
it left the outbox (the person may have read it) and until it expires. A 1/2 answers the
only open question; with two open, the engine asks which one.
"""

from dataclasses import dataclass
from datetime import datetime

from civic_app.events.models import CommunityEvent
from civic_app.extensions import db
from civic_app.projects.models import ProjectSession, SessionOffer
from civic_app.sms.models import LEFT_THE_OUTBOX, Direction, Message, Question


@dataclass(frozen=True)
class OpenQuestion:
    kind: Question
    subject_id: int  #: the session, the offer or the event
    asked_at: datetime
    #: When what it asks about begins (the session or event) or the offer's session.
    starts_at: datetime


def open_questions(phone: str, now: datetime) -> list[OpenQuestion]:
    """The questions open for `phone` at `now`, newest first, one per subject."""
    rows = db.session.execute(
        db.select(Message.question, Message.subject_id, Message.created_at)
        .where(
            Message.phone == phone,
            Message.direction == Direction.OUT,
            Message.question.is_not(None),
            Message.status.in_(LEFT_THE_OUTBOX),
            Message.expires_at > now,
        )
        .order_by(Message.id.desc())
    ).all()
    found: dict[tuple[str, int], OpenQuestion] = {}
    for question, subject_id, asked_at in rows:
        key = (question, subject_id)
        if key in found or subject_id is None:
            continue
        starts_at = _starts_at(Question(question), subject_id)
        if starts_at is not None:
            found[key] = OpenQuestion(Question(question), subject_id, asked_at, starts_at)
    return list(found.values())


def _starts_at(kind: Question, subject_id: int) -> datetime | None:
    """When the subject begins, or None when the question no longer stands (an offer
    already answered or lapsed, a session or event cancelled)."""
    if kind is Question.SESSION:
        session = db.session.get(ProjectSession, subject_id)
        return session.starts_at if session and session.status == "scheduled" else None
    if kind is Question.OFFER:
        offer = db.session.get(SessionOffer, subject_id)
        if offer is None or offer.status != "open":
            return None
        return db.session.get(ProjectSession, offer.session_id).starts_at
    event = db.session.get(CommunityEvent, subject_id)
    return event.starts_at if event and event.status == "scheduled" else None


def lapsed_offer(phone: str, now: datetime, within) -> bool:
    """Whether an offer was sent to `phone` within `within` and is no longer open: a late
    YES to it gets "too late" rather than silence."""
    return (
        db.session.scalar(
            db.select(Message.id).where(
                Message.phone == phone,
                Message.question == Question.OFFER,
                Message.status.in_(LEFT_THE_OUTBOX),
                Message.created_at > now - within,
            )
        )
        is not None
    )
