"""Running a periodic job: its own app context and transaction, a JobRun row for each run.

The scheduler knows no feature: the one list of jobs is `civic_app.jobs.JOBS`, which
`create_app` registers on the app (`registered_jobs(app)`)."""

import logging
import time
from dataclasses import dataclass

from flask import Flask

from civic_app.core.clock import now
from civic_app.extensions import db
from civic_app.scheduler.models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    func: object
    seconds: int


def registered_jobs(app: Flask) -> list[Job]:
    """The jobs `create_app` registered (the list in `civic_app.jobs`)."""
    return app.extensions.get("civic_jobs", [])


def run_job(app: Flask, job: Job, instance: str = "") -> str:
    """Run one job in its own app context and transaction; log and record what it did."""
    with app.app_context():
        started_at, started = now(), time.monotonic()
        ok, outcome = True, ""
        try:
            outcome = job.func() or ""
        except Exception as exc:
            db.session.rollback()
            ok, outcome = False, type(exc).__name__
            log.exception("job %s failed", job.id)
        seconds = time.monotonic() - started
        try:
            db.session.add(
                JobRun(
                    job_id=job.id,
                    instance=instance or "-",
                    started_at=started_at,
                    seconds=seconds,
                    ok=ok,
                    outcome=outcome[:500],
                )
            )
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("could not record the run of job %s", job.id)
        finally:
            db.session.remove()
        level = logging.INFO if outcome else logging.DEBUG
        log.log(level, "job %s: %s (%.2fs)", job.id, outcome or "nothing to do", seconds)
        return outcome
