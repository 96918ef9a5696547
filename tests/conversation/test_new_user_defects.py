"""The defects found when the SMS channel was tried as a new user would (issue 22, point
4): each with its test."""

from datetime import timedelta

import pytest

from civic_app.conversation.keywords import keyword
from civic_app.core.accounts import User
from civic_app.core.network import ensure_network
from civic_app.sms.models import Status
from civic_app.sms.optout import opt_out
from civic_app.sms.templates import SMS_LANGUAGES, TEMPLATES, render_sms
from tests.conversation.conftest import last_reply, replies

PHONE = "+393479880001"


@pytest.fixture
def network(db, municipality, clock):
    found = ensure_network()
    db.session.commit()
    return found


def to_municipality_question(text, phone: str, join: str = "JOIN", menu: str = "2") -> None:
    text(phone, join)
    text(phone, menu)
    text(phone, "Amina Diallo")


def test_the_language_menu_says_nothing_in_italian_to_everyone():
    menu = render_sms("signup_language", "ar")
    assert menu == render_sms("signup_language", "it") == render_sms("signup_language", "uk")
    assert "Rispondi" not in menu and "numero" not in menu
    assert menu.endswith("8 Українська → 1-8")


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("Milan", "milano"), ("Rome", "roma"), ("روما", "roma"), ("Мілан", "milano"),
     ("MILÁN", "milano"), ("rom", "roma"), ("florence", "firenze"), ("মিলান", "milano")],
)  # fmt: skip
def test_municipalities_are_known_in_other_languages_and_scripts(db, text, network, typed, slug):
    to_municipality_question(text, PHONE)
    text(PHONE, typed)
    if slug == "roma" and typed == "rom":  # a prefix is asked, not assumed
        assert last_reply(db, PHONE) == render_sms(
            "signup_municipality_pick", "en", choices="1 Rome"
        )
        text(PHONE, "1")
    assert last_reply(db, PHONE) == render_sms("signup_sector", "en")
    for answer in ("1", "1990", "YES"):
        text(PHONE, answer)
    user = db.session.scalar(db.select(User).where(User.phone == PHONE))
    assert user.municipality.slug == slug


def test_an_unknown_or_misspelt_name_gets_a_short_list_to_pick_from_by_number(db, text, network):
    to_municipality_question(text, PHONE, "اشترك", "٤")
    text(PHONE, "ميلانوو")  # one letter too many
    reply = last_reply(db, PHONE)
    assert reply.startswith("أي بلدية؟ 1 ميلانو")
    text(PHONE, "Atlantide")  # nothing near: the Comuni with most projects, a few
    reply = last_reply(db, PHONE)
    assert reply.startswith("أي بلدية؟ 1 ") and "6 " not in reply
    text(PHONE, "٢")
    assert last_reply(db, PHONE) == render_sms("signup_sector", "ar")
    text(PHONE, "١")
    text(PHONE, "تخطي")
    assert "نعم" in last_reply(db, PHONE)


def test_two_municipalities_of_one_name_are_told_apart_by_region(
    db, text, create_municipality, clock
):
    create_municipality(slug="san-marco-a", name="San Marco", region="Campania")
    create_municipality(slug="san-marco-b", name="San Marco", region="Calabria")
    to_municipality_question(text, PHONE)
    text(PHONE, "san marco")
    assert last_reply(db, PHONE) == render_sms(
        "signup_municipality_pick", "en",
        choices="1 San Marco (Calabria); 2 San Marco (Campania)",
    )  # fmt: skip
    text(PHONE, "9")  # out of the list: asked again
    assert "1 San Marco (Calabria)" in last_reply(db, PHONE)
    text(PHONE, "2")
    assert last_reply(db, PHONE) == render_sms("signup_sector", "en")


def test_after_stop_next_and_help_get_one_reply_how_to_restart_in_the_persons_language(
    db, text, deliver, clock, create_participant
):
    person = create_participant(phone="+393479880002", preferred_language="uk")
    text(person.phone, "STOP")
    before = len(replies(db, person.phone))
    text(person.phone, "ДАЛІ")  # NEXT
    assert last_reply(db, person.phone) == render_sms("stopped_info", "uk")
    text(person.phone, "допомога")  # HELP: nothing more (rate-limited)
    text(person.phone, "ПРОЄКТИ")
    assert len(replies(db, person.phone)) == before + 1
    deliver()
    assert replies(db, person.phone)[-1].status == Status.SENT
    clock.advance(days=8)  # still texting a week later: told once more
    text(person.phone, "допомога")
    assert len(replies(db, person.phone)) == before + 2
    assert last_reply(db, person.phone) == render_sms("stopped_info", "uk")


def test_a_number_stopped_by_twilio_or_staff_is_told_how_to_restart_too(
    db, text, clock, create_participant
):
    person = create_participant(phone="+393479880003", preferred_language="fr")
    text(person.phone, "STOP")
    text(person.phone, "AIDE")
    text(person.phone, "START")
    clock.advance(minutes=5)
    opt_out(person.phone, "twilio_21610", clock.now())  # no STOP text this time
    db.session.commit()
    clock.advance(minutes=5)
    text(person.phone, "PROCHAIN")
    assert last_reply(db, person.phone) == render_sms("stopped_info", "fr")


#: The texts that used to send people to the web: now they name the PROJECTS keyword.
POINTING_TO_PROJECTS = ("no_session", "enrolment_declined", "help", "signup_done")


@pytest.mark.parametrize("language", SMS_LANGUAGES)
def test_texts_point_to_the_projects_keyword_not_to_the_website(language):
    for name in POINTING_TO_PROJECTS:
        text = TEMPLATES[name][language]
        words = text.replace(",", " ").replace("।", " ").replace("۔", " ").split()
        assert any(keyword(word) == "projects" for word in words), (name, language)
        assert "{brand}." not in text and "su {brand}" not in text


def test_no_shift_on_a_basic_phone_points_to_projects(db, text, world, create_participant):
    newcomer = create_participant(phone="+393479880004", preferred_language="es")
    text(newcomer.phone, "SIGUIENTE")
    assert last_reply(db, newcomer.phone) == render_sms("no_session", "es")
    assert "PROYECTOS" in last_reply(db, newcomer.phone)
    person = world["waiting"]  # on the waiting list only: NEXT says so, not a shift
    text(person.phone, "NEXT")
    assert last_reply(db, person.phone) == render_sms(
        "next_waitlisted", "en", project="Cura del parco"
    )


@pytest.mark.parametrize("name", ["offer", "offer_taken"])
def test_the_offer_and_the_place_is_yours_say_when_and_where(name):
    for language in SMS_LANGUAGES:
        text = TEMPLATES[name][language]
        assert "{when}" in text and "{place}" in text, language


def test_an_offer_says_where_the_session_is(db, world, text, remind, deliver):
    world["project"].address = "Via Appia 12"
    db.session.commit()
    remind()
    text(world["holders"][0].phone, "2")
    deliver()
    offer = [m for m in replies(db, world["waiting"].phone) if m.kind == "offer"][-1]
    assert "Via Appia 12" in offer.body
    assert offer.expires_at - offer.created_at <= timedelta(hours=3)
