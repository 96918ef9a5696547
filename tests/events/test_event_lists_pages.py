"""The events lists show every event: past the first page, the shared pager leads on."""

import re
from datetime import timedelta

import pytest

from civic_app.events.models import Audience, CommunityEvent, EventType
from civic_app.events.views import EVENTS_PER_PAGE, MY_EVENTS_PER_PAGE
from civic_app.projects.models import EnrolmentStatus


@pytest.fixture
def add_events(db, create_venue, municipality, clock):
    venue = create_venue()

    def add(count, **kw):
        for n in range(count):
            starts = clock.now() + timedelta(days=1, hours=3 * n)
            values = dict(
                municipality_id=municipality.id, venue_id=venue.id, title=f"Evento {n:03d}",
                event_type=EventType.MEETING, capacity=30, audience=Audience.ALL,
                starts_at=starts, ends_at=starts + timedelta(hours=2),
            )  # fmt: skip
            db.session.add(CommunityEvent(**(values | kw)))
        db.session.commit()

    return add


def titles(page: str) -> list[str]:
    return re.findall(r"Evento (\d{3})", page)


def test_staff_see_every_event_page_by_page(client, login_as, staff, add_events):
    count = 2 * EVENTS_PER_PAGE + 3  # more than the 100 the list used to stop at
    add_events(count)
    login_as(staff)
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/staff/events?page={number}").get_data(as_text=True)
        assert f"Pagina {number} di 3" in page
        seen += titles(page)
    assert seen == [f"{n:03d}" for n in range(count)]  # in time order, each once
    first = client.get("/staff/events").get_data(as_text=True)
    assert 'rel="next" href="/staff/events?page=2"' in first


def test_a_participant_sees_every_event_for_them_page_by_page(
    client, login_as, create_participant, add_events, project, enrol
):
    person = create_participant(preferred_language="uk")  # pages and SMS in Ukrainian
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    count = 2 * MY_EVENTS_PER_PAGE + 1  # more than the 30 the page used to stop at
    add_events(count)
    add_events(5, audience=Audience.LANGUAGE, audience_language="fr", title="Gruppo francese")
    add_events(2, audience=Audience.PROJECTS, audience_projects=[project.id + 1000], title="Altro")
    add_events(1, audience=Audience.PROJECTS, audience_projects=[project.id], title="Mio progetto")
    add_events(1, audience=Audience.LANGUAGE, audience_language="uk", title="Gruppo ucraino")
    login_as(person)
    pages = [client.get(f"/events?page={n}").get_data(as_text=True) for n in (1, 2, 3)]
    for number, page in enumerate(pages, start=1):
        assert f"Сторінка {number} з 3" in page
    everything = "".join(pages)
    assert sorted(titles(everything)) == [f"{n:03d}" for n in range(count)]
    assert "Mio progetto" in everything and "Gruppo ucraino" in everything
    assert "Gruppo francese" not in everything and "Altro" not in everything
    assert 'rel="next" href="/events?page=2"' in pages[0]
