"""WhatsApp through Twilio's Messages API: `whatsapp:+39…` addresses, free text or a
content template (`content_sid` + `content_variables`).

Which of the two a row takes is decided at send time, in the dispatcher
(`sms/window.py`): the 24-hour window may have opened since the row was queued. This
module only says it to Twilio, and reads the `whatsapp:` senders of inbound messages.
Everywhere else a WhatsApp number is the plain E.164 number (opt-out list, accounts,
conversations), so that STOP on one channel stops them all.
"""

import json
import re

import phonenumbers

from civic_app.sms.sending import GatewayError, SendResult

PREFIX = "whatsapp:"
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def address(phone: str) -> str:
    """`whatsapp:+39…` for an E.164 number (or one already so written)."""
    return phone if phone.lower().startswith(PREFIX) else PREFIX + phone


def sender(raw: str) -> tuple[str, str]:
    """The E.164 number and channel ("sms" or "whatsapp") of an inbound `From`.

    :raise ValueError: when it is no phone number (a malformed `whatsapp:` address
        included).
    """
    raw = (raw or "").strip()
    if raw[: len(PREFIX)].lower() == PREFIX:
        number = raw[len(PREFIX) :]
        if not _E164.fullmatch(number):
            raise ValueError("not a whatsapp: E.164 address")
        return _e164(number, strict=True), "whatsapp"
    return _e164(raw, strict=False), "sms"


def _e164(raw: str, *, strict: bool) -> str:
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if strict and not phonenumbers.is_possible_number(number):
        raise ValueError("not a possible number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if len(e164) > 16:
        raise ValueError("too long")
    return e164


def send_whatsapp(gateway, to: str, body: str, ref: int | None = None, meta=None) -> SendResult:
    """Send one WhatsApp message with the Twilio gateway's client: the content template
    `meta["content_sid"]` with `meta["content_variables"]` when set, else `body` as free
    text (only inside the window: sms/window.py decides)."""
    meta = meta or {}
    kwargs = {"to": address(to)}
    if gateway.whatsapp_from:
        kwargs["from_"] = address(gateway.whatsapp_from)
    elif gateway.messaging_service_sid:
        kwargs["messaging_service_sid"] = gateway.messaging_service_sid
    else:
        # Not configured: a failure for good, so the message goes by SMS instead.
        raise GatewayError("whatsapp_unconfigured", transient=False)
    if meta.get("content_sid"):
        kwargs["content_sid"] = meta["content_sid"]
        kwargs["content_variables"] = json.dumps(
            meta.get("content_variables") or {}, ensure_ascii=False
        )
    else:
        kwargs["body"] = body
    if gateway.status_callback:
        suffix = f"?m={ref}" if ref is not None else ""
        kwargs["status_callback"] = gateway.status_callback + suffix
    return SendResult(sid=gateway.call_twilio(gateway.client.messages.create, **kwargs).sid)
