from civic_app.core.accounts import User
from civic_app.core.models import Municipality
from civic_app.core.network import NETWORK
from civic_app.core.permissions import Role


def test_seed_demo_creates_the_network_and_prints_the_logins(app, db):
    result = app.test_cli_runner().invoke(args=["seed", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    names = set(db.session.scalars(db.select(Municipality.name)))
    assert names == {name for _slug, name, _region, _istat in NETWORK}
    assert len(names) == 18
    coordinator = db.session.scalar(db.select(User).where(User.role == Role.COORDINATOR))
    assert coordinator.municipality_id is None
    roles = set(db.session.scalars(db.select(User.role)))
    assert roles == set(Role)
    assert coordinator.email in result.output and app.config["DEMO_PASSWORD"] in result.output
    assert "+393470000201" in result.output


def test_seed_demo_if_empty_does_not_load_twice(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "demo", "--if-empty"])
    count = db.session.scalar(db.select(db.func.count(User.id)))
    result = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert result.exit_code == 0 and "not loaded again" in result.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == count


def test_demo_logins_work(app, client, db):
    app.test_cli_runner().invoke(args=["seed", "demo"])
    response = client.post_form(
        "/login",
        {"email": "staff.roma@demo.civic.local", "password": app.config["DEMO_PASSWORD"]},
    )
    assert response.status_code == 302


def test_users_create_makes_a_staff_account(app, db, municipality):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--role",
            "staff",
            "--email",
            "New@Example.org",
            "--first-name",
            "Ada",
            "--municipality",
            "roma",
        ],
        input="a long password 123\na long password 123\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "new@example.org"))
    assert user.role == Role.STAFF and user.municipality_id == municipality.id


def test_users_create_explains_bad_input(app, db, municipality):
    runner = app.test_cli_runner()
    password = "a long password 123\na long password 123\n"
    base = ["users", "create", "--first-name", "Ada"]
    cases = [
        (
            ["--role", "staff", "--email", "x@example.org", "--municipality", "atlantis"],
            "no municipality",
        ),
        (["--role", "tutor", "--email", "x@example.org"], "--municipality is needed"),
        (["--role", "staff", "--email", "not-an-email", "--municipality", "roma"], "not an email"),
    ]
    for args, message in cases:
        result = runner.invoke(args=base + args, input=password)
        assert result.exit_code != 0 and message in result.output
    short = runner.invoke(
        args=base + ["--role", "coordinator", "--email", "c@example.org"], input="short\nshort\n"
    )
    assert short.exit_code != 0 and "12 characters" in short.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_seed_network_is_idempotent(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "network"])
    result = runner.invoke(args=["seed", "network"])
    assert "18 municipalities" in result.output
    assert db.session.scalar(db.select(db.func.count(Municipality.id))) == 18


def test_seed_demo_publishes_projects_with_sessions_to_come(app, db, client):
    from civic_app.projects.models import Project, ProjectSession, ProjectStatus, ProjectTemplate

    app.test_cli_runner().invoke(args=["seed", "demo"])
    projects = db.session.scalars(db.select(Project)).all()
    assert len(projects) >= 4
    from civic_app.seeding.demo_history import TITLE

    # Published projects to join, and a closed one per municipality with past history.
    assert {p.status for p in projects if p.title != TITLE} == {ProjectStatus.PUBLISHED}
    assert {p.status for p in projects if p.title == TITLE} == {ProjectStatus.CLOSED}
    assert db.session.scalar(db.select(db.func.count(ProjectSession.id))) > 20
    assert db.session.scalar(db.select(ProjectTemplate.id)) is not None
    assert "Cura del parco della Caffarella" in client.get("/projects").get_data(as_text=True)
    from civic_app.events.models import CommunityEvent

    assert db.session.scalar(db.select(db.func.count(CommunityEvent.id))) >= 5
    from civic_app.projects.models import Enrolment, EnrolmentStatus

    # Demo tutors find people on their rosters (plus 3 × 18 people of the past project),
    # and Roma's staff find two join requests waiting (Roma has a second project).
    statuses = dict(
        db.session.execute(
            db.select(Enrolment.status, db.func.count(Enrolment.id)).group_by(Enrolment.status)
        ).all()
    )
    assert statuses == {
        EnrolmentStatus.ACCEPTED: 6,
        EnrolmentStatus.COMPLETED: 3 * 18,
        EnrolmentStatus.APPLIED: 2,
    }
    from civic_app.attendance.models import Attendance

    assert db.session.scalar(db.select(db.func.count(Attendance.id))) > 500
