"""The dispatcher on a real engine (its own connection for the outbox, as in the
scheduler): WhatsApp rows routed at send time and a permanent failure's one SMS, on
SQLite and PostgreSQL, with no lock left between the outbox and the session."""

from datetime import UTC, datetime, timedelta

from flask_migrate import upgrade

from civic_app import create_app
from civic_app.extensions import db
from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.gateways import FakeGateway
from civic_app.sms.models import Message, Status
from civic_app.sms.operations import queue_sms
from config import TestingConfig


def test_whatsapp_rows_on_a_real_engine(real_database):
    app = create_app(type("Real", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": real_database}))
    app.config["WHATSAPP_TEMPLATES"] = {"reminder": {"it": "HX" + "b" * 32}}
    now = datetime.now(UTC)
    with app.app_context():
        upgrade()
        for n in range(4):
            queue_sms(
                phone=f"+39347123456{n}", body=f"Promemoria {n}", kind="reminder",
                urgent=True, now=now - timedelta(minutes=1), channel="whatsapp",
                idempotency_key=f"r{n}",
            )  # fmt: skip
        queue_sms(phone="+393471234569", body="Altro", kind="reply", urgent=True,
                  now=now - timedelta(minutes=1), channel="whatsapp")  # fmt: skip
        db.session.commit()
        gateway = FakeGateway()
        gateway.fail_next("63003", transient=False)  # the first: not a WhatsApp number
        dispatch_due(gateway, now)
        dispatch_due(gateway, now)
        rows = db.session.scalars(db.select(Message).order_by(Message.id)).all()
        summary = [(m.idempotency_key, m.channel, m.status) for m in rows]
        db.session.remove()
        db.engine.dispose()
    assert summary[0] == ("r0", "whatsapp", Status.FAILED)
    assert [s[1:] for s in summary[1:4]] == [("whatsapp", Status.SENT)] * 3
    assert summary[4][1:] == ("sms", Status.SENT)  # no template for a reply: by SMS
    assert [s for s in summary if s[0] == f"sms-for:{rows[0].id}"] == [
        (f"sms-for:{rows[0].id}", "sms", Status.SENT)
    ]
    assert [entry[0] for entry in gateway.sent_by_channel].count("sms") == 2
    assert all(entry[3].get("content_sid") for entry in gateway.sent_by_channel[:3])
