"""The SMS-only journey over WhatsApp, end to end, with the real twilio client against
Prism (Twilio's own description of its API): sign up on WhatsApp, PROJECTS, a number
asks to join, staff accept, NEXT, the reminder, 2 frees the place for the person waiting
(who is on SMS), 1 takes it, and their NEXT says when and where. Every answer to the
WhatsApp participant goes back by WhatsApp, as free text inside the 24-hour window.
"""

import pytest
from flask import current_app

from civic_app.projects.enrolments import decide_enrolment, expected_ids
from civic_app.projects.models import Enrolment, EnrolmentStatus
from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.models import Direction, Message, Status
from civic_app.sms.templates import render_sms
from tests.conversation import test_sms_journey_all_languages as sms_journey
from tests.conversation import test_whatsapp_journey as whatsapp_journey
from tests.conversation.conftest import last_reply
from tests.conversation.test_sms_journey_all_languages import (
    PHONE,
    TYPED,
    out_of_kind,
    sign_up,
    where,
)

# The fixtures of the SMS journey (Roma, a project with one place) and of the WhatsApp
# contract test (Prism, the real client recording what Prism took).
roma = sms_journey.roma
one_place = sms_journey.one_place
prism = whatsapp_journey.prism
twilio = whatsapp_journey.twilio

LANGUAGE = "en"


@pytest.fixture
def wa_text(twilio_post):
    """A phone writes to the app on WhatsApp; returns the response."""
    counter = iter(range(1, 100_000))

    def send(phone: str, body: str):
        return twilio_post(
            "/sms/inbound",
            {"From": "whatsapp:" + phone, "To": "whatsapp:+15005550006", "Body": body,
             "MessageSid": f"SMa{next(counter):031d}"},  # not the SMS phone's
        )  # fmt: skip

    return send


def sent_to(client, to: str) -> list[dict]:
    return [form for form in client.taken if form.get("To") == to]


def test_the_whole_journey_over_whatsapp(
    app, db, clock, wa_text, text, twilio, roma, one_place, create_participant, enrol, staff
):
    gateway, client = twilio
    project, session = one_place
    _join, _yes, projects, next_, _name, one, two, _menu = TYPED[LANGUAGE]
    waiting = create_participant(phone="+393479990002", preferred_language=LANGUAGE)
    enrol(project, waiting, EnrolmentStatus.WAITLISTED)

    def deliver() -> None:
        dispatch_due(gateway, clock.now())
        db.session.commit()

    person = sign_up(wa_text, db, roma, LANGUAGE)
    assert person.channel == "whatsapp"  # signed up on WhatsApp: texts come back there
    deliver()
    answers = sent_to(client, "whatsapp:" + PHONE)
    assert len(answers) == 7 and all(form.get("Body") and "ContentSid" not in form
                                     for form in answers)  # fmt: skip
    assert not sent_to(client, PHONE)  # nothing by SMS

    wa_text(PHONE, projects)
    wa_text(PHONE, one)
    assert last_reply(db, PHONE) == render_sms(
        "project_applied", LANGUAGE, project=project.text(LANGUAGE)[0]
    )
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == person.id))
    assert enrolment.status == EnrolmentStatus.APPLIED
    with app.test_request_context():
        decide_enrolment(enrolment, EnrolmentStatus.ACCEPTED, staff, clock.now())
    db.session.commit()
    wa_text(PHONE, next_)
    assert last_reply(db, PHONE) == render_sms(
        "next_session", LANGUAGE, project=project.text(LANGUAGE)[0], **where(session, LANGUAGE)
    )

    from civic_app.plans.reminders import sweep

    with app.test_request_context():
        sweep(clock.now())
    db.session.commit()
    deliver()
    (reminder,) = out_of_kind(db, PHONE, "reminder")
    assert reminder.channel == "whatsapp" and reminder.status == Status.SENT
    assert sent_to(client, "whatsapp:" + PHONE)[-1]["Body"] == reminder.body

    wa_text(PHONE, two)
    assert last_reply(db, PHONE) == render_sms("rsvp_no", LANGUAGE)
    deliver()
    (offer,) = out_of_kind(db, waiting.phone, "offer")
    assert offer.channel == "sms" and sent_to(client, waiting.phone)[-1]["Body"] == offer.body
    assert offer.body == render_sms(
        "offer", LANGUAGE, project=project.text(LANGUAGE)[0],
        minutes=current_app.config["OFFER_MINUTES"], **where(session, LANGUAGE),
    )  # fmt: skip
    text(waiting.phone, one)
    assert last_reply(db, waiting.phone) == render_sms(
        "offer_taken", LANGUAGE, **where(session, LANGUAGE)
    )
    assert waiting.id in expected_ids(session) and person.id not in expected_ids(session)
    text(waiting.phone, next_)
    assert last_reply(db, waiting.phone) == render_sms(
        "next_session", LANGUAGE, project=project.text(LANGUAGE)[0], **where(session, LANGUAGE)
    )
    deliver()
    # Everything the WhatsApp participant was sent went by WhatsApp, and Prism took it all.
    theirs = db.session.scalars(
        db.select(Message).where(Message.phone == PHONE, Message.direction == Direction.OUT)
    ).all()
    assert theirs and {m.channel for m in theirs} == {"whatsapp"}
    assert {m.status for m in theirs} == {Status.SENT}
    assert len(sent_to(client, "whatsapp:" + PHONE)) == len(theirs)
