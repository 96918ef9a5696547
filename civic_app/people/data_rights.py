"""A participant's data rights: a copy of everything about them, and erasure.

Erasure removes or pseudonymises personal data and keeps what the fund's statistics
need (hours, dates, statuses, sectors); the audit trail holds no personal values and
stays as it is.
"""

from datetime import datetime

from sqlalchemy import Connection

from civic_app.attendance.models import Attendance, AttendanceChange
from civic_app.core.accounts import Consent, User
from civic_app.extensions import db
from civic_app.people.case_rights import ERASED, erase_case_data
from civic_app.people.data_export import export_csv, export_data, messages_of
from civic_app.people.models import ErasureRequest
from civic_app.plans.models import Plan, PlanEvent
from civic_app.reports.models import Certificate
from civic_app.sms.models import Conversation, LoginCode, Message

__all__ = ["ERASED", "export_csv", "export_data"]  # the copy lives in people/data_export.py


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
    and dates. Removed: names, phone, free texts (plan goals and notes, reasons of plan
    changes and of attendance corrections), message bodies and numbers (the messages of
    the account and those sent to its number before it existed, e.g. the sign-up code),
    the number's SMS conversation, codes, the optional facts (sex, year of birth,
    citizenship, vulnerabilities), and the initials on certificates. Kept: our STOP list
    entry of the number, if any, so that a number that said STOP never gets SMS again.
    A person in care (or a participant with a case) is erased the same way, and the free
    text of their cases goes too (people/case_rights.py: rows and codes stay, for counts).

    On SQLite the caller commits, then calls `checkpoint_sqlite_log` so that the erased
    values leave the write-ahead log at once.
    """
    phone = user.phone
    messages = messages_of(user)
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
        .where(messages)
        .values(body=ERASED, phone="", updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        db.delete(LoginCode).where((LoginCode.user_id == user.id) | (LoginCode.phone == phone))
    )
    if phone:
        db.session.execute(
            db.delete(Conversation)
            .where(Conversation.phone == phone)
            .execution_options(synchronize_session=False)
        )
    marks = db.select(Attendance.id).where(Attendance.participant_id == user.id)
    db.session.execute(
        db.update(AttendanceChange)
        .where(AttendanceChange.attendance_id.in_(marks))
        .values(reason=ERASED)
        .execution_options(synchronize_session=False)
    )
    for request in db.session.scalars(
        db.select(ErasureRequest).where(
            ErasureRequest.user_id == user.id, ErasureRequest.processed_at.is_(None)
        )
    ):
        request.processed_at = now
        request.processed_by_id = getattr(staff, "id", None)
    erase_case_data(user, now)
    # Plan signatures name a version and a hash, no personal value: they stay as proof.
    db.session.flush()


def checkpoint_sqlite_log() -> None:
    """After an erasure is committed on SQLite: copy the write-ahead log into the database
    and empty it (`PRAGMA wal_checkpoint(TRUNCATE)`), so the erased names and numbers do
    not stay readable in the log until the next automatic checkpoint.

    Runs on a connection of its own, outside any transaction (SQLite refuses a checkpoint
    inside one). Inside an outer transaction (the tests' rolled-back one) nothing has been
    committed yet, so there is nothing to copy. Nothing to do on PostgreSQL.
    """
    bind = db.session.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if isinstance(bind, Connection):
        if bind.in_transaction():
            return
        bind = bind.engine
    connection = bind.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        connection.close()
