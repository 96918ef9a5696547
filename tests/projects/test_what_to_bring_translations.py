"""A project's "what to bring" is translated like its title and description: shown to each
participant in their language, in Italian when not translated; the form names what is
missing."""

from datetime import UTC, datetime, timedelta
from html import unescape

from civic_app.projects.models import EnrolmentStatus, Project, ProjectSession, ProjectStatus
from tests.projects.conftest import project_form


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_staff_translate_what_to_bring_and_participants_read_their_language(
    client, login_as, staff, db, create_participant, enrol, clock
):
    login_as(staff)
    response = client.post_form(
        "/staff/projects/new",
        project_form(what_to_bring="Scarpe comode", what_to_bring_en="Comfortable shoes"),
    )
    assert response.status_code == 302
    project = db.session.scalar(db.select(Project))
    assert project.translations == {"en": {"what_to_bring": "Comfortable shoes"}}
    project.status = ProjectStatus.PUBLISHED
    start = clock.now() + timedelta(days=1)
    db.session.add(ProjectSession(project_id=project.id, municipality_id=project.municipality_id,
                                  starts_at=start, ends_at=start + timedelta(hours=2),
                                  local_weekday=start.weekday()))  # fmt: skip
    db.session.commit()

    english = create_participant(preferred_language="en")
    enrol(project, english, EnrolmentStatus.ACCEPTED, at=datetime(2026, 3, 1, tzinfo=UTC))
    login_as(english)
    detail = text(client.get(f"/projects/{project.id}"))
    assert "Comfortable shoes" in detail and "Scarpe comode" not in detail
    assert "Comfortable shoes" in text(client.get("/me"))

    french = create_participant(preferred_language="fr")
    login_as(french)
    assert "Scarpe comode" in text(client.get(f"/projects/{project.id}"))  # the Italian one


def test_the_project_form_shows_and_keeps_the_translations_and_what_is_missing(
    client, login_as, staff, db
):
    login_as(staff)
    client.post_form(
        "/staff/projects/new",
        project_form(what_to_bring="Scarpe comode", title_en="Shared gardens",
                     description_en="We grow gardens.", what_to_bring_en="Comfortable shoes"),
    )  # fmt: skip
    project = db.session.scalar(db.select(Project))
    edit = text(client.get(f"/staff/projects/{project.id}/edit"))
    assert "Comfortable shoes" in edit and 'id="what_to_bring_ar"' in edit
    assert "Mancano: Francese, Arabo, Spagnolo, Bengalese, Urdu, Ucraino" in edit
    assert "Inglese" not in edit[edit.index("Mancano:") : edit.index("</summary>")]
