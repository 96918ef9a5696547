"""Queueing and receiving SMS. These flush; the caller commits with the change that caused them."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from civic_app.extensions import db
from civic_app.sms.models import Direction, Message, Status
from civic_app.sms.templates import render_sms


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
) -> Message:
    """Add an outgoing message to the outbox; with a known `idempotency_key`, return that one."""
    if idempotency_key is not None:
        existing = db.session.scalar(
            db.select(Message).where(Message.idempotency_key == idempotency_key)
        )
        if existing is not None:
            return existing
    message = Message(
        direction=Direction.OUT,
        phone=phone,
        body=body,
        kind=kind,
        urgent=urgent,
        status=Status.QUEUED,
        idempotency_key=idempotency_key,
        next_attempt_at=now,
        user_id=getattr(user, "id", None),
        municipality_id=municipality_id
        if municipality_id is not None
        else getattr(user, "municipality_id", None),
        created_at=now,
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
    """Record an inbound message and queue the reply; returns (inbound, reply or None).

    A MessageSid seen before is applied once: the second call returns the first row.
    """
    from civic_app.people.models import User

    if provider_sid is not None:
        seen = db.session.scalar(db.select(Message).where(Message.provider_sid == provider_sid))
        if seen is not None:
            return seen, None
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
    )
    db.session.add(inbound)
    db.session.flush()
    language = user.preferred_language if user is not None else "it"
    reply = queue_sms(
        phone=phone,
        body=render_sms("help", language),
        kind="reply",
        now=now,
        user=user,
        idempotency_key=f"reply:{inbound.id}",
    )
    return inbound, reply
