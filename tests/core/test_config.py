import pytest

from civic_app import create_app
from config import DEV_SECRET_KEY, ProductionConfig, TestingConfig, database_url, env_bool, env_int


def production(**overrides):
    values = {"SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": "sqlite://"} | overrides
    return type("Prod", (ProductionConfig,), values)


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY=DEV_SECRET_KEY))


def test_production_refuses_a_short_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(production(SECRET_KEY="short"))


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
