"""Little things found in the walk: the participant's messages by
date, the sign-up hint, names instead of codes on staff pages, a page without a plan."""

from datetime import UTC, datetime, timedelta

from civic_app.core.accounts import Consent
from civic_app.core.permissions import Role
from civic_app.sms.models import Direction, Message, Status


def add_message(db, user, body, created_at):
    message = Message(
        municipality_id=user.municipality_id,
        user_id=user.id,
        direction=Direction.OUT,
        phone=user.phone,
        body=body,
        kind="reminder",
        status=Status.SENT,
        created_at=created_at,
    )
    db.session.add(message)
    db.session.flush()
    return message


def test_the_participants_messages_are_newest_first_by_date_not_by_row(
    client, login_as, create_participant, staff, db
):
    amina = create_participant(first_name="Amina")
    day = datetime(2026, 3, 1, 9, tzinfo=UTC)
    # Rows written out of order (an import, a message recorded late): the id says nothing.
    add_message(db, amina, "Messaggio di mercoledì", day + timedelta(days=2))
    add_message(db, amina, "Messaggio di lunedì", day)
    add_message(db, amina, "Messaggio di martedì", day + timedelta(days=1))
    db.session.commit()
    wanted = ["Messaggio di mercoledì", "Messaggio di martedì", "Messaggio di lunedì"]

    for user, url in ((amina, "/me"), (staff, f"/staff/participants/{amina.id}")):
        login_as(user)
        page = client.get(url).get_data(as_text=True)
        positions = [page.index(text) for text in wanted]
        assert positions == sorted(positions), url


def test_the_signup_hint_points_to_the_language_switch_in_the_footer(client):
    from civic_app.people.forms import LANGUAGE_HINT

    assert "in alto" not in str(LANGUAGE_HINT)
    assert "in fondo alla pagina" in str(LANGUAGE_HINT)
    # and the switch really is in the footer of every page
    page = client.get("/").get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'class="language-switch"' in footer


def test_staff_pages_name_languages_channels_and_sources(
    client, login_as, create_participant, staff, db
):
    rahim = create_participant(
        first_name="Rahim",
        preferred_language="bn",
        signed_up_via="assisted",
        referral_source="self",
    )
    db.session.add(
        Consent(
            user_id=rahim.id,
            purpose="programme",
            version="1",
            language="bn",
            text="…",
            method="paper",
            given_at=datetime(2026, 3, 1, tzinfo=UTC),
        )
    )
    db.session.commit()
    login_as(staff)
    profile = client.get(f"/staff/participants/{rahim.id}").get_data(as_text=True)
    assert "Bengalese" in profile
    assert "allo sportello, con il personale" in profile
    assert "Di propria iniziativa" in profile
    assert "(assisted" not in profile and ", self)" not in profile
    assert "partecipazione al programma" in profile and "su carta" in profile
    assert "· bn ·" not in profile

    listing = client.get("/staff/participants").get_data(as_text=True)
    assert "<td>Bengalese</td>" in listing
    assert "<td>bn</td>" not in listing

    # in the page's language: an English page says "Bengali"
    staff.preferred_language = "en"
    db.session.commit()
    english = client.get(f"/staff/participants/{rahim.id}").get_data(as_text=True)
    assert "Bangla" in english and "Bengalese" not in english  # Babel (CLDR) says Bangla


def test_a_participant_without_a_plan_gets_a_page_saying_what_to_do(
    client, login_as, create_participant
):
    login_as(create_participant())
    response = client.get("/me/plan")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Non hai ancora un piano." in page
    assert 'href="/projects"' in page  # what to do next: choose a project
    assert "Firma il piano" not in page


def test_only_participants_reach_the_no_plan_page(client, login_as, create_user):
    login_as(create_user(Role.STAFF))
    assert client.get("/me/plan").status_code in (302, 403, 404)
