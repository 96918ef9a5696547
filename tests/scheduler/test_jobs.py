from civic_app.jobs import JOBS
from civic_app.scheduler.jobs import run_job
from civic_app.scheduler.runner import build_scheduler
from civic_app.sms.models import Message, Status
from civic_app.sms.operations import queue_sms


def test_every_job_has_a_fixed_unique_id_and_runs_alone(app):
    ids = [job.id for job in JOBS]
    assert len(ids) == len(set(ids))
    scheduler = build_scheduler(app, "test")
    for job in scheduler.get_jobs():
        assert job.id in ids
        assert job.coalesce is True and job.max_instances == 1


def test_the_dispatch_job_sends_what_is_due(app, db, clock, gateway):
    message = queue_sms(phone="+393471234567", body="Ciao", kind="t", now=clock.now())
    db.session.commit()
    job = next(j for j in JOBS if j.id == "dispatch_outbox")
    assert run_job(app, job) == "sent 1"
    assert db.session.get(Message, message.id).status == Status.SENT
    assert len(gateway.sent) == 1


def test_the_login_code_job_removes_old_codes(app, db, clock, client, create_participant):
    from datetime import timedelta

    from civic_app.sms.models import LoginCode

    participant = create_participant()
    client.post_form("/login/phone", {"phone": participant.phone})
    assert db.session.scalar(db.select(db.func.count(LoginCode.id))) == 1
    clock.advance(days=1, minutes=1)
    job = next(j for j in JOBS if j.id == "expire_login_codes")
    assert run_job(app, job) == "deleted 1 old login codes"
    assert db.session.scalar(db.select(db.func.count(LoginCode.id))) == 0
    assert timedelta(days=1)


def test_the_embedded_mode_runs_the_scheduler_in_the_web_process(tmp_path, own_session):
    from flask_migrate import upgrade

    from civic_app import create_app
    from civic_app.extensions import db
    from civic_app.scheduler.models import SchedulerLease
    from civic_app.scheduler.runner import wait_for
    from config import TestingConfig

    config = type(
        "Embedded",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'embedded.db'}",
         "SCHEDULER_POLL_SECONDS": 0.1},
    )  # fmt: skip
    setup = create_app(config)
    with setup.app_context():
        upgrade()
    config.SCHEDULER_IN_PROCESS = True
    app = create_app(config, start_scheduler=True)  # as `make run` serves it
    thread = app.extensions["civic_scheduler"]
    assert thread.is_alive() and thread.daemon

    def holds_lease():
        with app.app_context():
            held = db.session.get(SchedulerLease, "scheduler") is not None
            db.session.remove()
            return held

    try:
        assert wait_for(holds_lease, timeout=10)
    finally:
        app.extensions["civic_scheduler_stop"].set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert not holds_lease()  # stopping releases the lease
