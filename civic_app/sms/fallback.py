"""A WhatsApp message that failed for good goes once by SMS, and the channel falls back.

Called by the dispatcher (the gateway refused it for good: "not a WhatsApp number",
63003, 21614 …) and by the status callback (Twilio took it, then it failed or was
undelivered). The SMS is a new row whose idempotency key is derived from the first
row's id, so that it is never queued twice, whoever learns of the failure and however
often. A number that unsubscribed gets nothing (the opt-out list stops every channel).
"""

from datetime import datetime

from sqlalchemy import update

from civic_app.core.audit import record
from civic_app.core.channels import Channel
from civic_app.extensions import db
from civic_app.sms.models import Message, Status
from civic_app.sms.operations import queue_sms
from civic_app.sms.sending import OPTED_OUT_CODES


def fallback_key(message_id: int) -> str:
    return f"sms-for:{message_id}"


def fall_back_to_sms(message_id: int, code: str | None, now: datetime) -> Message | None:
    """Queue the SMS twin of the failed WhatsApp message `message_id` (once) and move its
    person, and the number's other queued WhatsApp rows, to SMS. Flushes; returns the SMS."""
    from civic_app.core.accounts import User

    failed = db.session.get(Message, message_id)
    if failed is None or failed.channel != Channel.WHATSAPP or code in OPTED_OUT_CODES:
        return None
    user = db.session.get(User, failed.user_id) if failed.user_id else None
    sms = queue_sms(
        phone=failed.phone,
        body=failed.body,
        kind=failed.kind,
        now=now,
        user=user,
        municipality_id=failed.municipality_id,
        urgent=failed.urgent,
        idempotency_key=fallback_key(failed.id),
        subject=(failed.subject_type, failed.subject_id) if failed.subject_type else None,
        question=failed.question,
        expires_at=failed.expires_at,
        channel=Channel.SMS.value,
    )
    if not (sms.meta or {}).get("falls_back_from"):
        sms.meta = {"falls_back_from": failed.id, "error": code}
    failed.meta = {**(failed.meta or {}), "fell_back_to": sms.id}
    # What is still waiting for this number goes by SMS too (decided again at send time
    # if the person chooses WhatsApp anew).
    db.session.execute(
        update(Message)
        .where(
            Message.phone == failed.phone,
            Message.channel == Channel.WHATSAPP,
            Message.status == Status.QUEUED,
        )
        .values(channel=Channel.SMS.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if user is not None and user.channel == Channel.WHATSAPP:
        user.channel = Channel.SMS.value
        record(
            "participant.channel_changed",
            user,
            details={"from": "whatsapp", "to": "sms", "via": "whatsapp_failed", "error": code},
        )
    db.session.flush()
    return sms
