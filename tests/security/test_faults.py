"""Faults: the database gone, the SMS provider failing, a dispatcher killed mid-batch.

Already covered elsewhere, and not repeated here:
- tests/core/test_healthz_and_errors.py: /healthz and a logged-in page answer 503 with
  an unreachable SQLite file;
- tests/sms/test_outbox_and_dispatcher.py: one message retried with growing waits,
  capped backoff, permanent failures, a dead dispatcher's claim and lease;
- tests/sms/test_dispatcher_crash.py: a dispatcher process killed while the gateway
  holds the message never sends it twice; three dispatchers at once on PostgreSQL;
- tests/scheduler/test_lease_processes.py: a scheduler killed with SIGKILL is replaced
  by the waiting one within a minute.
"""

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from urllib3.exceptions import MaxRetryError, NewConnectionError

from civic_app import create_app
from civic_app.core.accounts import Consent, User
from civic_app.core.models import AuditEvent
from civic_app.extensions import db as _db
from civic_app.plans.models import Plan, PlanEvent
from civic_app.sms.claims import CLAIM_SECONDS
from civic_app.sms.dispatcher import dispatch_due
from civic_app.sms.gateways import FakeGateway, GatewayError, TwilioGateway
from civic_app.sms.models import Message, Status
from civic_app.sms.operations import queue_sms
from config import TestingConfig
from tests.conftest import BoundSession

ROOT = Path(__file__).resolve().parents[2]
LEAKS = ("Traceback", "sqlite", "psycopg", "OperationalError", "SELECT", "127.0.0.1:1")


# The database unreachable --------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def down_app(request, tmp_path, own_session):
    """An app whose database cannot be reached: a SQLite file in a missing folder, or a
    PostgreSQL server on a closed port."""
    url = (
        f"sqlite:///{tmp_path / 'no-such-folder' / 'civic.db'}"
        if request.param == "sqlite"
        else "postgresql+psycopg://postgres@127.0.0.1:1/test"
    )
    config = type(
        "Down",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            # The token needs a page, and every page needs the database: the POST must
            # reach the view to show what the view does.
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                **TestingConfig.SQLALCHEMY_ENGINE_OPTIONS,
                **({"connect_args": {"connect_timeout": 2}} if request.param != "sqlite" else {}),
            },
        },
    )
    app = create_app(config)
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("GET", "/projects", None),
        ("POST", "/login", {"email": "staff1@example.org", "password": "whatever"}),
        ("POST", "/login/phone", {"phone": "+393471234567"}),
    ],
)
def test_with_the_database_unreachable_pages_answer_503_with_a_plain_page(
    down_app, method, url, data
):
    client = down_app.test_client()
    # An address of its own: the login limits (counted per IP) play no part here.
    client.environ_base["REMOTE_ADDR"] = "198.51.100.23"
    response = client.open(url, method=method, data=data)
    assert response.status_code == 503
    # A minute; Flask-Limiter recomputes the header from the clock, so it may read 59.
    assert 58 <= int(response.headers["Retry-After"]) <= 60
    body = response.get_data(as_text=True)
    assert "Servizio non disponibile" in body and "Riprova tra qualche minuto" in body
    assert len(body) < 2000  # the standalone error page: no menu, nobody's name
    assert 'action="/logout"' not in body and "<nav" not in body
    for leak in LEAKS:
        assert leak not in body


def test_the_home_page_needs_no_database_but_a_logged_in_visit_does(down_app):
    from flask_login.utils import _create_identifier

    client = down_app.test_client()
    assert client.get("/").status_code == 200  # static for visitors: it stays up
    with down_app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"], session["_id"] = "some-token", identifier
    response = client.get("/")
    assert response.status_code == 503
    assert all(leak not in response.get_data(as_text=True) for leak in LEAKS)


def test_an_sms_webhook_gets_a_plain_503_too(down_app):
    response = down_app.test_client().post("/sms/status", data={"MessageSid": "SM1"})
    assert response.status_code in (403, 503)  # no token configured: refused before any read
    with_token = type(
        "DownTwilio",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": down_app.config["SQLALCHEMY_DATABASE_URI"],
            "SQLALCHEMY_ENGINE_OPTIONS": down_app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            "TWILIO_AUTH_TOKEN": "token",
            "PUBLIC_BASE_URL": "https://civic.example.org",
        },
    )
    app = create_app(with_token)
    params = {"MessageSid": "SM1", "MessageStatus": "delivered"}
    signature = RequestValidator("token").compute_signature(
        "https://civic.example.org/sms/status", params
    )
    response = app.test_client().post(
        "/sms/status", data=params, headers={"X-Twilio-Signature": signature}
    )
    # Twilio sees a failure (and its retry policy applies); nothing half-done is kept.
    assert response.status_code == 503 and response.json == {"error": 503}
    with app.app_context():
        _db.engine.dispose()


