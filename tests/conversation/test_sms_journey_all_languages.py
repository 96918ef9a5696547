"""The SMS-only journey in each of the eight languages (issue 22, point 3), by signed
webhooks: sign up by SMS, PROJECTS, a number asks to join (applied: NEXT says it waits
for staff), staff accept, NEXT says when and where, the reminder in that language, 2
frees the place, offered to the waiting list, 1 takes it, and that person's NEXT says
when and where too. Then the bad input the new keyword must survive.

Every answer is compared with the template rendered in the person's language, never
with the Italian text; numbers are written in the script people type them in.
"""

from datetime import timedelta

import pytest
from flask import current_app

from civic_app.core.accounts import User
from civic_app.core.network import ensure_network
from civic_app.projects.enrolments import decide_enrolment, expected_ids
from civic_app.projects.models import Enrolment, EnrolmentStatus
from civic_app.sms.models import Direction, Message
from civic_app.sms.templates import fold_to_gsm7, render_sms, sms_when
from tests.conversation.conftest import last_reply, replies

#: What a person of each language types: JOIN, YES, PROJECTS, NEXT, their Comune (Roma)
#: as they name it, and the digits of their keyboard (1, 2 and the menu's number).
TYPED = {
    "it": ("ISCRIVI", "Si", "progetti", "PROSSIMO", "Roma", "1", "2", "1"),
    "en": ("JOIN", "yes", "PROJECTS", "next", "Rome", "1", "2", "2"),
    "fr": ("Inscrire", "OUI", "Projets", "prochain", "Rome", "1", "2", "3"),
    "ar": ("اشترك", "نعم", "مشاريع", "التالي", "روما", "١", "٢", "٤"),
    "es": ("UNIRME", "sí", "PROYECTOS", "Siguiente", "Roma", "1", "2", "5"),
    "bn": ("যোগ", "হ্যাঁ", "প্রকল্প", "পরবর্তী", "রোম", "১", "২", "৬"),
    "ur": ("شامل", "ہاں", "پروجیکٹ", "اگلا", "روم", "۱", "۲", "۷"),
    "uk": ("ЗАПИС", "ТАК", "ПРОЄКТИ", "ДАЛІ", "Рим", "1", "2", "8"),
}

TITLES = {
    "en": "Park care", "fr": "Soin du parc", "ar": "رعاية الحديقة", "es": "Cuidado del parque",
    "bn": "পার্কের যত্ন", "ur": "پارک کی دیکھ بھال", "uk": "Догляд за парком",
}  # fmt: skip

PHONE = "+393479990001"


@pytest.fixture
def roma(db, municipality, clock):
    """Roma with its names in every language (the network's), and the other Comuni."""
    network = ensure_network()
    db.session.commit()
    return network["roma"]


@pytest.fixture
def one_place(db, roma, create_project, add_session, clock):
    """A project of Roma with one place, a session tomorrow at its address."""
    project = create_project(
        capacity=1,
        translations={code: {"title": title} for code, title in TITLES.items()},
    )
    session = add_session(project, clock.now() + timedelta(hours=23))
    return project, session


def title_in(project, language: str) -> str:
    title = project.text(language)[0]
    return fold_to_gsm7(title) if language in ("it", "en", "fr", "es") else title


def where(session, language: str) -> dict:
    return {"when": sms_when(session.starts_at, language), "place": session.project.place}


def out_of_kind(db, phone: str, kind: str) -> list[Message]:
    return [m for m in replies(db, phone) if m.kind == kind]


def sign_up(text, db, roma, language: str, phone: str = PHONE) -> User:
    join, yes, *_rest, name, _one, _two, menu = TYPED[language]
    text(phone, join)
    assert last_reply(db, phone) == render_sms("signup_language", language)
    text(phone, menu)
    assert last_reply(db, phone) == render_sms("signup_name", language)
    text(phone, "Amina Diallo")
    assert last_reply(db, phone) == render_sms("signup_municipality", language)
    text(phone, name)
    assert last_reply(db, phone) == render_sms("signup_sector", language)
    text(phone, "1")
    assert last_reply(db, phone) == render_sms("signup_birth_year", language)
    text(phone, "1990")
    assert last_reply(db, phone) == render_sms(
        "signup_confirm", language, name="Amina Diallo", municipality=roma.name_in(language)
    )
    text(phone, yes)
    assert last_reply(db, phone) == render_sms("signup_done", language, name="Amina")
    user = db.session.scalar(db.select(User).where(User.phone == phone))
    assert (user.preferred_language, user.municipality_id) == (language, roma.id)
    return user


