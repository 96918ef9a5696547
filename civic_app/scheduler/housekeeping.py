"""Scheduler housekeeping: the record of job runs is kept for a few days. Flushes."""

from datetime import datetime, timedelta

from civic_app.extensions import db
from civic_app.scheduler.models import JobRun

JOB_RUNS_KEPT = timedelta(days=3)


def prune_job_runs(now: datetime) -> int:
    result = db.session.execute(db.delete(JobRun).where(JobRun.started_at < now - JOB_RUNS_KEPT))
    return result.rowcount
