"""Participants land on their next shift (when, where, what to bring, the project), or,
without one, on the open projects of their municipality that still have places."""

from datetime import date, timedelta

from civic_app.projects.models import EnrolmentStatus, ProjectStatus


def section(page: str, heading_id: str) -> str:
    marker = f'id="{heading_id}"'
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def test_the_home_page_sends_participants_to_theirs(client, login_as, create_participant):
    login_as(create_participant())
    response = client.get("/")
    assert response.status_code == 302 and response.location == "/me"


def test_the_next_shift_comes_first_with_where_and_what_to_bring(
    client, login_as, create_participant, create_project, create_venue, add_session, enrol, clock
):
    project = create_project(
        title="Orti urbani", what_to_bring="Scarpe comode e acqua", meeting_point="Cancello nord"
    )
    person = create_participant()
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    venue = create_venue(address="Via dei Giardini 5")
    later = add_session(project, clock.now() + timedelta(days=3))
    first = add_session(project, clock.now() + timedelta(days=1), venue_id=venue.id)
    login_as(person)
    page = client.get("/me").get_data(as_text=True)
    shift = section(page, "next-heading")
    assert shift.startswith(">Il tuo prossimo turno<")
    card = shift.split('class="card session-card next-shift"', 1)[1].split("</article>", 1)[0]
    assert "giovedì 5 marzo, 10:00–13:00" in card  # the first, not the later one
    assert "Orti urbani" in card
    assert "Via dei Giardini 5" in card and "Cancello nord" in card
    assert "Scarpe comode e acqua" in card
    assert f'href="/projects/{project.id}"' in card
    assert first.starts_at.isoformat() in card and later.starts_at.isoformat() not in card
    assert "sab 7 mar" in shift.split("</article>", 1)[1]  # then the one after
    assert 'id="nearby-heading"' not in page  # a shift to go to: no projects offered


def test_without_a_shift_the_open_projects_nearby_with_places(
    client, login_as, create_participant, create_project, add_session, enrol, clock,
    other_municipality,
):  # fmt: skip
    person = create_participant()
    open_one = create_project(title="Cura del verde", capacity=3)
    add_session(open_one, clock.now() + timedelta(days=2))
    enrol(open_one, create_participant(), EnrolmentStatus.ACCEPTED)
    full = create_project(title="Progetto pieno", capacity=1)
    enrol(full, create_participant(), EnrolmentStatus.APPLIED)
    asked = create_project(title="Progetto chiesto")
    enrol(asked, person, EnrolmentStatus.WAITLISTED)
    create_project(title="Progetto in bozza", status=ProjectStatus.DRAFT)
    create_project(title="Progetto finito", end_date=date(2026, 2, 1))
    create_project(title="Progetto di Milano", municipality_id=other_municipality.id)
    login_as(person)
    page = client.get("/me").get_data(as_text=True)
    assert "Nessun turno in programma." in section(page, "next-heading")
    nearby = section(page, "nearby-heading")
    assert f'href="/projects/{open_one.id}"' in nearby
    assert "2 posti liberi" in nearby
    assert "Prossimo turno: venerdì 6 marzo, 10:00" in nearby
    for hidden in ("Progetto pieno", "Progetto chiesto", "Progetto in bozza", "Progetto finito",
                   "Progetto di Milano"):  # fmt: skip
        assert hidden not in nearby, hidden


def test_nothing_open_nearby_still_points_to_the_projects(client, login_as, create_participant):
    login_as(create_participant())
    page = client.get("/me").get_data(as_text=True)
    assert 'id="nearby-heading"' not in page
    assert 'href="/projects"' in section(page, "next-heading")


def test_the_open_projects_cost_the_same_queries_however_many(
    count_queries, login_as, create_participant, create_project, add_session, create_venue, clock
):
    login_as(create_participant())
    for n in range(2):
        add_session(create_project(title=f"P{n}", venue_id=create_venue().id), clock.now())
    small = count_queries("/me")
    for n in range(8):
        add_session(create_project(title=f"Q{n}", venue_id=create_venue().id), clock.now())
    assert count_queries("/me") == small
