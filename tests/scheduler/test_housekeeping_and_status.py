from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from civic_app.people.retention import pseudonymise_after_retention
from civic_app.plans.models import Plan, PlanStatus
from civic_app.scheduler.housekeeping import prune_job_runs
from civic_app.scheduler.models import JobRun
from civic_app.sms.housekeeping import PRUNED, prune_message_bodies
from civic_app.sms.models import Message
from civic_app.sms.operations import queue_sms

NOW = datetime(2028, 6, 1, 9, 0, tzinfo=UTC)


def test_old_message_bodies_are_pruned_and_the_rows_stay(db):
    old = queue_sms(phone="+393471234567", body="vecchio", kind="t", now=NOW - timedelta(days=200))
    new = queue_sms(phone="+393471234567", body="nuovo", kind="t", now=NOW - timedelta(days=10))
    db.session.commit()
    assert prune_message_bodies(NOW, 180) == 1
    db.session.commit()
    assert db.session.get(Message, old.id).body == PRUNED
    assert db.session.get(Message, new.id).body == "nuovo"
    assert prune_message_bodies(NOW, 180) == 0


def plan(db, person, status, end):
    row = Plan(participant_id=person.id, municipality_id=person.municipality_id, goals="Obiettivi",
               target_hours=Decimal("10"), start_date=end - timedelta(days=90), end_date=end,
               status=status)  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row


def test_participants_are_pseudonymised_after_the_retention(db, create_participant):
    long_gone = create_participant(first_name="Vecchio")
    recent = create_participant(first_name="Recente")
    returning = create_participant(first_name="Tornato")
    plan(db, long_gone, PlanStatus.COMPLETED, date(2026, 3, 1))
    plan(db, recent, PlanStatus.COMPLETED, date(2027, 3, 1))
    plan(db, returning, PlanStatus.WITHDRAWN, date(2025, 1, 1))
    plan(db, returning, PlanStatus.ACTIVE, date(2028, 12, 1))
    assert pseudonymise_after_retention(NOW, 24) == 1
    db.session.commit()
    erased = db.session.get(User, long_gone.id)
    assert (
        erased.erased_at == NOW and erased.first_name == f"#{long_gone.id}" and erased.phone is None
    )
    kept = db.session.scalar(db.select(Plan).where(Plan.participant_id == long_gone.id))
    assert kept.target_hours == Decimal("10") and kept.goals == "[cancellato]"
    assert db.session.get(User, recent.id).erased_at is None
    assert db.session.get(User, returning.id).erased_at is None
    assert pseudonymise_after_retention(NOW, 24) == 0


def test_old_job_runs_are_pruned(db):
    for days in (5, 1):
        db.session.add(JobRun(job_id="x", instance="i", started_at=NOW - timedelta(days=days),
                              seconds=0.1, ok=True, outcome=""))  # fmt: skip
    db.session.commit()
    assert prune_job_runs(NOW) == 1


def test_staff_see_the_schedulers_state(client, login_as, staff, db, app):
    from civic_app.jobs import JOBS
    from civic_app.scheduler.jobs import run_job
    from civic_app.scheduler.lease import RowLease

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            RowLease("host:4242", timedelta(seconds=30)).try_acquire(datetime.now(UTC))
    run_job(app, next(j for j in JOBS if j.id == "expire_login_codes"), "host:4242")
    login_as(staff)
    page = client.get("/staff/scheduler").get_data(as_text=True)
    assert "expire_login_codes" in page and "send_reminders" in page
    assert "non ancora eseguita" in page  # the jobs that never ran say so
    if db.engine.dialect.name == "sqlite":
        assert "host:4242" in page
    login_as(db.session.get(User, staff.id))
    assert client.get("/staff/scheduler").status_code == 200


def test_participants_cannot_see_the_scheduler(client, login_as, create_user):
    login_as(create_user(Role.PARTICIPANT))
    assert client.get("/staff/scheduler").status_code == 403
