"""Tutors land on today's sessions, then the rest of the week: time, place, project, how
many are expected, marked or not, and the roster one tap away."""

from datetime import timedelta
from decimal import Decimal

from civic_app.attendance.models import Attendance, Mark
from civic_app.core.permissions import Role
from civic_app.projects.models import Rsvp, SessionStatus


def section(page: str, heading_id: str) -> str:
    """The HTML of one section of the tutor's page (empty when it is not there)."""
    marker = f'id="{heading_id}"'
    if marker not in page:
        return ""
    return page.split(marker, 1)[1].split("</section>", 1)[0]


def test_the_home_page_sends_tutors_to_their_sessions(client, login_as, tutor):
    login_as(tutor)
    response = client.get("/")
    assert response.status_code == 302 and response.location == "/tutor"


def test_today_first_then_the_rest_of_the_week(
    client, login_as, tutor, project, add_session, create_venue, clock, db
):
    now = clock.now()  # Wednesday 4 March 2026, 10:00 in Rome
    this_morning = add_session(
        project, now - timedelta(hours=2), venue_id=create_venue(name="Parco Nord").id
    )
    this_evening = add_session(project, now + timedelta(hours=7))  # 17:00
    friday = add_session(project, now + timedelta(days=2))
    sunday = add_session(project, now + timedelta(days=4))
    next_monday = add_session(project, now + timedelta(days=5))
    cancelled = add_session(project, now + timedelta(days=1), status=SessionStatus.CANCELLED)
    login_as(tutor)
    page = client.get("/tutor").get_data(as_text=True)
    today, week, later = (
        section(page, h) for h in ("today-heading", "week-heading", "later-heading")
    )
    assert page.index('id="today-heading"') < page.index('id="week-heading"')
    for s in (this_morning, this_evening):
        assert f'href="/tutor/sessions/{s.id}"' in today
    assert "08:00–11:00" in today and "17:00–20:00" in today
    assert "Parco Nord" in today
    for s in (friday, sunday):
        assert f'href="/tutor/sessions/{s.id}"' in week and f'/tutor/sessions/{s.id}"' not in today
    assert "venerdì 6 marzo" in week and "domenica 8 marzo" in week
    assert f'href="/tutor/sessions/{next_monday.id}"' in later
    assert f'href="/tutor/sessions/{next_monday.id}"' not in week
    assert f'/tutor/sessions/{cancelled.id}"' not in page


def test_each_session_says_how_many_are_expected_and_whether_it_is_marked(
    client, login_as, tutor, project, add_session, enrolled, clock, db
):
    now = clock.now()
    people = enrolled(3)
    started = add_session(project, now - timedelta(hours=1))
    done = add_session(project, now - timedelta(hours=5), hours=2)
    friday = add_session(project, now + timedelta(days=2))
    # One of the three said NO for Friday: two are expected there.
    db.session.add(Rsvp(municipality_id=project.municipality_id, session_id=friday.id,
                        participant_id=people[0].id, coming=False, answered_at=now,
                        source="sms"))  # fmt: skip
    db.session.add(
        Attendance(municipality_id=project.municipality_id, session_id=done.id,
                   session_starts_at=done.starts_at, project_id=project.id,
                   participant_id=people[1].id, mark=Mark.PRESENT, hours=Decimal(2),
                   recorded_by_id=tutor.id, recorded_at=now)
    )  # fmt: skip
    db.session.commit()
    login_as(tutor)
    page = client.get("/tutor").get_data(as_text=True)
    today, week = section(page, "today-heading"), section(page, "week-heading")
    cards = {s.id: today.split(f'href="/tutor/sessions/{s.id}"', 1)[1].split("</li>", 1)[0]
             for s in (started, done)}  # fmt: skip
    assert "3 persone attese" in cards[started.id]
    assert "Segna le presenze" in cards[started.id]
    assert "Presenze segnate" in cards[done.id]
    assert "2 persone attese" in week
    assert "Apri l’elenco" in week and "Segna le presenze" not in week  # not begun yet


def test_a_tutor_with_nothing_this_week_is_told_so(
    client, login_as, tutor, project, add_session, clock
):
    add_session(project, clock.now() + timedelta(days=10))
    login_as(tutor)
    page = client.get("/tutor").get_data(as_text=True)
    assert "Oggi non hai turni." in section(page, "today-heading")
    assert "Nessun altro turno questa settimana." in section(page, "week-heading")
    assert "Cura del parco" in section(page, "later-heading")


def test_another_tutors_sessions_are_not_listed(
    client, login_as, tutor, create_user, create_project, add_session, clock, db
):
    other = create_project(title="Progetto di un altro tutor")
    other.tutors = [create_user(Role.TUTOR)]
    db.session.commit()
    add_session(other, clock.now())
    login_as(tutor)
    assert "Progetto di un altro tutor" not in client.get("/tutor").get_data(as_text=True)


def test_the_counts_cost_no_query_per_session(
    count_queries, login_as, tutor, project, add_session, enrolled, clock, create_project, db
):
    enrolled(2)
    login_as(tutor)
    add_session(project, clock.now())
    small = count_queries("/tutor")
    for days in range(1, 5):
        add_session(project, clock.now() + timedelta(days=days))
        more = create_project(title=f"Altro {days}")
        more.tutors = [tutor]
        db.session.commit()
        add_session(more, clock.now() - timedelta(hours=days))
    enrolled(5)
    assert count_queries("/tutor") == small
