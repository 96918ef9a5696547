"""WhatsApp beside SMS: `whatsapp:` senders, the 24-hour window decided at send time,
content templates outside it, the one SMS after a permanent failure, STOP on every
channel, the channel chosen by keyword, on the web and at the desk."""

from datetime import timedelta

import pytest

from civic_app.core.models import AuditEvent
from civic_app.sms.fallback import fallback_key
from civic_app.sms.models import Direction, Message, OptOut, Status
from civic_app.sms.operations import queue_sms

TEMPLATE = "HX" + "a1" * 16
WA_FROM = "whatsapp:+393471234567"
PHONE = "+393471234567"


@pytest.fixture
def templates(app, monkeypatch):
    monkeypatch.setitem(app.config, "WHATSAPP_TEMPLATES", {"reminder": {"it": TEMPLATE}})


@pytest.fixture
def on_whatsapp(create_participant):
    return create_participant(phone=PHONE, channel="whatsapp")


def whatsapp_text(twilio_post, body, *, sender=WA_FROM, sid=None, counter=iter(range(1, 10**6))):
    return twilio_post(
        "/sms/inbound",
        {"From": sender, "To": "whatsapp:+15005550006", "Body": body,
         "MessageSid": sid or f"SM{next(counter):032d}"},
    )  # fmt: skip


def outbound(db, **where):
    query = db.select(Message).where(Message.direction == Direction.OUT)
    for name, value in where.items():
        query = query.where(getattr(Message, name) == value)
    return db.session.scalars(query.order_by(Message.id)).all()


def reminder(user, clock, key="reminder:1"):
    return queue_sms(
        phone=user.phone, body="civic_app: domani alle 9 al parco. 1 vengo, 2 non vengo.",
        kind="reminder", now=clock.now(), user=user, idempotency_key=key,
    )  # fmt: skip


def test_a_whatsapp_message_is_the_same_number_and_is_answered_by_whatsapp(
    twilio_post, db, clock, deliver, gateway, on_whatsapp
):
    assert whatsapp_text(twilio_post, "aiuto").status_code == 200
    inbound = db.session.scalar(db.select(Message).where(Message.direction == Direction.IN))
    assert (inbound.phone, inbound.channel, inbound.user_id) == (PHONE, "whatsapp", on_whatsapp.id)
    (reply,) = outbound(db)
    assert reply.channel == "whatsapp" and reply.phone == PHONE
    deliver()
    channel, to, body, meta, _sid = gateway.sent_by_channel[-1]
    assert (channel, to) == ("whatsapp", PHONE)
    assert meta["whatsapp"] == "free_text" and "content_sid" not in meta  # inside the window


def test_an_sms_from_someone_on_whatsapp_is_answered_by_sms(text, db, on_whatsapp):
    text(PHONE, "aiuto")
    assert [m.channel for m in outbound(db)] == ["sms"]


def test_outside_the_window_a_reminder_goes_as_its_content_template(
    db, clock, deliver, gateway, on_whatsapp, templates
):
    message = reminder(on_whatsapp, clock)
    db.session.commit()
    assert message.channel == "whatsapp"
    deliver()
    channel, _to, body, meta, _sid = gateway.sent_by_channel[-1]
    assert channel == "whatsapp" and meta["content_sid"] == TEMPLATE
    assert meta["content_variables"] == {"1": message.body}
    db.session.refresh(message)
    assert message.status == Status.SENT and message.meta["whatsapp"] == "template"


def test_outside_the_window_a_kind_without_a_template_goes_by_sms(
    db, clock, deliver, gateway, on_whatsapp, templates
):
    on_whatsapp.preferred_language = "ar"  # the reminder template is only in Italian
    message = reminder(on_whatsapp, clock)
    db.session.commit()
    deliver()
    assert [entry[0] for entry in gateway.sent_by_channel] == ["sms"]
    db.session.refresh(message)
    assert message.channel == "sms" and message.meta == {"whatsapp": "no_template"}


