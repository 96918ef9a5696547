import re

from civic_app.core.accounts import Consent, User
from civic_app.core.permissions import Role
from civic_app.sms.models import Message


def form(**overrides):
    data = {
        "first_name": "Moussa",
        "last_name": "Traoré",
        "phone": "+393471239999",
        "language": "fr",
        "sectors": ["safety"],
        "referral_source": "mobile_unit",
        "programme_consent": "y",
        "sms_consent": "y",
        "consent_method": "sms_code",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


def test_staff_register_a_person_who_confirms_with_an_sms_code(
    client, login_as, staff, db, gateway
):
    login_as(staff)
    response = client.post_form("/staff/participants/new", form())
    assert response.status_code == 302
    person = db.session.scalar(db.select(User).where(User.phone == "+393471239999"))
    assert person.signed_up_via == "assisted" and person.referral_source == "mobile_unit"
    assert person.municipality_id == staff.municipality_id
    consents = db.session.scalars(db.select(Consent).where(Consent.user_id == person.id)).all()
    assert {c.method for c in consents} == {"sms_code_pending"}
    assert {c.recorded_by_id for c in consents} == {staff.id}
    message = db.session.scalar(db.select(Message).where(Message.user_id == person.id))
    code = re.search(r"\d{6}", message.body).group(0)
    wrong = client.post_form(f"/staff/participants/{person.id}/confirm", {"code": "000000"})
    assert "Codice sbagliato" in wrong.get_data(as_text=True)
    done = client.post_form(f"/staff/participants/{person.id}/confirm", {"code": code})
    assert done.status_code == 302
    consents = db.session.scalars(db.select(Consent).where(Consent.user_id == person.id)).all()
    assert {c.method for c in consents} == {"sms_code"}


def test_a_person_without_a_phone_signs_a_paper_consent(client, login_as, staff, db):
    login_as(staff)
    response = client.post_form(
        "/staff/participants/new",
        form(phone="", consent_method="paper", sms_consent=None, referral_source="one_stop_shop"),
    )
    assert response.status_code == 302
    person = db.session.scalar(db.select(User).where(User.first_name == "Moussa"))
    assert person.phone is None
    consent = db.session.scalar(db.select(Consent).where(Consent.user_id == person.id))
    assert consent.method == "paper" and consent.purpose == "programme"


def test_without_a_phone_the_sms_path_is_refused(client, login_as, staff, db):
    login_as(staff)
    response = client.post_form("/staff/participants/new", form(phone=""))
    assert "Senza telefono serve il consenso firmato su carta" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.first_name == "Moussa")) is None


def test_a_registered_number_is_refused(client, login_as, staff, db, create_participant):
    create_participant(phone="+393471239999")
    login_as(staff)
    response = client.post_form("/staff/participants/new", form())
    assert "già registrato" in response.get_data(as_text=True)


def test_only_staff_register_people(client, login_as, create_user):
    login_as(create_user(Role.TUTOR))
    assert client.get("/staff/participants/new").status_code == 403
