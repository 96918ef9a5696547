"""Queueing and receiving SMS. These flush; the caller commits with the change that caused them."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from civic_app.core.models import Municipality
from civic_app.extensions import db
from civic_app.sms.models import Direction, Message, Status
from civic_app.sms.quiet import not_before
from civic_app.sms.segments import count_segments


def queue_sms(
    *,
    phone: str,
    body: str,
    kind: str,
    now: datetime,
    user=None,
    municipality_id: int | None = None,
    urgent: bool = False,
    idempotency_key: str | None = None,
    subject: tuple[str, int] | None = None,
) -> Message:
    """Add an outgoing message to the outbox; with a known `idempotency_key`, return that one.

    Non-urgent messages wait for the end of the municipality's quiet hours.
    """
    if idempotency_key is not None:
        existing = db.session.scalar(
            db.select(Message).where(Message.idempotency_key == idempotency_key)
        )
        if existing is not None:
            return existing
    if municipality_id is None:
        municipality_id = getattr(user, "municipality_id", None)
    municipality = db.session.get(Municipality, municipality_id) if municipality_id else None
    message = Message(
        direction=Direction.OUT,
        phone=phone,
        body=body,
        kind=kind,
        urgent=urgent,
        status=Status.QUEUED,
        idempotency_key=idempotency_key,
        next_attempt_at=now if urgent else not_before(now, municipality),
        user_id=getattr(user, "id", None),
        municipality_id=municipality_id,
        created_at=now,
        segments=count_segments(body).segments,
        subject_type=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
    )
    if idempotency_key is None:
        db.session.add(message)
        db.session.flush()
        return message
    # Another transaction may queue the same key at the same moment: the unique
    # index decides, and the loser returns the winner's row.
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        return db.session.scalar(
            db.select(Message).where(Message.idempotency_key == idempotency_key)
        )
    return message


def receive_sms(*, phone: str, body: str, now: datetime, provider_sid: str | None = None):
    """Record an inbound message and answer it; returns (inbound, replies).

    A MessageSid seen before is applied once: the second call returns the first row
    and no reply.
    """
    from civic_app.people.models import User
    from civic_app.sms.conversation import answer

    if provider_sid is not None:
        seen = db.session.scalar(db.select(Message).where(Message.provider_sid == provider_sid))
        if seen is not None:
            return seen, []
    user = db.session.scalar(db.select(User).where(User.phone == phone))
    inbound = Message(
        direction=Direction.IN,
        phone=phone,
        body=body[:1600],
        kind="inbound",
        status=Status.RECEIVED,
        provider_sid=provider_sid,
        user_id=getattr(user, "id", None),
        municipality_id=getattr(user, "municipality_id", None),
        created_at=now,
        segments=count_segments(body[:1600]).segments,
    )
    db.session.add(inbound)
    db.session.flush()
    replies = answer(inbound, user, now)
    return inbound, replies
