"""Retention: a person is erased once every reason to keep their data has lapsed.

Two reasons keep a person: a plan (open, or ended less than RETENTION_MONTHS ago) and a
case (open, or closed less than CASEWORK_RETENTION_DAYS ago). Erased, each only when
the other reason does not hold them too:

- a participant whose last plan ended long ago ("retention");
- a person whose last case was closed long ago ("case_retention");
- a participant who never had a signed plan (none, or only a draft) and has shown no
  sign of life for RETENTION_MONTHS: signed up, logged in, asked to join a project,
  was marked at a session or an event, texted us, or had a draft plan changed, all
  longer ago than that ("inactivity"). People who signed up and never came are swept
  like the others instead of being kept for ever.

Erasure keeps the rows (people/data_rights.py), so the counts of the reports (people
signed up, requests, attendance, hours) stay as they were; erased people are skipped,
so a second run changes nothing. Each erasure is audited with its rule. Flushes; the
job commits."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import func, or_, union

from civic_app.attendance.models import Attendance
from civic_app.casework.models import Intake, IntakeStatus
from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.permissions import Role
from civic_app.events.models import EventAttendance
from civic_app.extensions import db
from civic_app.people.data_rights import erase_participant
from civic_app.plans.models import Plan, PlanStatus
from civic_app.plans.operations import OPEN_STATUSES
from civic_app.projects.models import Enrolment
from civic_app.sms.models import Direction, Message


def _kept_for_plans(cutoff):
    """People a plan still holds: one open, or one that ended on or after `cutoff`."""
    return db.select(Plan.participant_id).where(
        or_(Plan.status.in_(OPEN_STATUSES), Plan.end_date >= cutoff)
    )


def _kept_for_cases(cutoff: datetime):
    """People a case still holds: one open, or one closed at or after `cutoff`."""
    return db.select(Intake.person_id).where(
        or_(
            Intake.status == IntakeStatus.OPEN,
            Intake.closed_at.is_(None),
            Intake.closed_at >= cutoff,
        )
    )


def _signs_of_life_since(cutoff: datetime):
    """People who did something at or after `cutoff` (beyond their own account row)."""
    return union(
        db.select(Enrolment.participant_id).where(
            or_(Enrolment.requested_at >= cutoff, Enrolment.decided_at >= cutoff)
        ),
        db.select(Attendance.participant_id).where(Attendance.session_starts_at >= cutoff),
        db.select(EventAttendance.participant_id).where(EventAttendance.recorded_at >= cutoff),
        db.select(Message.user_id).where(
            Message.direction == Direction.IN, Message.user_id.is_not(None),
            Message.created_at >= cutoff,
        ),
        db.select(Plan.participant_id).where(Plan.updated_at >= cutoff),
    )  # fmt: skip


def _inactive(cutoff: datetime):
    """Participants with no signed plan ever and no sign of life since `cutoff`."""
    signed_ever = db.select(Plan.participant_id).where(Plan.status != PlanStatus.DRAFT)
    return db.select(User).where(
        User.role == Role.PARTICIPANT,
        User.created_at < cutoff,
        or_(User.last_login_at.is_(None), User.last_login_at < cutoff),
        User.id.not_in(signed_ever),
        User.id.not_in(_signs_of_life_since(cutoff)),
    )


def pseudonymise_after_retention(now: datetime, months: int, case_days: int | None = None) -> int:
    """Erase participants whose last plan ended more than `months` ago (none still open),
    people whose last case was closed more than `case_days` ago (none still open; by
    default the configured CASEWORK_RETENTION_DAYS), and participants who never had a
    signed plan and showed no sign of life for `months`. Returns how many were erased."""
    if case_days is None:
        case_days = current_app.config["CASEWORK_RETENTION_DAYS"]
    plan_cutoff = (now - relativedelta(months=months)).date()
    case_cutoff = now - timedelta(days=case_days)
    in_a_case = User.id.in_(_kept_for_cases(case_cutoff))
    kept = or_(User.id.in_(_kept_for_plans(plan_cutoff)), in_a_case)
    ended = (
        db.select(Plan.participant_id)
        .where(Plan.status.in_((PlanStatus.COMPLETED, PlanStatus.WITHDRAWN)))
        .group_by(Plan.participant_id)
        .having(func.max(Plan.end_date) < plan_cutoff)
    )
    closed = db.select(Intake.person_id).where(Intake.status == IntakeStatus.CLOSED)
    inactive_cutoff = now - relativedelta(months=months)
    erased = 0
    for rule, people, held in (
        ("retention", db.select(User).where(User.id.in_(ended)), kept),
        ("case_retention", db.select(User).where(User.id.in_(closed), User.id.not_in(ended)), kept),
        # A draft plan holds nobody for ever: only its recent changes count (_inactive).
        ("inactivity", _inactive(inactive_cutoff), in_a_case),
    ):
        for person in db.session.scalars(
            people.where(~held, User.erased_at.is_(None)).order_by(User.id)
        ).all():
            erase_participant(person, now)
            record("data.erased", person, details={"reason": rule})
            erased += 1
    return erased
