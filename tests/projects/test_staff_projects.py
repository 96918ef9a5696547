import pytest

from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.projects.models import Project, ProjectSession, ProjectStatus, SessionStatus
from tests.projects.conftest import project_form


@pytest.fixture
def staff_client(client, login_as, staff):
    login_as(staff)
    return client


def test_staff_create_a_draft_that_the_public_does_not_see(staff_client, db, client, staff):
    tutor_data = {}
    response = staff_client.post_form(
        "/staff/projects/new",
        project_form(title_en="Shared gardens", description_en="We grow gardens.", **tutor_data),
    )
    assert response.status_code == 302
    project = db.session.scalar(db.select(Project))
    assert project.status == ProjectStatus.DRAFT
    assert project.municipality_id == staff.municipality_id
    assert project.language_codes == ["ar", "it"]
    assert project.translations == {
        "en": {"title": "Shared gardens", "description": "We grow gardens."}
    }
    audit = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "project.created"))
    assert audit.target_id == project.id and audit.actor_id == staff.id
    client.post_form("/logout")
    assert client.get(f"/projects/{project.id}").status_code == 404
    assert "Orti condivisi" not in client.get("/projects").get_data(as_text=True)


def test_publishing_closing_and_cancelling(staff_client, db, create_project, clock):
    project = create_project(status=ProjectStatus.DRAFT)
    base = f"/staff/projects/{project.id}/status"
    staff_client.post_form(f"{base}/published")
    assert db.session.get(Project, project.id).status == ProjectStatus.PUBLISHED
    assert staff_client.get(f"/projects/{project.id}").status_code == 200
    staff_client.post_form(f"{base}/closed")
    assert db.session.get(Project, project.id).status == ProjectStatus.CLOSED
    staff_client.post_form(f"{base}/cancelled")
    assert db.session.get(Project, project.id).status == ProjectStatus.CANCELLED
    # Cancelled is final.
    response = staff_client.post_form(f"{base}/published", follow_redirects=True)
    assert "non è possibile" in response.get_data(as_text=True)
    assert db.session.get(Project, project.id).status == ProjectStatus.CANCELLED
    assert staff_client.post_form(f"{base}/nonsense").status_code == 404


def test_cancelling_a_project_cancels_its_sessions_still_to_come(
    staff_client, db, create_project, clock
):
    project = create_project()
    staff_client.post_form(
        f"/staff/projects/{project.id}/sessions/new",
        {"day": "2026-03-10", "start_time": "09:00", "end_time": "12:00", "venue_id": "0"},
    )
    staff_client.post_form(f"/staff/projects/{project.id}/status/cancelled")
    session = db.session.scalar(db.select(ProjectSession))
    assert session.status == SessionStatus.CANCELLED and session.sequence == 1


def test_staff_edit_a_project_and_its_translations(staff_client, db, create_project):
    project = create_project()
    page = staff_client.get(f"/staff/projects/{project.id}/edit").get_data(as_text=True)
    assert "Cura del parco" in page
    response = staff_client.post_form(
        f"/staff/projects/{project.id}/edit",
        project_form(title="Parco pulito", title_fr="Parc propre", description_fr="Nettoyons."),
    )
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.title == "Parco pulito"
    assert project.text("fr") == ("Parc propre", "Nettoyons.")
    assert project.text("ar") == ("Parco pulito", project.description)


def test_tutors_of_the_municipality_can_be_assigned(staff_client, db, create_user, create_project):
    tutor = create_user(Role.TUTOR)
    project = create_project()
    staff_client.post_form(f"/staff/projects/{project.id}/edit", project_form(tutors=[tutor.id]))
    db.session.refresh(project)
    assert [t.id for t in project.tutors] == [tutor.id]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": "2026-02-01"}, "La data di fine viene prima"),
        ({"capacity": "0"}, "I posti devono essere tra 1 e 500"),
        ({"capacity": "100000"}, "I posti devono essere tra 1 e 500"),
        ({"capacity": "tanti"}, "Non è una valore intero valido"),
        ({"sector": "astronomy"}, "Non è una opzione valida"),
        ({"min_age": "3"}, "L&#39;età minima"),
        ({"latitude": "41.9", "longitude": None}, "sia la latitudine sia la longitudine"),
        ({"latitude": "123"}, "Il numero deve essere compreso tra"),
        ({"start_date": "31/02/2026"}, "Non è una data valida"),
        ({"title": ""}, "Questo campo è obbligatorio"),
        ({"tutors": ["999999"]}, "not a valid choice"),
    ],
)
def test_bad_project_input_gets_a_clear_message_and_saves_nothing(
    staff_client, db, overrides, message
):
    response = staff_client.post_form("/staff/projects/new", project_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Project)) is None


def test_a_tutor_of_another_municipality_cannot_be_assigned(
    staff_client, db, create_user, other_municipality, create_project
):
    foreign_tutor = create_user(Role.TUTOR, municipality=other_municipality)
    project = create_project()
    response = staff_client.post_form(
        f"/staff/projects/{project.id}/edit", project_form(tutors=[foreign_tutor.id])
    )
    assert response.status_code == 200
    db.session.refresh(project)
    assert project.tutors == []


def test_participants_and_tutors_cannot_manage_projects(client, login_as, create_user):
    for role in (Role.PARTICIPANT, Role.TUTOR, Role.COORDINATOR):
        login_as(create_user(role))
        assert client.get("/staff/projects").status_code == 403
        assert client.get("/staff/projects/new").status_code == 403
