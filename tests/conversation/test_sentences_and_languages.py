"""A sentence is not a keyword; a stranger is answered in the language they wrote; after
STOP a number learns once how to come back, then hears nothing."""

import pytest

from civic_app.projects.models import Rsvp
from civic_app.sms.models import Direction, Message, OptOut, Status
from civic_app.sms.templates import render_sms
from tests.conversation.conftest import last_reply, replies


@pytest.mark.parametrize(
    "sentence",
    [
        "Cancel my shift tomorrow",
        "Stop by the office later?",
        "End of the day I come",
        "Annulla il turno di domani",
        "No problem, I will come",
        "Ore 9?",
        "Si ma arrivo tardi",
        "نعم سآتي غدا",
    ],
)
def test_a_sentence_goes_to_staff_and_changes_nothing(
    db, world, text, remind, sentence, client, login_as, staff
):
    person = world["holders"][0]
    remind()
    text(person.phone, sentence)
    assert db.session.scalar(db.select(OptOut)) is None
    assert db.session.scalar(db.select(Rsvp)) is None
    inbound = db.session.scalar(db.select(Message).where(Message.direction == Direction.IN))
    assert inbound.needs_attention
    assert last_reply(db, person.phone) == render_sms("passed_to_staff", "it")
    login_as(staff)
    assert sentence.split()[0] in client.get("/staff/inbox").get_data(as_text=True)


@pytest.mark.parametrize(
    ("word", "kind"), [("STOP!", "stop"), ("  stop. ", "stop"), ("Sì.", "yes")]
)
def test_the_keyword_alone_still_counts_with_case_and_punctuation_forgiven(
    db, world, text, remind, word, kind
):
    person = world["holders"][0]
    remind()
    text(person.phone, word)
    if kind == "stop":
        assert db.session.scalar(db.select(OptOut).where(OptOut.phone == person.phone)).active
    else:
        assert db.session.scalar(db.select(Rsvp)).coming is True


@pytest.mark.parametrize(
    ("word", "language", "template"),
    [("توقف", "ar", "stop_confirmation"), ("AIDE", "fr", "help"), ("PROCHAIN", "fr", "help"),
     ("ayuda", "es", "help"), ("допомога", "uk", "help"), ("HELP", "en", "help")],
)  # fmt: skip
def test_before_sign_up_the_answer_is_in_the_language_of_the_keyword(
    db, text, word, language, template
):
    phone = "+393479876543"
    text(phone, word)
    if template == "help" and word == "PROCHAIN":
        # NEXT from a number we do not know: "not registered", in French
        assert last_reply(db, phone) == render_sms("not_registered", "fr")
    else:
        assert last_reply(db, phone) == render_sms(template, language)


@pytest.mark.parametrize(("answer", "language"), [("English", "en"), ("عربي", "ar"), ("3", "fr")])
def test_the_language_menu_takes_a_name_as_well_as_a_number(db, text, answer, language):
    phone = "+393479876540"
    text(phone, "JOIN")
    text(phone, answer)
    assert last_reply(db, phone) == render_sms("signup_name", language)


def test_after_stop_one_reply_says_how_to_restart_then_silence(db, world, text, deliver):
    person = world["holders"][0]
    text(person.phone, "STOP")
    before = len(replies(db, person.phone))
    text(person.phone, "NEXT")
    assert len(replies(db, person.phone)) == before + 1
    assert last_reply(db, person.phone) == render_sms("stopped_info", "it")
    deliver()
    assert replies(db, person.phone)[-1].status == Status.SENT  # it goes out despite STOP
    text(person.phone, "HELP")
    text(person.phone, "ciao")
    assert len(replies(db, person.phone)) == before + 1
    text(person.phone, "START")
    assert last_reply(db, person.phone) == render_sms("start_confirmation", "it")
    text(person.phone, "STOP")
    text(person.phone, "1")
    assert last_reply(db, person.phone) == render_sms("stopped_info", "it")  # once per STOP
