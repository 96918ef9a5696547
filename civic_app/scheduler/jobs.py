"""The one list of periodic jobs. Each runs inside an app context and commits its own work."""

import logging
import time
from dataclasses import dataclass

from flask import Flask

from civic_app.core.clock import now
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.scheduler.models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    func: object
    seconds: int


def dispatch_outbox() -> str:
    from flask import current_app

    from civic_app.sms.dispatcher import dispatch_due
    from civic_app.sms.gateways import get_gateway

    sent = dispatch_due(
        get_gateway(),
        now(),
        rate_per_second=current_app.config["SMS_RATE_PER_SECOND"],
        max_attempts=current_app.config["SMS_MAX_ATTEMPTS"],
    )
    return f"sent {sent}" if sent else ""


def expire_login_codes() -> str:
    from civic_app.people.operations import expire_login_codes as expire

    deleted = expire(now())
    db.session.commit()
    return f"deleted {deleted} old login codes"


def send_reminders() -> str:
    from civic_app.events.operations import materialize_all
    from civic_app.plans.offers import expire_offers
    from civic_app.scheduler.reminders import sweep, sweep_events

    counts = sweep(now())
    counts["expired offers"] = expire_offers(now())
    counts["events made"] = materialize_all(to_local(now()).date())
    counts.update(sweep_events(now()))
    db.session.commit()
    return ", ".join(f"{n} {what}" for what, n in counts.items() if n)


def prune_message_bodies() -> str:
    from flask import current_app

    from civic_app.scheduler.housekeeping import prune_message_bodies as prune

    pruned = prune(now(), current_app.config["SMS_BODY_RETENTION_DAYS"])
    db.session.commit()
    return f"pruned {pruned} message bodies" if pruned else ""


def pseudonymise_expired() -> str:
    from flask import current_app

    from civic_app.scheduler.housekeeping import pseudonymise_after_retention

    done = pseudonymise_after_retention(now(), current_app.config["RETENTION_MONTHS"])
    db.session.commit()
    return f"pseudonymised {done} participants" if done else ""


def prune_job_runs() -> str:
    from civic_app.scheduler.housekeeping import prune_job_runs as prune

    pruned = prune(now())
    db.session.commit()
    return f"pruned {pruned} job runs" if pruned else ""


def warm_national_figures() -> str:
    from flask import current_app

    from civic_app.reports.network import warm_default_figures

    if int(current_app.config.get("NATIONAL_CACHE_SECONDS", 0) or 0) <= 0:
        return ""  # no cache to fill
    period = warm_default_figures(now())
    db.session.rollback()  # read only
    return f"national figures ready for {period.start} to {period.end}"


JOBS = [
    Job("dispatch_outbox", dispatch_outbox, seconds=5),
    Job("send_reminders", send_reminders, seconds=300),
    Job("expire_login_codes", expire_login_codes, seconds=3600),
    Job("prune_message_bodies", prune_message_bodies, seconds=6 * 3600),
    Job("pseudonymise_expired", pseudonymise_expired, seconds=24 * 3600),
    Job("prune_job_runs", prune_job_runs, seconds=3600),
    # more often than NATIONAL_CACHE_SECONDS (default 300), so the entry never lapses
    Job("warm_national_figures", warm_national_figures, seconds=240),
]


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
