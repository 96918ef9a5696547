"""The case list on /cases: open cases seen most recently, and a search sent by POST."""

from datetime import date

from civic_app.casework.models import IntakeStatus
from civic_app.core.models import AuditEvent
from civic_app.extensions import db


def test_the_list_shows_open_cases_of_the_municipality_only(
    client, login_as, caseworker, create_case, create_user, other_municipality, clock
):
    create_case(first_name="Rashid", last_seen_on=date(2026, 3, 1))
    create_case(first_name="Chiuso", status=IntakeStatus.CLOSED)
    from civic_app.core.accounts import User
    from civic_app.core.permissions import Role

    elsewhere = User(role=Role.IN_CARE, municipality_id=other_municipality.id, first_name="Lontano")
    db.session.add(elsewhere)
    db.session.commit()
    create_case(person=elsewhere)
    login_as(caseworker)
    page = client.get("/cases").get_data(as_text=True)
    assert "Rashid" in page
    assert "Chiuso" not in page and "Lontano" not in page


def test_a_search_finds_closed_cases_by_name_or_phone_and_keeps_names_out_of_urls(
    client, login_as, caseworker, create_case, clock
):
    create_case(first_name="Chiuso", status=IntakeStatus.CLOSED)
    create_case(first_name="Telefono", phone="+393471234567")
    create_case(first_name="Terzo")
    login_as(caseworker)
    response = client.post_form("/cases/search", {"q": "chius"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Chiuso" in page and "Terzo" not in page
    page = client.post_form("/cases/search", {"q": "1234567"}).get_data(as_text=True)
    assert "Telefono" in page and "Terzo" not in page
    # A wildcard is a character, not a pattern.
    page = client.post_form("/cases/search", {"q": "%%"}).get_data(as_text=True)
    assert "Terzo" not in page and "Chiuso" not in page
    assert not any(
        "Chiuso" in (event.details or {}).values()
        for event in db.session.scalars(db.select(AuditEvent))
    )


def test_a_search_too_short_says_what_is_missing(client, login_as, caseworker, create_case, clock):
    create_case(first_name="Rashid")
    login_as(caseworker)
    for text in ("", "x"):
        response = client.post_form("/cases/search", {"q": text})
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert 'id="q-error"' in page, text
        assert "Rashid" in page  # the open cases are still listed
