"""Queueing and receiving SMS. These flush; the caller commits with the change that caused them."""

from datetime import datetime

from sqlalchemy.exc import IntegrityError

from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.extensions import db
from civic_app.sms.models import Direction, Message, Status
from civic_app.sms.quiet import not_before
from civic_app.sms.routing import channel_for
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
    question: str | None = None,
    expires_at: datetime | None = None,
    channel: str | None = None,
) -> Message:
    """Add an outgoing message to the outbox; with a known `idempotency_key`, return that one.

    Non-urgent messages wait for the end of the municipality's quiet hours. A message
    that `expires_at` a moment it could not be sent before (the quiet hours last past
    it) is kept as cancelled ("expired") and never sent. `channel`: by default the one
    the person chose, where it can carry this kind (sms/routing.py).
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
    due = now if urgent else not_before(now, municipality)
    too_late = expires_at is not None and due >= expires_at
    message = Message(
        direction=Direction.OUT,
        phone=phone,
        body=body,
        kind=kind,
        channel=channel
        or channel_for(
            getattr(user, "channel", None), kind, getattr(user, "preferred_language", None)
        ),
        urgent=urgent,
        status=Status.CANCELLED if too_late else Status.QUEUED,
        error_code="expired" if too_late else None,
        idempotency_key=idempotency_key,
        next_attempt_at=due,
        user_id=getattr(user, "id", None),
        municipality_id=municipality_id,
        created_at=now,
        segments=count_segments(body).segments,
        subject_type=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        question=question,
        expires_at=expires_at,
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


def record_inbound(
    *,
    phone: str,
    body: str,
    now: datetime,
    provider_sid: str | None = None,
    channel: str = "sms",
):
    """Record an inbound message; returns (inbound, user, new). Flushes.

    `phone` is the plain E.164 number whatever the `channel` it came by (a WhatsApp
    `whatsapp:+39…` sender is +39…): accounts, opt-outs and conversations are per number.

    A MessageSid seen before is applied once: the second call returns the first row with
    `new` False, and nothing is recorded. Answering it is the conversation engine's work.
    """
    if provider_sid is not None:
        seen = db.session.scalar(db.select(Message).where(Message.provider_sid == provider_sid))
        if seen is not None:
            return seen, None, False
    user = db.session.scalar(db.select(User).where(User.phone == phone))
    inbound = Message(
        direction=Direction.IN,
        phone=phone,
        body=body[:1600],
        kind="inbound",
        channel=channel,
        status=Status.RECEIVED,
        provider_sid=provider_sid,
        user_id=getattr(user, "id", None),
        municipality_id=getattr(user, "municipality_id", None),
        created_at=now,
        segments=count_segments(body[:1600]).segments,
    )
    db.session.add(inbound)
    db.session.flush()
    return inbound, user, True


def queue_many(rows: list[dict], now: datetime) -> int:
    """Queue many messages at once; rows whose idempotency key exists already are skipped.

    Each row: phone, body, kind, idempotency_key, and optionally user_id,
    municipality_id, subject (type, id), urgent, question, expires_at (see queue_sms: a
    row that could only be sent after it expires is kept as cancelled). Returns how many
    were queued. Flushes.
    """
    if not rows:
        return 0
    keys = [row["idempotency_key"] for row in rows]
    existing = set()
    for start in range(0, len(keys), 1000):
        existing.update(
            db.session.scalars(
                db.select(Message.idempotency_key).where(
                    Message.idempotency_key.in_(keys[start : start + 1000])
                )
            )
        )
    places = {m.id: m for m in db.session.scalars(db.select(Municipality))}
    chosen = _chosen_channels({row.get("user_id") for row in rows} - {None})
    # Many rows share a text (a session's reminder in one language) and a municipality:
    # count segments and quiet hours once each.
    segments: dict[str, int] = {}
    due_at: dict[int | None, datetime] = {}
    fresh, seen = [], set()
    for row in rows:
        key = row["idempotency_key"]
        if key in existing or key in seen:
            continue
        seen.add(key)
        subject = row.get("subject")
        urgent = row.get("urgent", False)
        place_id = row.get("municipality_id")
        if row["body"] not in segments:
            segments[row["body"]] = count_segments(row["body"]).segments
        if not urgent and place_id not in due_at:
            due_at[place_id] = not_before(now, places.get(place_id))
        due = now if urgent else due_at[place_id]
        expires_at = row.get("expires_at")
        too_late = expires_at is not None and due >= expires_at
        fresh.append(
            {
                "direction": Direction.OUT,
                "status": Status.CANCELLED if too_late else Status.QUEUED,
                "error_code": "expired" if too_late else None,
                "question": row.get("question"),
                "expires_at": expires_at,
                "phone": row["phone"],
                "body": row["body"],
                "kind": row["kind"],
                "channel": row.get("channel") or _channel(chosen, row),
                "urgent": urgent,
                "idempotency_key": key,
                "user_id": row.get("user_id"),
                "municipality_id": row.get("municipality_id"),
                "subject_type": subject[0] if subject else None,
                "subject_id": subject[1] if subject else None,
                "segments": segments[row["body"]],
                "next_attempt_at": due,
                "created_at": now,
                "updated_at": now,
                "attempts": 0,
                "needs_attention": False,
            }
        )
    if fresh:
        # A Core insert of the table: the ORM's bulk path costs twice the Python per row
        # (100,000 reminders on a busy evening).
        db.session.execute(Message.__table__.insert(), fresh)
    return len(fresh)


def cancel_queued(subject: tuple[str, int], kinds: tuple[str, ...], reason: str, now) -> int:
    """Cancel the messages about `subject` still waiting in the outbox (e.g. the reminders
    of a session that moved or was cancelled). Flushes; returns how many."""
    result = db.session.execute(
        db.update(Message)
        .where(
            Message.subject_type == subject[0],
            Message.subject_id == subject[1],
            Message.kind.in_(kinds),
            Message.status == Status.QUEUED,
        )
        .values(status=Status.CANCELLED, error_code=reason, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _channel(chosen: dict[int, tuple[str, str]], row: dict) -> str:
    preferred, language = chosen.get(row.get("user_id"), (None, None))
    return channel_for(preferred, row["kind"], language)


def _chosen_channels(user_ids: set[int]) -> dict[int, tuple[str, str]]:
    """The channel and language of each of these people who chose another channel than
    SMS (few do)."""
    chosen: dict[int, tuple[str, str]] = {}
    ids = sorted(user_ids)
    for start in range(0, len(ids), 1000):
        for user_id, channel, language in db.session.execute(
            db.select(User.id, User.channel, User.preferred_language).where(
                User.id.in_(ids[start : start + 1000]), User.channel != "sms"
            )
        ):
            chosen[user_id] = (channel, language)
    return chosen