def test_the_window_is_decided_at_send_time(
    twilio_post, db, clock, deliver, gateway, on_whatsapp, templates
):
    message = reminder(on_whatsapp, clock)
    db.session.commit()
    whatsapp_text(twilio_post, "ciao")  # the window opens before the dispatcher runs
    deliver()
    sent = {entry[2]: entry[3] for entry in gateway.sent_by_channel}
    assert sent[message.body]["whatsapp"] == "free_text"
    clock.advance(hours=25)
    later = reminder(on_whatsapp, clock, key="reminder:2")
    db.session.commit()
    deliver()
    db.session.refresh(later)
    assert later.meta["content_sid"] == TEMPLATE  # closed again: the template


def test_a_permanent_whatsapp_failure_goes_by_sms_once_and_the_channel_falls_back(
    db, clock, deliver, gateway, on_whatsapp, templates
):
    message = reminder(on_whatsapp, clock)
    db.session.commit()
    gateway.fail_next("63003", transient=False)
    deliver()
    db.session.refresh(message)
    assert message.status == Status.FAILED and message.error_code == "63003"
    (twin,) = outbound(db, idempotency_key=fallback_key(message.id))
    assert (twin.channel, twin.body, twin.kind) == ("sms", message.body, "reminder")
    assert (twin.subject_type, twin.question, twin.expires_at) == (
        message.subject_type, message.question, message.expires_at
    )  # fmt: skip
    db.session.refresh(on_whatsapp)
    assert on_whatsapp.channel == "sms"
    deliver()
    deliver()  # the dispatcher again: nothing more
    assert [entry[0] for entry in gateway.sent_by_channel] == ["sms"]
    assert len(outbound(db)) == 2
    audit = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "participant.channel_changed")
    )
    assert audit.details == {"from": "whatsapp", "to": "sms", "via": "whatsapp_failed",
                             "error": "63003"}  # fmt: skip
    assert PHONE not in str(audit.details)


def test_a_whatsapp_failure_in_a_status_callback_goes_by_sms_once(
    twilio_post, db, clock, deliver, gateway, on_whatsapp, templates
):
    message = reminder(on_whatsapp, clock)
    db.session.commit()
    deliver()
    db.session.refresh(message)
    failed = {"MessageSid": message.provider_sid, "MessageStatus": "undelivered",
              "ErrorCode": "63016"}  # fmt: skip
    assert twilio_post("/sms/status", failed).status_code == 204
    assert twilio_post("/sms/status", failed).status_code == 204  # Twilio retries
    assert twilio_post("/sms/status", failed | {"MessageStatus": "failed"}).status_code == 204
    twins = outbound(db, channel="sms")
    assert [t.idempotency_key for t in twins] == [fallback_key(message.id)]
    deliver()
    deliver()
    assert [entry[0] for entry in gateway.sent_by_channel] == ["whatsapp", "sms"]


def test_an_opted_out_code_is_no_reason_to_send_an_sms(
    db, clock, deliver, gateway, on_whatsapp, templates
):
    message = reminder(on_whatsapp, clock)
    db.session.commit()
    gateway.fail_next("21610", transient=False)
    deliver()
    assert outbound(db, channel="sms") == []
    assert db.session.scalar(db.select(OptOut.phone)) == PHONE
    assert message.id


def test_stop_on_whatsapp_stops_every_channel(
    twilio_post, db, clock, deliver, gateway, on_whatsapp
):
    queued = [
        queue_sms(phone=PHONE, body=f"t{channel}", kind="reminder", now=clock.now(),
                  user=on_whatsapp, idempotency_key=f"k{channel}", channel=channel)
        for channel in ("sms", "whatsapp", "voice")
    ]  # fmt: skip
    db.session.commit()
    whatsapp_text(twilio_post, "STOP")
    assert db.session.scalar(db.select(OptOut.phone).where(OptOut.active)) == PHONE
    deliver()
    for message in queued:
        db.session.refresh(message)
        assert (message.status, message.error_code) == (Status.CANCELLED, "opted_out")
        # A cancelled row keeps the channel it was queued for, with no decision on it.
        assert message.channel == ("sms" if message.body == "tsms" else message.body[1:])
        assert "whatsapp" not in (message.meta or {})
    # Only the confirmation went, back by WhatsApp.
    assert [(entry[0], entry[1]) for entry in gateway.sent_by_channel] == [("whatsapp", PHONE)]
    # An SMS after it: stopped too (the list is per number).
    later = reminder(on_whatsapp, clock, key="after")
    db.session.commit()
    deliver()
    db.session.refresh(later)
    assert later.status == Status.CANCELLED


