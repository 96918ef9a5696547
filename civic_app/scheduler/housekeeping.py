"""Housekeeping: keep personal data no longer than needed. These flush; the job commits."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func

from civic_app.core.audit import record
from civic_app.extensions import db
from civic_app.people.data_rights import erase_participant
from civic_app.people.models import User
from civic_app.plans.models import Plan, PlanStatus
from civic_app.plans.plan_operations import OPEN_STATUSES
from civic_app.scheduler.models import JobRun
from civic_app.sms.models import Message

PRUNED = "[rimosso]"
JOB_RUNS_KEPT = timedelta(days=3)


def prune_message_bodies(now: datetime, retention_days: int) -> int:
    """Blank the text of SMS older than the retention; status, cost and dates stay."""
    result = db.session.execute(
        db.update(Message)
        .where(
            Message.created_at < now - timedelta(days=retention_days),
            Message.body != PRUNED,
            Message.body != "[cancellato]",
        )
        .values(body=PRUNED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def pseudonymise_after_retention(now: datetime, months: int) -> int:
    """Erase participants whose last plan ended more than `months` ago (none still open)."""
    cutoff = (now - relativedelta(months=months)).date()
    ended = (
        db.select(Plan.participant_id)
        .where(Plan.status.in_((PlanStatus.COMPLETED, PlanStatus.WITHDRAWN)))
        .group_by(Plan.participant_id)
        .having(func.max(Plan.end_date) < cutoff)
    )
    still_open = db.select(Plan.participant_id).where(Plan.status.in_(OPEN_STATUSES))
    people = db.session.scalars(
        db.select(User).where(
            User.id.in_(ended), User.id.not_in(still_open), User.erased_at.is_(None)
        )
    ).all()
    for person in people:
        erase_participant(person, now)
        record("data.erased", person, details={"reason": "retention"})
    return len(people)


def prune_job_runs(now: datetime) -> int:
    result = db.session.execute(db.delete(JobRun).where(JobRun.started_at < now - JOB_RUNS_KEPT))
    return result.rowcount
