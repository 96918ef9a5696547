"""Rate limits on logging in, codes, sign-up and webhooks: a clear 429, never a 500."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from civic_app import create_app
from civic_app.extensions import limiter
from config import TestingConfig
from tests.conftest import reachable_redis

ROOT = Path(__file__).resolve().parents[2]

#: (url, the setting that limits it, the form it posts)
LIMITED_FORMS = [
    ("/login", "LOGIN_RATE_LIMIT_PER_IP", {"email": "a@example.org", "password": "x"}),
    ("/login/phone", "LOGIN_RATE_LIMIT_PER_IP", {"phone": "12"}),
    ("/login/code", "LOGIN_RATE_LIMIT_PER_IP", {"code": "123456"}),
    ("/login/totp", "LOGIN_RATE_LIMIT_PER_IP", {"code": "123456"}),
    ("/signup", "SIGNUP_RATE_LIMIT_PER_IP", {"first_name": "Amina"}),
]


@pytest.mark.parametrize("url, setting, form", LIMITED_FORMS)
def test_forms_that_open_a_session_are_limited_per_ip(client, app, monkeypatch, url, setting, form):
    monkeypatch.setitem(app.config, setting, "2 per minute")
    for _ in range(2):
        assert client.post_form(url, form).status_code in (200, 302)
    response = client.post_form(url, form)
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Troppe richieste" in body
    assert "Aspetta qualche minuto e riprova." in body
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert client.get(url).status_code in (200, 302)  # reading the page is not limited


def test_the_429_page_speaks_the_users_language(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_IP", "1 per minute")
    client.post_form("/login", {"email": "a@example.org", "password": "x"})
    response = client.post_form(
        "/login", {"email": "a@example.org", "password": "x"}, headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 429
    assert "Trop de demandes" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/sms/inbound", "/sms/status"])
def test_the_webhooks_are_limited(client, app, monkeypatch, url):
    monkeypatch.setitem(app.config, "WEBHOOK_RATE_LIMIT", "2 per minute")
    assert [client.post(url, data={}).status_code for _ in range(2)] == [403, 403]
    response = client.post(url, data={})
    assert response.status_code == 429 and response.json == {"error": 429}
    assert "Retry-After" in response.headers


def test_an_unreachable_redis_never_turns_a_request_into_a_500():
    config = type(
        "NoRedis",
        (TestingConfig,),
        {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0", "WEBHOOK_RATE_LIMIT": "2 per minute"},
    )
    try:
        client = create_app(config).test_client()
        statuses = [client.post("/sms/inbound", data={}).status_code for _ in range(3)]
        # Counted in this worker's memory until Redis is back.
        assert statuses == [403, 403, 429]
    finally:
        create_app(TestingConfig)  # the shared limiter goes back to memory storage
        # Flask-Limiter stays on its fallback until the dead storage answers again.
        limiter._storage_dead = False


def storage_seen_by_a_fresh_process(env: dict) -> str:
    code = "import config; print(config.ProductionConfig.RATELIMIT_STORAGE_URI)"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return run.stdout.strip()


def test_the_storage_is_redis_when_redis_url_is_set():
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/15"}
    assert storage_seen_by_a_fresh_process(env) == "redis://127.0.0.1:6379/15"
    env.pop("REDIS_URL")
    assert storage_seen_by_a_fresh_process(env) == "memory://"


@pytest.fixture
def redis_url():
    """Redis for the shared-count test: skipped on a laptop without it, a failure in CI."""
    return reachable_redis("redis://127.0.0.1:6379/15")


def worker_config(storage: str, prefix: str):
    return type(
        "Worker",
        (TestingConfig,),
        {
            "REDIS_URL": storage if storage.startswith("redis") else None,
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": prefix,
            "WEBHOOK_RATE_LIMIT": "2 per minute",
        },
    )


def hits_seen_by_a_second_worker(config) -> list[int]:
    """Two hits on one app, then one on an app started afterwards (a new storage client)."""
    first = create_app(config).test_client()
    statuses = [first.post("/sms/inbound", data={}).status_code for _ in range(2)]
    second = create_app(config).test_client()
    statuses.append(second.post("/sms/inbound", data={}).status_code)
    return statuses


def test_workers_share_the_counts_through_redis(redis_url):
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    try:
        assert hits_seen_by_a_second_worker(worker_config(redis_url, prefix)) == [403, 403, 429]
        # Without Redis each worker counts alone: the same steps let the third one through.
        assert hits_seen_by_a_second_worker(worker_config("memory://", prefix)) == [403, 403, 403]
    finally:
        create_app(TestingConfig)  # the shared limiter goes back to memory storage
        store = redis.Redis.from_url(redis_url)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
    assert limiter.storage.__class__.__name__ == "MemoryStorage"