@pytest.mark.parametrize("language", list(TYPED))
def test_the_sms_only_journey_in_each_language(
    language, db, app, text, roma, one_place, create_participant, enrol, staff, remind, deliver,
    clock,
):  # fmt: skip
    project, session = one_place
    _join, _yes, projects, next_, _name, one, two, _menu = TYPED[language]
    # Someone already waits for a place of this project, in the same language.
    waiting = create_participant(phone="+393479990002", preferred_language=language)
    enrol(project, waiting, EnrolmentStatus.WAITLISTED)

    person = sign_up(text, db, roma, language)
    title = title_in(project, language)

    text(PHONE, projects)
    assert last_reply(db, PHONE) == render_sms(
        "projects_list_end", language, municipality=roma.name_in(language), projects=f"1 {title}"
    )
    text(PHONE, one)
    assert last_reply(db, PHONE) == render_sms("project_applied", language, project=title)
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == person.id))
    assert enrolment.status == EnrolmentStatus.APPLIED  # staff review, as on the web

    # Applied is not a shift: NEXT says the request waits for staff.
    text(PHONE, next_)
    assert last_reply(db, PHONE) == render_sms(
        "next_waiting", language, project=project.text(language)[0]
    )

    with app.test_request_context():
        decide_enrolment(enrolment, EnrolmentStatus.ACCEPTED, staff, clock.now())
    db.session.commit()
    text(PHONE, next_)
    assert last_reply(db, PHONE) == render_sms(
        "next_session", language, project=project.text(language)[0], **where(session, language)
    )

    remind()
    (reminder,) = out_of_kind(db, PHONE, "reminder")
    assert reminder.body == render_sms(
        "reminder", language, project=project.text(language)[0], **where(session, language)
    )

    # 2 frees the place: offered to the waiting list, saying when and where.
    text(PHONE, two)
    assert last_reply(db, PHONE) == render_sms("rsvp_no", language)
    deliver()
    (offer,) = out_of_kind(db, waiting.phone, "offer")
    assert offer.body == render_sms(
        "offer", language, project=project.text(language)[0],
        minutes=current_app.config["OFFER_MINUTES"], **where(session, language),
    )  # fmt: skip

    text(waiting.phone, one)
    assert last_reply(db, waiting.phone) == render_sms(
        "offer_taken", language, **where(session, language)
    )
    assert waiting.id in expected_ids(session) and person.id not in expected_ids(session)
    text(waiting.phone, next_)
    assert last_reply(db, waiting.phone) == render_sms(
        "next_session", language, project=project.text(language)[0], **where(session, language)
    )
    # ... and the reminders reach them.
    remind()
    (their_reminder,) = out_of_kind(db, waiting.phone, "reminder")
    assert their_reminder.body == reminder.body


# Bad input on the new keyword: never a 500, always a clear answer in the person's language.


@pytest.fixture
def registered(db, roma, one_place, create_participant):
    return create_participant(phone=PHONE, preferred_language="ar", municipality=roma)


def test_an_unknown_number_texting_projects_is_told_to_sign_up_in_its_language(db, text, roma):
    assert text("+393479990077", "PROYECTOS").status_code == 200
    assert last_reply(db, "+393479990077") == render_sms("not_registered", "es")


def test_a_number_out_of_range_asks_again_and_keeps_the_list(db, text, registered, one_place):
    text(PHONE, "مشاريع")
    for typed in ("7", "٠", "۹", "99999999999999999999"):
        assert text(PHONE, typed).status_code == 200
        assert last_reply(db, PHONE) == render_sms("projects_pick_range", "ar", last="1")
    text(PHONE, "١")  # still the list: the first project
    assert last_reply(db, PHONE) == render_sms(
        "project_applied", "ar", project=one_place[0].text("ar")[0]
    )


