"""Receiving a message: record it (messaging), then answer it (the engine). Flushes."""

from datetime import datetime

from civic_app.conversation.engine import answer
from civic_app.sms.operations import record_inbound


def receive_sms(
    *,
    phone: str,
    body: str,
    now: datetime,
    provider_sid: str | None = None,
    channel: str = "sms",
):
    """Record an inbound message and answer it; returns (inbound, replies).

    A MessageSid seen before is applied once: the second call returns the first row
    and no reply. The replies go back by the `channel` it came by (sms, whatsapp).
    """
    inbound, user, new = record_inbound(
        phone=phone, body=body, now=now, provider_sid=provider_sid, channel=channel
    )
    if not new:
        return inbound, []
    return inbound, answer(inbound, user, now)
