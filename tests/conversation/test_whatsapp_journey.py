"""The SMS journey's WhatsApp twin, with the real twilio client against Prism (Twilio's
own description of its API, `--errors`: a request that breaks it gets 422).

A participant on WhatsApp gets tomorrow's reminder as a content template (outside the
24-hour window), answers 2 from `whatsapp:+39…` through the signed webhook, and gets the
answer as free text (inside the window, opened by that answer), while the freed place is
offered by SMS to the person waiting. A permanent WhatsApp failure (Prism answering
Twilio's "not a WhatsApp number") falls back to exactly one SMS.
"""

import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from twilio.http.http_client import TwilioHttpClient

from civic_app.plans.reminders import sweep
from civic_app.projects.models import Rsvp
from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.gateways import TWILIO_API, TwilioGateway
from civic_app.sms.models import Direction, Message, Status
from tests.sms.test_twilio_contract import run_prism

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "twilio" / "twilio_api_v2010.json"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
TEMPLATE = "HX" + "0123456789abcdef" * 2


@pytest.fixture(scope="module")
def prism():
    """Prism with dynamic answers: every message gets a SID of its own."""
    yield from run_prism("--dynamic")


class Recording(TwilioHttpClient):
    """Twilio's HTTP client sending to Prism; keeps the form of every Messages request
    Prism took (201), and can answer the next one with a Twilio error instead."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url
        self.taken: list[dict] = []
        self.refuse_next: int | None = None

    def request(self, method, url, params=None, data=None, *args, **kwargs):
        from twilio.http.response import Response

        if self.refuse_next is not None:
            code, self.refuse_next = self.refuse_next, None
            return Response(400, json.dumps({"code": code, "message": "refused", "status": 400}))
        url = self.base_url + url[len(TWILIO_API) :]
        response = super().request(method, url, params, data, *args, **kwargs)
        if response.status_code == 201:
            self.taken.append(parse_qs(data) if isinstance(data, str) else dict(data or {}))
        return response


@pytest.fixture
def twilio(app, prism, monkeypatch, twilio_app):
    client = Recording(prism)
    config = {
        **app.config,
        "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "b" * 32,
        "TWILIO_FROM_NUMBER": None,
        "TWILIO_WHATSAPP_FROM": None,
    }
    gateway = TwilioGateway(config, http_client=client)
    monkeypatch.setitem(app.extensions, "civic_sms_gateway", gateway)
    monkeypatch.setitem(app.config, "WHATSAPP_TEMPLATES", {"reminder": {"it": TEMPLATE}})
    return gateway, client


def form_of(taken, to):
    (form,) = [f for f in taken if f.get("To") == to]
    return form


def test_a_whatsapp_reminder_as_a_template_answered_2_by_whatsapp(
    app, db, clock, world, twilio, twilio_post
):
    gateway, client = twilio
    person, other = world["holders"]
    person.channel = "whatsapp"
    db.session.commit()
    with app.test_request_context():
        sweep(clock.now())
    db.session.commit()
    assert dispatch_due(gateway, clock.now()) == 2
    reminder = db.session.scalar(
        db.select(Message).where(Message.user_id == person.id, Message.kind == "reminder")
    )
    template = form_of(client.taken, "whatsapp:" + person.phone)
    assert template["ContentSid"] == TEMPLATE and "Body" not in template
    assert json.loads(template["ContentVariables"]) == {"1": reminder.body}
    assert template["MessagingServiceSid"] == "MG" + "b" * 32
    assert template["StatusCallback"].endswith(f"/sms/status?m={reminder.id}")
    assert form_of(client.taken, other.phone)["Body"]  # the other one by SMS
    assert reminder.status == Status.SENT and reminder.provider_sid

    client.taken.clear()
    response = twilio_post(
        "/sms/inbound",
        {"From": "whatsapp:" + person.phone, "To": "whatsapp:+15005550006", "Body": "2",
         "MessageSid": "SM" + "7" * 32},
    )  # fmt: skip
    assert response.status_code == 200
    inbound = db.session.scalar(db.select(Message).where(Message.direction == Direction.IN))
    assert (inbound.phone, inbound.channel) == (person.phone, "whatsapp")
    rsvp = db.session.scalar(db.select(Rsvp).where(Rsvp.participant_id == person.id))
    assert rsvp.coming is False
    dispatch_due(gateway, clock.now())
    answer = form_of(client.taken, "whatsapp:" + person.phone)
    assert "ContentSid" not in answer and answer["Body"] == "Grazie per averci avvisato."
    offer = form_of(client.taken, world["waiting"].phone)  # the freed place, by SMS
    assert "Body" in offer

    delivered = {"MessageSid": reminder.provider_sid, "MessageStatus": "read"}
    assert twilio_post("/sms/status", delivered).status_code == 204
    assert twilio_post("/sms/status", delivered).status_code == 204
    db.session.refresh(reminder)
    assert reminder.status == Status.DELIVERED


def test_not_a_whatsapp_number_falls_back_to_exactly_one_sms(
    app, db, clock, world, twilio, twilio_post
):
    gateway, client = twilio
    person = world["holders"][0]
    person.channel = "whatsapp"
    db.session.commit()
    with app.test_request_context():
        sweep(clock.now())
    db.session.commit()
    client.refuse_next = 63003  # the first request: the WhatsApp one (the lower id)
    first = min(db.session.scalars(db.select(Message.id).where(Message.kind == "reminder")).all())
    assert db.session.get(Message, first).user_id == person.id
    dispatch_due(gateway, clock.now())
    dispatch_due(gateway, clock.now())
    dispatch_due(gateway, clock.now())
    to_person = [f for f in client.taken if person.phone in f["To"]]
    assert [f["To"] for f in to_person] == [person.phone]  # one SMS, never two
    db.session.refresh(person)
    assert person.channel == "sms"
    rows = db.session.scalars(
        db.select(Message).where(Message.user_id == person.id).order_by(Message.id)
    ).all()
    assert [(m.channel, m.status, m.error_code) for m in rows] == [
        ("whatsapp", Status.FAILED, "63003"), ("sms", Status.SENT, None)
    ]  # fmt: skip


def test_a_whatsapp_sender_number_and_free_text_conform_too(app, prism, twilio_app):
    client = Recording(prism)
    config = {
        **app.config,
        "TWILIO_ACCOUNT_SID": "AC" + "a" * 32,
        "TWILIO_MESSAGING_SERVICE_SID": None,
        "TWILIO_WHATSAPP_FROM": "+15005550006",
    }
    gateway = TwilioGateway(config, http_client=client)
    assert gateway.send("+393471234567", "Ciao", ref=7, channel="whatsapp").sid
    (form,) = client.taken
    assert (form["From"], form["To"], form["Body"]) == (
        "whatsapp:+15005550006", "whatsapp:+393471234567", "Ciao"
    )  # fmt: skip