def test_a_number_that_answers_nothing_goes_to_staff_with_a_clear_reply(db, text, registered):
    for typed in ("٣", "৩", "۳"):
        assert text(PHONE, typed).status_code == 200
        assert last_reply(db, PHONE) == render_sms("passed_to_staff", "ar")
    # Not even registered: the sign-up's language menu, which reads in every language.
    assert text("+393479990078", "৩").status_code == 200
    assert last_reply(db, "+393479990078") == render_sms("signup_language", "it")


def test_digits_of_every_script_pick_from_the_list(
    db, text, roma, create_project, create_participant
):
    person = create_participant(phone=PHONE, preferred_language="ur", municipality=roma)
    for n in range(7):
        create_project(title=f"Progetto {n}", capacity=3)
    text(PHONE, "پروجیکٹ")
    first = last_reply(db, PHONE)
    assert "روم" in first and "مزید" in first  # in Urdu, MORE offered
    assert "1 Progetto 0" in first and "7 Progetto" not in first  # a few per SMS
    text(PHONE, "مزید")  # MORE: the next ones, numbered on
    assert "6 Progetto 5" in last_reply(db, PHONE)
    text(PHONE, "۶")  # Extended Arabic-Indic six
    assert last_reply(db, PHONE) == render_sms("project_applied", "ur", project="Progetto 5")
    (enrolment,) = db.session.scalars(
        db.select(Enrolment).where(Enrolment.participant_id == person.id)
    ).all()
    assert enrolment.project.title == "Progetto 5"


def test_a_project_full_meanwhile_puts_the_request_on_the_waiting_list(
    db, text, registered, one_place, create_participant, enrol, roma
):
    project, _session = one_place
    text(PHONE, "مشاريع")
    someone = create_participant(municipality=roma)
    enrol(project, someone, EnrolmentStatus.ACCEPTED)  # the last place went meanwhile
    text(PHONE, "١")
    assert last_reply(db, PHONE) == render_sms(
        "enrolment_waitlisted", "ar", project=project.text("ar")[0]
    )
    text(PHONE, "التالي")
    assert last_reply(db, PHONE) == render_sms(
        "next_waitlisted", "ar", project=project.text("ar")[0]
    )


def test_a_minor_without_the_guardians_consent_is_told_what_is_missing(
    db, text, roma, one_place, create_participant
):
    minor = create_participant(phone="+393479990003", preferred_language="bn", birth_year=2015,
                               municipality=roma)  # fmt: skip
    text(minor.phone, "প্রকল্প")
    text(minor.phone, "১")
    assert last_reply(db, minor.phone) == render_sms("project_minor", "bn")
    assert (
        db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == minor.id)) is None
    )


def test_no_project_with_places_says_so_in_the_persons_language(db, text, roma, create_participant):
    create_participant(phone=PHONE, preferred_language="uk", municipality=roma)
    text(PHONE, "проєкти")
    assert last_reply(db, PHONE) == render_sms("projects_none", "uk", municipality="Рим")
    text(PHONE, "1")  # no list, no question: staff read it
    assert last_reply(db, PHONE) == render_sms("passed_to_staff", "uk")


def test_a_question_asked_after_the_list_is_what_1_answers(
    db, text, registered, one_place, enrol, remind
):
    project, session = one_place
    text(PHONE, "مشاريع")
    other = db.session.get(User, registered.id)
    enrol(project, other, EnrolmentStatus.ACCEPTED)  # e.g. staff enrolled them at the desk
    remind()  # the reminder asks "will you come?" after the list
    text(PHONE, "١")
    assert last_reply(db, PHONE) == render_sms("rsvp_yes", "ar")


def test_projects_unsigned_is_403_and_changes_nothing(db, twilio_post, registered):
    params = {"From": PHONE, "Body": "PROJECTS", "MessageSid": "SM" + "9" * 32}
    assert twilio_post("/sms/inbound", params, signature="bogus").status_code == 403
    assert twilio_post("/sms/inbound", params, signature="").status_code == 403
    assert db.session.scalar(db.select(Message).where(Message.direction == Direction.IN)) is None
