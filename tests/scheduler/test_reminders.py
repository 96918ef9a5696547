from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from civic_app.attendance.models import Attendance
from civic_app.core.permissions import Role
from civic_app.plans.models import Plan, PlanStatus
from civic_app.plans.reminders import sweep
from civic_app.projects.models import EnrolmentStatus
from civic_app.projects.operations import cancel_session, move_session
from civic_app.projects.reminders import due_offset
from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.models import Message, Status

NOON = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)  # 12:00 in Rome


@pytest.fixture
def session_at(db, project):
    from civic_app.core.timeutil import to_local
    from civic_app.projects.models import ProjectSession

    def make(starts_at):
        session = ProjectSession(
            project_id=project.id, municipality_id=project.municipality_id, starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3), local_weekday=to_local(starts_at).weekday(),
        )  # fmt: skip
        db.session.add(session)
        db.session.commit()
        return session

    return make


def reminders(db, status=None):
    query = db.select(Message).where(Message.kind == "reminder").order_by(Message.id)
    if status is not None:
        query = query.where(Message.status == status)
    return db.session.scalars(query).all()


def test_the_reminder_due_is_the_latest_whose_time_has_come():
    start = NOON + timedelta(days=1)
    assert due_offset(start, NOON - timedelta(minutes=1), (24, 2)) is None
    assert due_offset(start, NOON, (24, 2)) == 24
    assert due_offset(start, start - timedelta(hours=1), (24, 2)) == 2
    assert due_offset(start, start, (24, 2)) is None


def test_reminders_go_out_at_t_minus_24h_and_2h_once_each(
    db, app, project, session_at, create_participant, enrol
):
    french = create_participant(preferred_language="fr")
    arabic = create_participant(preferred_language="ar")
    waiting = create_participant()
    for person in (french, arabic):
        enrol(project, person, EnrolmentStatus.ACCEPTED)
    enrol(project, waiting, EnrolmentStatus.WAITLISTED)
    session = session_at(NOON + timedelta(hours=24))
    with app.test_request_context():
        assert sweep(NOON - timedelta(minutes=5))["reminders"] == 0
        assert sweep(NOON)["reminders"] == 2
        assert sweep(NOON)["reminders"] == 0  # twice: nothing twice
        assert sweep(NOON + timedelta(hours=21))["reminders"] == 0
        assert sweep(NOON + timedelta(hours=22))["reminders"] == 2
    sent = reminders(db)
    assert len(sent) == 4
    assert {m.user_id for m in sent} == {french.id, arabic.id}
    assert {(m.subject_type, m.subject_id) for m in sent} == {("session", session.id)}
    body = next(m.body for m in sent if m.user_id == french.id)
    assert "Vous venez? 1=OUI 2=NON" in body and "mer. 11/03 12:00" in body
    assert any("هل ستأتي" in m.body for m in sent if m.user_id == arabic.id)


def test_moving_a_session_replaces_the_reminder_still_waiting(
    db, app, project, session_at, create_participant, enrol, municipality
):
    person = create_participant()
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    session = session_at(NOON + timedelta(hours=24))
    municipality.quiet_start = municipality.quiet_end = "00:00"  # no quiet hours here
    db.session.commit()
    with app.test_request_context():
        sweep(NOON)
        move_session(session, date(2026, 3, 11), time(15), time(17))
        db.session.commit()
        # The move itself withdraws the reminder still waiting for the old time.
        [waiting] = reminders(db)
        assert (waiting.status, waiting.error_code) == (Status.CANCELLED, "outdated")
        counts = sweep(NOON + timedelta(minutes=5))
        assert counts["outdated"] == 0 and counts["reminders"] == 0  # 24 h before the new time
        counts = sweep(NOON + timedelta(hours=3))
    assert counts["reminders"] == 1
    old, new = reminders(db)
    assert old.status == Status.CANCELLED and old.error_code == "outdated"
    assert new.status == Status.QUEUED and "15:00" in new.body


def test_cancelling_a_session_tells_those_already_reminded(
    db, app, project, session_at, create_participant, enrol, gateway
):
    reminded, late_comer = create_participant(), create_participant()
    enrol(project, reminded, EnrolmentStatus.ACCEPTED)
    session = session_at(NOON + timedelta(hours=24))
    with app.test_request_context():
        sweep(NOON)
        dispatch_due(gateway, NOON)
        enrol(project, late_comer, EnrolmentStatus.ACCEPTED)
        cancel_session(session)
        db.session.commit()
        assert sweep(NOON + timedelta(hours=1))["cancellations"] == 1
        assert sweep(NOON + timedelta(hours=2))["cancellations"] == 0
    notice = db.session.scalar(db.select(Message).where(Message.kind == "session_cancelled"))
    assert notice.user_id == reminded.id and "ANNULLATO" in notice.body


def test_plan_milestones_are_sent_once(
    db, app, project, session_at, create_participant, create_user, enrol
):
    person = create_participant()
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    plan = Plan(participant_id=person.id, municipality_id=person.municipality_id, goals="-",
                target_hours=Decimal("6"), start_date=date(2026, 3, 1), end_date=date(2026, 6, 30),
                status=PlanStatus.ACTIVE)  # fmt: skip
    db.session.add(plan)
    db.session.commit()
    first = session_at(NOON + timedelta(hours=20))
    with app.test_request_context():
        sweep(NOON)
        sweep(NOON)
    kinds = [
        m.kind for m in db.session.scalars(db.select(Message).where(Message.subject_type == "plan"))
    ]
    assert kinds == ["first_session"]
    tutor = create_user(Role.TUTOR)
    db.session.add(Attendance(session_id=first.id, session_starts_at=first.starts_at,
                              project_id=project.id, municipality_id=project.municipality_id,
                              participant_id=person.id, mark="present", hours=Decimal("3"),
                              recorded_by_id=tutor.id, recorded_at=NOON))  # fmt: skip
    db.session.commit()
    with app.test_request_context():
        sweep(NOON + timedelta(days=1))
    kinds = [
        m.kind for m in db.session.scalars(db.select(Message).where(Message.subject_type == "plan"))
    ]
    assert kinds == ["first_session", "half_target"]


def test_the_reminder_job_runs_the_sweep(
    app, db, project, session_at, create_participant, enrol, clock
):
    from civic_app.jobs import JOBS
    from civic_app.scheduler.jobs import run_job
    from civic_app.scheduler.models import JobRun

    person = create_participant()
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    session_at(clock.now() + timedelta(hours=23))
    job = next(j for j in JOBS if j.id == "send_reminders")
    assert run_job(app, job, "test") == "1 reminders"
    run = db.session.scalar(db.select(JobRun))
    assert (run.job_id, run.ok, run.outcome, run.instance) == (
        "send_reminders",
        True,
        "1 reminders",
        "test",
    )
