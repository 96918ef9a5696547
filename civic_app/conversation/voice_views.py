"""The TwiML endpoints of a call: what it says (/voice/call) and the key pressed
(/voice/gather). Both signed by Twilio (X-Twilio-Signature) and naming the message by its
id and HMAC (sms/voice.py); anything unknown gets a spoken answer, never an error page."""

import logging

from flask import Response, request

from civic_app.conversation import bp
from civic_app.conversation.voice import answer_key, call_twiml, closed
from civic_app.core.clock import now
from civic_app.extensions import csrf, db, limiter
from civic_app.sms.models import Message
from civic_app.sms.voice import GATHER_TRIES, call_sid, is_call_of, pressed, signed_call
from civic_app.sms.webhooks import check_signature, webhook_limit

log = logging.getLogger(__name__)


def twiml(text: str) -> Response:
    return Response(text, mimetype="text/xml")


@bp.route("/voice/call", methods=["POST"])
@csrf.exempt
@limiter.limit(webhook_limit)
def voice_call():
    check_signature()
    message = signed_call()
    if message is None or not is_call_of(message, call_sid()):
        return twiml(closed())
    return twiml(call_twiml(message, now()))


@bp.route("/voice/gather", methods=["POST"])
@csrf.exempt
@limiter.limit(webhook_limit)
def voice_gather():
    check_signature()
    message = signed_call()
    sid = call_sid()
    if message is None or not sid or not is_call_of(message, sid):
        return twiml(closed())
    # One key at a time per call's message: the same key twice is applied once.
    message = db.session.scalar(
        db.select(Message).where(Message.id == message.id).with_for_update()
    )
    tries = min(max(request.args.get("n", 1, type=int) or 1, 1), GATHER_TRIES)
    answer = answer_key(message, sid, pressed(request.form.get("Digits", "")), tries, now())
    db.session.commit()
    log.info("call %s: key answered", message.id)
    return twiml(answer)
