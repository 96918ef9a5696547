"""Events are translated like projects: title and description in English, French and
Arabic, shown to each participant in their language, Italian when not translated; the
form says which languages are missing."""

from datetime import UTC, datetime
from html import unescape

import pytest

from civic_app.events.changes import fingerprint
from civic_app.events.models import CommunityEvent, EventSeries
from civic_app.sms.models import Message
from tests.events.test_events import event_form


@pytest.fixture
def venue(create_venue):
    return create_venue(name="Casa di quartiere", address="Via Pigneto 1")


ENGLISH = {"title_en": "Neighbourhood party", "description_en": "Music and food."}


def page(client, url) -> str:
    return unescape(client.get(url).get_data(as_text=True))


def test_staff_translate_an_event_and_each_participant_reads_their_language(
    client, login_as, staff, venue, db, clock, create_participant
):
    login_as(staff)
    response = client.post_form("/staff/events/new", event_form(venue, **ENGLISH))
    assert response.status_code == 302
    event = db.session.scalar(db.select(CommunityEvent))
    assert event.translations == {
        "en": {"title": "Neighbourhood party", "description": "Music and food."}
    }
    english = create_participant(preferred_language="en")
    login_as(english)
    seen = page(client, "/events")
    assert "Neighbourhood party" in seen and "Music and food." in seen
    assert "Festa di quartiere" not in seen
    arabic = create_participant(preferred_language="ar")  # no Arabic text: the Italian one
    login_as(arabic)
    seen = page(client, "/events")
    assert "Festa di quartiere" in seen and "Musica e cibo." in seen


def test_the_form_says_which_translations_are_missing(client, login_as, staff, venue):
    login_as(staff)
    blank = page(client, "/staff/events/new")
    assert 'id="title_en"' in blank and 'id="description_ar"' in blank
    refused = unescape(
        client.post_form("/staff/events/new", event_form(venue, capacity="0", **ENGLISH)).get_data(
            as_text=True
        )
    )  # an error keeps the translations typed, and the hint names what is missing
    assert 'value="Neighbourhood party"' in refused
    assert "Mancano: Francese, Arabo, Spagnolo, Bengalese, Urdu, Ucraino" in refused
    everything = ENGLISH | {
        "title_fr": "Fête de quartier", "description_fr": "Musique.",
        "title_ar": "حفلة الحي", "description_ar": "موسيقى.",
        "title_es": "Fiesta del barrio", "description_es": "Música.",
        "title_bn": "পাড়ার উৎসব", "description_bn": "গান।",
        "title_ur": "محلے کا جشن", "description_ur": "موسیقی۔",
        "title_uk": "Свято району", "description_uk": "Музика.",
    }  # fmt: skip
    complete = unescape(
        client.post_form(
            "/staff/events/new", event_form(venue, capacity="0", **everything)
        ).get_data(as_text=True)
    )
    assert "Tradotto in tutte le lingue" in complete


def test_an_edit_shows_and_changes_the_translations_and_texts_no_one(
    client, login_as, staff, venue, db, clock
):
    event = CommunityEvent(
        municipality_id=venue.municipality_id, venue_id=venue.id, title="Laboratorio",
        event_type="workshop", capacity=20, audience="all", status="scheduled",
        starts_at=datetime(2026, 3, 7, 17, tzinfo=UTC),
        ends_at=datetime(2026, 3, 7, 19, tzinfo=UTC),
        translations={"fr": {"title": "Atelier"}},
    )  # fmt: skip
    db.session.add(event)
    db.session.commit()
    login_as(staff)
    edit = page(client, f"/staff/events/{event.id}/edit")
    assert 'value="Atelier"' in edit
    data = {
        "title": "Laboratorio", "description": "", "event_type": "workshop",
        "venue_id": str(venue.id), "day": "2026-03-07", "start_time": "18:00",
        "end_time": "20:00", "capacity": "20", "languages": ["it"], "audience": "all",
        "scope": "one", "seen": fingerprint(event), "title_fr": "Atelier de cuisine",
        "title_en": "Cooking workshop",
    }  # fmt: skip
    assert client.post_form(f"/staff/events/{event.id}/edit", data).status_code == 302
    db.session.refresh(event)
    assert event.translations == {
        "en": {"title": "Cooking workshop"},
        "fr": {"title": "Atelier de cuisine"},
    }
    assert event.sequence == 0  # the SMS texts are in the person's language by template
    assert not db.session.scalar(db.select(Message.id).where(Message.kind == "event_changed"))


def test_the_events_of_a_series_carry_its_translations(client, login_as, staff, venue, db):
    login_as(staff)
    data = event_form(venue, **ENGLISH) | {"weekdays": ["5"], "until": "2026-03-28",
                                          "interval": "1"}  # fmt: skip
    assert client.post_form("/staff/events/series/new", data).status_code == 302
    series = db.session.scalar(db.select(EventSeries))
    assert series.translations["en"]["title"] == "Neighbourhood party"
    events = db.session.scalars(db.select(CommunityEvent)).all()
    assert events and all(e.text("en")[0] == "Neighbourhood party" for e in events)
    assert all(e.text("fr")[0] == "Festa di quartiere" for e in events)


def test_the_invitation_sms_carries_the_title_in_the_persons_language(
    client, login_as, staff, venue, db, clock, create_participant
):
    english, italian = create_participant(preferred_language="en"), create_participant()
    login_as(staff)
    assert client.post_form("/staff/events/new", event_form(venue, **ENGLISH)).status_code == 302
    bodies = dict(
        db.session.execute(
            db.select(Message.user_id, Message.body).where(Message.kind == "event_invite")
        ).all()
    )
    assert "Neighbourhood party" in bodies[english.id]
    assert "Festa di quartiere" in bodies[italian.id]
