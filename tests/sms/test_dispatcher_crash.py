"""No message is lost to a crash without a trace, and none is ever sent twice."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade

from civic_app import create_app
from civic_app.extensions import db
from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.gateways import FakeGateway
from civic_app.sms.models import Message, Status
from civic_app.sms.operations import queue_sms
from config import TestingConfig

HERE = Path(__file__).resolve().parent


def app_on(url):
    return create_app(type("Real", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


def test_a_dispatcher_killed_between_send_and_record_never_sends_twice(real_database, tmp_path):
    app = app_on(real_database)
    with app.app_context():
        upgrade()
        message = queue_sms(
            phone="+393471234567", body="Promemoria", kind="reminder", urgent=True,
            now=datetime.now(UTC) - timedelta(minutes=1),
        )  # fmt: skip
        db.session.commit()
        message_id = message.id
    log = tmp_path / "handed-over.log"
    child = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, str(HERE / "crash_dispatcher.py"), real_database, str(log)],
        env={**os.environ, "CIVIC_ENV": "testing"},
    )
    deadline = time.monotonic() + 60
    while not (log.exists() and log.read_text()):
        assert time.monotonic() < deadline, "the dispatcher never called the gateway"
        assert child.poll() is None, "the dispatcher died before sending"
        time.sleep(0.1)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)

    gateway = FakeGateway()
    with app.app_context():
        assert db.session.get(Message, message_id).status == Status.SENDING
        # Another dispatcher runs now, and again after the stale limit: nothing goes twice.
        dispatch_due(gateway, datetime.now(UTC))
        dispatch_due(gateway, datetime.now(UTC) + timedelta(minutes=11))
        db.session.expire_all()
        assert db.session.get(Message, message_id).status == Status.UNKNOWN
        db.session.remove()
        db.engine.dispose()
    assert gateway.sent == []
    assert log.read_text().count("Promemoria") == 1


def test_several_dispatchers_at_once_send_each_message_once(empty_postgresql, own_session):
    app = app_on(empty_postgresql)
    now = datetime.now(UTC)
    with app.app_context():
        upgrade()
        for n in range(300):
            queue_sms(phone="+393471234567", body=f"m{n}", kind="t", now=now, urgent=True)
        db.session.commit()
    gateway = FakeGateway()
    errors = []

    def dispatcher():
        try:
            with app.app_context():
                dispatch_due(gateway, now, limit=120)
                dispatch_due(gateway, now, limit=120)
                db.session.remove()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=dispatcher) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    bodies = [body for _to, body, _sid in gateway.sent]
    assert len(bodies) == 300 and len(set(bodies)) == 300
    with app.app_context():
        statuses = set(db.session.scalars(db.select(Message.status)))
        assert statuses == {Status.SENT}
        db.engine.dispose()
