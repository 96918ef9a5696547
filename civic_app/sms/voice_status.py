"""What became of a call: Twilio's status callback, signed like /sms/status, applied once.

An answered call is delivered. A call nobody answered (no-answer, busy) goes back to the
outbox VOICE_MAX_ATTEMPTS times at most, VOICE_RETRY_MINUTES later and never in the
quiet hours; after that, or when the call failed, the same message goes once by SMS
(VOICE_FALLBACK_SMS), which answers to 1/2 as any reminder does. Each call's outcome is
kept in the message's meta ("calls": {CallSid: status}), so a repeated callback, or a late
one for an earlier call, changes nothing.
"""

import logging
from datetime import datetime, timedelta

from flask import Response, abort, current_app, request

from civic_app.core.clock import now
from civic_app.extensions import csrf, db, limiter
from civic_app.sms import bp
from civic_app.sms.models import Message, Status
from civic_app.sms.quiet import not_before
from civic_app.sms.voice import call_sid, signed_call
from civic_app.sms.webhooks import STATUS_RANK, check_signature, webhook_limit

log = logging.getLogger(__name__)

#: Twilio's CallStatus values; the last four end a call.
CALL_STATUSES = frozenset(
    {"queued", "initiated", "ringing", "in-progress", "completed", "busy", "no-answer",
     "failed", "canceled"}
)  # fmt: skip
NOT_ANSWERED = frozenset({"busy", "no-answer"})
FINAL = NOT_ANSWERED | {"completed", "failed", "canceled"}


@bp.route("/voice/status", methods=["POST"])
@csrf.exempt
@limiter.limit(webhook_limit)
def call_status():
    check_signature()
    sid = call_sid()
    status = request.form.get("CallStatus", "")
    if not sid or status not in CALL_STATUSES:
        abort(400)
    message = signed_call()
    if message is None:
        return Response(status=204)
    # One callback at a time per message: a retry is queued once.
    message = db.session.scalar(
        db.select(Message).where(Message.id == message.id).with_for_update()
    )
    apply_call_status(message, sid, status, now())
    db.session.commit()
    return Response(status=204)


def apply_call_status(message: Message, sid: str, status: str, at: datetime) -> None:
    """Record what became of call `sid` of `message` (flushes)."""
    meta = dict(message.meta or {})
    calls = dict(meta.get("calls") or {})
    if calls.get(sid) in FINAL:
        return  # applied already
    if sid not in calls and message.provider_sid not in (None, sid):
        return  # not this message's call in progress
    if message.provider_sid is None and sid not in calls:
        if message.status not in (Status.SENDING, Status.UNKNOWN):
            return
        # Twilio took it though we never heard back: it went, once; now we know its SID.
        message.provider_sid, message.sent_at = sid, message.sent_at or at
        message.status = Status.SENT
    calls[sid] = status
    message.meta = {**meta, "calls": calls}
    message.updated_at = at
    if status == "completed":
        if STATUS_RANK[Status.DELIVERED] > STATUS_RANK.get(message.status, 0):
            message.status = Status.DELIVERED
    elif status in NOT_ANSWERED:
        _not_answered(message, status, len(calls), at)
    elif status in FINAL:
        _give_up(message, status, at)
    db.session.flush()


def _not_answered(message: Message, status: str, calls: int, at: datetime) -> None:
    config = current_app.config
    retry_at = not_before(at + timedelta(minutes=config["VOICE_RETRY_MINUTES"]), _place(message))
    expired = message.expires_at is not None and retry_at >= message.expires_at
    if calls > config["VOICE_MAX_ATTEMPTS"] or expired:
        _give_up(message, status, at)
        return
    # Back in the outbox: the dispatcher calls again (its SID was kept in meta).
    message.status, message.provider_sid = Status.QUEUED, None
    message.error_code, message.next_attempt_at = status, retry_at
    log.info("call %s: %s, tried again at %s", message.id, status, retry_at.isoformat())


def _give_up(message: Message, status: str, at: datetime) -> None:
    message.status, message.error_code = Status.FAILED, status[:20]
    if current_app.config["VOICE_FALLBACK_SMS"]:
        fall_back_to_sms(message, at)


def fall_back_to_sms(message: Message, at: datetime) -> Message | None:
    """The call's message, once, by SMS (the text it was queued with). Flushes."""
    from civic_app.core.accounts import User
    from civic_app.sms.operations import queue_sms

    if message.expires_at is not None and message.expires_at <= at:
        return None
    user = db.session.get(User, message.user_id) if message.user_id else None
    subject = (message.subject_type, message.subject_id) if message.subject_type else None
    return queue_sms(
        phone=message.phone, body=message.body, kind=message.kind, now=at, user=user,
        municipality_id=message.municipality_id, urgent=message.urgent,
        idempotency_key=f"voice-sms:{message.id}", subject=subject,
        question=message.question, expires_at=message.expires_at, channel="sms",
    )  # fmt: skip


def _place(message: Message):
    from civic_app.core.models import Municipality

    return (
        db.session.get(Municipality, message.municipality_id) if message.municipality_id else None
    )
