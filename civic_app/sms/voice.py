"""Voice calls through Twilio's Calls API, for people who cannot read.

A call is a Message row like an SMS (channel "voice", sms/routing.py): queued, held back
by the quiet hours, taken by the dispatcher, which hands it here (`place_call`:
calls.create). When the person answers, Twilio fetches what to say from our signed TwiML
endpoint /voice/call (conversation/voice.py, which knows what the message is about):
the text spoken with <Say> in the person's language and voice (VOICE_LANGUAGES), or a
recording <Play>ed (VOICE_RECORDINGS), then <Gather> "press 1 to confirm, 2 to decline",
whose answer (/voice/gather) is applied as the SMS reply 1/2 is. What became of the call
comes to /voice/status (sms/voice_status.py): no answer is tried again, then one SMS.

The URLs Twilio calls carry the message id and an HMAC of it (`call_token`), never a
phone or a name; every request is also signed by Twilio (X-Twilio-Signature).
"""

import hashlib
import hmac
import unicodedata
from urllib.parse import urlencode

from flask import current_app, request
from twilio.twiml.voice_response import VoiceResponse

from civic_app.extensions import db
from civic_app.sms.models import Direction, Message
from civic_app.sms.sending import GatewayError, SendResult
from civic_app.sms.templates import TEMPLATES, sms_brand, sms_language

#: The kinds a call can carry (said, and answered by a key); sms/routing.py.
VOICE_KINDS: frozenset[str] = frozenset(
    {"reminder", "offer", "event_reminder", "referral_appointment", "referral_reminder"}
)
#: How a call says a date: the whole weekday and month ("mercoledì 4 marzo, 09:00").
SPOKEN_WHEN = "EEEE d MMMM, HH:mm"
#: How many times a call asks again after a wrong key or none.
GATHER_TRIES = 3


def voice_of(language: str | None) -> tuple[str, str] | None:
    """The <Say> language and voice for `language`, None when Twilio has none configured."""
    found = (current_app.config.get("VOICE_LANGUAGES") or {}).get(language or "")
    return (str(found[0]), str(found[1])) if found and len(found) == 2 else None


def recording_of(what: str, language: str | None) -> str | None:
    """The URL of the recording of `what` (a kind of call, a voice text) in `language`."""
    recordings = current_app.config.get("VOICE_RECORDINGS") or {}
    url = (recordings.get(what) or {}).get(language or "")
    return str(url) if url else None


def can_call(language: str | None, kind: str) -> bool:
    """Whether a call of `kind` can be made in `language`: a voice, or its recording."""
    return kind in VOICE_KINDS and (
        voice_of(language) is not None or recording_of(kind, language) is not None
    )


def call_token(message_id: int) -> str:
    """The HMAC that goes with a message id in the URLs Twilio calls."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"voice-call:{message_id}".encode(), hashlib.sha256).hexdigest()[:24]


def voice_url(path: str, message_id: int, **extra) -> str:
    """The public URL of one of our voice endpoints for `message_id` (ids and HMAC only)."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    query = urlencode({"m": message_id, "t": call_token(message_id), **extra})
    return f"{base}{path}?{query}"


def signed_call() -> Message | None:
    """The outgoing call named by the request's `m` and `t`; None when there is none (an
    unknown id, a wrong token, a message that is not a call)."""
    message_id = request.args.get("m", type=int)
    token = request.args.get("t", "")
    if message_id is None or not 0 < message_id < 2**62 or not token.isascii():
        return None
    if not hmac.compare_digest(token, call_token(message_id)):
        return None
    message = db.session.get(Message, message_id)
    if message is None or message.direction != Direction.OUT or message.channel != "voice":
        return None
    return message


def is_call_of(message: Message, sid: str) -> bool:
    """Whether `sid` is a call placed for `message`: its latest (or one whose SID the
    dispatcher has not written yet), or an earlier one."""
    return message.provider_sid in (None, sid) or sid in ((message.meta or {}).get("calls") or {})


def call_sid() -> str:
    """The CallSid Twilio sent ("" when missing or not printable ASCII, as none is)."""
    sid = request.form.get("CallSid", "")[:64]
    return sid if sid.isascii() and sid.isprintable() else ""


def pressed(digits: str) -> str | None:
    """The key "1" or "2" from what the keypad sent (a digit of any script counts as that digit),
    None for anything else."""
    digits = digits.strip()
    if len(digits) != 1:
        return None
    value = unicodedata.decimal(digits, None)
    return str(value) if value in (1, 2) else None


def place_call(gateway, to: str, body: str, ref: int | None = None, meta=None) -> SendResult:
    """Ask Twilio to call `to`; what the call says comes from /voice/call when answered."""
    config = current_app.config
    caller = config.get("VOICE_FROM_NUMBER") or gateway.from_number
    if ref is None or not caller or not config.get("PUBLIC_BASE_URL"):
        raise GatewayError("voice_unconfigured", transient=False, detail="voice")
    call = gateway.call_twilio(
        gateway.client.calls.create,
        to=to,
        from_=caller,
        url=voice_url("/voice/call", ref),
        method="POST",
        status_callback=voice_url("/voice/status", ref),
        status_callback_method="POST",
    )
    return SendResult(sid=call.sid)


# What a call says ------------------------------------------------------------------------


def spoken_brand() -> str:
    """The SMS signature as a voice reads it ("civic_app" -> "civic app")."""
    return sms_brand().replace("_", " ")


def voice_text(template: str, language: str, /, **values) -> str:
    """The text of `template` to be said in `language` (Italian if it has none)."""
    texts = TEMPLATES[template]
    return texts.get(sms_language(language), texts["it"]).format(
        **(values | {"brand": spoken_brand()})
    )


def voice_when(moment, language: str | None) -> str:
    """`moment` in Rome time as said in `language`: weekday and month in full."""
    from flask_babel import force_locale, format_datetime

    with force_locale(sms_language(language)):
        return format_datetime(moment, SPOKEN_WHEN)


def _speak(node, what: str, text: str, language: str) -> bool:
    """Say `text` on `node` in `language`, or play the recording of `what` where one is
    configured; False when neither can be done."""
    recording = recording_of(what, language)
    if recording:
        node.play(recording)
        return True
    voice = voice_of(language)
    if voice is None:
        return False
    node.say(text, language=voice[0], voice=voice[1])
    return True


def said(parts: list[tuple[str, str]], language: str, *, gather_url: str | None = None,
         hang_up: bool = True) -> str:  # fmt: skip
    """TwiML that says each (what, text) of `parts` in `language`; with `gather_url`, inside
    a <Gather> of one key that ends with "press 1 ... 2 ..." and posts the key there (or
    nothing, after a silence)."""
    response = VoiceResponse()
    if gather_url is not None:
        gather = response.gather(
            num_digits=1, action=gather_url, method="POST", timeout=8,
            action_on_empty_result=True,
        )  # fmt: skip
        for what, text in parts:
            _speak(gather, what, text, language)
        _speak(gather, "voice_press", voice_text("voice_press", language), language)
        return str(response)
    for what, text in parts:
        _speak(response, what, text, language)
    if hang_up:
        response.hangup()
    return str(response)
