"""Security headers on every response; no-store on everything about people."""

import secrets

import pytest
from flask import render_template_string

from civic_app import create_app
from civic_app.core.permissions import Role
from config import ProductionConfig, TestingConfig

PUBLIC_PAGES = ["/", "/login", "/login/phone", "/projects", "/no/such/page"]


def assert_basic_headers(response):
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'")
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", PUBLIC_PAGES + ["/healthz", "/static/css/app.css"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    assert_basic_headers(response)
    assert "Strict-Transport-Security" not in response.headers  # not outside production


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_html_pages_are_never_stored(client, url):
    assert client.get(url).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "role, url",
    [
        (Role.STAFF, "/staff/participants"),
        (Role.STAFF, "/staff/inbox"),
        (Role.TUTOR, "/tutor"),
        (Role.TUTOR, "/tutor/sw.js"),
        (Role.PARTICIPANT, "/me"),
        (Role.PARTICIPANT, "/me/data.json"),
        (Role.PARTICIPANT, "/me/data.csv"),
        (Role.COORDINATOR, "/account/security"),
    ],
)
def test_pages_and_files_for_logged_in_people_are_never_stored(
    client, login_as, create_user, role, url
):
    login_as(create_user(role))
    response = client.get(url)
    assert response.status_code == 200
    assert_basic_headers(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable_for_logged_in_people(client, login_as, staff):
    login_as(staff)
    response = client.get("/static/css/app.css")
    assert response.headers.get("Cache-Control") != "no-store"


def test_no_page_gets_a_nonce_it_does_not_use(client):
    assert "nonce-" not in client.get("/").headers["Content-Security-Policy"]


def test_an_inline_script_with_the_nonce_is_allowed_and_only_that_one():
    app = create_app(TestingConfig)

    @app.route("/with-script")
    def with_script():
        return render_template_string('<script nonce="{{ csp_nonce() }}">1</script>')

    first = app.test_client().get("/with-script")
    second = app.test_client().get("/with-script")
    nonce = first.get_data(as_text=True).split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 16
    assert f"script-src 'self' 'nonce-{nonce}'" in first.headers["Content-Security-Policy"]
    assert nonce not in second.headers["Content-Security-Policy"]  # a new one each time


def test_production_sends_hsts():
    settings = {"SECRET_KEY": secrets.token_hex(32), "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    config = type("Prod", (ProductionConfig,), settings)
    response = create_app(config).test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert_basic_headers(response)
