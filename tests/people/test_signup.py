import re

import pytest

from civic_app.core.accounts import Consent, User
from civic_app.core.consent import CONSENT_VERSION
from civic_app.core.permissions import Role
from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.models import Message, Status
from civic_app.sms.operations import queue_sms


def code_sent_to(db, phone):
    message = db.session.scalar(
        db.select(Message).where(Message.phone == phone).order_by(Message.id.desc())
    )
    return re.search(r"\d{6}", message.body).group(0), message


def prove_number(client, db, phone="+393471230000", typed=None):
    client.post_form("/login/phone", {"phone": typed or phone})
    code, message = code_sent_to(db, phone)
    response = client.post_form("/login/code", {"code": code})
    return response, message


def signup_form(**overrides):
    data = {
        "first_name": "Amina",
        "last_name": "",
        "language": "fr",
        "municipality": "roma",
        "sectors": ["green", "care"],
        "programme_consent": "y",
        "sms_consent": "y",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


def test_a_new_number_signs_up_without_password_or_email(client, db, municipality, clock):
    response, message = prove_number(client, db)
    assert response.location.endswith("/signup")
    assert re.search(r"\b\d{6}\b", message.body) and message.user_id is None
    page = client.get("/signup").get_data(as_text=True)
    assert "Accetto di partecipare al programma" in page
    response = client.post_form("/signup", signup_form())
    assert response.status_code == 302 and response.location.endswith("/me")
    user = db.session.scalar(db.select(User).where(User.phone == "+393471230000"))
    assert user.role == Role.PARTICIPANT and user.municipality_id == municipality.id
    assert (user.first_name, user.last_name, user.preferred_language) == ("Amina", None, "fr")
    assert user.sector_codes == ["care", "green"]
    assert user.email is None and user.password_hash is None
    assert user.signed_up_via == "web" and user.sms_opt_out_at is None
    consents = db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)).all()
    assert {c.purpose for c in consents} == {"programme", "sms"}
    for consent in consents:
        assert consent.version == CONSENT_VERSION and consent.language == "fr"
        assert consent.method == "web" and consent.given_at == clock.now()
    programme = next(c for c in consents if c.purpose == "programme")
    assert "Accetto di partecipare" not in programme.text  # the French text was recorded
    home = client.get("/me").get_data(as_text=True)
    assert "Amina" in home and 'lang="fr"' in home


def test_sign_up_works_in_arabic(client, db, municipality):
    client.post_form("/language", {"lang": "ar"})
    prove_number(client, db, phone="+212612345678")
    page = client.get("/signup").get_data(as_text=True)
    assert 'dir="rtl"' in page
    client.post_form("/signup", signup_form(language="ar", first_name="فاطمة", sms_consent=None))
    user = db.session.scalar(db.select(User).where(User.phone == "+212612345678"))
    assert user.first_name == "فاطمة" and user.preferred_language == "ar"
    assert user.sms_opt_out_at is not None  # no SMS consent given
    assert 'dir="rtl"' in client.get("/me").get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"programme_consent": None}, "serve il tuo consenso"),
        ({"first_name": ""}, "Questo campo è obbligatorio"),
        ({"municipality": ""}, "Questo campo è obbligatorio"),
        ({"municipality": "atlantide"}, "Non è una opzione valida"),
        ({"language": "tlh"}, "Non è una opzione valida"),
        ({"first_name": "x" * 300}, "Il valore non può essere più lungo di 80 caratteri"),
    ],
)
def test_bad_sign_up_input_is_explained_and_saves_nothing(
    client, db, municipality, overrides, message
):
    prove_number(client, db)
    response = client.post_form("/signup", signup_form(**({"language": "it"} | overrides)))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.role == Role.PARTICIPANT)) is None


def test_the_sign_up_form_needs_a_proven_number(client, db, municipality, clock):
    assert client.get("/signup").location.endswith("/login/phone")
    prove_number(client, db)
    clock.advance(minutes=31)
    assert client.get("/signup").location.endswith("/login/phone")


def test_withdrawing_sms_consent_stops_reminders_but_not_login_codes(
    client, db, municipality, gateway, clock, login_as
):
    prove_number(client, db)
    client.post_form("/signup", signup_form())
    user = db.session.scalar(db.select(User).where(User.phone == "+393471230000"))
    client.post_form("/me/sms/off")
    db.session.refresh(user)
    assert user.sms_opt_out_at is not None
    consent = db.session.scalar(
        db.select(Consent).where(Consent.user_id == user.id, Consent.purpose == "sms")
    )
    assert consent.withdrawn_at == clock.now()
    gateway.reset()
    reminder = queue_sms(
        phone=user.phone, body="Domani turno", kind="reminder", now=clock.now(), user=user
    )
    decision = queue_sms(
        phone=user.phone, body="Accettato", kind="enrolment_accepted", now=clock.now(), user=user
    )
    db.session.commit()
    dispatch_due(gateway, clock.now())
    assert db.session.get(Message, reminder.id).status == Status.CANCELLED
    assert db.session.get(Message, decision.id).status == Status.SENT
    sent = [body for _to, body, _sid in gateway.sent]
    assert "Accettato" in sent and "Domani turno" not in sent
    client.post_form("/me/sms/on")
    db.session.refresh(user)
    assert user.sms_opt_out_at is None
