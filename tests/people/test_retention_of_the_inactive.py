"""Retention forgets no one: people who signed up and never had a plan, or never came,
are erased after RETENTION_MONTHS of silence like the others; once, audited, and the
reports' counts stay as they were."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from civic_app.attendance.models import Attendance, Mark
from civic_app.casework.models import ConsentMethod, Intake
from civic_app.core.accounts import User
from civic_app.core.models import AuditEvent
from civic_app.people.retention import pseudonymise_after_retention
from civic_app.plans.models import Plan, PlanStatus
from civic_app.reports.breakdowns import collect_breakdowns
from civic_app.reports.indicators import collect
from civic_app.reports.period import Period
from civic_app.sms.models import Direction, Message, Status

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=30 * 31)  # 31 months: past the 24 of RETENTION_MONTHS
LATELY = NOW - timedelta(days=90)


def signed_up(create_participant, at=LONG_AGO, **kw) -> User:
    return create_participant(created_at=at, updated_at=at, **kw)


def draft(db, person, at) -> Plan:
    plan = Plan(municipality_id=person.municipality_id, participant_id=person.id, goals="x",
                target_hours=Decimal("20"), start_date=at.date(), end_date=at.date(),
                status=PlanStatus.DRAFT, created_at=at, updated_at=at)  # fmt: skip
    db.session.add(plan)
    db.session.commit()
    return plan


def erased_ids(db) -> set[int]:
    return set(db.session.scalars(db.select(User.id).where(User.erased_at.is_not(None))))


def test_people_who_never_started_are_erased_after_the_silence(
    db, create_participant, project, enrol, add_session, staff
):
    never_planned = signed_up(create_participant, first_name="Maisentito")
    never_came = signed_up(create_participant, first_name="Maivenuto")
    enrol(project, never_came, at=LONG_AGO + timedelta(days=3))
    stale_draft = signed_up(create_participant, first_name="Bozzavecchia")
    draft(db, stale_draft, LONG_AGO + timedelta(days=10))

    texted = signed_up(create_participant, first_name="Hascritto")
    db.session.add(Message(user_id=texted.id, direction=Direction.IN, phone=texted.phone,
                           body="PROGETTI", kind="inbound", status=Status.RECEIVED,
                           created_at=LATELY, updated_at=LATELY))  # fmt: skip
    logged_in = signed_up(create_participant, first_name="Entrato", last_login_at=LATELY)
    asked = signed_up(create_participant, first_name="Hachiesto")
    enrol(project, asked, at=LATELY)
    came = signed_up(create_participant, first_name="Venuto")
    session = add_session(project, LATELY)
    db.session.add(
        Attendance(session_id=session.id, session_starts_at=session.starts_at,
                   project_id=project.id, municipality_id=project.municipality_id,
                   participant_id=came.id, mark=Mark.PRESENT, hours=Decimal("3"),
                   walk_in=True, recorded_by_id=staff.id, recorded_at=LATELY)
    )  # fmt: skip
    fresh_draft = signed_up(create_participant, first_name="Bozzanuova")
    draft(db, fresh_draft, LATELY)
    signed = signed_up(create_participant, first_name="Firmato")
    plan = draft(db, signed, LONG_AGO)
    plan.status = PlanStatus.ACTIVE  # signed long ago, still open: the plan holds them
    recent = create_participant(first_name="Nuovo", created_at=LATELY, updated_at=LATELY)
    in_care = signed_up(create_participant, first_name="Seguito")
    db.session.add(
        Intake(municipality_id=in_care.municipality_id, person_id=in_care.id,
               met_on=LONG_AGO.date(), last_seen_on=LONG_AGO.date(), recorded_by_id=staff.id,
               consent_method=ConsentMethod.WRITTEN)
    )  # fmt: skip
    db.session.commit()

    assert pseudonymise_after_retention(NOW, 24) == 3
    db.session.commit()
    assert erased_ids(db) == {never_planned.id, never_came.id, stale_draft.id}
    for person in (never_planned, never_came, stale_draft):
        row = db.session.get(User, person.id)
        assert row.first_name == f"#{person.id}" and row.phone is None
    kept = (texted, logged_in, asked, came, fresh_draft, signed, recent, in_care)
    assert all(db.session.get(User, p.id).erased_at is None for p in kept)

    events = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "data.erased").order_by(AuditEvent.id)
    ).all()
    assert [(e.target_id, e.details) for e in events] == [
        (p.id, {"reason": "inactivity"}) for p in (never_planned, never_came, stale_draft)
    ]
    # Idempotent: a second run erases nobody and audits nothing more.
    assert pseudonymise_after_retention(NOW, 24) == 0
    assert db.session.scalar(
        db.select(db.func.count()).where(AuditEvent.action == "data.erased")
    ) == 3  # fmt: skip


def test_the_reports_count_the_same_after_the_sweep(
    db, create_participant, project, enrol, municipality
):
    for n in range(4):
        person = signed_up(create_participant, first_name=f"Silenzio{n}")
        enrol(project, person, at=LONG_AGO + timedelta(days=n))
    period = Period(date(2020, 1, 1), date(2026, 12, 31))

    def counts():
        figures = collect(period, NOW, municipality_id=municipality.id)
        return (
            {name: sorted(rows) for name, rows in figures.rows.items()},
            collect_breakdowns(period, municipality.id, NOW),
        )

    before = counts()
    assert sum(row[-1] for row in before[0]["signed_up"]) == 4
    assert pseudonymise_after_retention(NOW, 24) == 4
    db.session.commit()
    assert counts() == before
