"""Retention: participants are erased once their last plan ended long enough ago.

Flushes; the job commits."""

from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.extensions import db
from civic_app.people.data_rights import erase_participant
from civic_app.plans.models import Plan, PlanStatus
from civic_app.plans.operations import OPEN_STATUSES


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
