"""`flask seed scale`: deterministic, proportional to the factor, and the pages work on it."""

import hashlib
from decimal import Decimal

import pytest

from civic_app.attendance.models import WAS_THERE, Attendance
from civic_app.casework.models import CaseNote, Intake, Referral, ReferralChange
from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.events.models import CommunityEvent
from civic_app.plans.models import Plan, PlanStatus
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
)
from civic_app.seeding.bulk import EMAIL_DOMAIN, Sizes, table_counts, wipe
from civic_app.sms.models import Message

SMALL = "0.05"  # one municipality, 150 participants, 30 plans


def seed(app, *args):
    return app.test_cli_runner().invoke(args=["seed", "scale", *args])


def checksum(db) -> str:
    """A digest of columns that every part of the generator feeds."""
    digest = hashlib.sha256()
    queries = [
        db.select(User.id, User.role, User.phone, User.email, User.first_name, User.created_at),
        db.select(Project.id, Project.title, Project.capacity, Project.start_date),
        db.select(ProjectSession.id, ProjectSession.starts_at, ProjectSession.uid),
        db.select(Enrolment.id, Enrolment.status, Enrolment.requested_at),
        db.select(Attendance.id, Attendance.mark, Attendance.hours, Attendance.recorded_at),
        db.select(Plan.id, Plan.status, Plan.target_hours, Plan.end_date),
        db.select(CommunityEvent.id, CommunityEvent.starts_at, CommunityEvent.audience),
        db.select(Message.id, Message.kind, Message.status, Message.body, Message.provider_sid),
        db.select(Intake.id, Intake.person_id, Intake.met_on, Intake.needs, Intake.status),
        db.select(Referral.id, Referral.service_id, Referral.status, Referral.appointment_at),
        db.select(ReferralChange.id, ReferralChange.status, ReferralChange.at),
        db.select(CaseNote.id, CaseNote.sensitivity, CaseNote.body, CaseNote.written_at),
    ]
    for query in queries:
        for row in db.session.execute(query.order_by(query.selected_columns[0])):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_data(app, db, clock):
    result = seed(app, "--factor", SMALL)
    assert result.exit_code == 0, result.output
    first = (table_counts(), checksum(db))
    wipe()
    assert seed(app, "--factor", SMALL).exit_code == 0
    assert (table_counts(), checksum(db)) == first
    wipe()
    assert seed(app, "--factor", SMALL, "--seed", "7").exit_code == 0
    assert checksum(db) != first[1]


def test_sizes_follow_the_factor():
    assert Sizes.for_factor(1) == Sizes(18, 3000, 600)
    assert Sizes.for_factor(10) == Sizes(180, 30000, 6000)
    assert Sizes.for_factor(0.05) == Sizes(1, 150, 30)


def test_counts_are_proportional_and_the_rows_keep_the_rules(app, db, clock):
    result = seed(app, "--factor", "0.1")
    assert result.exit_code == 0, result.output
    counts = table_counts()
    assert counts["municipality"] == 2
    participants = db.session.scalar(
        db.select(db.func.count()).where(User.role == Role.PARTICIPANT)
    )
    assert participants == 300 and counts["plan"] == 60
    assert "Done in" in result.output and f"coordinator@{EMAIL_DOMAIN}" in result.output
    assert app.config["DEMO_PASSWORD"] in result.output
    # Phones are E.164 and unique (people in care: +39349); every scoped row names its
    # municipality.
    phones = list(db.session.scalars(db.select(User.phone).where(User.phone.is_not(None))))
    assert len(phones) == len(set(phones))
    assert sum(p.startswith("+39348") for p in phones) == participants
    assert all(p[:6] in ("+39348", "+39349") and len(p) == 13 for p in phones)
    for model in (Project, ProjectSession, Enrolment, Attendance, Plan, CommunityEvent, Intake,
                  Referral, CaseNote):  # fmt: skip
        missing = db.session.scalar(
            db.select(db.func.count()).select_from(model).where(model.municipality_id.is_(None))
        )
        assert missing == 0, model
    # Hours are zero unless the person was there, in quarter hours; only past sessions.
    for mark, hours, starts in db.session.execute(
        db.select(Attendance.mark, Attendance.hours, Attendance.session_starts_at)
    ):
        assert (hours > 0) == (mark in WAS_THERE)
        assert hours % Decimal("0.25") == 0
        assert starts < clock.now()
    # Signed and later plans carry both signatures; drafts none.
    plans = db.session.scalars(db.select(Plan)).all()
    assert {p.status for p in plans} >= {PlanStatus.DRAFT, PlanStatus.ACTIVE, PlanStatus.COMPLETED}
    for plan in plans:
        assert len(plan.signatures) == (0 if plan.status == PlanStatus.DRAFT else 2)
    # Places held never exceed a project's capacity.
    for project in db.session.scalars(db.select(Project)):
        held = db.session.scalar(
            db.select(db.func.count()).where(
                Enrolment.project_id == project.id,
                Enrolment.status.in_((EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED)),
            )
        )
        assert held <= project.capacity


