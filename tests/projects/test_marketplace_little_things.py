"""The marketplace: a "to" date before the "from" date says so on the field; a logged-in
participant starts with their own municipality's projects, all others one tap away."""

import re
from html import unescape

from civic_app.core.permissions import Role


def page_of(client, url="/projects") -> str:
    return unescape(client.get(url).get_data(as_text=True))


def test_a_to_date_before_the_from_date_is_refused_on_the_field(client, create_project):
    create_project(title="Orti")
    page = page_of(client, "/projects?date_from=2026-03-10&date_to=2026-03-01")
    assert "La data finale viene prima di quella iniziale." in page
    # the message is on the "Al" field, which keeps what was typed, and the form is open
    field = page[page.index('id="date_to"') - 600 : page.index('id="date_to"') + 600]
    assert "La data finale viene prima di quella iniziale." in field
    assert 'value="2026-03-01"' in field
    assert re.search(r'<details class="filters-toggle"\s+open', page)


def test_the_same_day_twice_is_a_valid_range(client, create_project):
    page = page_of(client, "/projects?date_from=2026-03-10&date_to=2026-03-10")
    assert "La data finale viene prima di quella iniziale." not in page


def test_a_participant_starts_with_their_municipality_and_can_see_all(
    client, login_as, create_participant, create_project, other_municipality, municipality
):
    create_project(title="Parco di casa")
    create_project(title="Parco lontano", municipality_id=other_municipality.id)
    login_as(create_participant())

    own = page_of(client)
    assert "Parco di casa" in own and "Parco lontano" not in own
    assert f"Progetti del Comune di {municipality.name}." in own
    every = re.search(r'<a href="([^"]+)">Tutti i comuni</a>', own)
    assert every, "a visible link to every municipality"
    assert f'<option selected value="{municipality.slug}">' in own
    # The municipality one starts with is no search of one's own: the filters stay folded
    # on a phone, so the projects come first; a search opens them.
    assert 'class="filters-toggle"' in own and 'filters-toggle" open' not in own
    searched = page_of(client, f"/projects?municipality={municipality.slug}")
    assert 'filters-toggle" open' in searched

    everything = page_of(client, every.group(1))
    assert "Parco di casa" in everything and "Parco lontano" in everything
    assert "Tutti i comuni</a>" not in everything


def test_anonymous_visitors_and_staff_see_every_municipality(
    client, login_as, create_user, create_project, other_municipality
):
    create_project(title="Parco di casa")
    create_project(title="Parco lontano", municipality_id=other_municipality.id)
    anonymous = page_of(client)
    assert "Parco di casa" in anonymous and "Parco lontano" in anonymous
    login_as(create_user(Role.STAFF))
    staff = page_of(client)
    assert "Parco di casa" in staff and "Parco lontano" in staff