@pytest.mark.parametrize(
    "sender",
    ["whatsapp:", "whatsapp:abc", "whatsapp:+39", "whatsapp:393471234567",
     "whatsapp:+39347123456789012345", "whatsapp:+39 347 123 4567", "messenger:12345",
     "whatsapp:+393471234567\x00"],
)  # fmt: skip
def test_a_malformed_whatsapp_sender_gets_400_and_changes_nothing(twilio_post, db, sender):
    assert whatsapp_text(twilio_post, "STOP", sender=sender).status_code == 400
    assert db.session.scalar(db.select(Message)) is None
    assert db.session.scalar(db.select(OptOut)) is None


def test_an_unsigned_whatsapp_message_gets_403(twilio_post, db):
    params = {"From": WA_FROM, "Body": "STOP", "MessageSid": "SM" + "9" * 32}
    assert twilio_post("/sms/inbound", params, signature="").status_code == 403
    assert twilio_post("/sms/inbound", params, signature="forged").status_code == 403
    assert db.session.scalar(db.select(Message)) is None


def test_an_unknown_number_on_whatsapp_gets_help_by_whatsapp(twilio_post, db):
    assert (
        whatsapp_text(twilio_post, "buongiorno", sender="whatsapp:+447700900123").status_code == 200
    )
    (reply,) = outbound(db)
    assert (reply.phone, reply.channel, reply.kind) == ("+447700900123", "whatsapp", "reply")
    assert (
        whatsapp_text(twilio_post, "CHIAMATA", sender="whatsapp:+447700900123").status_code == 200
    )


@pytest.mark.parametrize(
    ("word", "channel", "language"),
    [("WhatsApp", "whatsapp", "it"), ("CHIAMATA", "voice", "it"), ("call me", "voice", "en"),
     ("واتساب", "whatsapp", "ar"), ("এসএমএস", "sms", "bn"), ("کال", "voice", "ur"),
     ("Дзвінок", "voice", "uk"), ("llamada", "voice", "es"), ("appel", "voice", "fr")],
)  # fmt: skip
def test_a_channel_keyword_chooses_the_channel(
    text, db, create_participant, word, channel, language
):
    person = create_participant(
        preferred_language=language, channel="sms" if channel != "sms" else "whatsapp"
    )
    text(person.phone, word)
    db.session.refresh(person)
    assert person.channel == channel
    (reply,) = outbound(db)
    assert reply.kind == "reply" and reply.channel == "sms"  # on the channel written on
    audit = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "participant.channel_changed")
    )
    assert audit.details["via"] == "sms" and person.phone not in str(audit.details)


def test_a_channel_keyword_from_an_unknown_number_asks_to_sign_up(text, db):
    text("+393479999999", "WHATSAPP")
    (reply,) = outbound(db)
    assert "ISCRIVI" in reply.body


def test_the_participant_chooses_whatsapp_on_their_profile(
    client, db, login_as, create_participant, clock
):
    person = login_as(create_participant())
    waiting = reminder(person, clock)
    db.session.commit()
    assert 'name="channel"' in client.get("/me/profile").get_data(as_text=True)
    response = client.post_form("/me/profile", {"language": "it", "channel": "whatsapp"})
    assert response.status_code == 302
    db.session.refresh(person)
    db.session.refresh(waiting)
    assert person.channel == "whatsapp" and waiting.channel == "whatsapp"  # it follows
    bad = client.post_form("/me/profile", {"language": "it", "channel": "pigeon"})
    assert bad.status_code == 200
    db.session.refresh(person)
    assert person.channel == "whatsapp"


def test_staff_choose_the_channel_at_the_desk(client, db, login_as, staff, create_participant):
    person = create_participant()
    login_as(staff)
    page = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    assert 'name="channel"' in page
    response = client.post_form(f"/staff/participants/{person.id}/facts", {"channel": "voice"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.channel == "voice"
    audit = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "participant.channel_changed")
    )
    assert audit.details == {"from": "sms", "to": "voice", "via": "desk"}
    assert audit.actor_id == staff.id


