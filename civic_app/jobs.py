"""The one list of periodic jobs, with fixed ids (as Redash keeps its schedule).

Each job is a thin function over a feature's own sweep, run by the scheduler inside an
app context (`scheduler.jobs.run_job`), committing its own work. The features own what a
job does; this list only says what runs and how often. `create_app` registers it.
"""

from flask import current_app

from civic_app.core.clock import now
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.scheduler.jobs import Job


def dispatch_outbox() -> str:
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
    from civic_app.sms.codes import expire_login_codes as expire

    deleted = expire(now())
    db.session.commit()
    return f"deleted {deleted} old login codes"


def send_reminders() -> str:
    from civic_app.events.operations import materialize_all
    from civic_app.events.reminders import sweep_events
    from civic_app.plans.reminders import sweep
    from civic_app.projects.offers import expire_offers

    counts = sweep(now())
    counts["expired offers"] = expire_offers(now())
    counts["events made"] = materialize_all(to_local(now()).date())
    counts.update(sweep_events(now()))
    db.session.commit()
    return ", ".join(f"{n} {what}" for what, n in counts.items() if n)


def send_appointment_reminders() -> str:
    from civic_app.casework.reminders import sweep_appointments

    counts = sweep_appointments(now())
    db.session.commit()
    return ", ".join(f"{n} {what}" for what, n in counts.items() if n)


def prune_message_bodies() -> str:
    from civic_app.sms.housekeeping import prune_message_bodies as prune

    pruned = prune(now(), current_app.config["SMS_BODY_RETENTION_DAYS"])
    db.session.commit()
    return f"pruned {pruned} message bodies" if pruned else ""


def pseudonymise_expired() -> str:
    from civic_app.people.data_rights import checkpoint_sqlite_log
    from civic_app.people.retention import pseudonymise_after_retention

    done = pseudonymise_after_retention(now(), current_app.config["RETENTION_MONTHS"])
    db.session.commit()
    if done:
        checkpoint_sqlite_log()  # the erased values leave SQLite's write-ahead log now
    return f"pseudonymised {done} participants" if done else ""


def prune_job_runs() -> str:
    from civic_app.scheduler.housekeeping import prune_job_runs as prune

    pruned = prune(now())
    db.session.commit()
    return f"pruned {pruned} job runs" if pruned else ""


def warm_national_figures() -> str:
    from civic_app.reports.network import warm_default_figures

    if int(current_app.config.get("NATIONAL_CACHE_SECONDS", 0) or 0) <= 0:
        return ""  # no cache to fill
    period = warm_default_figures(now())
    db.session.rollback()  # read only
    return f"national figures ready for {period.start} to {period.end}"


JOBS = [
    Job("dispatch_outbox", dispatch_outbox, seconds=5),
    Job("send_reminders", send_reminders, seconds=300),
    Job("send_appointment_reminders", send_appointment_reminders, seconds=300),
    Job("expire_login_codes", expire_login_codes, seconds=3600),
    Job("prune_message_bodies", prune_message_bodies, seconds=6 * 3600),
    Job("pseudonymise_expired", pseudonymise_expired, seconds=24 * 3600),
    Job("prune_job_runs", prune_job_runs, seconds=3600),
    # more often than NATIONAL_CACHE_SECONDS (default 300), so the entry never lapses
    Job("warm_national_figures", warm_national_figures, seconds=240),
]
