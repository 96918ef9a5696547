"""A participant's and a tutor's month on /me/calendar: the right sessions on the right
local days, months that do not exist, and only one's own sessions."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from civic_app.core.clock import FrozenClock
from civic_app.core.permissions import Role
from civic_app.projects.models import EnrolmentStatus, SessionStatus
from civic_app.projects.month import parse_month, shift_month


@pytest.fixture
def december(app):
    """Monday 7 December 2026, 10:00 in Rome."""
    app.extensions["civic_clock"] = FrozenClock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))


def cell(page: str, iso_day: str) -> str:
    """The grid cell whose count links to `iso_day` (a day with entries), else ''."""
    for td in re.findall(r"<td[^>]*>.*?</td>", page, re.S):
        if f'href="#day-{iso_day}"' in td:
            return td
    return ""


def agenda_day(page: str, iso_day: str) -> str:
    """The list of one day under the grid."""
    match = re.search(rf'<h3 id="day-{iso_day}".*?</ul>', page, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def sessions_across_the_boundary(create_project, add_session, enrol, create_participant):
    park = create_project(title="Parco", start_date=date(2026, 10, 1), end_date=date(2026, 12, 31))
    # 31 October 2026 23:30 UTC is 00:30 on 1 November in Rome (winter time since 25 October).
    add_session(park, datetime(2026, 10, 31, 23, 30, tzinfo=UTC), hours=1)
    # 25 October 2026, the day summer time ends: 09:00 in Rome is 08:00 UTC.
    add_session(park, datetime(2026, 10, 25, 8, 0, tzinfo=UTC))
    # 24 October: 09:00 in Rome is 07:00 UTC (still summer time).
    add_session(park, datetime(2026, 10, 24, 7, 0, tzinfo=UTC))
    # 30 November 23:30 UTC is 00:30 on 1 December: not November's.
    add_session(park, datetime(2026, 11, 30, 23, 30, tzinfo=UTC), hours=1)
    add_session(park, datetime(2026, 11, 10, 14, 0, tzinfo=UTC), status=SessionStatus.CANCELLED)
    participant = create_participant()
    enrol(park, participant, status=EnrolmentStatus.ACCEPTED)
    return participant


def test_the_month_puts_each_session_on_its_local_day_across_the_month_and_dst(
    client, login_as, sessions_across_the_boundary, december
):
    login_as(sessions_across_the_boundary)
    november = client.get("/me/calendar?month=2026-11")
    assert november.status_code == 200
    page = november.get_data(as_text=True)
    assert "novembre 2026" in page
    # The session at 00:30 local on 1 November is November's, shown at its local time.
    assert "00:30" in cell(page, "2026-11-01")
    assert "Parco" in agenda_day(page, "2026-11-01")
    # The one of 00:30 on 1 December is not November's, nor on 30 November.
    assert cell(page, "2026-11-30") == ""
    assert cell(page, "2026-12-01") == ""
    # A cancelled session stays, marked.
    assert "annullato" in cell(page, "2026-11-10")
    assert "15:00" in cell(page, "2026-11-10")

    october = client.get("/me/calendar?month=2026-10").get_data(as_text=True)
    assert "09:00" in cell(october, "2026-10-25")
    assert "09:00" in cell(october, "2026-10-24")
    assert cell(october, "2026-10-31") == ""  # its 23:30 UTC session is 1 November's
    assert cell(october, "2026-11-01") == ""  # the grid's days of November stay empty

    december_page = client.get("/me/calendar?month=2026-12").get_data(as_text=True)
    assert "00:30" in cell(december_page, "2026-12-01")


def test_the_grid_is_a_table_of_weeks_from_monday_with_today_marked(
    client, login_as, sessions_across_the_boundary, december
):
    login_as(sessions_across_the_boundary)
    page = client.get("/me/calendar").get_data(as_text=True)  # the current month
    assert "dicembre 2026" in page
    headers = re.findall(r'<th scope="col"><abbr title="([^"]+)"', page)
    assert headers == ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]
    today = re.search(r'<td class="[^"]*cal-today[^"]*" aria-current="date">(.*?)</td>', page, re.S)
    assert today and '<span class="cal-num">7</span>' in today.group(1)
    # December 2026 starts on a Tuesday: five rows of seven cells.
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr>") == 5
    assert body.count("<td") == 35
    # The neighbouring months and the list view.
    assert 'href="/me/calendar?month=2026-11"' in page
    assert 'href="/me/calendar?month=2027-01"' in page
    listed = client.get("/me/calendar?month=2026-11&view=list").get_data(as_text=True)
    assert "<table" not in listed
    assert "Parco" in agenda_day(listed, "2026-11-01")
    assert 'href="/me/calendar?month=2026-12&amp;view=list"' in listed


def test_holidays_are_on_the_grid(client, login_as, sessions_across_the_boundary, december):
    login_as(sessions_across_the_boundary)
    page = client.get("/me/calendar?month=2026-12").get_data(as_text=True)
    assert "Immacolata Concezione" in page
    assert "Natale" in page


@pytest.mark.parametrize(
    ("language", "monday", "month", "holiday"),
    [
        ("fr", "lundi", "décembre 2026", "Immacolata Concezione"),  # the library: it, en
        ("en", "Monday", "December 2026", "Immaculate Conception"),
        ("ar", "الاثنين", "ديسمبر 2026", "Immacolata Concezione"),
    ],
)
def test_the_month_is_in_the_page_language(
    client, login_as, create_participant, december, language, monday, month, holiday
):
    login_as(create_participant(preferred_language=language))
    page = client.get("/me/calendar").get_data(as_text=True)
    headers = re.findall(r'<th scope="col"><abbr title="([^"]+)"', page)
    assert headers[0] == monday
    assert month in page
    assert holiday in page


@pytest.mark.parametrize(
    "value",
    [
        "2026-13",
        "2026-00",
        "26-12",
        "1999-12",
        "2101-01",
        "abc",
        "2026-1",
        "２０２６-12",
        " ",
        "2026-12-01",
        "2026-12x",
    ],
)
def test_a_month_that_does_not_exist_is_a_message_and_the_current_month(
    client, login_as, create_participant, december, value
):
    login_as(create_participant())
    response = client.get("/me/calendar", query_string={"month": value})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Questo mese non esiste" in page
    assert "dicembre 2026" in page


def test_the_first_and_last_months_have_no_link_beyond():
    assert shift_month(parse_month("2100-12", None)[0], 1) is None
    assert shift_month(parse_month("2000-01", None)[0], -1) is None
    assert str(shift_month(parse_month("2026-12", None)[0], 1)) == "2027-01-01"
    assert str(shift_month(parse_month("2027-01", None)[0], -1)) == "2026-12-01"


def test_a_participant_sees_only_their_own_sessions(
    client, login_as, create_project, add_session, enrol, create_participant, december
):
    mine = create_project(title="Mio orto")
    theirs = create_project(title="Orto di altri")
    add_session(mine, datetime(2026, 12, 9, 9, 0, tzinfo=UTC))
    add_session(theirs, datetime(2026, 12, 9, 9, 0, tzinfo=UTC))
    me, other = create_participant(), create_participant()
    enrol(mine, me, status=EnrolmentStatus.ACCEPTED)
    enrol(theirs, other, status=EnrolmentStatus.ACCEPTED)
    withdrawn = create_project(title="Lasciato")
    add_session(withdrawn, datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
    enrol(withdrawn, me, status=EnrolmentStatus.WITHDRAWN)
    login_as(me)
    page = client.get("/me/calendar").get_data(as_text=True)
    assert "Mio orto" in cell(page, "2026-12-09")
    assert "Orto di altri" not in page
    assert "Lasciato" not in page
    assert f'href="/projects/{mine.id}"' in page


def test_a_tutor_sees_the_sessions_of_their_projects_linked_to_the_roster(
    client, login_as, create_project, add_session, create_user, db, december
):
    tutor, other_tutor = create_user(Role.TUTOR), create_user(Role.TUTOR)
    assigned = create_project(title="Assegnato")
    elsewhere = create_project(title="Di altri")
    assigned.tutors = [tutor]
    elsewhere.tutors = [other_tutor]
    db.session.commit()
    session = add_session(assigned, datetime(2026, 12, 14, 8, 0, tzinfo=UTC))
    add_session(elsewhere, datetime(2026, 12, 14, 8, 0, tzinfo=UTC))
    login_as(tutor)
    page = client.get("/me/calendar").get_data(as_text=True)
    assert "Assegnato" in cell(page, "2026-12-14")
    assert f'href="/tutor/sessions/{session.id}"' in page
    assert "Di altri" not in page


def test_staff_have_no_own_month(client, login_as, staff):
    login_as(staff)
    assert client.get("/me/calendar?month=2026-12").status_code == 403


def test_the_events_a_participant_said_yes_to_are_on_their_month(
    client, login_as, create_participant, create_venue, municipality, db, december
):
    from civic_app.events.models import Audience, CommunityEvent, EventRsvp, EventType

    venue = create_venue()
    me, other = create_participant(), create_participant()

    def event(title, day):
        starts = datetime(2026, 12, day, 17, 0, tzinfo=UTC)
        row = CommunityEvent(
            municipality_id=municipality.id, venue_id=venue.id, title=title,
            event_type=EventType.MEETING, capacity=30, audience=Audience.ALL,
            starts_at=starts, ends_at=starts + timedelta(hours=2),
        )  # fmt: skip
        db.session.add(row)
        db.session.flush()
        return row

    coming, not_coming, theirs = event("Festa", 12), event("Riunione", 13), event("Cena", 14)
    for row, person, yes in ((coming, me, True), (not_coming, me, False), (theirs, other, True)):
        db.session.add(
            EventRsvp(
                event_id=row.id, participant_id=person.id, municipality_id=municipality.id,
                coming=yes, answered_at=datetime(2026, 12, 1, tzinfo=UTC), source="web",
            )
        )  # fmt: skip
    db.session.commit()
    login_as(me)
    page = client.get("/me/calendar").get_data(as_text=True)
    assert "18:00 Festa" in re.sub(r"<[^>]+>", "", cell(page, "2026-12-12"))
    assert 'href="/events"' in cell(page, "2026-12-12")
    assert "Riunione" not in page
    assert "Cena" not in page


def test_the_spring_change_and_the_end_of_march(
    client, login_as, create_project, add_session, enrol, create_participant, december
):
    garden = create_project(title="Orto")
    # 22:30 UTC on 31 March 2026 is 00:30 on 1 April in Rome (summer time since 29 March).
    add_session(garden, datetime(2026, 3, 31, 22, 30, tzinfo=UTC), hours=1)
    # 22:30 UTC on 28 March is 23:30 that day (winter time, UTC+1).
    add_session(garden, datetime(2026, 3, 28, 22, 30, tzinfo=UTC), hours=1)
    me = create_participant()
    enrol(garden, me, status=EnrolmentStatus.ACCEPTED)
    login_as(me)
    march = client.get("/me/calendar?month=2026-03").get_data(as_text=True)
    assert "23:30" in cell(march, "2026-03-28")
    assert cell(march, "2026-03-31") == ""
    april = client.get("/me/calendar?month=2026-04").get_data(as_text=True)
    assert "00:30" in cell(april, "2026-04-01")


def test_a_full_month_costs_no_more_queries_than_a_quiet_one(
    client, login_as, create_project, add_session, enrol, create_participant, december,
    count_queries,
):  # fmt: skip
    me = create_participant()
    login_as(me)
    projects = [create_project(title=f"Progetto {n}") for n in range(6)]
    for project in projects:
        enrol(project, me, status=EnrolmentStatus.ACCEPTED)
    add_session(projects[0], datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    client.get("/me/calendar")  # the first visit makes the feed's address
    quiet = count_queries("/me/calendar")
    for day in range(3, 28):
        add_session(projects[day % 6], datetime(2026, 12, day, 9, 0, tzinfo=UTC))
    full = count_queries("/me/calendar")
    assert "Progetto 5" in client.get("/me/calendar").get_data(as_text=True)
    assert full == quiet  # six projects are loaded in one query, as one is
