"""`next` sends a browser only to a page of this site, after every login step and the
language switch (core/redirects.py safe_next), however the target is disguised.

A browser drops TAB, CR and LF from a URL, strips leading and trailing spaces and reads
a backslash as a slash: `/<TAB>/evil.example` is the host evil.example to it.
"""

import re
from urllib.parse import unquote, urlsplit

import pyotp
import pytest

from civic_app.core.permissions import Role
from civic_app.core.redirects import safe_next
from civic_app.sms.models import Message
from tests.conftest import PASSWORD

EVIL = "evil.example/phish"
PAYLOADS = [
    "//x", "/\\x", "\\\\x", "/%09/x", "/%0a/x", "/%0d/x", "https://x", "javascript:alert(1)",
    "%2F%2Fx", "/\t/x", " //x", "http:/x", "///x",
    # and a few more of the same families
    "/\r\n/x", "\t//x", "/%5Cx", "%252F%252Fx", "/%252F/x", "\x7f//x", "\x01//x",
]  # fmt: skip
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def variants(payload: str) -> list[str]:
    """The payload as the view reads it, and as it reads it once the URL is decoded."""
    target = payload.replace("x", EVIL) if payload != "javascript:alert(1)" else payload
    return list(dict.fromkeys([target, unquote(target)]))


def as_a_browser_reads(location: str) -> str:
    return re.sub(r"[\t\r\n]", "", location).strip(" \x00\x01\x1f").replace("\\", "/")


def assert_local(location: str | None, where: str) -> None:
    assert location, f"{where}: no redirect"
    for seen in (location, as_a_browser_reads(location), as_a_browser_reads(unquote(location))):
        parts = urlsplit(seen)
        assert seen.startswith("/") and not seen.startswith("//"), f"{where}: {location!r}"
        assert not parts.scheme and not parts.netloc, f"{where}: {location!r}"
    assert not re.search(r"[\x00-\x1f\x7f]", location), f"{where}: {location!r}"


@pytest.fixture
def people(create_user, clock):
    return {
        "staff": create_user(Role.STAFF),
        "with_totp": create_user(Role.STAFF, totp_secret=TOTP_SECRET, totp_enabled_at=clock.now()),
        "participant": create_user(Role.PARTICIPANT, phone="+393471234560"),
    }


def after_password(client, user, target: str) -> str | None:
    client.post_form("/logout")
    response = client.post_form(
        "/login", {"email": user.email, "password": PASSWORD}, query_string={"next": target}
    )
    return response.location


def after_totp(client, user, target: str, clock) -> str | None:
    assert after_password(client, user, target) == "/login/totp"
    code = pyotp.TOTP(TOTP_SECRET).at(clock.now())
    clock.advance(seconds=30)  # a code logs in once: the next round needs the next one
    return client.post_form("/login/totp", {"code": code}).location


def after_sms_code(client, db, person, target: str) -> str | None:
    client.post_form("/logout")
    client.get("/login/phone", query_string={"next": target})
    client.post_form("/login/phone", {"phone": person.phone})
    message = db.session.scalar(
        db.select(Message).where(Message.phone == person.phone).order_by(Message.id.desc())
    )
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    return client.post_form("/login/code", {"code": code}).location


def after_language(client, target: str) -> str | None:
    return client.post_form("/language", {"lang": "en", "next": target}).location


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_disguised_target_leads_off_the_site(client, db, people, clock, payload):
    for target in variants(payload):
        where = f"next={target!r}"
        assert_local(after_password(client, people["staff"], target), f"/login {where}")
        assert_local(after_totp(client, people["with_totp"], target, clock), f"/login/totp {where}")
        assert_local(after_sms_code(client, db, people["participant"], target), f"code {where}")
        assert_local(after_language(client, target), f"/language {where}")
        assert safe_next(target) is None, where


def test_a_page_of_the_site_is_where_every_step_goes_on_to(client, db, people, clock):
    assert after_password(client, people["staff"], "/staff/inbox") == "/staff/inbox"
    assert after_totp(client, people["with_totp"], "/staff/inbox", clock) == "/staff/inbox"
    assert after_sms_code(client, db, people["participant"], "/me") == "/me"
    assert after_language(client, "/me") == "/me"
    assert after_language(client, "/projects?sector=green&q=caff%C3%A8") == (
        "/projects?sector=green&q=caff%C3%A8"
    )


def test_a_newline_in_the_language_switch_target_is_no_server_error(client):
    response = client.post_form("/language", {"lang": "it", "next": "/me\r\nSet-Cookie: x=1"})
    assert response.status_code == 302 and response.location == "/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")
