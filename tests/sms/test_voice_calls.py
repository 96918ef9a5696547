"""Calls in the outbox: which messages become calls, their TwiML (parsed), quiet hours, and
what their status callbacks do (retries on no answer, then one SMS; applied once)."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.models import Message, Question, Status
from civic_app.sms.operations import queue_many, queue_sms
from civic_app.sms.templates import SMS_LANGUAGES
from civic_app.sms.voice import call_token, said, voice_text
from civic_app.sms.voice_status import apply_call_status

MORNING = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # 10:00 in Rome
ROME_22 = datetime(2026, 3, 4, 21, 0, tzinfo=UTC)
EXPECTED_VOICES = {
    "it": ("it-IT", "Polly.Bianca"), "en": ("en-GB", "Polly.Amy"), "fr": ("fr-FR", "Polly.Lea"),
    "ar": ("arb", "Polly.Zeina"), "es": ("es-ES", "Polly.Lucia"),
    "bn": ("bn-IN", "Google.bn-IN-Standard-A"), "ur": ("ur-IN", "Google.ur-IN-Standard-A"),
    "uk": ("uk-UA", "Google.uk-UA-Standard-A"),
}  # fmt: skip


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)  # noqa: S314 - our own TwiML


@pytest.fixture
def caller(create_participant, db):
    person = create_participant(phone="+393471112233", channel="voice")
    db.session.commit()
    return person


def queue_call(caller, now=MORNING, **kw) -> Message:
    values = {"phone": caller.phone, "body": "civic_app: gio 5/03 09:00 Parco. Vieni? 1=SI 2=NO",
              "kind": "reminder", "now": now, "user": caller,
              "question": Question.SESSION, "expires_at": now + timedelta(days=1)}  # fmt: skip
    return queue_sms(**(values | kw))


@pytest.mark.parametrize("language", SMS_LANGUAGES)
def test_each_language_is_said_with_its_voice_inside_a_gather_of_one_key(app, language):
    root = parse(said([("reminder", "x")], language, gather_url="https://civic.example.org/g?m=1"))
    [gather] = root.findall("Gather")
    assert gather.attrib == {
        "numDigits": "1", "action": "https://civic.example.org/g?m=1", "method": "POST",
        "timeout": "8", "actionOnEmptyResult": "true",
    }  # fmt: skip
    text, prompt = gather.findall("Say")
    for say in (text, prompt):
        assert (say.get("language"), say.get("voice")) == EXPECTED_VOICES[language]
    assert prompt.text == voice_text("voice_press", language)


def test_a_configured_recording_is_played_instead(app, monkeypatch):
    recordings = {"reminder": {"bn": "https://cdn.example.org/bn-reminder.mp3"},
                  "voice_press": {"bn": "https://cdn.example.org/bn-press.mp3"}}  # fmt: skip
    monkeypatch.setitem(app.config, "VOICE_RECORDINGS", recordings)
    root = parse(said([("reminder", "x")], "bn", gather_url="https://civic.example.org/g"))
    plays = [p.text for p in root.find("Gather").findall("Play")]
    assert plays == [
        "https://cdn.example.org/bn-reminder.mp3",
        "https://cdn.example.org/bn-press.mp3",
    ]
    assert root.find("Gather").find("Say") is None


def test_a_call_goes_as_sms_where_there_is_neither_a_voice_nor_a_recording(
    app, db, caller, monkeypatch
):
    caller.preferred_language = "bn"
    db.session.commit()
    without_bn = {k: v for k, v in app.config["VOICE_LANGUAGES"].items() if k != "bn"}
    monkeypatch.setitem(app.config, "VOICE_LANGUAGES", without_bn)
    assert queue_call(caller).channel == "sms"
    recording = {"reminder": {"bn": "https://cdn.example.org/r.mp3"}}
    monkeypatch.setitem(app.config, "VOICE_RECORDINGS", recording)
    assert queue_call(caller, idempotency_key="k2").channel == "voice"


def test_only_the_kinds_a_call_can_carry_are_calls(db, caller):
    assert queue_call(caller).channel == "voice"
    assert queue_call(caller, kind="login_code", urgent=True).channel == "sms"
    assert queue_call(caller, kind="enrolment_accepted").channel == "sms"
    rows = [{"phone": caller.phone, "body": "x", "kind": kind, "idempotency_key": kind,
             "user_id": caller.id} for kind in ("referral_reminder", "plan_ready")]  # fmt: skip
    queue_many(rows, MORNING)
    channels = dict(db.session.execute(db.select(Message.kind, Message.channel)).all())
    assert channels["referral_reminder"] == "voice" and channels["plan_ready"] == "sms"


def test_calls_wait_for_the_end_of_the_quiet_hours(db, caller, gateway, municipality):
    call = queue_call(caller, now=ROME_22)
    db.session.commit()
    assert call.next_attempt_at == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)  # 08:00 in Rome
    assert dispatch_due(gateway, ROME_22) == 0
    assert dispatch_due(gateway, datetime(2026, 3, 5, 7, 0, tzinfo=UTC)) == 1
    assert [c[0] for c in gateway.sent_by_channel] == ["voice"]


def sent_call(db, caller, gateway, now=MORNING) -> Message:
    call = queue_call(caller, now=now)
    db.session.commit()
    dispatch_due(gateway, now)
    return db.session.get(Message, call.id)


def sms_copies(db) -> list[Message]:
    return db.session.scalars(
        db.select(Message).where(Message.channel == "sms", Message.kind == "reminder")
    ).all()


def test_a_call_nobody_answers_is_tried_again_at_most_n_times_then_goes_by_sms_once(
    app, db, caller, gateway
):
    now = MORNING
    call = sent_call(db, caller, gateway)
    sids = []
    for attempt in range(app.config["VOICE_MAX_ATTEMPTS"] + 1):
        sid = call.provider_sid
        sids.append(sid)
        apply_call_status(call, sid, "no-answer" if attempt % 2 == 0 else "busy", now)
        db.session.commit()
        if attempt < app.config["VOICE_MAX_ATTEMPTS"]:
            assert call.status == Status.QUEUED and call.provider_sid is None
            assert call.next_attempt_at == now + timedelta(minutes=30)
            now = call.next_attempt_at
            assert dispatch_due(gateway, now) == 1
            db.session.refresh(call)
    assert len(set(sids)) == app.config["VOICE_MAX_ATTEMPTS"] + 1  # 3 calls in all
    assert call.status == Status.FAILED and call.error_code in ("no-answer", "busy")
    [copy] = sms_copies(db)
    assert copy.body == call.body and copy.question == Question.SESSION
    # A late or repeated callback changes nothing and sends nothing more.
    for sid in sids:
        apply_call_status(call, sid, "no-answer", now)
    assert call.status == Status.FAILED and len(sms_copies(db)) == 1
    assert dispatch_due(gateway, now + timedelta(hours=2)) == 1  # the SMS
    assert [c[0] for c in gateway.sent_by_channel].count("voice") == 3


def test_a_retry_is_not_placed_in_the_quiet_hours(db, caller, gateway, municipality):
    late = datetime(2026, 3, 4, 19, 45, tzinfo=UTC)  # 20:45 in Rome
    call = sent_call(db, caller, gateway, now=late)
    apply_call_status(call, call.provider_sid, "no-answer", late)
    assert call.next_attempt_at == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)


def test_a_failed_call_goes_by_sms_once_and_an_answered_one_is_delivered(
    app, db, caller, gateway, monkeypatch
):
    call = sent_call(db, caller, gateway)
    apply_call_status(call, call.provider_sid, "failed", MORNING)
    apply_call_status(call, call.provider_sid, "failed", MORNING)
    assert call.status == Status.FAILED and len(sms_copies(db)) == 1
    answered = queue_call(caller, idempotency_key="answered")
    db.session.commit()
    dispatch_due(gateway, MORNING)
    db.session.refresh(answered)
    apply_call_status(answered, answered.provider_sid, "in-progress", MORNING)
    apply_call_status(answered, answered.provider_sid, "completed", MORNING)
    assert answered.status == Status.DELIVERED
    monkeypatch.setitem(app.config, "VOICE_FALLBACK_SMS", False)
    silent = queue_call(caller, idempotency_key="silent")
    db.session.commit()
    dispatch_due(gateway, MORNING)
    db.session.refresh(silent)
    apply_call_status(silent, silent.provider_sid, "failed", MORNING)
    assert len(sms_copies(db)) == 1


def test_the_status_webhook_is_signed_and_applies_each_callback_once(
    db, caller, gateway, twilio_post, clock
):
    call = sent_call(db, caller, gateway)
    path = f"/voice/status?m={call.id}&t={call_token(call.id)}"
    params = {"CallSid": call.provider_sid, "CallStatus": "no-answer"}
    assert twilio_post(path, params, signature="bogus").status_code == 403
    assert db.session.get(Message, call.id).status == Status.SENT
    assert twilio_post(path, params).status_code == 204
    assert twilio_post(path, params).status_code == 204  # Twilio's retry of the same
    call = db.session.get(Message, call.id)
    assert call.status == Status.QUEUED and call.attempts == 1
    assert list(call.meta["calls"].values()) == ["no-answer"]
    # Unknown message or call: nothing; bad input: 400.
    assert twilio_post("/voice/status?m=999999&t=x", params).status_code == 204
    assert twilio_post(path, {"CallSid": "CAother", "CallStatus": "failed"}).status_code == 204
    assert db.session.get(Message, call.id).status == Status.QUEUED
    assert twilio_post(path, {"CallSid": "CA1", "CallStatus": "weird"}).status_code == 400
    assert twilio_post(path, {"CallStatus": "failed"}).status_code == 400