def test_the_pages_work_for_seeded_people(app, db, client, login_as, clock):
    assert seed(app, "--factor", SMALL).exit_code == 0
    staff = db.session.scalar(
        db.select(User).where(User.email == f"staff1.agrigento@{EMAIL_DOMAIN}")
    )
    coordinator = db.session.scalar(db.select(User).where(User.role == Role.COORDINATOR))
    session = db.session.scalar(
        db.select(ProjectSession)
        .join(Project, Project.id == ProjectSession.project_id)
        .where(Project.status == ProjectStatus.PUBLISHED, ProjectSession.starts_at < clock.now())
        .order_by(ProjectSession.starts_at.desc())
    )
    project = session.project
    tutor = project.tutors[0]
    participant = db.session.scalar(
        db.select(User)
        .join(Enrolment, Enrolment.participant_id == User.id)
        .where(Enrolment.status == EnrolmentStatus.ACCEPTED)
        .order_by(User.id)
    )
    assert client.get("/projects").status_code == 200
    assert client.get(f"/projects/{project.id}").status_code == 200
    for user, paths in (
        (staff, ["/staff/reports", f"/tutor/sessions/{session.id}", "/staff/events",
                 "/staff/at-risk", "/staff/inbox"]),
        (coordinator, ["/network"]),
        (tutor, ["/tutor", f"/tutor/sessions/{session.id}"]),
        (participant, ["/me", "/events", "/me/plan"]),
    ):  # fmt: skip
        login_as(user)
        for path in paths:
            assert client.get(path).status_code == 200, path


def test_staff_can_log_in_with_the_printed_password(app, db, client, clock):
    assert seed(app, "--factor", SMALL).exit_code == 0
    response = client.post_form(
        "/login",
        {"email": f"staff2.agrigento@{EMAIL_DOMAIN}", "password": app.config["DEMO_PASSWORD"]},
    )
    assert response.status_code == 302


def test_ids_continue_after_the_seeded_ones(app, db, clock, create_municipality):
    assert seed(app, "--factor", SMALL).exit_code == 0
    highest = db.session.scalar(db.select(db.func.max(Municipality.id)))
    assert create_municipality().id > highest


@pytest.mark.parametrize(
    "factor, message",
    [
        ("0", "greater than 0"),
        ("-1", "greater than 0"),
        ("nan", "greater than 0"),
        ("1000", "at most 100"),
        ("lots", "is not a valid float"),
    ],
)
def test_bad_factors_are_refused_clearly(app, db, factor, message):
    result = seed(app, "--factor", factor)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_a_database_with_data_is_left_alone_without_force(app, db, municipality, clock):
    result = seed(app, "--factor", SMALL)
    assert result.exit_code == 2
    assert "not empty" in result.output and "--force" in result.output
    assert db.session.scalar(db.select(db.func.count(Municipality.id))) == 1
    result = seed(app, "--factor", SMALL, "--force")
    assert result.exit_code == 0, result.output
    assert "roma" not in set(db.session.scalars(db.select(Municipality.slug)))
