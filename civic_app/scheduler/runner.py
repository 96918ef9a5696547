"""APScheduler wiring: the jobs registered on the app (`civic_app.jobs.JOBS`), run by
whichever process holds the lease."""

import logging
import signal
import threading
import time
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from civic_app.core.clock import now
from civic_app.scheduler.jobs import registered_jobs, run_job
from civic_app.scheduler.lease import instance_name, make_lease

log = logging.getLogger(__name__)


def build_scheduler(app: Flask, instance: str = "") -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    for job in registered_jobs(app):
        scheduler.add_job(
            run_job,
            "interval",
            seconds=job.seconds,
            args=(app, job, instance),
            id=job.id,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    return scheduler


def run_forever(app: Flask, stop: threading.Event | None = None) -> None:
    """Wait for the lease, run the jobs while holding it, wait again if it is lost.

    A second process waits here; when the acting one dies it takes over (PostgreSQL:
    at once; SQLite: when the lease row expires, SCHEDULER_LEASE_SECONDS).
    """
    stop = stop or threading.Event()
    holder = instance_name()
    ttl = timedelta(seconds=app.config["SCHEDULER_LEASE_SECONDS"])
    poll = app.config["SCHEDULER_POLL_SECONDS"]
    with app.app_context():
        lease = make_lease(holder, ttl)
        log.info("scheduler %s waiting for the lease", holder)
        try:
            while not stop.is_set():
                if not lease.try_acquire(now()):
                    stop.wait(poll)
                    continue
                log.info("scheduler %s acts (%d jobs)", holder, len(registered_jobs(app)))
                scheduler = build_scheduler(app, holder)
                scheduler.start()
                try:
                    while not stop.wait(poll):
                        if not lease.renew(now()):
                            log.error("scheduler %s lost the lease", holder)
                            break
                finally:
                    scheduler.shutdown(wait=True)
        finally:
            lease.release()
            log.info("scheduler %s stopped", holder)


def run_blocking(app: Flask) -> None:
    """`flask scheduler run`: until SIGTERM or Ctrl+C, which release the lease."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    run_forever(app, stop)


def start_in_process(app: Flask) -> threading.Thread:
    """The embedded default: the same loop on a thread of the web process.

    `app.extensions["civic_scheduler_stop"].set()` stops it (and releases the lease).
    """
    stop = threading.Event()
    thread = threading.Thread(target=run_forever, args=(app, stop), daemon=True, name="scheduler")
    thread.start()
    app.extensions["civic_scheduler"] = thread
    app.extensions["civic_scheduler_stop"] = stop
    return thread


def wait_for(predicate, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
