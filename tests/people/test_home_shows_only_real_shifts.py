"""The participant's home lists as shifts only the sessions they are expected at: a
request staff have not accepted shows as pending, never as a shift to go to."""

from datetime import timedelta

from civic_app.projects.models import EnrolmentStatus, ProjectSession, SessionOffer


def add_session(db, project, starts_at):
    session = ProjectSession(
        project_id=project.id, municipality_id=project.municipality_id,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), local_weekday=3,
    )  # fmt: skip
    db.session.add(session)
    db.session.commit()
    return session


def shifts_section(page: str) -> str:
    return page.split('id="next-heading"', 1)[1].split("</section>", 1)[0]


def test_a_pending_request_is_pending_not_a_shift(
    client, db, login_as, create_participant, project, enrol, clock
):
    person = create_participant()
    enrol(project, person, EnrolmentStatus.APPLIED)
    add_session(db, project, clock.now() + timedelta(days=1))
    login_as(person)
    page = client.get("/me").get_data(as_text=True)
    assert "Cura del parco" not in shifts_section(page)
    assert "Nessun turno in programma." in shifts_section(page)
    assert "Richiesta inviata" in page  # the request, shown as pending


def test_an_accepted_person_and_one_who_took_a_freed_place_see_their_shift(
    client, db, login_as, create_participant, project, enrol, clock
):
    accepted, waiting = create_participant(), create_participant()
    enrol(project, accepted, EnrolmentStatus.ACCEPTED)
    enrol(project, waiting, EnrolmentStatus.WAITLISTED)
    session = add_session(db, project, clock.now() + timedelta(days=1))
    db.session.add(
        SessionOffer(session_id=session.id, participant_id=waiting.id, status="accepted",
                     municipality_id=project.municipality_id, offered_at=clock.now(),
                     expires_at=clock.now() + timedelta(hours=2))
    )  # fmt: skip
    db.session.commit()
    for person in (accepted, waiting):
        login_as(person)
        assert "Cura del parco" in shifts_section(client.get("/me").get_data(as_text=True))
