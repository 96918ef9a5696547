from datetime import UTC, datetime, timedelta

from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.plans.models import Plan, PlanStatus
from civic_app.projects.models import EnrolmentStatus, ProjectSession
from civic_app.sms.operations import queue_sms


def add_session(db, project, starts_at):
    session = ProjectSession(
        project_id=project.id,
        municipality_id=project.municipality_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        local_weekday=starts_at.weekday(),
    )
    db.session.add(session)
    db.session.commit()
    return session


def test_the_home_page_shows_what_a_participant_needs(
    client, login_as, create_participant, db, clock, project, enrol
):
    amina = create_participant(first_name="Amina")
    project.what_to_bring = "Scarpe comode"
    project.latitude, project.longitude = 41.9, 12.5
    enrol(project, amina, EnrolmentStatus.ACCEPTED)
    add_session(db, project, datetime(2026, 3, 10, 8, tzinfo=UTC))
    db.session.add(
        Plan(
            participant_id=amina.id,
            municipality_id=amina.municipality_id,
            goals="Obiettivi",
            target_hours=60,
            start_date=project.start_date,
            end_date=project.end_date,
            status=PlanStatus.ACTIVE,
        )
    )
    queue_sms(phone=amina.phone, body="Benvenuta Amina", kind="t", now=clock.now(), user=amina)
    queue_sms(
        phone=amina.phone, body="Codice 424242", kind="login_code", now=clock.now(), user=amina
    )
    db.session.commit()
    login_as(amina)
    page = client.get("/me").get_data(as_text=True)
    for text in (
        "martedì 10 marzo, 09:00–12:00",
        "Scarpe comode",
        "openstreetmap.org/?mlat=41.9",
        "In corso",
        "0 ore fatte su 60",
        '<progress class="progress" max="100" value="0"',
        "Benvenuta Amina",
        "Cura del parco",
    ):
        assert text in page, text
    assert "<script" not in page
    assert "424242" not in page  # one-time codes are not listed among the messages


def test_the_home_page_speaks_the_participants_language(
    client, login_as, create_participant, project, enrol
):
    fatima = create_participant(preferred_language="ar")
    enrol(project, fatima, EnrolmentStatus.WAITLISTED)
    login_as(fatima)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page


def test_staff_search_their_participants(
    client, login_as, staff, create_participant, other_municipality, db, project, enrol
):
    amina = create_participant(first_name="Amina", phone="+393471112222", preferred_language="fr")
    create_participant(first_name="Yusuf", preferred_language="en")
    create_participant(first_name="Olena", municipality=other_municipality)
    enrol(project, amina, EnrolmentStatus.WAITLISTED)
    login_as(staff)
    listing = client.get("/staff/participants").get_data(as_text=True)
    assert "Amina" in listing and "Yusuf" in listing and "Olena" not in listing
    by_name = client.post_form("/staff/participants", {"q": "amina"}).get_data(as_text=True)
    assert "Amina" in by_name and "Yusuf" not in by_name
    by_phone = client.post_form("/staff/participants", {"q": "1112222"}).get_data(as_text=True)
    assert "Amina" in by_phone and "Yusuf" not in by_phone
    # A name or number is never read from the URL (history, logs): GET ignores it.
    ignored = client.get("/staff/participants?q=amina").get_data(as_text=True)
    assert "Yusuf" in ignored and 'value="amina"' not in ignored
    by_language = client.get("/staff/participants?language=en").get_data(as_text=True)
    assert "Yusuf" in by_language and "Amina" not in by_language
    waiting = client.get("/staff/participants?status=waitlisted").get_data(as_text=True)
    assert "Amina" in waiting and "Yusuf" not in waiting
    nothing = client.get("/staff/participants?status=no_project").get_data(as_text=True)
    assert "Yusuf" in nothing and "Amina" not in nothing
    in_project = client.get(f"/staff/participants?project={project.id}").get_data(as_text=True)
    assert "Amina" in in_project and "Yusuf" not in in_project
    assert client.get("/staff/participants?status=bogus&page=x").status_code == 200


def test_the_pager_carries_the_search_by_post(client, login_as, staff, create_participant):
    for n in range(30):
        create_participant(first_name=f"Amina{n:02d}")
    create_participant(first_name="Yusuf")
    login_as(staff)
    first = client.post_form("/staff/participants", {"q": "amina"}).get_data(as_text=True)
    assert "Pagina 1 di 2" in first and "?q=" not in first and "Yusuf" not in first
    assert '<input type="hidden" name="q" value="amina">' in first
    second = client.post_form("/staff/participants", {"q": "amina", "page": "2"})
    page = second.get_data(as_text=True)
    assert "Pagina 2 di 2" in page and "Amina29" in page and "Amina00" not in page
    assert client.post("/staff/participants", data={"q": "amina"}).status_code == 400  # no CSRF


def test_every_view_of_a_profile_is_audited(client, login_as, staff, create_participant, db):
    amina = create_participant(first_name="Amina")
    login_as(staff)
    page = client.get(f"/staff/participants/{amina.id}").get_data(as_text=True)
    assert "Amina" in page
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "participant.viewed")
    )
    assert (event.actor_id, event.target_id, event.target_type) == (staff.id, amina.id, "user")
    assert event.municipality_id == staff.municipality_id and event.ip == "127.0.0.1"
    assert "Amina" not in str(event.details)


def test_profiles_of_another_municipality_or_of_staff_are_not_found(
    client, login_as, staff, create_participant, create_user, other_municipality
):
    stranger = create_participant(municipality=other_municipality)
    colleague = create_user(Role.TUTOR)
    login_as(staff)
    assert client.get(f"/staff/participants/{stranger.id}").status_code == 404
    assert client.get(f"/staff/participants/{colleague.id}").status_code == 404
