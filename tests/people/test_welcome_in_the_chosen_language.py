"""The welcome after a sign-up on the web is in the language just chosen on the form: the
page and its message, and the welcome SMS (in a language only SMS speak, the SMS is in it
and the page stays in the language it was in)."""

import pytest

from civic_app.core.accounts import User
from civic_app.sms.models import Message
from civic_app.sms.templates import render_sms
from tests.people.test_signup import prove_number, signup_form

WELCOME = {
    "it": "Benvenuto! Ora puoi chiedere di partecipare ai progetti.",
    "fr": "Bienvenue ! Vous pouvez maintenant demander à participer aux projets.",
    "ar": "مرحبًا بك! الآن يمكنك أن تطلب المشاركة في المشاريع.",
    "en": "Welcome! Now you can ask to take part in projects.",
}


def welcome_sms(db, phone):
    return db.session.scalar(
        db.select(Message).where(Message.phone == phone, Message.kind == "signup_welcome")
    )


@pytest.mark.parametrize(("page", "chosen"), [("it", "ar"), ("ar", "fr"), ("fr", "en")])
def test_the_welcome_is_in_the_language_chosen_on_the_form(client, db, municipality, page, chosen):
    client.post_form("/language", {"lang": page})
    prove_number(client, db)
    response = client.post_form(
        "/signup", signup_form(language=chosen, first_name="Amina"), follow_redirects=True
    )
    body = response.get_data(as_text=True)
    assert f'lang="{chosen}"' in body
    assert WELCOME[chosen] in body
    assert WELCOME[page] not in body
    sms = welcome_sms(db, "+393471230000")
    assert sms.body == render_sms("signup_done", chosen, name="Amina")
    user = db.session.scalar(db.select(User).where(User.phone == "+393471230000"))
    assert sms.user_id == user.id and sms.municipality_id == municipality.id


def test_bengali_chosen_at_sign_up_is_the_pages_language_and_the_sms(client, db, municipality):
    """The web speaks all eight SMS languages (issue 22): Bengali is no longer SMS only."""
    client.post_form("/language", {"lang": "fr"})
    prove_number(client, db)
    body = client.post_form(
        "/signup", signup_form(language="bn", first_name="Rahim"), follow_redirects=True
    ).get_data(as_text=True)
    assert '<html lang="bn" dir="ltr"' in body
    assert welcome_sms(db, "+393471230000").body == render_sms("signup_done", "bn", name="Rahim")


def test_no_welcome_sms_without_consent_to_sms(client, db, municipality):
    prove_number(client, db)
    body = client.post_form(
        "/signup", signup_form(language="ar", sms_consent=None), follow_redirects=True
    ).get_data(as_text=True)
    assert WELCOME["ar"] in body
    assert welcome_sms(db, "+393471230000") is None
