import re

import pytest

from civic_app.extensions import limiter
from civic_app.sms.models import LoginCode, Message, Status


def request_code(client, phone):
    return client.post_form("/login/phone", {"phone": phone})


def last_code(db, phone):
    message = db.session.scalar(
        db.select(Message).where(Message.phone == phone).order_by(Message.id.desc())
    )
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_a_participant_gets_a_code_by_sms_and_logs_in_with_it(
    client, create_participant, db, gateway
):
    participant = create_participant(phone="+393471112233", preferred_language="fr")
    response = request_code(client, "347 111 2233")
    assert response.status_code == 302 and response.location.endswith("/login/code")
    message = db.session.scalar(db.select(Message).where(Message.phone == "+393471112233"))
    assert message.kind == "login_code" and message.urgent
    assert "code" in message.body  # in French, the participant's language
    # Sent as soon as the response is out, not by the next dispatcher run.
    response.close()
    assert [to for to, _body, _sid in gateway.sent] == ["+393471112233"]
    db.session.refresh(message)
    assert message.status == Status.SENT and message.provider_sid

    code = last_code(db, participant.phone)
    response = client.post_form("/login/code", {"code": code})
    assert response.status_code == 302
    assert participant.first_name in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_the_phone_number_never_appears_in_a_url(client, create_participant):
    create_participant(phone="+393471112233")
    response = request_code(client, "+39 347 111 2233")
    assert "3471112233" not in response.location


def test_known_and_unknown_numbers_get_the_same_answer(client, create_participant, db, gateway):
    create_participant(phone="+393471112233")
    known = request_code(client, "+393471112233")
    unknown = request_code(client, "+393479998877")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    page_known = client.get("/login/code").get_data(as_text=True)
    assert "Ti abbiamo mandato un SMS con un codice" in page_known
    # Both get a code: one to log in, the other to sign up.
    sent = db.session.scalars(db.select(Message).order_by(Message.id)).all()
    assert [m.phone for m in sent] == ["+393471112233", "+393479998877"]
    codes = db.session.scalars(db.select(LoginCode).order_by(LoginCode.id)).all()
    assert [c.purpose for c in codes] == ["login", "signup"]


def test_staff_numbers_get_no_code(client, create_user, db):
    from civic_app.core.permissions import Role

    create_user(Role.TUTOR, phone="+393475556677")
    assert request_code(client, "+393475556677").status_code == 302
    assert db.session.scalar(db.select(Message)) is None
    # Still counted by the limits per number.
    assert db.session.scalar(db.select(LoginCode).where(LoginCode.phone == "+393475556677"))


def test_foreign_numbers_are_accepted_and_stored_in_e164(client, create_participant, db):
    create_participant(phone="+33612345678")
    request_code(client, "0033 6 12 34 56 78")
    assert db.session.scalar(db.select(Message).where(Message.phone == "+33612345678"))


@pytest.mark.parametrize("bad", ["12", "abc", "+39 000", "9" * 40, "<script>"])
def test_a_bad_number_gets_a_clear_message(client, bad):
    response = request_code(client, bad)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "numero" in body and 'role="alert"' in body
    assert "<script>" not in body.replace("&lt;script&gt;", "")


def test_a_code_works_once(client, create_participant, db):
    participant = create_participant()
    request_code(client, participant.phone)
    code = last_code(db, participant.phone)
    assert client.post_form("/login/code", {"code": code}).status_code == 302
    client.post_form("/logout")
    with client.session_transaction() as session:
        session["login_phone"] = participant.phone
    again = client.post_form("/login/code", {"code": code})
    assert again.status_code == 200
    assert "scaduto" in again.get_data(as_text=True)


def test_a_code_expires_after_ten_minutes(client, create_participant, db, clock):
    participant = create_participant()
    request_code(client, participant.phone)
    code = last_code(db, participant.phone)
    clock.advance(minutes=10, seconds=1)
    response = client.post_form("/login/code", {"code": code})
    assert response.status_code == 200
    assert "scaduto" in response.get_data(as_text=True)


def test_five_wrong_tries_lock_the_code(client, create_participant, db):
    participant = create_participant()
    request_code(client, participant.phone)
    code = last_code(db, participant.phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        response = client.post_form("/login/code", {"code": wrong})
        assert response.status_code == 200
    response = client.post_form("/login/code", {"code": code})
    assert response.status_code == 200
    assert "Troppi tentativi" in response.get_data(as_text=True)


def test_a_code_that_is_not_six_digits_is_refused_on_the_form(client, create_participant):
    participant = create_participant()
    request_code(client, participant.phone)
    response = client.post_form("/login/code", {"code": "12ab"})
    assert "Il codice ha 6 cifre." in response.get_data(as_text=True)


def test_codes_per_number_are_limited(client, create_participant, app):
    participant = create_participant()
    for _ in range(app.config["LOGIN_CODES_PER_NUMBER_15MIN"]):
        assert request_code(client, participant.phone).status_code == 302
    response = request_code(client, participant.phone)
    assert response.status_code == 429
    assert "troppi codici" in response.get_data(as_text=True)


def test_the_daily_budget_per_number_holds_after_the_short_window(
    client, create_participant, app, clock
):
    participant = create_participant()
    for _ in range(app.config["LOGIN_CODES_PER_NUMBER_DAY"]):
        assert request_code(client, participant.phone).status_code == 302
        clock.advance(minutes=16)
        limiter.reset()  # this test is about the limit per number, not per IP
    response = request_code(client, participant.phone)
    assert response.status_code == 429 and "troppi codici" in response.get_data(as_text=True)
    clock.advance(hours=24)
    assert request_code(client, participant.phone).status_code == 302


def test_code_requests_per_ip_are_limited(client):
    statuses = [request_code(client, f"+39347000{n:04d}").status_code for n in range(11)]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    assert "Troppe richieste" in request_code(client, "+393470009999").get_data(as_text=True)


def test_the_code_page_without_a_number_sends_back_to_the_start(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.location.endswith("/login/phone")
