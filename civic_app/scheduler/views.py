"""What the scheduler is doing, for staff."""

from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import func

from civic_app.core import redis_health
from civic_app.core.clock import now
from civic_app.core.permissions import Role, roles_required
from civic_app.extensions import db
from civic_app.scheduler import bp
from civic_app.scheduler.jobs import registered_jobs
from civic_app.scheduler.lease import PostgresLease, RowLease
from civic_app.scheduler.models import JobRun


@bp.route("/staff/scheduler")
@roles_required(Role.STAFF, Role.COORDINATOR)
def status():
    moment = now()
    if db.engine.dialect.name == "postgresql":
        holder = PostgresLease.current_holder()
    else:
        holder = RowLease.current_holder(moment)
    latest = (
        db.select(JobRun.job_id, func.max(JobRun.id).label("id")).group_by(JobRun.job_id).subquery()
    )
    runs = {
        run.job_id: run
        for run in db.session.scalars(db.select(JobRun).join(latest, latest.c.id == JobRun.id))
    }
    rows = []
    for job in registered_jobs(current_app):
        run = runs.get(job.id)
        rows.append(
            {
                "job": job,
                "run": run,
                "next": run.started_at + timedelta(seconds=job.seconds) if run else None,
            }
        )
    redis = redis_health.report(current_app.config.get("REDIS_URL"))
    return render_template(
        "scheduler/status.html", holder=holder, rows=rows, moment=moment, redis=redis
    )
