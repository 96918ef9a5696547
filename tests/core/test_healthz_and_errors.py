import re

import pytest
from flask import Flask
from flask_login.utils import _create_identifier

from civic_app import create_app
from civic_app.core.permissions import Role
from config import TestingConfig


def test_healthz_answers_200_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path, own_session):
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'civic.db'}"
    app = create_app(type("Down", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": unreachable}))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": False}


def test_pages_answer_503_with_a_plain_page_when_the_database_is_down(tmp_path, own_session):
    unreachable = f"sqlite:///{tmp_path / 'no-such-folder' / 'civic.db'}"
    app = create_app(type("Down", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": unreachable}))
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = "some-token"  # forces a user lookup
        session["_id"] = identifier
    response = client.get("/")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Servizio non disponibile" in body
    assert "sqlite" not in body.lower() and "Traceback" not in body


def test_unknown_pages_get_a_404_page_in_the_users_language(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "ar"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert 'dir="rtl"' in body and 'lang="ar"' in body
    italian = client.get("/no/such/page", headers={"Accept-Language": "it"})
    assert "Pagina non trovata" in italian.get_data(as_text=True)


@pytest.fixture
def crashing_app():
    app = create_app(TestingConfig)

    @app.route("/boom")
    def boom():
        raise ZeroDivisionError("secret detail 12345")

    return app


def test_an_unexpected_error_gets_a_500_page_that_leaks_nothing(crashing_app, caplog):
    response = crashing_app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Errore del sistema" in body
    assert "secret detail" not in body and "ZeroDivisionError" not in body
    assert "Traceback" not in body
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


def test_a_form_posted_without_csrf_token_gets_400(client):
    response = client.post("/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    assert "Richiesta non valida" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/login", "/login/phone", "/login/code", "/logout", "/language", "/dev/phone"]
)
def test_every_form_needs_the_csrf_token(client, login_as, create_user, url):
    login_as(create_user(Role.STAFF))
    assert client.post(url, data={}).status_code == 400


def test_the_logged_out_403_page_does_not_name_the_resource(client, login_as, create_participant):
    login_as(create_participant())
    response = client.get("/dev/outbox")
    assert response.status_code == 403
    assert "outbox" not in response.get_data(as_text=True).lower()


def test_a_wrong_method_gets_405(client):
    assert client.get("/logout").status_code == 405


def test_every_response_carries_the_basic_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_error_pages_exist_for_every_code_we_send():
    from civic_app.core.errors import ERROR_TEXTS

    assert set(ERROR_TEXTS) >= {400, 403, 404, 405, 429, 500, 503}
    assert isinstance(create_app(TestingConfig), Flask)


def test_no_template_uses_inline_styles_or_scripts():
    """The CSP allows neither: an inline style or script would silently not work."""
    from pathlib import Path

    for template in (Path(__file__).resolve().parents[2] / "templates").rglob("*.html"):
        text = template.read_text()
        assert 'style="' not in text, template
        assert "<script>" not in text and "onclick=" not in text, template


def test_no_page_links_outside_the_site(client):
    body = client.get("/").get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//', body)
