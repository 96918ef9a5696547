import secrets

import pytest

from civic_app import create_app
from config import DEV_SECRET_KEY, ProductionConfig, TestingConfig, database_url, env_bool, env_int


def production(**overrides):
    values = {"SECRET_KEY": secrets.token_hex(32), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    values |= overrides
    return type("Prod", (ProductionConfig,), values)


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY=DEV_SECRET_KEY))


def test_production_refuses_a_short_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY="short"))


@pytest.mark.parametrize(
    "key",
    [
        "a" * 32,
        "a" * 64,
        "ab" * 20,
        "0123456789abcdef" * 2,  # 16 distinct characters, and a pattern repeated
        "secret-key-" * 3,
        "passwordpasswordpasswordpassword1",  # 8 distinct characters
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
        "qwertyuiop" * 4,  # 10 distinct characters, a pattern repeated
    ],
)
def test_production_refuses_a_secret_key_with_too_little_variety(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY has too little variety") as info:
        create_app(production(SECRET_KEY=key))
    assert "secrets.token_hex(32)" in str(info.value)  # says what to do, like the others


@pytest.mark.parametrize(
    "key",
    [
        "920fdc4c47c8eb0edc2af643f9d3340dfc9e4d86954bc3065961d95696f3583b",  # token_hex(32)
        "5f0c2f2f194dad23fe86db8976f1adac",  # token_hex(16)
        "ehUzK7gToAzSBWXvj0RnqsJOE7h6wLOjLzcM6Y6w6Q8",  # token_urlsafe(32)
        "correct horse battery staple, 1987!",
    ],
)
def test_production_starts_with_a_random_secret_key(key):
    assert create_app(production(SECRET_KEY=key)).secret_key == key


def test_production_refuses_debug(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="Debug mode is on"):
        create_app(production())


def test_production_refuses_dev_tools_and_incomplete_twilio_settings():
    with pytest.raises(RuntimeError) as info:
        create_app(production(DEV_TOOLS=True, SMS_BACKEND="twilio", TWILIO_ACCOUNT_SID="AC1"))
    assert "DEV_TOOLS" in str(info.value)
    assert "TWILIO_AUTH_TOKEN" in str(info.value)


def test_production_starts_with_a_real_key_and_secure_cookies():
    app = create_app(production())
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["DEV_TOOLS"] is False
    assert app.config["SCHEDULER_IN_PROCESS"] is False


def test_plain_postgresql_urls_use_the_psycopg3_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/civic")
    assert database_url("sqlite://") == "postgresql+psycopg://postgres@127.0.0.1:5432/civic"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert database_url("sqlite://") == "postgresql+psycopg://u@h/db"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_environment_helpers_parse_and_explain(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "yes")
    assert env_bool("SOME_FLAG") is True
    monkeypatch.setenv("SOME_FLAG", "0")
    assert env_bool("SOME_FLAG", True) is False
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ValueError, match="SOME_NUMBER must be a whole number"):
        env_int("SOME_NUMBER", 1)


def test_an_unknown_sms_backend_is_refused_clearly():
    bad = type("Bad", (TestingConfig,), {"SMS_BACKEND": "carrier-pigeon"})
    with pytest.raises(RuntimeError, match="SMS_BACKEND must be one of"):
        create_app(bad)
