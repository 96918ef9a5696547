import logging
from datetime import timedelta

import pytest

from civic_app.conversation.operations import receive_sms
from civic_app.sms.claims import _claim
from civic_app.sms.dispatcher import STALE_SENDING_AFTER, backoff, dispatch_due, send_one
from civic_app.sms.gateways import ConsoleGateway, TwilioGateway, build_gateway
from civic_app.sms.models import Message, Status
from civic_app.sms.operations import queue_sms

PHONE = "+393471234567"


def queue(db, clock, **kw):
    message = queue_sms(phone=PHONE, body="Ciao", kind="test", now=clock.now(), **kw)
    db.session.commit()
    return message


def test_the_same_idempotency_key_never_queues_twice(db, clock):
    first = queue(db, clock, idempotency_key="reminder:session-1:user-1:T-24h")
    second = queue(db, clock, idempotency_key="reminder:session-1:user-1:T-24h")
    assert first.id == second.id
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 1


def test_the_dispatcher_sends_due_messages_and_records_the_sid(db, clock, gateway):
    message = queue(db, clock)
    later = queue_sms(phone=PHONE, body="Dopo", kind="test", now=clock.now() + timedelta(hours=1))
    db.session.commit()
    assert dispatch_due(gateway, clock.now()) == 1
    db.session.refresh(message)
    db.session.refresh(later)
    assert message.status == Status.SENT
    assert message.provider_sid == gateway.sent[0][2]
    assert message.sent_at == clock.now() and message.attempts == 1
    assert later.status == Status.QUEUED


def test_urgent_messages_go_first(db, clock, gateway):
    queue(db, clock)
    urgent = queue(db, clock, urgent=True)
    dispatch_due(gateway, clock.now())
    assert gateway.sent[0][2] == db.session.get(Message, urgent.id).provider_sid


def test_transient_failures_are_retried_with_growing_waits(db, clock, gateway):
    message = queue(db, clock)
    gateway.fail_next("429", transient=True, times=2)
    dispatch_due(gateway, clock.now())
    db.session.refresh(message)
    assert message.status == Status.QUEUED and message.error_code == "429"
    assert message.next_attempt_at == clock.now() + backoff(1)
    # Not due yet: nothing happens.
    dispatch_due(gateway, clock.now())
    assert db.session.get(Message, message.id).attempts == 1
    clock.advance(seconds=backoff(1).total_seconds())
    dispatch_due(gateway, clock.now())
    db.session.refresh(message)
    assert message.next_attempt_at == clock.now() + backoff(2)
    assert backoff(2) > backoff(1)
    clock.advance(seconds=backoff(2).total_seconds())
    dispatch_due(gateway, clock.now())
    db.session.refresh(message)
    assert message.status == Status.SENT and message.attempts == 3
    assert len(gateway.sent) == 1


def test_backoff_is_capped():
    assert backoff(30) == timedelta(hours=1)


def test_after_the_last_attempt_a_message_fails(db, clock, gateway):
    message = queue(db, clock)
    gateway.fail_next("503", transient=True, times=10)
    for _ in range(3):
        dispatch_due(gateway, clock.now(), max_attempts=3)
        clock.advance(hours=2)
    db.session.refresh(message)
    assert message.status == Status.FAILED and message.attempts == 3
    assert gateway.sent == []


def test_permanent_failures_are_not_retried(db, clock, gateway):
    message = queue(db, clock)
    gateway.fail_next("21211", transient=False)
    dispatch_due(gateway, clock.now())
    db.session.refresh(message)
    assert message.status == Status.FAILED and message.error_code == "21211"


def test_a_message_claimed_by_a_dead_dispatcher_is_never_sent_again(db, clock, gateway):
    message = queue(db, clock)
    # The dispatcher claimed it, handed it over, and died before recording the answer.
    assert _claim(message.id, clock.now())
    assert dispatch_due(gateway, clock.now()) == 0
    clock.advance(seconds=STALE_SENDING_AFTER.total_seconds() + 1)
    assert dispatch_due(gateway, clock.now()) == 0
    db.session.refresh(message)
    assert message.status == Status.UNKNOWN
    assert gateway.sent == []


def test_only_one_dispatcher_can_claim_a_message(db, clock, gateway):
    message = queue(db, clock)
    assert _claim(message.id, clock.now()) is True
    assert _claim(message.id, clock.now()) is False
    assert send_one(message.id, gateway, clock.now(), 6) is None


def test_the_rate_limit_spaces_out_the_sends(db, clock, gateway):
    for _ in range(3):
        queue(db, clock)
    waits = []
    dispatch_due(gateway, clock.now(), rate_per_second=2, sleep=waits.append)
    assert len(waits) == 2
    assert all(0 < w <= 0.5 for w in waits)


def test_inbound_messages_are_recorded_once_per_message_sid(db, clock, create_participant):
    participant = create_participant(phone=PHONE, preferred_language="en")
    inbound, [reply] = receive_sms(phone=PHONE, body="hello", now=clock.now(), provider_sid="SM1")
    assert inbound.user_id == participant.id and inbound.status == Status.RECEIVED
    assert reply.kind == "reply" and "STOP" in reply.body and "civic_app" in reply.body
    again, no_reply = receive_sms(phone=PHONE, body="hello", now=clock.now(), provider_sid="SM1")
    assert again.id == inbound.id and no_reply == []


def test_the_console_gateway_logs_no_full_phone_number(app, caplog):
    with caplog.at_level(logging.INFO):
        result = ConsoleGateway(app.config).send(PHONE, "Ciao")
    assert result.sid.startswith("CONSOLE")
    assert PHONE not in caplog.text and "+39" in caplog.text


def test_an_unknown_backend_name_is_a_clear_error(app):
    with pytest.raises(RuntimeError, match="SMS_BACKEND must be one of"):
        build_gateway({**app.config, "SMS_BACKEND": "nope"})


def twilio_config(app):
    return {
        **app.config,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "token",
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32,
        "PUBLIC_BASE_URL": "https://civic.example.org/",
    }


def test_the_twilio_gateway_uses_the_official_client(app):
    gateway = TwilioGateway(twilio_config(app))
    assert type(gateway.client).__module__.startswith("twilio.")
    assert gateway.status_callback == "https://civic.example.org/sms/status"


def test_the_guard_fails_any_test_that_would_reach_real_twilio(app):
    gateway = TwilioGateway(twilio_config(app))
    with pytest.raises(pytest.fail.Exception, match="real Twilio API"):
        gateway.send(PHONE, "Ciao")


def test_messages_reserved_by_a_dead_dispatcher_go_out_after_its_lease(db, clock, gateway):
    from datetime import timedelta

    from civic_app.sms.dispatcher import claim_batch

    messages = [queue(db, clock) for _ in range(3)]
    claimed = claim_batch(clock.now(), 10, timedelta(minutes=2))
    assert claimed == [m.id for m in messages]
    # That dispatcher dies before sending anything: the others wait for the lease.
    assert dispatch_due(gateway, clock.now()) == 0
    clock.advance(minutes=2, seconds=1)
    assert dispatch_due(gateway, clock.now()) == 3
    assert len(gateway.sent) == 3
