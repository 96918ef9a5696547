"""APScheduler wiring: the jobs of `jobs.JOBS`, in the web process or in their own."""

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from civic_app.scheduler.jobs import JOBS, run_job

log = logging.getLogger(__name__)


def build_scheduler(app: Flask, scheduler_class=BackgroundScheduler):
    scheduler = scheduler_class(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(
            run_job,
            "interval",
            seconds=job.seconds,
            args=(app, job),
            id=job.id,
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
    return scheduler


def start_in_process(app: Flask) -> BackgroundScheduler:
    """The embedded default: periodic jobs on a thread of the web process."""
    scheduler = build_scheduler(app)
    scheduler.start()
    app.extensions["civic_scheduler"] = scheduler
    log.info("scheduler started in-process with %d jobs", len(JOBS))
    return scheduler


def run_forever(app: Flask) -> None:
    """`flask scheduler run`: the jobs in this process, until it is stopped."""
    scheduler = build_scheduler(app, BlockingScheduler)
    log.info("scheduler running with %d jobs", len(JOBS))
    scheduler.start()
