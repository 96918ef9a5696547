from civic_app.core.permissions import Role
from civic_app.sms.models import Direction, Message
from civic_app.sms.operations import queue_sms


def test_staff_see_their_municipalitys_messages_in_the_dev_outbox(
    client, login_as, create_user, create_participant, other_municipality, db, clock
):
    mine = create_participant(phone="+393471111111")
    theirs = create_participant(phone="+393472222222", municipality=other_municipality)
    queue_sms(phone=mine.phone, body="per Roma", kind="t", now=clock.now(), user=mine)
    queue_sms(phone=theirs.phone, body="per Milano", kind="t", now=clock.now(), user=theirs)
    db.session.commit()
    login_as(create_user(Role.STAFF))
    body = client.get("/dev/outbox").get_data(as_text=True)
    assert "per Roma" in body
    assert "per Milano" not in body and "2222222" not in body


def test_only_staff_open_the_dev_outbox(client, login_as, create_user):
    assert client.get("/dev/outbox").status_code == 302  # to the login page
    login_as(create_user(Role.TUTOR))
    assert client.get("/dev/outbox").status_code == 403
    login_as(create_user(Role.COORDINATOR))
    assert client.get("/dev/outbox").status_code == 403


def test_dev_tools_do_not_exist_outside_development(
    client, app, monkeypatch, login_as, create_user
):
    monkeypatch.setitem(app.config, "DEV_TOOLS", False)
    login_as(create_user(Role.STAFF))
    assert client.get("/dev/outbox").status_code == 404
    assert client.get("/dev/phone").status_code == 404


def test_the_phone_simulator_texts_the_app_and_shows_the_reply(client, db, create_participant):
    participant = create_participant(phone="+393471234567", preferred_language="en")
    response = client.post_form("/dev/phone", {"n-phone": "347 123 4567", "n-use_number": "1"})
    assert response.status_code == 302 and "3471234567" not in response.location
    response = client.post_form("/dev/phone", {"t-body": "hello there", "t-send": "1"})
    assert response.status_code == 302
    inbound = db.session.scalar(db.select(Message).where(Message.direction == Direction.IN))
    assert inbound.body == "hello there" and inbound.user_id == participant.id
    page = client.get("/dev/phone").get_data(as_text=True)
    assert "hello there" in page and "To stop all SMS send STOP" in page


def test_the_simulator_explains_a_bad_number(client):
    response = client.post_form("/dev/phone", {"n-phone": "abc", "n-use_number": "1"})
    assert response.status_code == 200
    assert 'role="alert"' in response.get_data(as_text=True)


def test_the_simulator_asks_for_a_number_before_a_text(client, db):
    response = client.post_form("/dev/phone", {"t-body": "hello", "t-send": "1"})
    assert response.status_code == 200
    assert "Scegli prima un numero" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Message)) is None