def test_without_a_phone_no_channel_but_sms_can_be_chosen(
    client, db, login_as, staff, create_participant
):
    person = create_participant(phone=None)
    login_as(staff)
    response = client.post_form(f"/staff/participants/{person.id}/facts", {"channel": "whatsapp"})
    assert response.status_code == 200
    assert "Senza un numero di telefono" in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.channel == "sms"


def test_read_counts_as_delivered(twilio_post, db, clock, deliver, on_whatsapp, templates):
    message = reminder(on_whatsapp, clock)
    db.session.commit()
    deliver()
    db.session.refresh(message)
    read = {"MessageSid": message.provider_sid, "MessageStatus": "read"}
    assert twilio_post("/sms/status", read).status_code == 204
    db.session.refresh(message)
    assert message.status == Status.DELIVERED
    assert outbound(db, channel="sms") == []
    assert clock.now() - message.sent_at < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [({"WHATSAPP_TEMPLATES": {"reminder": {"it": "HXnot-a-sid"}}}, "WHATSAPP_TEMPLATES"),
     ({"WHATSAPP_TEMPLATES": ["HX" + "a" * 32]}, "WHATSAPP_TEMPLATES"),
     ({"PRICE_WHATSAPP_TEMPLATE": "cinque"}, "PRICE_WHATSAPP_TEMPLATE")],
)  # fmt: skip
def test_production_refuses_bad_whatsapp_settings(settings, complaint):
    from config import ProductionConfig

    problems = type("Prod", (ProductionConfig,), settings).check()
    assert any(complaint in problem for problem in problems)
    good = {"WHATSAPP_TEMPLATES": {"reminder": {"it": TEMPLATE}}, "PRICE_VOICE_CALL": "0.2"}
    assert not any(
        "WHATSAPP" in p or "PRICE" in p for p in type("Prod", (ProductionConfig,), good).check()
    )


def test_the_staff_thread_says_which_messages_came_by_whatsapp(
    twilio_post, client, login_as, staff, db, on_whatsapp
):
    whatsapp_text(twilio_post, "ciao, arrivo tardi")
    login_as(staff)
    page = client.get(f"/staff/inbox/{on_whatsapp.id}").get_data(as_text=True)
    assert page.count("· WhatsApp") >= 1


def test_a_batch_reads_windows_and_languages_once_and_decides_each_person_apart(
    twilio_post, db, clock, deliver, gateway, create_participant, templates
):
    from sqlalchemy import event

    people = [
        create_participant(phone=f"+39347765{k:04d}", channel="whatsapp", preferred_language=lang)
        for k, lang in enumerate(["it", "ar", "it", "ar", "it", "it"])
    ]
    whatsapp_text(twilio_post, "ciao", sender=f"whatsapp:{people[0].phone}")  # window open
    whatsapp_text(twilio_post, "ciao", sender=f"whatsapp:{people[1].phone}")  # window open
    deliver()  # the answers to those two texts
    messages = [reminder(person, clock, key=f"reminder:b{k}") for k, person in enumerate(people)]
    db.session.commit()
    gateway.sent_by_channel.clear()
    reads = []

    def listen(_conn, _cursor, statement, *_args):
        if "conversation" in statement or "preferred_language" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        assert deliver() == len(people)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    # One read of the people's languages and one of their conversations for the batch
    # (the take's own check of withdrawn consent is inside its UPDATE, not a SELECT).
    assert len([s for s in reads if s.lstrip().upper().startswith("SELECT")]) == 2
    for message in messages:
        db.session.refresh(message)
    decided = [(m.channel, m.meta["whatsapp"]) for m in messages]
    assert decided == [
        ("whatsapp", "free_text"),  # window open, Italian
        ("whatsapp", "free_text"),  # window open: free text whatever the language
        ("whatsapp", "template"),  # closed, Italian template
        ("sms", "no_template"),  # closed, no Arabic template: by SMS
        ("whatsapp", "template"),
        ("whatsapp", "template"),
    ]
    assert all(m.status == Status.SENT for m in messages)
    assert [entry[0] for entry in gateway.sent_by_channel].count("sms") == 1
