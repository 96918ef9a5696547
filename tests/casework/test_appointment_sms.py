"""A referral's appointment by SMS (issue 20, point 5): in the person's language, once,
only with SMS consent and no STOP, within the quiet hours; a reminder before it; a moved
appointment cancels the old texts; a health service is never named."""

from datetime import UTC, datetime

import pytest

from civic_app.casework.models import ReferralStatus, ServiceKind
from civic_app.casework.referrals import advance, refer, reschedule
from civic_app.casework.reminders import sweep_appointments
from civic_app.core.consent import give_consent, withdraw_consent
from civic_app.jobs import JOBS
from civic_app.scheduler.jobs import run_job
from civic_app.sms.models import Message, Status
from civic_app.sms.optout import opt_out
from civic_app.sms.templates import TEMPLATES, sms_brand

PHONE = "+393471112233"
#: Friday 6 March 2026, 10:30 in Rome.
FRIDAY_1030 = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)
#: Saturday 7 March 2026, 12:00 in Rome.
SATURDAY_NOON = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)


@pytest.fixture
def person_case(db, create_case, clock):
    """Amina, who reads Arabic, has a phone and said yes to SMS."""
    case = create_case(phone=PHONE, preferred_language="ar")
    give_consent(case.person, "sms", language="ar", method="verbal", now=clock.now())
    db.session.commit()
    return case


@pytest.fixture
def legal(create_service):
    return create_service(name="Sportello legale Diritti", kind=ServiceKind.LEGAL_AID)


def outbox(db, kind=None) -> list[Message]:
    db.session.expire_all()  # the dispatcher wrote with statements of its own
    query = db.select(Message).where(Message.phone == PHONE).order_by(Message.id)
    if kind:
        query = query.where(Message.kind == kind)
    return db.session.scalars(query).all()


def arabic(template: str) -> str:
    """The fixed part of the Arabic text before its first placeholder (the signature in)."""
    return TEMPLATES[template]["ar"].replace("{brand}", sms_brand()).split("{")[0]


def test_the_appointment_goes_out_once_in_arabic(
    client, db, login_as, caseworker, person_case, legal, deliver, gateway
):
    login_as(caseworker)
    data = {
        "service_id": str(legal.id), "reason": "Permesso di soggiorno",
        "appointment_day": "2026-03-06", "appointment_time": "10:30",
        "appointment_place": "Via dei Diritti 1",
    }  # fmt: skip
    assert client.post_form(f"/cases/{person_case.id}/referrals", data).status_code == 302
    assert deliver() == 1
    assert deliver() == 0
    ((to, body, _sid),) = gateway.sent
    assert to == PHONE
    assert body.startswith(arabic("referral_appointment"))
    assert "6/03 10:30" in body  # Rome time, not UTC
    assert "Sportello legale Diritti" in body and "Via dei Diritti 1" in body
    (message,) = outbox(db)
    assert (message.kind, message.subject_type, message.status) == (
        "referral_appointment", "referral", Status.SENT,
    )  # fmt: skip
    assert message.expires_at == FRIDAY_1030


def test_no_sms_without_consent_or_after_stop(db, create_case, caseworker, legal, clock, deliver):
    no_consent = create_case(phone="+393470000001", preferred_language="fr")
    refer(no_consent, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())

    stopped = create_case(phone="+393470000002")
    give_consent(stopped.person, "sms", language="ar", method="verbal", now=clock.now())
    opt_out("+393470000002", "sms", clock.now())
    refer(stopped, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())

    withdrawn = create_case(phone="+393470000003")
    give_consent(withdrawn.person, "sms", language="ar", method="verbal", now=clock.now())
    withdraw_consent(withdrawn.person, "sms", clock.now())
    refer(withdrawn, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())

    no_phone = create_case()
    refer(no_phone, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())
    db.session.commit()

    clock.advance(days=1, hours=1)  # into the reminder window
    assert sweep_appointments(clock.now())["appointment reminders"] == 0
    assert db.session.scalar(db.select(db.func.count(Message.id))) == 0
    assert deliver() == 0


def test_the_quiet_hours_hold_the_sms_until_morning(
    db, person_case, legal, caseworker, clock, deliver, gateway
):
    clock.at = datetime(2026, 3, 4, 21, 30, tzinfo=UTC)  # 22:30 in Rome
    refer(person_case, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())
    db.session.commit()
    (message,) = outbox(db)
    assert message.next_attempt_at == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)  # 08:00 Rome
    assert deliver() == 0
    clock.at = datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert deliver() == 1 and len(gateway.sent) == 1


def test_a_reminder_goes_out_the_day_before_once(
    app, db, person_case, legal, caseworker, clock, deliver, gateway
):
    referral = refer(person_case, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())
    db.session.commit()
    deliver()
    clock.at = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # 25 hours before: not yet
    assert sweep_appointments(clock.now())["appointment reminders"] == 0
    clock.at = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)  # 24 hours before
    job = next(j for j in JOBS if j.id == "send_appointment_reminders")
    assert run_job(app, job) == "1 appointment reminders"
    assert run_job(app, job) == ""  # a second sweep queues nothing twice
    assert deliver() == 1
    reminder = gateway.sent[-1][1]
    assert reminder.startswith(arabic("referral_reminder"))
    assert "6/03 10:30" in reminder and "Sportello legale Diritti" in reminder
    assert [m.kind for m in outbox(db)] == ["referral_appointment", "referral_reminder"]
    assert {m.subject_id for m in outbox(db)} == {referral.id}


