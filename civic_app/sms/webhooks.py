"""Twilio's webhooks: inbound messages and delivery status callbacks.

Both are exempt from CSRF and protected instead by `X-Twilio-Signature`, checked with
twilio's RequestValidator against the public URL Twilio called: PUBLIC_BASE_URL plus
the path when set (recommended behind a proxy), else the request URL as ProxyFix
rebuilt it (set PROXY_COUNT to the number of proxies in front of the app).
"""

import logging
import re

from flask import Response, abort, current_app, request
from twilio.request_validator import RequestValidator

from civic_app.core.clock import now
from civic_app.core.inputs import MAX_ID
from civic_app.extensions import csrf, db, limiter
from civic_app.sms import bp
from civic_app.sms.fallback import fall_back_to_sms
from civic_app.sms.gateways import OPTED_OUT_CODES
from civic_app.sms.models import Message, Status
from civic_app.sms.optout import opt_out

log = logging.getLogger(__name__)
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
#: A status only ever moves forward; a late "sent" never undoes "delivered".
STATUS_RANK = {
    Status.QUEUED: 0,
    Status.SENDING: 1,
    Status.UNKNOWN: 1,
    Status.SENT: 2,
    Status.DELIVERED: 3,
    Status.UNDELIVERED: 3,
    Status.FAILED: 3,
}
TWILIO_STATUSES = {
    "queued": Status.QUEUED,
    "accepted": Status.QUEUED,
    "sending": Status.SENDING,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,  # WhatsApp: read on the phone
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
}


def webhook_limit() -> str:
    return current_app.config.get("WEBHOOK_RATE_LIMIT", "1200 per minute")


def check_signature() -> None:
    """:raise 403: on a missing or wrong signature (nothing is read or changed)."""
    token = current_app.config.get("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        abort(403)
    base = current_app.config.get("PUBLIC_BASE_URL")
    url = base.rstrip("/") + request.full_path.rstrip("?") if base else request.url
    if not RequestValidator(token).validate(url, request.form.to_dict(), signature):
        log.warning("webhook %s: bad signature", request.path)
        abort(403)


def message_sid() -> str:
    """The MessageSid Twilio sent ("" when missing or not printable ASCII, as none is)."""
    sid = request.form.get("MessageSid", "")[:64]
    return sid if sid.isascii() and sid.isprintable() else ""


@bp.route("/sms/status", methods=["POST"])
@csrf.exempt
@limiter.limit(webhook_limit)
def status_callback():
    check_signature()
    sid = message_sid()
    new_status = TWILIO_STATUSES.get(request.form.get("MessageStatus", ""))
    if not sid or new_status is None:
        abort(400)
    message = db.session.scalar(db.select(Message).where(Message.provider_sid == sid))
    if message is None:
        message = _unrecorded(request.args.get("m", type=int))
        if message is None:
            return Response(status=204)
        # The provider took it though we never heard back (a timeout, a dispatcher
        # killed): it went, once; now we know its SID.
        message.provider_sid = sid
        message.sent_at = message.sent_at or now()
        if STATUS_RANK.get(new_status, 0) <= STATUS_RANK[Status.SENT]:
            message.status = Status.SENT
    if STATUS_RANK.get(new_status, 0) > STATUS_RANK.get(message.status, 0):
        message.status = new_status
        error = request.form.get("ErrorCode", "").strip()
        if re.fullmatch(r"[0-9]{1,20}", error):
            message.error_code = error[:20]
            if error in OPTED_OUT_CODES:
                opt_out(message.phone, "twilio_" + error, now())
        if new_status in (Status.FAILED, Status.UNDELIVERED) and message.channel == "whatsapp":
            # Once: the status moves forward only, and the SMS twin has its own key.
            fall_back_to_sms(message.id, message.error_code, now())
    db.session.commit()
    return Response(status=204)


def _unrecorded(message_id: int | None) -> Message | None:
    """Our outbound message `message_id`, if it is still waiting to learn its SID."""
    if message_id is None or not 0 < message_id <= MAX_ID:  # past the id range: no row
        return None
    message = db.session.get(Message, message_id)
    if message is None or message.provider_sid is not None:
        return None
    if message.status not in (Status.SENDING, Status.UNKNOWN):
        return None
    return message
