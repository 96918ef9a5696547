"""A participant's copy of everything civic_app keeps about them (right of access).

Every table that holds rows about a person is here: tests/people/test_data_rights.py walks
the schema and fails for a table left out. Rows that only name someone as the staff member
who acted (recorded, decided, signed for the municipality) are not in that person's copy.
"""

import json

from civic_app.attendance.models import Attendance, AttendanceChange, AttendanceMonth
from civic_app.attendance.summary import COUNTS as MARK_NAMES
from civic_app.core.accounts import Consent, User
from civic_app.core.demographics import vulnerability_codes, vulnerability_label
from civic_app.core.exports import write_csv
from civic_app.events.models import CommunityEvent, EventAttendance, EventRsvp
from civic_app.extensions import db
from civic_app.people.case_rights import case_sections
from civic_app.people.models import ErasureRequest
from civic_app.plans.models import Plan
from civic_app.projects.models import Enrolment, Project, ProjectSession, Rsvp, SessionOffer
from civic_app.reports.models import Certificate
from civic_app.sms.models import Conversation, LoginCode, Message, OptOut


def _iso(value):
    return value.isoformat() if value is not None else None


def messages_of(user: User):
    """Messages to or from the person: by account, and by number for those sent before the
    account existed (the sign-up code, the SMS sign-up conversation)."""
    mine = Message.user_id == user.id
    if user.phone:
        mine = mine | (Message.phone == user.phone)
    return mine


def export_data(user: User, *, reader=None) -> dict:
    """Everything civic_app keeps about `user`, as plain data.

    Every table that holds rows about a person is here (tests/people/test_data_rights.py
    walks the schema and fails for a table left out); rows that only name someone as the
    staff member who acted (recorded, decided, signed for the municipality) are not.
    Their case (intakes, referrals, case notes) is in it too (people/case_rights.py):
    every note in the person's own copy; in a copy a case-team `reader` makes for them,
    the notes that reader may read.
    """
    consents = db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)).all()
    enrolments = db.session.scalars(
        db.select(Enrolment).where(Enrolment.participant_id == user.id)
    ).all()
    plans = db.session.scalars(db.select(Plan).where(Plan.participant_id == user.id)).all()
    messages = db.session.scalars(
        db.select(Message).where(messages_of(user)).order_by(Message.id)
    ).all()
    by_phone = (lambda column: column == user.phone) if user.phone else (lambda column: False)
    return {
        "profile": {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "email": user.email,
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
                "notes": p.notes,
                "history": [
                    {
                        "from": e.from_status,
                        "to": e.to_status,
                        "reason": e.reason,
                        "at": _iso(e.at),
                    }
                    for e in p.events
                ],
            }  # fmt: skip
            for p in plans
        ],
        "messages": [
            {
                "direction": str(m.direction),
                "phone": m.phone,
                "body": m.body,
                "kind": m.kind,
                "status": str(m.status),
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in messages
        ],
        "attendance": _attendance(user),
        # The same marks summed by project and month (the summary the reports read).
        "attendance_by_month": [
            {
                "project": title,
                "month": row.month,
                **{mark: getattr(row, mark) for mark in MARK_NAMES},
                "hours": str(row.hours),
            }
            for row, title in db.session.execute(
                db.select(AttendanceMonth, Project.title)
                .join(Project, Project.id == AttendanceMonth.project_id)
                .where(AttendanceMonth.participant_id == user.id)
                .order_by(AttendanceMonth.month, AttendanceMonth.id)
            )
        ],
        "session_answers": [
            {
                "project": session.project.title,
                "session": _iso(session.starts_at),
                "coming": rsvp.coming,
                "answered_at": _iso(rsvp.answered_at),
                "source": rsvp.source,
            }
            for rsvp, session in db.session.execute(
                db.select(Rsvp, ProjectSession)
                .join(ProjectSession, ProjectSession.id == Rsvp.session_id)
                .where(Rsvp.participant_id == user.id)
                .order_by(Rsvp.id)
            )
        ],
        "place_offers": [
            {
                "project": session.project.title,
                "session": _iso(session.starts_at),
                "offered_at": _iso(offer.offered_at),
                "expires_at": _iso(offer.expires_at),
                "status": offer.status,
            }
            for offer, session in db.session.execute(
                db.select(SessionOffer, ProjectSession)
                .join(ProjectSession, ProjectSession.id == SessionOffer.session_id)
                .where(SessionOffer.participant_id == user.id)
                .order_by(SessionOffer.id)
            )
        ],
        "event_answers": [
            {
                "event": event.title,
                "starts_at": _iso(event.starts_at),
                "coming": answer.coming,
                "answered_at": _iso(answer.answered_at),
                "source": answer.source,
            }
            for answer, event in db.session.execute(
                db.select(EventRsvp, CommunityEvent)
                .join(CommunityEvent, CommunityEvent.id == EventRsvp.event_id)
                .where(EventRsvp.participant_id == user.id)
                .order_by(EventRsvp.id)
            )
        ],
        "events_attended": [
            {
                "event": event.title,
                "starts_at": _iso(event.starts_at),
                "recorded_at": _iso(came.recorded_at),
            }
            for came, event in db.session.execute(
                db.select(EventAttendance, CommunityEvent)
                .join(CommunityEvent, CommunityEvent.id == EventAttendance.event_id)
                .where(EventAttendance.participant_id == user.id)
                .order_by(EventAttendance.id)
            )
        ],
        "certificates": [
            {
                "number": c.id,
                "issued_at": _iso(c.issued_at),
                "initials": c.initials,
                "period_start": _iso(c.period_start),
                "period_end": _iso(c.period_end),
                "total_hours": str(c.total_hours),
                "by_project": c.by_project,
                "revoked_at": _iso(c.revoked_at),
            }
            for c in db.session.scalars(
                db.select(Certificate)
                .where(Certificate.participant_id == user.id)
                .order_by(Certificate.id)
            )
        ],
        "erasure_requests": [
            {"requested_at": _iso(r.requested_at), "processed_at": _iso(r.processed_at)}
            for r in db.session.scalars(
                db.select(ErasureRequest)
                .where(ErasureRequest.user_id == user.id)
                .order_by(ErasureRequest.id)
            )
        ],
        # One-time codes live minutes (expire_login_codes); never their hash.
        "login_codes": [
            {
                "purpose": code.purpose,
                "created_at": _iso(code.created_at),
                "expires_at": _iso(code.expires_at),
                "used_at": _iso(code.used_at),
                "attempts": code.attempts,
                "ip": code.ip,
            }
            for code in db.session.scalars(
                db.select(LoginCode)
                .where((LoginCode.user_id == user.id) | by_phone(LoginCode.phone))
                .order_by(LoginCode.id)
            )
        ],
        "sms_conversation": [
            {
                "state": c.state,
                "language": c.language,
                "data": c.data,
                "updated_at": _iso(c.updated_at),
            }
            for c in db.session.scalars(db.select(Conversation).where(by_phone(Conversation.phone)))
        ],
        "sms_stop": [
            {
                "active": o.active,
                "stopped_at": _iso(o.stopped_at),
                "stop_source": o.stop_source,
                "started_at": _iso(o.started_at),
                "start_source": o.start_source,
            }
            for o in db.session.scalars(db.select(OptOut).where(by_phone(OptOut.phone)))
        ],
        **case_sections(user, reader=reader),
    }


