"""Sign-up by SMS: the optional year of birth, and minors (issue 12)."""

import pytest

from civic_app.core.accounts import Consent, User
from civic_app.sms.models import Direction, Message
from civic_app.sms.segments import count_segments
from civic_app.sms.templates import TEMPLATES, TYPICAL_VALUES

PHONE = "+33612345678"
NEW_TEMPLATES = ("signup_birth_year", "signup_confirm_minor", "signup_done_minor")


def last_reply(db):
    return db.session.scalar(
        db.select(Message)
        .where(Message.phone == PHONE, Message.direction == Direction.OUT)
        .order_by(Message.id.desc())
    ).body


def up_to_the_year(text, language="1"):
    for body in ("ISCRIVI", language, "Amina Diallo", "Roma", "2"):
        text(PHONE, body)


def person(db):
    return db.session.scalar(db.select(User).where(User.phone == PHONE))


def consents(db, user):
    return db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)).all()


@pytest.mark.parametrize("name", NEW_TEMPLATES)
def test_the_new_texts_cost_two_segments_at_most(name):
    for language, text in TEMPLATES[name].items():
        assert count_segments(text.format(**TYPICAL_VALUES)).segments <= 2, language


def test_the_year_is_asked_with_its_purpose_and_recorded(text, db, municipality, clock):
    up_to_the_year(text)
    question = last_reply(db)
    assert "anno" in question and "forma anonima" in question and "SALTA" in question
    text(PHONE, "sono nato nel 1994")
    assert "Rispondi SI" in last_reply(db)
    text(PHONE, "si")
    user = person(db)
    assert user.birth_year == 1994 and user.pending_review
    assert {c.purpose for c in consents(db, user)} == {"programme", "sms"}
    assert "Ti diamo il benvenuto, Amina" in last_reply(db)


@pytest.mark.parametrize(
    ("language", "skip"), [("1", "SALTA"), ("2", "skip"), ("3", "Passer"), ("4", "تخطي")]
)
def test_the_year_can_be_skipped_in_every_language(text, db, municipality, language, skip):
    up_to_the_year(text, language)
    text(PHONE, skip)
    text(PHONE, "1")  # YES
    user = person(db)
    assert user is not None and user.birth_year is None
    assert {c.purpose for c in consents(db, user)} == {"programme", "sms"}


@pytest.mark.parametrize("reply", ["ciao", "1800", "2031", "19", "1990 1991"])
def test_a_reply_that_is_no_year_asks_again(text, db, municipality, clock, reply):
    up_to_the_year(text)
    question = last_reply(db)
    text(PHONE, reply)
    assert last_reply(db) == question
    text(PHONE, "1990")
    assert "Rispondi SI" in last_reply(db)


def test_arabic_digits_are_read(text, db, municipality, clock):
    up_to_the_year(text, "4")
    text(PHONE, "١٩٩٠")
    text(PHONE, "نعم")
    assert person(db).birth_year == 1990


def test_a_minor_registers_without_consent_and_is_told_a_guardian_must_sign(
    text, db, municipality, clock, client, login_as, staff
):
    up_to_the_year(text)
    text(PHONE, "2010")
    confirm = last_reply(db)
    assert "meno di 18 anni" in confirm and "genitore o tutore" in confirm
    text(PHONE, "SI")
    user = person(db)
    assert user.birth_year == 2010 and user.pending_review
    assert consents(db, user) == []
    assert user.sms_opt_out_at is not None
    done = last_reply(db)
    assert "genitore o tutore deve firmare il modulo di consenso" in done
    login_as(staff)
    profile = client.get(f"/staff/participants/{user.id}").get_data(as_text=True)
    assert "minore: serve il consenso del genitore o tutore" in profile


def test_a_minor_can_still_cancel(text, db, municipality, clock):
    up_to_the_year(text, "2")
    text(PHONE, "2012")
    assert "under 18" in last_reply(db)
    text(PHONE, "no")
    assert "cancelled" in last_reply(db) and person(db) is None