# A failure at commit time: nothing partial ------------------------------------------


@pytest.fixture
def failing_commit(monkeypatch):
    """From now on, every commit of the request's session fails as a lost connection does."""

    def arm():
        def commit(self):
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

        monkeypatch.setattr(BoundSession, "commit", commit)

    return arm


def test_a_plan_whose_commit_fails_leaves_nothing_behind(
    client, db, login_as, staff, create_participant, failing_commit
):
    person = create_participant()
    login_as(staff)
    token = client.csrf_token()
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    failing_commit()
    response = client.post(
        f"/staff/participants/{person.id}/plan/new",
        data={"csrf_token": token, "goals": "Imparare", "target_hours": "60",
              "start_date": "2026-03-01", "end_date": "2026-06-30", "tutor_id": "0"},
    )  # fmt: skip
    assert response.status_code == 503
    assert "Servizio non disponibile" in response.get_data(as_text=True)
    # The plan, its first event, its audit row: all or nothing, and here nothing.
    assert db.session.scalar(db.select(Plan)) is None
    assert db.session.scalar(db.select(PlanEvent)) is None
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before


def test_a_sign_up_whose_commit_fails_leaves_nothing_behind(
    client, db, municipality, failing_commit
):
    phone = "+393471230000"
    client.post_form("/login/phone", {"phone": phone})
    code = db.session.scalar(db.select(Message.body).where(Message.phone == phone))
    client.post_form("/login/code", {"code": re.search(r"\d{6}", code).group(0)})
    token = client.csrf_token()
    before = db.session.scalar(db.select(db.func.count(AuditEvent.id)))
    failing_commit()
    response = client.post(
        "/signup",
        data={"csrf_token": token, "first_name": "Amina", "language": "it",
              "municipality": "roma", "sectors": ["green"], "programme_consent": "y",
              "sms_consent": "y"},
    )  # fmt: skip
    assert response.status_code == 503
    assert db.session.scalar(db.select(User).where(User.phone == phone)) is None
    assert db.session.scalar(db.select(Consent)) is None
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == before


# The SMS provider failing -----------------------------------------------------------


def queue(n, now, **kw):
    messages = [
        queue_sms(phone=f"+39347123{i:04d}", body=f"Messaggio {i}", kind="t", now=now,
                  urgent=True, **kw)
        for i in range(n)
    ]  # fmt: skip
    _db.session.commit()
    return [m.id for m in messages]


def test_while_the_provider_fails_messages_wait_then_go_exactly_once(db, clock, gateway):
    ids = queue(3, clock.now())
    gateway.fail_next("503", times=6)  # two rounds of three

    dispatch_due(gateway, clock.now())
    rows = [db.session.get(Message, i) for i in ids]
    assert {(m.status, m.attempts, m.error_code) for m in rows} == {(Status.QUEUED, 1, "503")}
    assert {m.next_attempt_at for m in rows} == {clock.now() + timedelta(seconds=30)}

    clock.advance(seconds=10)  # not yet due: nothing is tried
    dispatch_due(gateway, clock.now())
    db.session.expire_all()
    assert {db.session.get(Message, i).attempts for i in ids} == {1}

    clock.advance(seconds=20)
    dispatch_due(gateway, clock.now())
    db.session.expire_all()
    rows = [db.session.get(Message, i) for i in ids]
    assert {(m.status, m.attempts) for m in rows} == {(Status.QUEUED, 2)}
    assert {m.next_attempt_at for m in rows} == {clock.now() + timedelta(seconds=60)}

    # The provider is back: each message goes once, and only once however often we run.
    clock.advance(seconds=60)
    for _ in range(3):
        dispatch_due(gateway, clock.now())
        clock.advance(minutes=30)
    db.session.expire_all()
    rows = [db.session.get(Message, i) for i in ids]
    assert {(m.status, m.attempts, m.error_code) for m in rows} == {(Status.SENT, 3, None)}
    assert Counter(body for _to, body, _sid in gateway.sent) == Counter(
        f"Messaggio {i}" for i in range(3)
    )
    assert {m.provider_sid for m in rows} == {sid for _to, _body, sid in gateway.sent}


