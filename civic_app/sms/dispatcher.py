"""The dispatcher: sends due outbox rows through the gateway.

Each row is claimed (queued -> sending) and committed before the gateway is
called, and the answer is committed right after. A dispatcher that dies between
the two leaves the row in `sending`; `mark_stale_sending` turns it into
`unknown` rather than sending it again: a message may be lost to a crash at that
exact point (and is shown to staff), but it is never sent twice.
"""

import logging
import time
from datetime import datetime, timedelta

from sqlalchemy import update

from civic_app.extensions import db
from civic_app.sms.gateways import OPTED_OUT_CODES, GatewayError
from civic_app.sms.models import ESSENTIAL_KINDS, Direction, Message, Status
from civic_app.sms.optout import is_opted_out, opt_out
from civic_app.sms.quiet import not_before

log = logging.getLogger(__name__)

#: How long a row may stay in `sending` before its dispatcher is taken for dead.
STALE_SENDING_AFTER = timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


def backoff(attempts: int) -> timedelta:
    """Wait before try number `attempts + 1`: 30 s, 60 s, 120 s ... at most an hour."""
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


def _claim(message_id: int, now: datetime) -> bool:
    """Move one row from queued to sending; False when another dispatcher has it."""
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == Status.QUEUED)
        .values(
            status=Status.SENDING, attempts=Message.attempts + 1, updated_at=now, claimed_until=None
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def claim_batch(now: datetime, limit: int, lease: timedelta) -> list[int]:
    """Reserve up to `limit` due messages for this dispatcher for `lease`, in one transaction.

    On PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED, so dispatchers
    running at once take disjoint batches. A reserved row stays `queued`: if this
    dispatcher dies, the others take it up once the lease has passed.
    """
    query = (
        db.select(Message.id)
        .where(
            Message.direction == Direction.OUT,
            Message.status == Status.QUEUED,
            Message.next_attempt_at <= now,
            (Message.claimed_until.is_(None)) | (Message.claimed_until < now),
        )
        .order_by(Message.urgent.desc(), Message.next_attempt_at, Message.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = list(db.session.scalars(query))
    if not candidates:
        db.session.commit()
        return []
    claimed = db.session.scalars(
        update(Message)
        .where(
            Message.id.in_(candidates),
            Message.status == Status.QUEUED,
            (Message.claimed_until.is_(None)) | (Message.claimed_until < now),
        )
        .values(claimed_until=now + lease)
        .returning(Message.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed, key=candidates.index)


def send_one(message_id: int, gateway, now: datetime, max_attempts: int) -> Status | None:
    """Claim and send one message; returns its new status, or None if it was not ours."""
    if not _claim(message_id, now):
        return None
    message = db.session.get(Message, message_id)
    if _unwanted(message):
        message.status = Status.CANCELLED
        message.error_code = "opted_out"
        db.session.commit()
        return message.status
    try:
        result = gateway.send(message.phone, message.body)
    except GatewayError as exc:
        message.error_code = exc.code
        if exc.transient and message.attempts < max_attempts:
            message.status = Status.QUEUED
            retry_at = now + backoff(message.attempts)
            message.next_attempt_at = (
                retry_at if message.urgent else not_before(retry_at, _place(message))
            )
        else:
            message.status = Status.FAILED
            if exc.code in OPTED_OUT_CODES:
                # The provider says this number unsubscribed: our own list learns it too.
                opt_out(message.phone, "twilio_" + exc.code, now)
                log.info("message %s: recipient has unsubscribed at the provider", message.id)
        db.session.commit()
        log.warning("message %s not sent (%s, attempt %s)", message.id, exc.code, message.attempts)
        return message.status
    message.status = Status.SENT
    message.provider_sid = result.sid
    message.sent_at = now
    message.error_code = None
    db.session.commit()
    return message.status


#: Sent even to a number on the opt-out list: the codes someone asks for, and the
#: confirmation of their own STOP.
SENT_DESPITE_STOP = frozenset({"login_code", "stop_confirmation"})


def _unwanted(message: Message) -> bool:
    """Checked at send time: the number said STOP, or a non-essential message to someone
    who withdrew SMS consent."""
    if message.kind not in SENT_DESPITE_STOP and is_opted_out(message.phone):
        return True
    if message.urgent or message.kind in ESSENTIAL_KINDS or message.user_id is None:
        return False
    from civic_app.people.models import User

    opted_out = db.session.scalar(db.select(User.sms_opt_out_at).where(User.id == message.user_id))
    return opted_out is not None


def _place(message: Message):
    from civic_app.core.models import Municipality

    return (
        db.session.get(Municipality, message.municipality_id) if message.municipality_id else None
    )


def mark_stale_sending(now: datetime) -> int:
    result = db.session.execute(
        update(Message)
        .where(Message.status == Status.SENDING, Message.updated_at < now - STALE_SENDING_AFTER)
        .values(status=Status.UNKNOWN, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount:
        log.error(
            "%s message(s) left in sending by a dead dispatcher: marked unknown", result.rowcount
        )
    return result.rowcount


def dispatch_due(
    gateway,
    now: datetime,
    *,
    limit: int = 500,
    rate_per_second: float = 0,
    max_attempts: int = 6,
    sleep=time.sleep,
) -> int:
    """Send the due messages (up to `limit`), at most `rate_per_second`; return how many went."""
    mark_stale_sending(now)
    interval = 1.0 / rate_per_second if rate_per_second > 0 else 0.0
    lease = timedelta(seconds=60 + limit * interval)
    sent = 0
    last = None
    for message_id in claim_batch(now, limit, lease):
        if interval and last is not None:
            wait = interval - (time.monotonic() - last)
            if wait > 0:
                sleep(wait)
        last = time.monotonic()
        if send_one(message_id, gateway, now, max_attempts) == Status.SENT:
            sent += 1
    return sent


def deliver_after_response(message: Message) -> None:
    """Send `message` as soon as the current response has gone out (login codes).

    The row is already committed, so a crash here only delays it to the next
    dispatcher run; the claim makes sure it is sent once either way.
    """
    from flask import after_this_request, current_app

    from civic_app.core.clock import now
    from civic_app.sms.gateways import get_gateway

    app = current_app._get_current_object()
    message_id = message.id

    @after_this_request
    def hook(response):
        def send():
            with app.app_context():
                try:
                    send_one(message_id, get_gateway(), now(), app.config["SMS_MAX_ATTEMPTS"])
                except Exception:
                    log.exception("immediate delivery of message %s failed", message_id)
                finally:
                    db.session.remove()

        response.call_on_close(send)
        return response