def test_an_appointment_booked_for_tomorrow_gets_no_second_text(
    db, person_case, legal, caseworker, clock, deliver
):
    tomorrow = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    refer(person_case, legal, caseworker, "Documenti", tomorrow, "Sede", clock.now())
    db.session.commit()
    clock.advance(hours=2)
    assert sweep_appointments(clock.now())["appointment reminders"] == 0
    assert [m.kind for m in outbox(db)] == ["referral_appointment"]


def test_moving_the_appointment_cancels_the_old_texts_and_sends_the_new_time(
    db, person_case, legal, caseworker, clock, deliver, gateway
):
    referral = refer(person_case, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())
    db.session.commit()
    assert deliver() == 1
    clock.at = datetime(2026, 3, 5, 20, 30, tzinfo=UTC)  # 21:30 Rome: the reminder waits
    assert sweep_appointments(clock.now())["appointment reminders"] == 1
    db.session.commit()
    old_reminder = outbox(db, "referral_reminder")[0]
    assert old_reminder.status == Status.QUEUED

    reschedule(referral, SATURDAY_NOON, "Sede", caseworker, clock.now())
    db.session.commit()
    db.session.refresh(old_reminder)
    assert (old_reminder.status, old_reminder.error_code) == (Status.CANCELLED, "moved")
    new_text = outbox(db, "referral_appointment")[-1]
    assert new_text.status == Status.QUEUED and "7/03 12:00" in new_text.body

    clock.at = datetime(2026, 3, 6, 7, 0, tzinfo=UTC)  # morning: the new time goes out
    assert deliver() == 1 and "7/03 12:00" in gateway.sent[-1][1]
    clock.at = datetime(2026, 3, 6, 11, 0, tzinfo=UTC)  # 24 hours before the new time
    assert sweep_appointments(clock.now())["appointment reminders"] == 1
    assert deliver() == 1 and "7/03 12:00" in gateway.sent[-1][1]
    assert [(m.kind, m.status) for m in outbox(db)] == [
        ("referral_appointment", Status.SENT),
        ("referral_reminder", Status.CANCELLED),
        ("referral_appointment", Status.SENT),
        ("referral_reminder", Status.SENT),
    ]
    assert len(gateway.sent) == 3  # the cancelled reminder of the old time never left


def test_a_moved_appointment_far_ahead_gets_its_own_reminder(
    db, person_case, legal, caseworker, clock, deliver, gateway
):
    referral = refer(person_case, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())
    db.session.commit()
    later = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
    reschedule(referral, later, "Sede", caseworker, clock.now())
    db.session.commit()
    assert [(m.kind, m.status, m.error_code) for m in outbox(db)] == [
        ("referral_appointment", Status.CANCELLED, "moved"),
        ("referral_appointment", Status.QUEUED, None),
    ]
    clock.at = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)  # the old time's window: nothing
    assert sweep_appointments(clock.now())["appointment reminders"] == 0
    clock.at = datetime(2026, 3, 11, 9, 30, tzinfo=UTC)
    assert sweep_appointments(clock.now())["appointment reminders"] == 1
    assert deliver() == 2
    assert [body for _to, body, _sid in gateway.sent][-1].count("12/03 10:30") == 1


def test_the_sweep_cancels_what_waits_for_an_appointment_changed_elsewhere(
    db, person_case, legal, caseworker, clock
):
    referral = refer(person_case, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())
    db.session.commit()
    referral.appointment_at = SATURDAY_NOON  # e.g. a correction by a script
    db.session.commit()
    assert sweep_appointments(clock.now())["outdated appointment texts"] == 1
    assert outbox(db)[0].status == Status.CANCELLED


@pytest.mark.parametrize("end", [ReferralStatus.REFUSED, ReferralStatus.ATTENDED])
def test_an_ended_referral_cancels_its_waiting_texts(
    db, person_case, legal, caseworker, clock, end
):
    clock.at = datetime(2026, 3, 4, 21, 30, tzinfo=UTC)  # held until the morning
    referral = refer(person_case, legal, caseworker, "Documenti", FRIDAY_1030, "Sede", clock.now())
    advance(referral, end, caseworker, "Nessun posto", clock.now())
    db.session.commit()
    (message,) = outbox(db)
    assert (message.status, message.error_code) == (Status.CANCELLED, f"referral_{end.value}")


@pytest.mark.parametrize("kind", [ServiceKind.MENTAL_HEALTH, ServiceKind.HEALTH])
def test_a_health_referral_sms_says_nothing_of_the_service(
    db, person_case, create_service, caseworker, clock, deliver, gateway, kind
):
    person_case.person.preferred_language = "it"
    service = create_service(
        name="Centro di salute mentale ASL Roma 1", kind=kind, address="Via Ardeatina 5"
    )
    clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # booked days before
    refer(person_case, service, caseworker, "Ansia e insonnia", FRIDAY_1030, "", clock.now())
    db.session.commit()
    clock.at = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    assert sweep_appointments(clock.now())["appointment reminders"] == 1
    assert deliver() == 2
    bodies = [body for _to, body, _sid in gateway.sent]
    assert bodies == [
        "civic_app: hai un appuntamento ven 6/03 10:30, Via Ardeatina 5.",
        "civic_app: promemoria, appuntamento ven 6/03 10:30, Via Ardeatina 5.",
    ]
    for body in bodies:
        lowered = body.lower()
        assert "salute" not in lowered and "centro" not in lowered and "asl" not in lowered
        assert "ansia" not in lowered