def test_a_provider_that_takes_a_message_and_times_out_never_gets_it_twice(
    db, clock, gateway, twilio_post
):
    """The chosen behaviour: an answer that may have come after the provider took the
    message leaves it `unknown`, never resent; Twilio's status callback, which carries
    our message id, then records its SID and its real status."""
    [message_id, other_id] = queue(2, clock.now())
    gateway.fail_next("network", accepted=True)
    dispatch_due(gateway, clock.now())
    message = db.session.get(Message, message_id)
    assert (message.status, message.error_code, message.provider_sid) == (
        Status.UNKNOWN, "network", None,
    )  # fmt: skip
    assert db.session.get(Message, other_id).status == Status.SENT
    for _ in range(3):
        clock.advance(minutes=30)
        dispatch_due(gateway, clock.now())
    assert Counter(body for _to, body, _sid in gateway.sent) == {"Messaggio 0": 1, "Messaggio 1": 1}

    taken_sid = gateway.sent[0][2]
    response = twilio_post(
        f"/sms/status?m={message_id}", {"MessageSid": taken_sid, "MessageStatus": "delivered"}
    )
    assert response.status_code == 204
    message = db.session.get(Message, message_id)
    assert (message.status, message.provider_sid) == (Status.DELIVERED, taken_sid)
    # A callback naming a message that already has its SID changes nothing.
    twilio_post(f"/sms/status?m={other_id}", {"MessageSid": "SMother", "MessageStatus": "failed"})
    assert db.session.get(Message, other_id).status == Status.SENT


class RaisingHttpClient(TwilioHttpClient):
    def __init__(self, error: Exception):
        super().__init__()
        self.error = error

    def request(self, *args, **kwargs):
        raise self.error


def _refused() -> requests.exceptions.ConnectionError:
    cause = NewConnectionError(None, "Connection refused")
    return requests.exceptions.ConnectionError(MaxRetryError(None, "/", reason=cause))


@pytest.mark.parametrize(
    ("error", "ambiguous"),
    [
        (requests.exceptions.ConnectTimeout(), False),  # never reached Twilio: retried
        (_refused(), False),
        (requests.exceptions.ReadTimeout(), True),  # Twilio may have taken it: not retried
        (requests.exceptions.ConnectionError("Connection aborted"), True),
    ],
)
def test_twilio_network_errors_say_whether_the_message_may_have_gone(app, error, ambiguous):
    config = {**app.config, "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "t",
              "TWILIO_MESSAGING_SERVICE_SID": "MG" + "b" * 32}  # fmt: skip
    with pytest.raises(GatewayError) as info:
        TwilioGateway(config, http_client=RaisingHttpClient(error)).send("+393471234567", "x")
    assert info.value.transient is True and info.value.ambiguous is ambiguous


def test_the_status_callback_url_carries_our_message_id(app):
    sent = {}

    class Capturing(TwilioHttpClient):
        def request(self, method, url, params=None, data=None, **kwargs):
            from twilio.http.response import Response

            sent.update(data or {})
            return Response(201, '{"sid": "SM' + "c" * 32 + '"}')

    config = {**app.config, "TWILIO_ACCOUNT_SID": "AC" + "a" * 32, "TWILIO_AUTH_TOKEN": "t",
              "TWILIO_MESSAGING_SERVICE_SID": "MG" + "b" * 32,
              "PUBLIC_BASE_URL": "https://civic.example.org"}  # fmt: skip
    TwilioGateway(config, http_client=Capturing()).send("+393471234567", "x", ref=42)
    assert sent["StatusCallback"] == "https://civic.example.org/sms/status?m=42"


# A dispatcher process killed in the middle of a batch --------------------------------