def _attendance(user: User) -> list[dict]:
    """Every mark and its hours, with the corrections made to it."""
    marks = db.session.execute(
        db.select(Attendance, Project.title)
        .join(Project, Project.id == Attendance.project_id)
        .where(Attendance.participant_id == user.id)
        .order_by(Attendance.session_starts_at, Attendance.id)
    ).all()
    changes: dict[int, list] = {}
    if marks:
        for change in db.session.scalars(
            db.select(AttendanceChange)
            .where(AttendanceChange.attendance_id.in_([a.id for a, _t in marks]))
            .order_by(AttendanceChange.id)
        ):
            changes.setdefault(change.attendance_id, []).append(
                {
                    "changed_at": _iso(change.changed_at),
                    "before": f"{change.before_mark} {change.before_hours}",
                    "after": f"{change.after_mark} {change.after_hours}",
                    "reason": change.reason,
                }
            )
    return [
        {
            "project": title,
            "session": _iso(a.session_starts_at),
            "mark": str(a.mark),
            "hours": str(a.hours),
            "walk_in": a.walk_in,
            "recorded_at": _iso(a.recorded_at),
            "corrections": changes.get(a.id, []),
        }
        for a, title in marks
    ]


def export_csv(data: dict, separator: str = ",") -> str:
    """The same data as one CSV table: section, item, field, value (one row per value).

    Every text is quoted and neutralised (core/exports.py); `separator=";"` writes the
    file Excel opens in Italian (with a BOM)."""
    lines: list[list] = [["section", "item", "field", "value"]]
    for section, content in data.items():
        items = [content] if isinstance(content, dict) else content
        for n, item in enumerate(items, start=1):
            for field, value in item.items():
                if isinstance(value, list | dict):
                    value = json.dumps(value, ensure_ascii=False, default=str)
                lines.append([section, n, field, value])
    return write_csv(lines, separator)
