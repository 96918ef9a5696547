from civic_app.sms.models import Direction, Message, OptOut, Status
from civic_app.sms.operations import queue_sms
from tests.conftest import PUBLIC


def inbound_count(db):
    return db.session.scalar(
        db.select(db.func.count(Message.id)).where(Message.direction == Direction.IN)
    )


def test_a_signed_inbound_message_is_recorded_and_answered(text, db):
    response = text("+393471234567", "aiuto", sid="SM" + "1" * 32)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    inbound = db.session.scalar(db.select(Message).where(Message.direction == Direction.IN))
    assert inbound.body == "aiuto" and inbound.provider_sid == "SM" + "1" * 32
    reply = db.session.scalar(db.select(Message).where(Message.direction == Direction.OUT))
    assert reply.kind == "reply" and "ISCRIVI" in reply.body


def test_a_bad_or_missing_signature_gets_403_and_changes_nothing(twilio_post, db):
    params = {"From": "+393471234567", "Body": "STOP", "MessageSid": "SM" + "2" * 32}
    assert twilio_post("/sms/inbound", params, signature="bogus").status_code == 403
    assert twilio_post("/sms/inbound", params, signature="").status_code == 403
    forged = twilio_post("/sms/inbound", params, url="https://evil.example/sms/inbound")
    assert forged.status_code == 403
    assert inbound_count(db) == 0
    assert db.session.scalar(db.select(OptOut)) is None
    assert twilio_post("/sms/status", {"MessageSid": "SMx", "MessageStatus": "delivered"},
                       signature="bogus").status_code == 403  # fmt: skip


def test_without_a_configured_token_every_webhook_is_refused(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", None)
    response = client.post("/sms/inbound", data={"From": "+393471234567", "Body": "x"},
                           headers={"X-Twilio-Signature": "anything"})  # fmt: skip
    assert response.status_code == 403


def test_a_repeated_message_sid_is_applied_once(text, db):
    sid = "SM" + "3" * 32
    text("+393471234567", "STOP", sid=sid)
    text("+393471234567", "STOP", sid=sid)
    assert inbound_count(db) == 1
    replies = db.session.scalars(db.select(Message).where(Message.direction == Direction.OUT))
    assert len(replies.all()) == 1


def test_bad_webhook_input_gets_a_4xx(twilio_post):
    assert twilio_post("/sms/inbound", {"From": "not a number", "Body": "x",
                                        "MessageSid": "SM1"}).status_code == 400  # fmt: skip
    assert twilio_post("/sms/inbound", {"From": "+393471234567", "Body": "x"}).status_code == 400
    assert (
        twilio_post("/sms/status", {"MessageSid": "SM1", "MessageStatus": "weird"}).status_code
        == 400
    )


def test_the_signature_is_checked_on_the_public_url_behind_a_proxy(client, twilio_app, db):
    from twilio.request_validator import RequestValidator

    params = {"From": "+393471234567", "Body": "aiuto", "MessageSid": "SM" + "4" * 32}
    signature = RequestValidator("test-auth-token").compute_signature(
        f"{PUBLIC}/sms/inbound", params
    )
    # The app sees http://localhost/..., Twilio signed https://civic.example.org/...
    response = client.post("/sms/inbound", data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200


def sent_message(db, clock, sid="SM" + "5" * 32):
    message = queue_sms(phone="+393471234567", body="Ciao", kind="t", now=clock.now())
    message.status, message.provider_sid = Status.SENT, sid
    db.session.commit()
    return message


def test_status_callbacks_move_a_message_forward_only(twilio_post, db, clock):
    message = sent_message(db, clock)
    sid = message.provider_sid
    assert (
        twilio_post("/sms/status", {"MessageSid": sid, "MessageStatus": "delivered"}).status_code
        == 204
    )
    assert db.session.get(Message, message.id).status == Status.DELIVERED
    twilio_post("/sms/status", {"MessageSid": sid, "MessageStatus": "sent"})  # late, out of order
    assert db.session.get(Message, message.id).status == Status.DELIVERED
    assert (
        twilio_post("/sms/status", {"MessageSid": "SMunknown", "MessageStatus": "sent"}).status_code
        == 204
    )


def test_a_failed_delivery_keeps_its_error_code_and_21610_opts_the_number_out(
    twilio_post, db, clock
):
    message = sent_message(db, clock)
    twilio_post(
        "/sms/status",
        {"MessageSid": message.provider_sid, "MessageStatus": "undelivered", "ErrorCode": "21610"},
    )
    stored = db.session.get(Message, message.id)
    assert (stored.status, stored.error_code) == (Status.UNDELIVERED, "21610")
    opt_out = db.session.scalar(db.select(OptOut))
    assert opt_out.phone == "+393471234567" and opt_out.stop_source == "twilio_21610"


def test_the_gateway_refusing_with_21610_records_the_opt_out(
    db, clock, gateway, create_participant
):
    from civic_app.sms.dispatcher import dispatch_due

    person = create_participant(phone="+393471234567")
    queue_sms(phone=person.phone, body="Promemoria", kind="reminder", now=clock.now(), user=person)
    db.session.commit()
    gateway.fail_next("21610", transient=False)
    dispatch_due(gateway, clock.now())
    assert db.session.scalar(db.select(OptOut)).stop_source == "twilio_21610"
    db.session.refresh(person)
    assert person.sms_opt_out_at is not None
