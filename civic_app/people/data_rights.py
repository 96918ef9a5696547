"""A participant's data rights: a copy of everything about them, and erasure.

Erasure removes or pseudonymises personal data and keeps what the fund's statistics
need (hours, dates, statuses, sectors); the audit trail holds no personal values and
stays as it is.
"""

import csv
import io
from datetime import datetime

from civic_app.core.accounts import Consent, User
from civic_app.core.demographics import vulnerability_codes, vulnerability_label
from civic_app.core.exports import spreadsheet_safe
from civic_app.extensions import db
from civic_app.people.models import ErasureRequest
from civic_app.plans.models import Plan, PlanEvent
from civic_app.projects.models import Enrolment
from civic_app.sms.models import LoginCode, Message

ERASED = "[cancellato]"


def _iso(value):
    return value.isoformat() if value is not None else None


def export_data(user: User) -> dict:
    """Everything civic_app keeps about `user`, as plain data."""
    consents = db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)).all()
    enrolments = db.session.scalars(
        db.select(Enrolment).where(Enrolment.participant_id == user.id)
    ).all()
    plans = db.session.scalars(db.select(Plan).where(Plan.participant_id == user.id)).all()
    messages = db.session.scalars(
        db.select(Message).where(Message.user_id == user.id).order_by(Message.id)
    ).all()
    return {
        "profile": {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "language": user.preferred_language,
            "municipality": user.municipality.name if user.municipality else None,
            "sectors_of_interest": user.sector_codes,
            "signed_up_via": user.signed_up_via,
            "referral_source": user.referral_source,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
            "sms_opt_out_at": _iso(user.sms_opt_out_at),
            "sex": user.sex,
            "birth_year": user.birth_year,
            "citizenship": user.citizenship,
            # Staff record these; they are the person's data all the same (right of access).
            "vulnerabilities": [
                vulnerability_label(code) for code in vulnerability_codes(user.vulnerabilities)
            ],
        },
        "consents": [
            {
                "purpose": c.purpose,
                "version": c.version,
                "language": c.language,
                "text": c.text,
                "method": c.method,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consents
        ],
        "enrolments": [
            {
                "project": e.project.title,
                "status": str(e.status),
                "requested_at": _iso(e.requested_at),
                "decided_at": _iso(e.decided_at),
            }
            for e in enrolments
        ],
        "plans": [
            {
                "status": str(p.status),
                "version": p.version,
                "goals": p.goals,
                "goals_translated": p.goals_translated,
                "target_hours": str(p.target_hours),
                "start_date": p.start_date.isoformat(),
                "end_date": p.end_date.isoformat(),
                "projects": [pr.title for pr in p.projects],
                "signatures": [
                    {
                        "role": s.signer_role,
                        "version": s.version,
                        "signed_at": _iso(s.signed_at),
                        "method": s.method,
                    }
                    for s in p.signatures
                ],
            }  # fmt: skip
            for p in plans
        ],
        "messages": [
            {
                "direction": str(m.direction),
                "body": m.body,
                "status": str(m.status),
                "created_at": _iso(m.created_at),
            }
            for m in messages
        ],
    }


def export_csv(data: dict) -> str:
    """The same data as one CSV table: section, field, value (one row per value)."""

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "field", "value"])
    for field, value in data["profile"].items():
        writer.writerow(["profile", 1, field, spreadsheet_safe(value)])
    for section in ("consents", "enrolments", "plans", "messages"):
        for n, item in enumerate(data[section], start=1):
            for field, value in item.items():
                writer.writerow([section, n, field, spreadsheet_safe(value)])
    return out.getvalue()


def request_erasure(user: User, now: datetime) -> ErasureRequest:
    """Ask the municipality to erase one's data; asking twice keeps one open request."""
    open_request = db.session.scalar(
        db.select(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.processed_at.is_(None)
        )
    )
    if open_request is not None:
        return open_request
    erasure = ErasureRequest(
        user_id=user.id, municipality_id=user.municipality_id, requested_at=now
    )
    db.session.add(erasure)
    db.session.flush()
    return erasure


def erase_participant(user: User, now: datetime, *, staff=None) -> None:
    """Remove or pseudonymise a participant's personal data. Flushes.

    Kept: the row and its id, municipality, language, sectors, referral source, dates,
    enrolment and plan statuses, target hours (and attendance hours), consent versions
    and dates. Removed: names, phone, free texts, message bodies and numbers, codes, and
    the optional facts (sex, year of birth, citizenship, vulnerabilities), and the
    initials on certificates.
    """
    phone = user.phone
    user.first_name = f"#{user.id}"
    user.last_name = None
    user.sex = None
    user.birth_year = None
    user.citizenship = None
    user.vulnerabilities = ""
    user.phone = None
    user.email = None
    user.password_hash = None
    user.calendar_token = None
    user.is_active_account = False
    user.rotate_session_token()
    user.erased_at = now
    user.sms_opt_out_at = user.sms_opt_out_at or now
    for consent in db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)):
        consent.text = ERASED
        consent.withdrawn_at = consent.withdrawn_at or now
    from civic_app.reports.models import Certificate

    # Certificates stay verifiable (hours and dates) but no longer name anyone.
    for certificate in db.session.scalars(
        db.select(Certificate).where(Certificate.participant_id == user.id)
    ):
        certificate.initials = "—"
    for plan in db.session.scalars(db.select(Plan).where(Plan.participant_id == user.id)):
        plan.goals = ERASED
        plan.goals_translated = ""
        plan.notes = ""
        for event in db.session.scalars(db.select(PlanEvent).where(PlanEvent.plan_id == plan.id)):
            event.reason = ""
    db.session.execute(
        db.update(Message)
        .where(Message.user_id == user.id)
        .values(body=ERASED, phone="", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        db.delete(LoginCode).where((LoginCode.user_id == user.id) | (LoginCode.phone == phone))
    )
    for request in db.session.scalars(
        db.select(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.processed_at.is_(None)
        )
    ):
        request.processed_at = now
        request.processed_by_id = getattr(staff, "id", None)
    # Plan signatures name a version and a hash, no personal value: they stay as proof.
    db.session.flush()
