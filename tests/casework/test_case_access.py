"""Who may reach a case: every /cases route of the app, for everyone who may not.

The routes are read from `app.url_map`, so a route added under /cases later is covered
without a line here; its URL arguments are filled with the ids of municipality A's
records (`IDS_FOR`): a new kind of argument fails until it is added there. Then: each
read of a case and of each note is audited, health notes reach only those who need them,
and no case data goes to the application log or into a URL.
"""

import logging
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event

from civic_app.casework.models import (
    CaseNote,
    Referral,
    ReferralChange,
    ReferralStatus,
    Sensitivity,
)
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role

ALIAS = "Zuleikhaqwx"
ZONE = "Piazzalezzqwx"
REASON = "Motivodiinvioqwx"
TEAM_NOTE = "Notadiequipeqwx sul colloquio"
HEALTH_NOTE = "Notasanitariaqwx sul sonno"
B_ALIAS = "Milanoaliasqwx"
#: What no page refused to someone, no log line and no URL may show.
SECRETS = (ALIAS, ZONE, REASON, TEAM_NOTE, HEALTH_NOTE)

LOGIN_PATHS = ("/login", "/login/phone")
WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\S+)", re.IGNORECASE)

#: /cases rules that serve no case data and need no login, and why.
PUBLIC = {"/cases/sw.js": "the offline intake's service worker: a static script"}

#: /cases rules that staff without the casework grant may open by design, and why (they
#: must still show nothing of A's case).
STAFF_MAY_OPEN = {"/cases/services": "the directory of care services, which staff manage"}

#: Which record of A each kind of URL argument names.
IDS_FOR = {
    "intake_id": "intake",
    "case_id": "intake",
    "referral_id": "referral",
    "note_id": "note",
    "service_id": "service",
    "unit_id": "unit",
    "person_id": "person",
    "user_id": "person",
    "change_id": "change",
}


@dataclass
class CaseWorld:
    ids: dict
    intake_b: int


@pytest.fixture
def case_world(
    db, create_case, create_unit, create_service, create_user, other_municipality, clock
):
    """A's case with a referral and two notes (team, health), and B's own case."""
    author = create_user(Role.CASEWORKER, profession="psychologist")
    unit = create_unit()
    service = create_service()
    intake = create_case(first_name=ALIAS, zone=ZONE, unit_id=unit.id, interpreter="Mediatore")
    referral = Referral(
        municipality_id=intake.municipality_id, intake_id=intake.id, service_id=service.id,
        reason=REASON, status=ReferralStatus.SENT, status_changed_at=clock.now(),
        appointment_place=ZONE,
    )  # fmt: skip
    db.session.add(referral)
    db.session.flush()
    change = ReferralChange(referral_id=referral.id, status=ReferralStatus.SENT,
                            at=clock.now(), note=REASON)  # fmt: skip
    team = note(db, intake, author, TEAM_NOTE, Sensitivity.TEAM, clock.now())
    note(db, intake, author, HEALTH_NOTE, Sensitivity.HEALTH, clock.now() + timedelta(minutes=1))
    db.session.add(change)
    db.session.commit()
    intake_b = create_case(first_name=B_ALIAS, municipality_id=other_municipality.id)
    ids = {
        "intake": intake.id, "referral": referral.id, "note": team.id, "service": service.id,
        "unit": unit.id, "person": intake.person_id, "change": change.id,
    }  # fmt: skip
    return CaseWorld(ids=ids, intake_b=intake_b.id)


def note(db, intake, author, body, sensitivity, at) -> CaseNote:
    n = CaseNote(
        municipality_id=intake.municipality_id, intake_id=intake.id, author_id=author.id,
        author_profession=author.profession, sensitivity=sensitivity, body=body, written_at=at,
    )  # fmt: skip
    db.session.add(n)
    db.session.flush()
    return n


