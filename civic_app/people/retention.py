"""Retention: a person is erased once every reason to keep their data has lapsed.

Two reasons keep a person: a plan (open, or ended less than RETENTION_MONTHS ago) and a
case (open, or closed less than CASEWORK_RETENTION_DAYS ago). A participant whose last
plan ended long ago and a person whose last case was closed long ago are erased, each
only when the other reason does not hold them too. Erased people are skipped, so a
second run changes nothing. Flushes; the job commits."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import func, or_

from civic_app.casework.models import Intake, IntakeStatus
from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.extensions import db
from civic_app.people.data_rights import erase_participant
from civic_app.plans.models import Plan, PlanStatus
from civic_app.plans.operations import OPEN_STATUSES


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


def pseudonymise_after_retention(now: datetime, months: int, case_days: int | None = None) -> int:
    """Erase participants whose last plan ended more than `months` ago (none still open)
    and people whose last case was closed more than `case_days` ago (none still open;
    by default the configured CASEWORK_RETENTION_DAYS). Returns how many were erased."""
    if case_days is None:
        case_days = current_app.config["CASEWORK_RETENTION_DAYS"]
    plan_cutoff = (now - relativedelta(months=months)).date()
    case_cutoff = now - timedelta(days=case_days)
    kept = or_(User.id.in_(_kept_for_plans(plan_cutoff)), User.id.in_(_kept_for_cases(case_cutoff)))
    ended = (
        db.select(Plan.participant_id)
        .where(Plan.status.in_((PlanStatus.COMPLETED, PlanStatus.WITHDRAWN)))
        .group_by(Plan.participant_id)
        .having(func.max(Plan.end_date) < plan_cutoff)
    )
    closed = db.select(Intake.person_id).where(Intake.status == IntakeStatus.CLOSED)
    erased = 0
    for rule, people in (
        ("retention", db.select(User).where(User.id.in_(ended))),
        ("case_retention", db.select(User).where(User.id.in_(closed), User.id.not_in(ended))),
    ):
        for person in db.session.scalars(
            people.where(~kept, User.erased_at.is_(None)).order_by(User.id)
        ).all():
            erase_participant(person, now)
            record("data.erased", person, details={"reason": rule})
            erased += 1
    return erased
