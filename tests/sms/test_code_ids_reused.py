"""A one-time code is sent even when its row gets the id of a code deleted before.

Codes are deleted every hour (expire_login_codes) and on erasure; SQLite then hands
their ids out again. The SMS of a code must never be keyed on that id: the outbox would
return the old message for the new code, and nobody could log in or sign up.
"""

import re

from sqlalchemy import text

from civic_app.sms.codes import expire_login_codes
from civic_app.sms.models import LoginCode, Message


def next_id_will_be(db, value: int) -> None:
    """The next login code gets `value` as its id, on every database: SQLite does it by
    itself once the rows above are deleted; PostgreSQL's sequence is set back to do it."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence('login_code', 'id'), :v, false)"),
            {"v": value},
        )


def ask_for_a_code(client, phone: str) -> None:
    response = client.post_form("/login/phone", {"phone": phone})
    assert response.status_code == 302 and response.location.endswith("/login/code")
    response.close()  # the code goes out right after the response


def test_codes_go_out_after_the_codes_before_them_were_deleted(
    client, db, clock, gateway, create_participant
):
    first = create_participant(phone="+393471110001")
    second = create_participant(phone="+393471110002")
    unknown = "+393471110003"  # a number signing up: its code is the same kind of row

    ask_for_a_code(client, first.phone)
    deleted_id = db.session.scalar(db.select(LoginCode.id))
    assert [to for to, _body, _sid in gateway.sent] == [first.phone]

    for phone, name in ((second.phone, second.first_name), (unknown, None)):
        clock.advance(days=2)
        assert expire_login_codes(clock.now()) == 1  # the hourly clean-up
        db.session.commit()
        next_id_will_be(db, deleted_id)

        ask_for_a_code(client, phone)
        code_row = db.session.scalar(db.select(LoginCode).where(LoginCode.phone == phone))
        assert code_row.id == deleted_id  # the id of the code deleted above
        message = db.session.scalar(
            db.select(Message).where(Message.phone == phone, Message.kind == "login_code")
        )
        assert message is not None, "no SMS queued for the new code"
        to, body, _sid = gateway.sent[-1]
        assert to == phone and body == message.body

        # The code in that SMS is the new one: it logs in (or goes on to the sign-up form).
        code = re.search(r"\b(\d{6})\b", body).group(1)
        response = client.post_form("/login/code", {"code": code})
        assert response.status_code == 302
        if name is None:
            assert response.location == "/signup"
        else:
            assert name in client.get("/", follow_redirects=True).get_data(as_text=True)
            client.post_form("/logout")

    assert [to for to, _body, _sid in gateway.sent] == [first.phone, second.phone, unknown]
    keys = db.session.scalars(db.select(Message.idempotency_key)).all()
    assert len(set(keys)) == 3 and not any(str(deleted_id) in k.split(":") for k in keys)
