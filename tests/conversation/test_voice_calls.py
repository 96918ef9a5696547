"""A reminder by call: what it says (TwiML, parsed), and the key pressed, applied as the SMS
reply 1/2 is (a 2 frees the place and offers it to the waiting list)."""

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest

from civic_app.projects.enrolments import expected_ids
from civic_app.projects.models import SessionOffer
from civic_app.sms.models import Direction, Message, Status
from civic_app.sms.voice import call_token
from tests.conversation.conftest import replies
from tests.conversation.test_answers import rsvp_of

CALL_SID = "CA" + "1" * 32


def parse(response) -> ET.Element:
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return ET.fromstring(response.get_data(as_text=True))  # noqa: S314 - our own TwiML


def voice_path(path: str, message: Message, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in extra.items())
    return f"{path}?m={message.id}&t={call_token(message.id)}" + (f"&{query}" if query else "")


@pytest.fixture
def voice_world(world, db):
    caller = world["holders"][0]
    caller.channel = "voice"
    db.session.commit()
    return world | {"caller": caller}


def call_of(db, person) -> Message:
    return db.session.scalar(
        db.select(Message).where(Message.user_id == person.id, Message.channel == "voice")
    )


def press(twilio_post, message, digits, sid=None, n=1):
    sid = sid or message.provider_sid
    return twilio_post(voice_path("/voice/gather", message, n=n), {"CallSid": sid,
                       "Digits": digits})  # fmt: skip


def test_a_reminder_to_someone_who_chose_calls_is_a_call_that_says_it_in_italian(
    db, voice_world, remind, gateway, twilio_post
):
    remind()
    call = call_of(db, voice_world["caller"])
    assert call.kind == "reminder" and call.status == Status.SENT
    assert [c[0] for c in gateway.sent_by_channel].count("voice") == 1
    # Everyone else still gets an SMS.
    assert call_of(db, voice_world["holders"][1]) is None
    root = parse(twilio_post(voice_path("/voice/call", call), {"CallSid": call.provider_sid}))
    [gather] = root.findall("Gather")
    assert gather.get("numDigits") == "1" and gather.get("method") == "POST"
    action = urlsplit(gather.get("action"))
    assert action.path == "/voice/gather"
    assert parse_qs(action.query) == {"m": [str(call.id)], "t": [call_token(call.id)], "n": ["1"]}
    text, prompt = gather.findall("Say")
    assert (text.get("language"), text.get("voice")) == ("it-IT", "Polly.Bianca")
    assert "Ti ricordiamo il turno di Cura del parco" in text.text
    assert "giovedì 5 marzo" in text.text  # said in full, not "gio 5/03"
    assert "civic app" in text.text and "civic_app" not in text.text
    assert prompt.text == "Premi 1 per confermare, 2 per rifiutare."
    # No phone and no name in any URL.
    assert "+39" not in gather.get("action") and "H1" not in gather.get("action")


def test_a_2_on_the_call_frees_the_place_and_offers_it_to_the_waiting_list(
    db, voice_world, remind, twilio_post, deliver
):
    session, caller, waiting = voice_world["session"], voice_world["caller"], voice_world["waiting"]
    remind()
    call = call_of(db, caller)
    root = parse(press(twilio_post, call, "2"))
    assert [s.text for s in root.findall("Say")] == [
        "Grazie per averci avvisato.",
        "Grazie, arrivederci.",
    ]
    assert root.find("Hangup") is not None
    assert rsvp_of(db, session, caller).coming is False
    assert caller.id not in expected_ids(session)
    offer = db.session.scalar(db.select(SessionOffer))
    assert offer.participant_id == waiting.id and offer.status == "open"
    # The same key of the same call again: nothing more.
    parse(press(twilio_post, call, "2"))
    assert len(db.session.scalars(db.select(SessionOffer)).all()) == 1
    keys = db.session.scalars(
        db.select(Message).where(Message.direction == Direction.IN, Message.channel == "voice")
    ).all()
    assert [k.body for k in keys] == ["2"]
    # The offer goes out; the waiting person takes it by SMS: the chain goes on.
    deliver()
    assert replies(db, waiting.phone)[-1].kind == "offer"


def test_a_1_on_the_call_confirms(db, voice_world, remind, twilio_post):
    remind()
    call = call_of(db, voice_world["caller"])
    root = parse(press(twilio_post, call, "1"))
    assert root.find("Say").text == "Grazie, ti aspettiamo!"
    assert rsvp_of(db, voice_world["session"], voice_world["caller"]).coming is True


@pytest.mark.parametrize("digits", ["9", "", "12", "x", "\u0663"])
def test_a_wrong_key_or_none_gets_a_sorry_and_the_question_again(
    db, voice_world, remind, twilio_post, digits
):
    remind()
    call = call_of(db, voice_world["caller"])
    root = parse(press(twilio_post, call, digits))
    gather = root.find("Gather")
    says = [s.text for s in gather.findall("Say")]
    assert says[0] == "Scusa, non ho capito." and says[-1].startswith("Premi 1")
    assert "n=2" in gather.get("action")
    assert rsvp_of(db, voice_world["session"], voice_world["caller"]) is None
    # After the last try, goodbye.
    root = parse(press(twilio_post, call, digits, n=3))
    assert root.find("Gather") is None and root.find("Hangup") is not None


