"""SMS abuse limits: per number, per IP, per country prefix, daily budget, allow-list."""

import uuid

import pytest

from civic_app import create_app
from civic_app.extensions import limiter
from civic_app.sms.limits import SmsLimitReached, spend_code_budget
from civic_app.sms.models import Direction, LoginCode, Message
from config import TestingConfig
from tests.conftest import reachable_redis


def request_code(client, phone):
    return client.post_form("/login/phone", {"phone": phone})


def test_numbers_outside_the_allow_list_get_no_sms(client, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "SMS_ALLOWED_COUNTRY_CODES", ["39", "33"])
    response = request_code(client, "+8801712345678")
    assert response.status_code == 200
    assert "Non possiamo mandare SMS a numeri di questo paese" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Message)) is None
    assert request_code(client, "+33612345678").status_code == 302


def test_codes_per_country_prefix_are_limited(client, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "SMS_CODES_PER_COUNTRY", "3 per hour")
    statuses = [request_code(client, f"+8801712345{n:03d}").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert request_code(client, "+393471234000").status_code == 302  # another country
    assert db.session.scalar(db.select(db.func.count(LoginCode.id))) == 4


def test_the_daily_budget_holds_for_the_whole_site(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_DAILY_BUDGET", "2 per day")
    assert request_code(client, "+393471230001").status_code == 302
    assert request_code(client, "+33612345601").status_code == 302
    response = request_code(client, "+8801712345001")
    assert response.status_code == 429 and "Riprova domani" in response.get_data(as_text=True)


def test_sign_ups_by_sms_are_limited_per_number(text, app, monkeypatch, db):
    monkeypatch.setitem(app.config, "SMS_JOINS_PER_NUMBER", "2 per day")
    for _ in range(3):
        text("+33612345678", "JOIN")
    menus = db.session.scalars(
        db.select(Message).where(
            Message.direction == Direction.OUT, Message.body.contains("1 Italiano")
        )
    ).all()
    assert len(menus) == 2
    last = db.session.scalars(
        db.select(Message).where(Message.direction == Direction.IN).order_by(Message.id)
    ).all()[-1]
    assert last.needs_attention  # no reply to the third: staff will see it


@pytest.fixture
def redis_url():
    return reachable_redis("redis://127.0.0.1:6379/0")


def test_limits_hold_across_web_workers_through_redis(redis_url, own_session):
    """Two app instances stand for two gunicorn workers: they share the counts in Redis."""
    shared = type(
        "Worker",
        (TestingConfig,),
        {
            "RATELIMIT_STORAGE_URI": redis_url,
            "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "SMS_CODES_PER_COUNTRY": "3 per hour",
        },
    )
    first, second = create_app(shared), create_app(shared)
    spent = []
    for n, worker in enumerate([first, second, first, second]):
        with worker.app_context():
            try:
                spend_code_budget(f"+88017123450{n:02d}")
                spent.append(True)
            except SmsLimitReached:
                spent.append(False)
    assert spent == [True, True, True, False]
    limiter.init_app(create_app(TestingConfig))  # leave the shared limiter on memory storage