def sends(log: Path) -> Counter:
    """How many times the provider took each message (by our message id)."""
    if not log.exists():
        return Counter()
    return Counter(int(line.split("\t")[0]) for line in log.read_text().splitlines() if line)


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_doubles_nothing(real_database, tmp_path):
    log = tmp_path / "provider.log"
    config = type(
        "Killed",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": real_database, "FAKE_SMS_LOG": str(log),
         "TWILIO_AUTH_TOKEN": "token", "PUBLIC_BASE_URL": "https://civic.example.org"},
    )  # fmt: skip
    app = create_app(config)
    with app.app_context():
        upgrade()
        ids = queue(10, datetime.now(UTC) - timedelta(minutes=1))
        _db.session.remove()
    child = subprocess.Popen(  # noqa: S603 - our own command
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "sms", "dispatch"],
        cwd=ROOT,
        env={**os.environ, "CIVIC_ENV": "testing", "DATABASE_URL": real_database,
             "FAKE_SMS_LOG": str(log), "FAKE_SMS_LATENCY": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while sum(sends(log).values()) < 6:
            assert time.monotonic() < deadline, "the dispatcher never reached the sixth message"
            assert child.poll() is None, "the dispatcher ended before it was killed"
            time.sleep(0.05)
        # The sixth message is with the provider, its answer not yet back (one second each,
        # longer than a reservation lasts unless it is renewed): kill.
        child.send_signal(signal.SIGKILL)
        killed_at, killed = time.monotonic(), datetime.now(UTC)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
    taken_before = sends(log)

    with app.app_context():
        statuses = dict(_db.session.execute(db_select_statuses(ids)).all())
        in_flight = [i for i, s in statuses.items() if s == Status.SENDING]
        assert len(in_flight) == 1 and taken_before[in_flight[0]] == 1
        reserved = [i for i, s in statuses.items() if s == Status.QUEUED]
        assert len(reserved) == 4
        # The dead dispatcher's reservation was renewed while it sent, and is short.
        held = _db.session.scalar(
            _db.select(func.max(Message.claimed_until)).where(Message.id.in_(reserved))
        )
        assert killed < held <= killed + timedelta(seconds=CLAIM_SECONDS)
        # Another dispatcher, run as often as the job runs it, takes the batch over as
        # soon as the reservation lapses: within 10 s of the kill.
        gateway = FakeGateway(config={"FAKE_SMS_LOG": str(log)})
        while sum(sends(log)[i] for i in reserved) < len(reserved):
            assert time.monotonic() - killed_at < 30, "the batch was never taken over"
            dispatch_due(gateway, datetime.now(UTC))
            time.sleep(0.2)
        taken_over_after = time.monotonic() - killed_at
        assert taken_over_after <= 10, f"taken over after {taken_over_after:.1f} s"
        # Later than the limit for a message left in flight: it becomes unknown, unsent.
        later = datetime.now(UTC) + timedelta(minutes=11)
        dispatch_due(gateway, later)
        dispatch_due(gateway, later + timedelta(minutes=5))
        _db.session.remove()

    assert sends(log) == Counter({i: 1 for i in ids}), "a message was lost or sent twice"
    # The one that was in flight is flagged, then matched by the provider's callback.
    client = app.test_client()
    [flying] = in_flight
    params = {"MessageSid": "SM" + "d" * 32, "MessageStatus": "sent"}
    url = f"https://civic.example.org/sms/status?m={flying}"
    signature = RequestValidator("token").compute_signature(url, params)
    with app.app_context():
        assert _db.session.get(Message, flying).status == Status.UNKNOWN
        _db.session.remove()
    response = client.post(
        f"/sms/status?m={flying}", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 204
    with app.app_context():
        statuses = dict(_db.session.execute(db_select_statuses(ids)).all())
        assert set(statuses.values()) == {Status.SENT}
        # Each message has its own provider id: one hand-over each, none sent twice.
        sids = list(
            _db.session.scalars(_db.select(Message.provider_sid).where(Message.id.in_(ids)))
        )
        assert None not in sids and len(set(sids)) == len(ids)
        _db.session.remove()
        _db.engine.dispose()


def db_select_statuses(ids):
    return _db.select(Message.id, Message.status).where(Message.id.in_(ids))


def test_the_fake_gateway_can_fail_after_taking_a_message(tmp_path):
    gateway = FakeGateway(config={"FAKE_SMS_LOG": str(tmp_path / "log")})
    gateway.fail_next("network", accepted=True)
    with pytest.raises(GatewayError) as info:
        gateway.send("+393471234567", "Ciao", ref=7)
    assert info.value.ambiguous and len(gateway.sent) == 1
    assert (tmp_path / "log").read_text() == "7\t+393471234567\tCiao\n"
