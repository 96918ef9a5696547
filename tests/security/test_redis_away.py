"""Redis goes away in the middle of a burst, then comes back: never a 500, nothing lost
or doubled, the fallback said once and shown on /healthz and /staff/scheduler.

A Redis server of the test's own (redis-server on a free loopback port) is stopped
during a burst of inbound SMS sign-ups and login-code requests."""

import logging
import shutil
import socket
import subprocess
import time
import uuid

import pytest
import redis
from flask_login.utils import _create_identifier
from flask_migrate import upgrade
from twilio.request_validator import RequestValidator

from civic_app import create_app
from civic_app.core import redis_health
from civic_app.core.permissions import Role
from civic_app.extensions import db, limiter
from civic_app.sms.models import Direction, LoginCode, Message
from config import TestingConfig
from tests.conftest import IN_CI, CivicClient

TOKEN = "redis-away-token"
PUBLIC = "https://civic.example.org"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server that the test starts and stops (nothing kept on disk)."""

    def __init__(self, folder):
        self.binary = shutil.which("redis-server")
        self.port, self.folder, self.process = free_port(), folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - the installed server, fixed arguments
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    if server.binary is None:
        message = "redis-server is not installed (Debian: apt install redis-server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site(real_database, own_redis):
    config = type(
        "RedisAway",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": real_database, "REDIS_URL": own_redis.url,
         "RATELIMIT_STORAGE_URI": own_redis.url, "RATELIMIT_ENABLED": True,
         "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
         "LOGIN_RATE_LIMIT_PER_IP": "1000 per minute",
         "SIGNUP_RATE_LIMIT_PER_IP": "1000 per minute",
         "SMS_CODES_PER_COUNTRY": "1000 per hour", "SMS_DAILY_BUDGET": "1000 per day",
         "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": PUBLIC},
    )  # fmt: skip
    app = create_app(config)
    app.test_client_class = CivicClient
    with app.app_context():
        upgrade()
        db.session.remove()
    redis_health.reset()
    yield app
    redis_health.reset()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    limiter.init_app(create_app(TestingConfig))  # the shared limiter back on memory storage


def inbound(client, n: int):
    params = {"From": f"+3361234{n:04d}", "To": "+15005550006", "Body": "JOIN",
              "MessageSid": f"SM{n:032d}"}  # fmt: skip
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/sms/inbound", params)
    return client.post("/sms/inbound", data=params, headers={"X-Twilio-Signature": signature})


def code_request(client, n: int):
    return client.post_form("/login/phone", {"phone": f"+39347555{n:04d}"})


def test_redis_stopped_mid_burst_degrades_and_loses_nothing(site, own_redis, caplog):
    client = site.test_client()
    statuses = []
    caplog.set_level(logging.WARNING, logger="civic_app.core.redis_health")
    for n in range(40):
        if n == 15:
            own_redis.stop()  # Redis goes away in the middle of the burst
        if n == 30:
            own_redis.start()  # and comes back (empty, as after a restart)
            time.sleep(redis_health.RETRY_SECONDS)  # the next try finds it
        statuses.append(inbound(client, n).status_code)
        statuses.append(code_request(client, n).status_code)
        if n == 20:
            down = client.get("/healthz")
    assert [s for s in statuses if s >= 500] == []
    assert set(statuses) <= {200, 204, 302}, statuses

    # Every inbound message recorded once, every sign-up answered once, every code once.
    with site.app_context():
        received = db.session.scalar(
            db.select(db.func.count(Message.id)).where(Message.direction == Direction.IN)
        )
        menus = db.session.scalar(
            db.select(db.func.count(Message.id)).where(
                Message.direction == Direction.OUT, Message.body.contains("1 Italiano")
            )
        )
        codes = db.session.scalar(db.select(db.func.count(LoginCode.id)))
        code_sms = db.session.scalar(
            db.select(db.func.count(Message.id)).where(Message.kind == "login_code")
        )
        db.session.remove()
    assert (received, menus, codes, code_sms) == (40, 40, 40, 40)

    # Said once while it was away, once when it came back; shown on /healthz meanwhile.
    away = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    back = [r for r in caplog.records if "Redis reachable again" in r.getMessage()]
    assert 1 <= len(away) <= 3  # one per use that fell back (SMS budgets, limits, ...)
    assert len({r.getMessage() for r in away}) == len(away)
    assert len(back) == 1
    assert all("+33" not in r.getMessage() and "+39" not in r.getMessage() for r in caplog.records)
    assert down.status_code == 200
    assert down.json["status"] == "degraded" and down.json["redis"] is False
    assert "redis_fallback_since" in down.json
    after = client.get("/healthz")
    assert after.json == {"status": "ok", "database": True, "redis": True}
    # Back in Redis: the restarted server, empty at first, holds the counts again.
    assert redis.Redis.from_url(own_redis.url).dbsize() > 0


def test_staff_see_when_redis_is_away(site, own_redis):
    with site.app_context():
        from civic_app.core.accounts import User
        from civic_app.core.network import ensure_network

        roma = ensure_network()["roma"]
        staff = User(role=Role.STAFF, municipality=roma, first_name="Sara", email="s@x.it")
        db.session.add(staff)
        db.session.commit()
        staff_id = staff.get_id()
        db.session.remove()
    client = site.test_client()
    with site.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = staff_id
        session["_fresh"] = True
        session["_id"] = identifier
    page = client.get("/staff/scheduler")
    assert page.status_code == 200
    assert "Redis risponde" in page.get_data(as_text=True)
    own_redis.stop()
    redis_health.failed("SMS budgets", ConnectionError("refused"))
    page = client.get("/staff/scheduler")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Redis non risponde" in text
    assert "il sito continua a funzionare" in text
