"""A referral's appointment by SMS: when it is set or moved, and a reminder before it.

Only to a person with a phone, an active SMS consent and no STOP. The texts name the
time and the place, and the service unless it is a health or mental-health one: an SMS
can be read by anyone holding the phone.

The reminder is derived, not stored as a job: `sweep_appointments(now)` (the scheduler's
`send_appointment_reminders`) queues it once the appointment is close. Its idempotency
key holds the appointment's time, so moving the appointment makes a new reminder, and the
sweep (and `cancel_appointment_texts`, at once) cancels what still waits for the old one.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app

from civic_app.casework.models import (
    CareService,
    Intake,
    Referral,
    ReferralStatus,
    ServiceKind,
)
from civic_app.core.accounts import User
from civic_app.core.consent import active_consent
from civic_app.extensions import db
from civic_app.sms.models import Message, Status
from civic_app.sms.operations import cancel_queued, queue_many, queue_sms
from civic_app.sms.optout import is_opted_out
from civic_app.sms.templates import render_sms, sms_language, sms_when

#: Services an SMS never names.
PRIVATE_KINDS = frozenset({ServiceKind.HEALTH, ServiceKind.MENTAL_HEALTH})
#: A referral still waiting for its appointment.
AWAITING = (ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
APPOINTMENT_KINDS = ("referral_appointment", "referral_reminder")
#: The longest service name and place an SMS carries (one segment in GSM-7).
NAME_MAX, PLACE_MAX = 40, 40


def may_text(person: User) -> bool:
    """A phone, an active SMS consent, and neither a STOP nor a withdrawal."""
    return bool(
        person.phone
        and person.erased_at is None
        and person.sms_opt_out_at is None
        and active_consent(person, "sms") is not None
        and not is_opted_out(person.phone)
    )


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def appointment_key(referral: Referral, what: str) -> str:
    """One message of `what` per referral and appointment time."""
    return f"referral-{what}:r{referral.id}:{_stamp(referral.appointment_at)}"


def appointment_text(template: str, referral: Referral, service: CareService, language) -> str:
    """The text of `template` ("referral_appointment" or "referral_reminder") in `language`,
    without the service's name when the service is a health one."""
    values = {
        "when": sms_when(referral.appointment_at, language),
        "place": (referral.appointment_place or service.address or "-")[:PLACE_MAX],
    }
    if service.kind in PRIVATE_KINDS:
        return render_sms(f"{template}_private", language, **values)
    return render_sms(template, language, service=service.name[:NAME_MAX], **values)


def text_appointment(referral: Referral, now: datetime) -> Message | None:
    """Queue the SMS that tells the person of their appointment (within the quiet hours,
    never after the appointment); None when they get no SMS. Flushes."""
    person = referral.intake.person
    if referral.appointment_at is None or referral.appointment_at <= now:
        return None
    if referral.status not in AWAITING or not may_text(person):
        return None
    language = sms_language(person.preferred_language)
    return queue_sms(
        phone=person.phone,
        body=appointment_text("referral_appointment", referral, referral.service, language),
        kind="referral_appointment",
        now=now,
        user=person,
        municipality_id=referral.municipality_id,
        idempotency_key=appointment_key(referral, "appointment"),
        subject=("referral", referral.id),
        expires_at=referral.appointment_at,
    )


def cancel_appointment_texts(referral: Referral, now: datetime, reason: str) -> int:
    """The appointment's SMS still in the outbox (it moved, or the referral ended)."""
    return cancel_queued(("referral", referral.id), APPOINTMENT_KINDS, reason, now)


def reminder_hours() -> int:
    return int(current_app.config.get("CASEWORK_APPOINTMENT_REMINDER_HOURS", 24) or 0)


def sweep_appointments(now: datetime) -> dict[str, int]:
    """Queue the reminders due at `now`; cancel those of appointments moved or ended.

    No reminder for an appointment booked inside the reminder window: its own SMS, a
    moment ago, said the same. Flushes.
    """
    counts = {"appointment reminders": 0, "outdated appointment texts": _cancel_outdated(now)}
    hours = reminder_hours()
    if hours <= 0:
        return counts
    window = timedelta(hours=hours)
    due = db.session.execute(
        db.select(Referral, Intake, CareService)
        .join(Intake, Intake.id == Referral.intake_id)
        .join(CareService, CareService.id == Referral.service_id)
        .where(
            Referral.status.in_(AWAITING),
            Referral.appointment_at > now,
            Referral.appointment_at <= now + window,
        )
    ).all()
    if not due:
        return counts
    booked = _booked_at([referral for referral, _intake, _service in due])
    rows = []
    for referral, intake, service in due:
        person = intake.person
        told = booked.get(appointment_key(referral, "appointment"))
        if told is not None and told >= referral.appointment_at - window:
            continue
        if not may_text(person):
            continue
        language = sms_language(person.preferred_language)
        rows.append(
            {
                "phone": person.phone,
                "body": appointment_text("referral_reminder", referral, service, language),
                "kind": "referral_reminder",
                "idempotency_key": appointment_key(referral, "reminder"),
                "user_id": person.id,
                "municipality_id": referral.municipality_id,
                "subject": ("referral", referral.id),
                "expires_at": referral.appointment_at,
            }
        )
    counts["appointment reminders"] = queue_many(rows, now)
    db.session.flush()
    return counts


def _booked_at(referrals) -> dict[str, datetime]:
    """When each appointment's own SMS was queued, by its key."""
    keys = [appointment_key(r, "appointment") for r in referrals]
    found = db.session.execute(
        db.select(Message.idempotency_key, Message.created_at).where(
            Message.idempotency_key.in_(keys)
        )
    ).all()
    return {key: created_at for key, created_at in found}


def _cancel_outdated(now: datetime) -> int:
    """Queued appointment texts of a referral whose appointment moved, went or ended."""
    waiting = db.session.execute(
        db.select(Message.id, Message.idempotency_key, Referral.status, Referral.appointment_at)
        .join(Referral, Referral.id == Message.subject_id)
        .where(
            Message.subject_type == "referral",
            Message.kind.in_(APPOINTMENT_KINDS),
            Message.status == Status.QUEUED,
        )
    ).all()
    outdated = [
        message_id
        for message_id, key, status, at in waiting
        if status not in AWAITING or at is None or not key.endswith(":" + _stamp(at))
    ]
    if outdated:
        db.session.execute(
            db.update(Message)
            .where(Message.id.in_(outdated), Message.status == Status.QUEUED)
            .values(status=Status.CANCELLED, error_code="outdated", updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(outdated)