def test_a_2_in_another_script_counts_as_2(db, voice_world, remind, twilio_post):
    remind()
    call = call_of(db, voice_world["caller"])
    parse(press(twilio_post, call, "\u0662"))  # Arabic-Indic two
    assert rsvp_of(db, voice_world["session"], voice_world["caller"]).coming is False


def test_unknown_calls_and_keys_for_nothing_get_a_clear_spoken_answer(
    db, voice_world, remind, twilio_post
):
    remind()
    call = call_of(db, voice_world["caller"])
    sms = db.session.scalar(db.select(Message).where(Message.channel == "sms"))
    for path in (
        "/voice/gather?m=999999&t=abc",
        f"/voice/gather?m={call.id}&t=wrong",
        f"/voice/gather?m={call.id}",
        "/voice/gather?m=nonsense",
        "/voice/gather",
        voice_path("/voice/gather", sms),  # an SMS is no call
        "/voice/call?m=99999999999999999999999&t=x",
    ):
        root = parse(twilio_post(path, {"CallSid": CALL_SID, "Digits": "2"}))
        assert root.find("Say").text == "Questa domanda non è più aperta. Arrivederci.", path
    assert rsvp_of(db, voice_world["session"], voice_world["caller"]) is None
    # Without a CallSid, or another call's: the same.
    for params in ({"Digits": "2"}, {"CallSid": CALL_SID, "Digits": "2"}):
        root = parse(twilio_post(voice_path("/voice/gather", call), params))
        assert root.find("Gather") is None and root.find("Hangup") is not None
    root = parse(twilio_post(voice_path("/voice/call", call), {"CallSid": CALL_SID}))
    assert root.find("Gather") is None
    assert rsvp_of(db, voice_world["session"], voice_world["caller"]) is None


def test_a_key_after_the_question_closed_is_told_so(db, voice_world, remind, twilio_post, clock):
    remind()
    call = call_of(db, voice_world["caller"])
    clock.advance(hours=24)  # the session has begun
    root = parse(press(twilio_post, call, "2"))
    assert root.find("Say").text.startswith("Questa domanda non è più aperta")
    assert rsvp_of(db, voice_world["session"], voice_world["caller"]) is None


def test_unsigned_voice_requests_get_403(db, voice_world, remind, twilio_post):
    remind()
    call = call_of(db, voice_world["caller"])
    for path in ("/voice/call", "/voice/gather", "/voice/status"):
        params = {"CallSid": CALL_SID, "Digits": "2", "CallStatus": "completed"}
        assert twilio_post(voice_path(path, call), params, signature="bogus").status_code == 403
        assert twilio_post(voice_path(path, call), params, signature="").status_code == 403
    assert rsvp_of(db, voice_world["session"], voice_world["caller"]) is None


def test_the_call_speaks_the_persons_language_with_its_voice(db, voice_world, remind, twilio_post):
    caller = voice_world["caller"]
    caller.preferred_language = "ar"
    db.session.commit()
    remind()
    call = call_of(db, caller)
    root = parse(twilio_post(voice_path("/voice/call", call), {"CallSid": call.provider_sid}))
    text, prompt = root.find("Gather").findall("Say")
    assert (text.get("language"), text.get("voice")) == ("arb", "Polly.Zeina")
    assert text.text.startswith("مرحبًا") and prompt.text == "اضغط 1 للتأكيد، أو 2 للرفض."


def test_an_offer_by_call_taken_with_1(db, voice_world, remind, twilio_post, deliver, text):
    session, waiting = voice_world["session"], voice_world["waiting"]
    waiting.channel = "voice"
    db.session.commit()
    remind()
    text(voice_world["holders"][1].phone, "2")  # an SMS NO frees a place
    deliver()
    offer_call = call_of(db, waiting)
    assert offer_call.kind == "offer"
    root = parse(
        twilio_post(voice_path("/voice/call", offer_call), {"CallSid": offer_call.provider_sid})
    )
    said = root.find("Gather").find("Say")
    assert said.get("language") == "en-GB" and "A place is free at Cura del parco" in said.text
    root = parse(press(twilio_post, offer_call, "1"))
    assert root.find("Say").text.startswith("The place is yours: ")
    assert waiting.id in expected_ids(session)


def test_a_call_that_asks_nothing_says_its_text_twice_and_hangs_up(
    db, voice_world, create_venue, twilio_post, clock
):
    from datetime import timedelta

    from civic_app.events.models import CommunityEvent
    from civic_app.sms.operations import queue_sms

    caller = voice_world["caller"]
    venue = create_venue(name="Casa di quartiere", address="Via Pigneto 1")
    event = CommunityEvent(
        municipality_id=venue.municipality_id, venue_id=venue.id, title="Laboratorio di cucina",
        event_type="workshop", capacity=20, audience="all", status="scheduled",
        starts_at=clock.now() + timedelta(days=1), ends_at=clock.now() + timedelta(days=1, hours=2),
    )  # fmt: skip
    db.session.add(event)
    db.session.flush()
    call = queue_sms(phone=caller.phone, body="civic_app: domani ...", kind="event_reminder",
                     now=clock.now(), user=caller, subject=("event", event.id))  # fmt: skip
    db.session.commit()
    assert call.channel == "voice"
    # Not sent yet here: a call whose SID is not recorded yet is still answered.
    root = parse(twilio_post(voice_path("/voice/call", call), {"CallSid": CALL_SID}))
    assert root.find("Gather") is None and root.find("Hangup") is not None
    first, second = (s.text for s in root.findall("Say"))
    assert first == second and "Laboratorio di cucina" in first and "Via Pigneto 1" in first