@contextmanager
def writes(db):
    """The tables a block of code wrote to (the audit trail aside: refusals are audited)."""
    written = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        match = WRITE.match(statement)
        if match and match.group(1).strip('"') != "audit_event":
            written.append(match.group(1))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield written
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def case_routes(app) -> list[tuple[str, str, list[str]]]:
    """(method, rule, argument names) of every GET and POST route under /cases."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule == "/cases" or rule.rule.startswith("/cases/"):
            for method in sorted(rule.methods & {"GET", "POST"}):
                routes.append((method, rule.rule, sorted(rule.arguments)))
    return routes


def url_of(app, rule: str, ids: dict) -> str:
    adapter_rule = next(r for r in app.url_map.iter_rules() if r.rule == rule)
    values = {}
    for name in adapter_rule.arguments:
        assert name in IDS_FOR, f"{rule}: add the record of A that <{name}> names to IDS_FOR"
        values[name] = ids[IDS_FOR[name]]
    with app.test_request_context():
        from flask import url_for

        return url_for(adapter_rule.endpoint, **values)


def ask(client, method: str, url: str, token: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token})


def test_the_routes_are_there(app):
    """The control: the loop below has routes to walk, those of the case page among them."""
    rules = {rule for _m, rule, _a in case_routes(app)}
    assert {"/cases", "/cases/<int:intake_id>", "/cases/<int:intake_id>/notes"} <= rules
    assert {"/cases/<int:intake_id>/close", "/cases/<int:intake_id>/reopen"} <= rules


@pytest.mark.parametrize(
    "persona", ["anonymous", "participant", "tutor", "staff", "coordinator", "caseworker_b"]
)
def test_nobody_outside_the_case_team_of_a_reaches_a_case_of_a(
    persona, app, client, login_as, create_user, create_participant, other_municipality,
    case_world, db,
):  # fmt: skip
    users = {
        "anonymous": None,
        "participant": lambda: create_participant(),
        "tutor": lambda: create_user(Role.TUTOR),
        "staff": lambda: create_user(Role.STAFF),  # no casework grant
        "coordinator": lambda: create_user(Role.COORDINATOR),
        "caseworker_b": lambda: create_user(
            Role.CASEWORKER, municipality=other_municipality, profession="psychologist"
        ),
    }
    if users[persona] is not None:
        login_as(users[persona]())
    token = client.csrf_token()
    failures = []
    for method, rule, arguments in case_routes(app):
        url = url_of(app, rule, case_world.ids)
        with writes(db) as written:
            response = ask(client, method, url, token)
        body = response.get_data(as_text=True)
        where = f"{method} {rule} as {persona}"
        code = response.status_code
        leaked = [s for s in SECRETS if s in body or s in (response.location or "")]
        if leaked:
            failures.append(f"{where}: the page shows {leaked}")
        if code >= 500:
            failures.append(f"{where}: server error {code}")
        if rule in PUBLIC:
            continue
        if persona == "anonymous":
            refused = code == 302 and urlsplit(response.location).path in LOGIN_PATHS
            expected = "a redirect to the login page"
        elif persona == "caseworker_b" and not arguments:
            refused = None  # B's own worklist or form: A's case must only not be on it
        elif persona == "staff" and rule in STAFF_MAY_OPEN:
            refused = None
        elif persona == "caseworker_b" and rule.endswith("/housing"):
            # The housing pages of a case ask for the housing grant first (B has none).
            refused, expected = code == 403, "403"
        elif persona == "caseworker_b":
            refused, expected = code == 404, "404"
        else:
            refused, expected = code == 403, "403"
        if refused is False:
            failures.append(f"{where}: expected {expected}, got {code} {response.location or ''}")
        if refused and written:
            failures.append(f"{where}: a refused request wrote to {sorted(set(written))}")
    assert not failures, "\n".join(failures)


def test_caseworker_b_sees_b_s_own_case(client, login_as, create_user, other_municipality,
                                         case_world):  # fmt: skip
    """The control for the 404s above: B's team does reach B's case."""
    login_as(create_user(Role.CASEWORKER, municipality=other_municipality, profession="caseworker"))
    page = client.get(f"/cases/{case_world.intake_b}")
    assert page.status_code == 200 and B_ALIAS in page.get_data(as_text=True)


def audit_rows(db, action: str) -> list[AuditEvent]:
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def test_reading_a_case_audits_the_case_and_each_note_read_and_nothing_hidden(
    client, login_as, caseworker, case_world, db
):
    login_as(caseworker)  # a plain caseworker: the team note yes, the health note no
    page = client.get(f"/cases/{case_world.ids['intake']}").get_data(as_text=True)
    assert TEAM_NOTE in page and HEALTH_NOTE not in page
    assert "1 nota visibile solo a psicologi e assistenti sociali" in page
    (viewed,) = audit_rows(db, "case.viewed")
    assert (viewed.actor_id, viewed.target_type, viewed.target_id) == (
        caseworker.id, "intake", case_world.ids["intake"],
    )  # fmt: skip
    (read,) = audit_rows(db, "case_note.read")
    assert (read.actor_id, read.target_type, read.target_id) == (
        caseworker.id, "case_note", case_world.ids["note"],
    )  # fmt: skip
    assert read.details == {"intake_id": case_world.ids["intake"]}


def test_a_health_note_reaches_its_author_and_the_psychologist_not_a_plain_caseworker(
    client, login_as, caseworker, psychologist, create_user, create_case, db, clock
):
    intake = create_case()
    author = create_user(Role.CASEWORKER, profession="caseworker")
    health = note(db, intake, author, HEALTH_NOTE, Sensitivity.HEALTH, clock.now())
    db.session.commit()
    for reader, sees in ((caseworker, False), (psychologist, True), (author, True)):
        login_as(reader)
        page = client.get(f"/cases/{intake.id}").get_data(as_text=True)
        assert (HEALTH_NOTE in page) is sees, reader
        reads = [r for r in audit_rows(db, "case_note.read") if r.actor_id == reader.id]
        assert [r.target_id for r in reads] == ([health.id] if sees else [])


def test_staff_with_the_casework_grant_read_the_team_notes(
    client, login_as, create_user, case_world, db
):
    case_staff = login_as(create_user(Role.STAFF, grants=",casework,"))
    page = client.get(f"/cases/{case_world.ids['intake']}").get_data(as_text=True)
    assert TEAM_NOTE in page and HEALTH_NOTE not in page
    assert [r.actor_id for r in audit_rows(db, "case_note.read")] == [case_staff.id]


def test_no_case_data_in_the_application_log(client, login_as, psychologist, case_world, caplog):
    caplog.set_level(logging.DEBUG)
    login_as(psychologist)
    intake_id = case_world.ids["intake"]
    page = client.get(f"/cases/{intake_id}").get_data(as_text=True)
    assert TEAM_NOTE in page and HEALTH_NOTE in page  # the request did read them
    client.post_form(f"/cases/{intake_id}/notes", {"note_body": TEAM_NOTE + " bis"})
    client.post_form(f"/cases/{intake_id}/notes", {"note_body": HEALTH_NOTE * 200})  # refused
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    )
    for secret in SECRETS:
        assert secret not in logged


def test_no_case_data_in_any_link_form_or_redirect(client, login_as, psychologist, case_world):
    login_as(psychologist)
    intake_id = case_world.ids["intake"]
    page = client.get(f"/cases/{intake_id}").get_data(as_text=True)
    urls = re.findall(r'(?:href|action|src)="([^"]*)"', page)
    assert any(f"/cases/{intake_id}/notes" in u for u in urls)  # the control
    redirects = [
        client.post_form(f"/cases/{intake_id}/notes", {"note_body": TEAM_NOTE}).location,
        client.post_form(f"/cases/{intake_id}/close", {"close_reason": "needs_met"}).location,
        client.post_form(f"/cases/{intake_id}/reopen").location,
    ]
    assert all(redirects)
    for url in urls + redirects:
        for secret in (*SECRETS, "Notadiequipeqwx"):
            assert secret not in url, url
