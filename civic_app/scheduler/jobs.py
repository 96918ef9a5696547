"""The one list of periodic jobs. Each runs inside an app context and commits its own work."""

import logging
import time
from dataclasses import dataclass

from flask import Flask

from civic_app.core.clock import now
from civic_app.extensions import db

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


JOBS = [
    Job("dispatch_outbox", dispatch_outbox, seconds=5),
    Job("expire_login_codes", expire_login_codes, seconds=3600),
]


def run_job(app: Flask, job: Job) -> str:
    """Run one job in its own app context and transaction; log what it did."""
    with app.app_context():
        started = time.monotonic()
        try:
            outcome = job.func()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", job.id)
            raise
        finally:
            db.session.remove()
        level = logging.INFO if outcome else logging.DEBUG
        log.log(
            level,
            "job %s: %s (%.2fs)",
            job.id,
            outcome or "nothing to do",
            time.monotonic() - started,
        )
        return outcome
