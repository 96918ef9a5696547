"""Who may open what: every route of the app, for every kind of person.

`ROUTES` is the one table of expected outcomes. Its keys are "METHOD /rule" exactly as
`app.url_map` spells them; each row says what each persona gets when it asks for a
record of municipality A (the URL arguments are filled from `World.url_values`, a row
may override them). Personas: nobody logged in, a participant, a tutor and a staff
member of A, a staff member of B, a national coordinator, a caseworker of A and one of
B, and a staff member of A who is also on the case team (the "casework" grant).

Adding a route? Add a row (usually one of the patterns below fits), then run this
module: a rule missing from the table, or a row whose rule is gone, fails
`test_every_route_is_classified`.

Outcomes: OK is a 200; ALLOWED is "not refused" (200, a redirect that is not to the
login page, or 400 for a form sent empty) and is used for POSTs and for pages that
redirect by design; LOGIN is a redirect to a login page; DENIED a 403; MISSING a 404.
A 500 is never expected. A refused request changes nothing in the database (the
audit trail aside) and its page names nobody of A.
"""

import csv
import io
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import event

from civic_app.reports.certificates import certificate_token
from tests.security.world import (
    B_ALIAS,
    B_NAME,
    OTHER_NAME,
    PROJECT_TITLE,
    SECRET_ALIAS,
    SECRET_HEALTH,
    SECRET_NAME,
    SECRET_NOTE,
    SECRET_PHONE,
    SECRET_SURNAME,
    World,
)

PERSONAS = ("anonymous", "participant", "tutor", "staff_a", "staff_b", "coordinator",
            "caseworker_a", "caseworker_b", "case_staff_a")  # fmt: skip
LOGGED_IN = ("participant", "tutor", "staff_a", "staff_b", "coordinator")

OK, ALLOWED, LOGIN, DENIED, MISSING = "200", "allowed", "login", "403", "404"
REFUSED = frozenset({LOGIN, DENIED, MISSING})


def expect(
    anonymous, participant, tutor, staff_a, staff_b, coordinator, *,
    caseworker_a=None, caseworker_b=None, case_staff_a=None,
) -> dict:  # fmt: skip
    """One row. Left out, the case team's outcomes follow from the others: caseworkers get
    a public page as anyone does, what every other account gets when all get the same
    (a login restarted, a logout), and a 403 on the pages of every other role;
    `caseworker_b` is `caseworker_a` unless told; staff of A on the case team are staff
    of A."""
    values = (anonymous, participant, tutor, staff_a, staff_b, coordinator)
    row = dict(zip(PERSONAS[:6], values, strict=True))
    others = {row[persona] for persona in LOGGED_IN}
    if anonymous not in REFUSED:
        derived = anonymous
    elif len(others) == 1:
        derived = others.pop()
    else:
        derived = DENIED
    row["caseworker_a"] = caseworker_a or derived
    row["caseworker_b"] = caseworker_b or row["caseworker_a"]
    row["case_staff_a"] = case_staff_a or staff_a
    return row


def everyone(outcome) -> dict:
    return dict.fromkeys(PERSONAS, outcome)


# The usual patterns. "record" rows name a record of municipality A: staff of B get a 404.
PUBLIC = everyone(OK)
PUBLIC_POST = everyone(ALLOWED)
PARTICIPANT_PAGE = expect(LOGIN, OK, DENIED, DENIED, DENIED, DENIED)
PARTICIPANT_POST = expect(LOGIN, ALLOWED, DENIED, DENIED, DENIED, DENIED)
STAFF_PAGE = expect(LOGIN, DENIED, DENIED, OK, OK, DENIED)
STAFF_POST = expect(LOGIN, DENIED, DENIED, ALLOWED, ALLOWED, DENIED)
STAFF_RECORD = expect(LOGIN, DENIED, DENIED, OK, MISSING, DENIED)
STAFF_RECORD_POST = expect(LOGIN, DENIED, DENIED, ALLOWED, MISSING, DENIED)
ROSTER = expect(LOGIN, DENIED, OK, OK, MISSING, DENIED)
ROSTER_POST = expect(LOGIN, DENIED, ALLOWED, ALLOWED, MISSING, DENIED)
COORDINATOR_PAGE = expect(LOGIN, DENIED, DENIED, DENIED, DENIED, OK)
SECOND_FACTOR_PAGE = expect(LOGIN, DENIED, OK, OK, OK, OK, caseworker_a=OK)
SECOND_FACTOR_POST = expect(LOGIN, DENIED, ALLOWED, ALLOWED, ALLOWED, ALLOWED,
                            caseworker_a=ALLOWED)  # fmt: skip
# The case team's pages: caseworkers, and staff on the case team; nobody else, however
# high (staff without the grant, coordinators). "record" rows name a case of A: B's
# caseworkers get a 404.
CASE_PAGE = expect(LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, caseworker_a=OK,
                   case_staff_a=OK)  # fmt: skip
CASE_POST = expect(LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, caseworker_a=ALLOWED,
                   case_staff_a=ALLOWED)  # fmt: skip
CASE_RECORD = CASE_PAGE | {"caseworker_b": MISSING}
CASE_RECORD_POST = CASE_POST | {"caseworker_b": MISSING}
# Housing: the holders of the housing grant (A's and B's caseworkers in the world);
# staff and case staff without it are refused. "record" rows name A's dwelling, measure
# or placement: B's caseworker gets a 404.
HOUSING_PAGE = expect(LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, caseworker_a=OK,
                      case_staff_a=DENIED)  # fmt: skip
HOUSING_POST = expect(LOGIN, DENIED, DENIED, DENIED, DENIED, DENIED, caseworker_a=ALLOWED,
                      case_staff_a=DENIED)  # fmt: skip
HOUSING_RECORD = HOUSING_PAGE | {"caseworker_b": MISSING}
HOUSING_RECORD_POST = HOUSING_POST | {"caseworker_b": MISSING}


@dataclass(frozen=True)
class Route:
    expected: dict
    #: URL arguments beyond (or instead of) the defaults of `World.url_values`.
    args: Callable | None = None
    #: A query string, or a function of the world returning one.
    query: str | Callable = ""
    #: Exists only with DEV_TOOLS (404 for everyone without it).
    dev: bool = False
    why: str = ""


def fixed(**values) -> Callable:
    return lambda world: values


def record_of(name: str) -> Callable:
    """The `user_id` of a record of the world other than A's participant."""
    return lambda world: {"user_id": world.id(name)}


CASEWORKER_OF_A = record_of("caseworker")
STAFF_ON_THE_TEAM = record_of("case_staff")
IN_CARE = record_of("in_care")
#: A's person in care: the case team of A; staff without the grant get a 403.
PERSON_IN_CARE = CASE_RECORD | {"staff_b": MISSING}
PERSON_IN_CARE_POST = CASE_RECORD_POST | {"staff_b": MISSING}


ROUTES: dict[str, Route] = {
    # Public pages and the login flow ----------------------------------------------------
    "GET /": Route(
        expect(OK, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED, caseworker_a=ALLOWED),
        why="each role goes on to its first page: /me, /tutor, /staff/today, /cases, /network",
    ),
    "GET /healthz": Route(PUBLIC),
    "POST /language": Route(PUBLIC_POST),
    "GET /login": Route(PUBLIC),
    "POST /login": Route(PUBLIC_POST),
    "GET /login/phone": Route(PUBLIC),
    "POST /login/phone": Route(PUBLIC_POST),
    # The later steps of a login send back to its start when none is under way.
    "GET /login/code": Route(everyone(LOGIN), why="no number given yet"),
    "POST /login/code": Route(everyone(LOGIN), why="no number given yet"),
    "GET /login/totp": Route(everyone(LOGIN), why="no password step passed"),
    "POST /login/totp": Route(everyone(LOGIN), why="no password step passed"),
    "GET /signup": Route(everyone(LOGIN), why="no number proven by a code"),
    "POST /signup": Route(everyone(LOGIN), why="no number proven by a code"),
    "POST /logout": Route(expect(LOGIN, ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)),
    "GET /projects": Route(PUBLIC),
    "GET /projects/<int:project_id>": Route(PUBLIC, why="published projects are public"),
    "GET /projects/<int:project_id>/calendar.ics": Route(PUBLIC),
    "POST /projects/<int:project_id>/join": Route(PARTICIPANT_POST),
    "GET /calendar/<token>.ics": Route(PUBLIC, why="the secret token is the key"),
    "GET /verify/<token>": Route(
        PUBLIC, args=lambda w: {"token": certificate_token(w.certificate)}, why="initials only"
    ),
    "GET /tutor/sw.js": Route(PUBLIC, why="a static script"),
    "GET /tutor/offline": Route(PUBLIC, why="the offline page: nothing personal in it"),
    "POST /sms/inbound": Route(everyone(DENIED), why="Twilio's signature, nobody's login"),
    "POST /sms/status": Route(everyone(DENIED), why="Twilio's signature, nobody's login"),
    "POST /voice/call": Route(everyone(DENIED), why="Twilio's signature, nobody's login"),
    "POST /voice/gather": Route(everyone(DENIED), why="Twilio's signature, nobody's login"),
    "POST /voice/status": Route(everyone(DENIED), why="Twilio's signature, nobody's login"),
    # Developer tools --------------------------------------------------------------------
    "GET /dev/outbox": Route(STAFF_PAGE, dev=True),
    "GET /dev/phone": Route(PUBLIC, dev=True),
    "POST /dev/phone": Route(PUBLIC_POST, dev=True),
    # Second factor ----------------------------------------------------------------------
    "GET /account/security": Route(SECOND_FACTOR_PAGE),
    "POST /account/security/totp/on": Route(SECOND_FACTOR_POST),
    "POST /account/security/totp/off": Route(SECOND_FACTOR_POST),
    # A participant's own pages -----------------------------------------------------------
    "GET /me": Route(PARTICIPANT_PAGE),
    "GET /me/profile": Route(PARTICIPANT_PAGE),
    "POST /me/profile": Route(PARTICIPANT_POST),
    "GET /me/data": Route(PARTICIPANT_PAGE),
    "GET /me/data.<fmt>": Route(PARTICIPANT_PAGE, args=fixed(fmt="json")),
    "POST /me/data/erase": Route(PARTICIPANT_POST),
    "POST /me/enrolments/<int:enrolment_id>/withdraw": Route(PARTICIPANT_POST),
    "POST /me/sms/<choice>": Route(PARTICIPANT_POST, args=fixed(choice="off")),
    "GET /me/plan": Route(PARTICIPANT_PAGE),
    "POST /me/plan": Route(PARTICIPANT_POST),
    "POST /me/plan/code": Route(PARTICIPANT_POST),
    "GET /me/plan/print": Route(PARTICIPANT_PAGE),
    "GET /me/certificates": Route(PARTICIPANT_PAGE),
    "GET /me/certificates/<int:certificate_id>.pdf": Route(PARTICIPANT_PAGE),
    "GET /me/calendar": Route(
        expect(LOGIN, OK, OK, DENIED, DENIED, DENIED), query="?month=2026-03&view=month"
    ),
    "POST /me/calendar": Route(expect(LOGIN, ALLOWED, ALLOWED, DENIED, DENIED, DENIED)),
    "GET /events": Route(PARTICIPANT_PAGE),
    "POST /events/<int:event_id>/<choice>": Route(PARTICIPANT_POST, args=fixed(choice="yes")),
    # Tutors in the field -----------------------------------------------------------------
    "GET /tutor": Route(expect(LOGIN, DENIED, OK, DENIED, DENIED, DENIED)),
    "GET /tutor/offline.json": Route(expect(LOGIN, DENIED, OK, DENIED, DENIED, DENIED)),
    "GET /tutor/sessions/<int:session_id>": Route(ROSTER),
    "POST /tutor/sessions/<int:session_id>": Route(ROSTER_POST),
    "POST /tutor/sessions/<int:session_id>/walk-in": Route(ROSTER_POST),
    # Staff: projects, sessions, venues, templates ------------------------------------------
    "GET /staff/projects": Route(STAFF_PAGE),
    "GET /staff/projects/new": Route(STAFF_PAGE),
    "POST /staff/projects/new": Route(STAFF_POST),
    "GET /staff/projects/<int:project_id>": Route(STAFF_RECORD),
    "GET /staff/projects/<int:project_id>/edit": Route(STAFF_RECORD),
    "POST /staff/projects/<int:project_id>/edit": Route(STAFF_RECORD_POST),
    "POST /staff/projects/<int:project_id>/status/<status>": Route(
        STAFF_RECORD_POST, args=fixed(status="closed")
    ),
    "GET /staff/projects/<int:project_id>/schedule": Route(STAFF_RECORD),
    "POST /staff/projects/<int:project_id>/schedule": Route(STAFF_RECORD_POST),
    "GET /staff/projects/<int:project_id>/sessions/new": Route(STAFF_RECORD),
    "POST /staff/projects/<int:project_id>/sessions/new": Route(STAFF_RECORD_POST),
    "POST /staff/projects/<int:project_id>/share": Route(STAFF_RECORD_POST),
    "GET /staff/sessions/<int:session_id>/edit": Route(STAFF_RECORD),
    "POST /staff/sessions/<int:session_id>/edit": Route(STAFF_RECORD_POST),
    "POST /staff/sessions/<int:session_id>/cancel": Route(STAFF_RECORD_POST),
    "GET /staff/venues": Route(STAFF_PAGE),
    "GET /staff/venues/new": Route(STAFF_PAGE),
    "POST /staff/venues/new": Route(STAFF_POST),
    "GET /staff/venues/<int:venue_id>/edit": Route(STAFF_RECORD),
    "POST /staff/venues/<int:venue_id>/edit": Route(STAFF_RECORD_POST),
    "GET /staff/templates": Route(STAFF_PAGE, why="the network's library, no personal data"),
    "POST /staff/templates/<int:template_id>/copy": Route(
        STAFF_POST, why="any municipality may copy a shared template"
    ),
    # Staff: enrolments and plans ---------------------------------------------------------
    "GET /staff/projects/<int:project_id>/requests": Route(STAFF_RECORD),
    "POST /staff/enrolments/<int:enrolment_id>/<decision>": Route(
        STAFF_RECORD_POST, args=fixed(decision="waitlist")
    ),
    "GET /staff/participants/<int:user_id>/plan/new": Route(STAFF_RECORD),
    "POST /staff/participants/<int:user_id>/plan/new": Route(STAFF_RECORD_POST),
    "GET /staff/plans/<int:plan_id>": Route(STAFF_RECORD),
    "POST /staff/plans/<int:plan_id>/<step>": Route(
        STAFF_RECORD_POST, args=fixed(step="countersign")
    ),
    "GET /staff/plans/<int:plan_id>/edit": Route(STAFF_RECORD),
    "POST /staff/plans/<int:plan_id>/edit": Route(STAFF_RECORD_POST),
    "GET /staff/plans/<int:plan_id>/print": Route(STAFF_RECORD),
    # Staff: participants -----------------------------------------------------------------
    "GET /staff/participants": Route(STAFF_PAGE),
    "POST /staff/participants": Route(STAFF_POST),  # the search by name or phone
    "GET /staff/participants/new": Route(STAFF_PAGE),
    "POST /staff/participants/new": Route(STAFF_POST),
    "GET /staff/participants/<int:user_id>": Route(STAFF_RECORD),
    "POST /staff/participants/<int:user_id>/facts": Route(STAFF_RECORD_POST),
    "POST /staff/participants/<int:user_id>/guardian-consent": Route(STAFF_RECORD_POST),
    "POST /staff/participants/<int:user_id>/consent": Route(STAFF_RECORD_POST),  # a walk-in's
    "POST /staff/participants/<int:user_id>/reviewed": Route(STAFF_RECORD_POST),
    "GET /staff/participants/<int:user_id>/confirm": Route(STAFF_RECORD),
    "POST /staff/participants/<int:user_id>/confirm": Route(STAFF_RECORD_POST),
    "GET /staff/participants/<int:user_id>/certificates": Route(STAFF_RECORD),
    "POST /staff/participants/<int:user_id>/certificates": Route(STAFF_RECORD_POST),
    "GET /staff/certificates/<int:certificate_id>.pdf": Route(STAFF_RECORD),
    "POST /staff/certificates/<int:certificate_id>/revoke": Route(STAFF_RECORD_POST),
    "GET /staff/erasures": Route(STAFF_PAGE),
    "POST /staff/erasures/<int:request_id>/process": Route(STAFF_RECORD_POST),
    "GET /staff/inbox": Route(STAFF_PAGE),
    "GET /staff/today": Route(STAFF_PAGE, why="what waits for staff, in their own municipality"),
    "GET /staff/inbox/<int:user_id>": Route(STAFF_RECORD),
    "POST /staff/inbox/<int:user_id>": Route(STAFF_RECORD_POST),
    # Staff: attendance -------------------------------------------------------------------
    "GET /staff/attendance": Route(STAFF_PAGE),
    "POST /staff/attendance": Route(STAFF_POST),
    "POST /staff/attendance/locks/<int:lock_id>/unlock": Route(STAFF_RECORD_POST),
    "GET /staff/attendance/export.csv": Route(
        STAFF_RECORD, query=lambda w: f"?project={w.id('project')}&month=2026-03"
    ),
    "GET /staff/at-risk": Route(STAFF_PAGE),
    # Staff: events -----------------------------------------------------------------------
    "GET /staff/events": Route(STAFF_PAGE),
    "GET /staff/events/new": Route(STAFF_PAGE),
    "POST /staff/events/new": Route(STAFF_POST),
    "GET /staff/events/series/new": Route(STAFF_PAGE),
    "POST /staff/events/series/new": Route(STAFF_POST),
    "GET /staff/events/find-time": Route(STAFF_PAGE),
    "GET /staff/events/<int:event_id>": Route(STAFF_RECORD),
    "POST /staff/events/<int:event_id>": Route(STAFF_RECORD_POST),
    "POST /staff/events/<int:event_id>/cancel": Route(STAFF_RECORD_POST),
    "GET /staff/events/<int:event_id>/edit": Route(STAFF_RECORD),
    "POST /staff/events/<int:event_id>/edit": Route(STAFF_RECORD_POST),
    # Staff: SMS --------------------------------------------------------------------------
    "GET /staff/sms/templates": Route(STAFF_PAGE, why="the app's own texts, no personal data"),
    # Reports and exports -----------------------------------------------------------------
    "GET /staff/reports": Route(STAFF_PAGE),
    "GET /staff/reports/fund.<fmt>": Route(STAFF_PAGE, why="each staff gets their own"),
    "GET /staff/reports/participants.<fmt>": Route(STAFF_PAGE, why="each staff gets their own"),
    "GET /staff/scheduler": Route(expect(LOGIN, DENIED, DENIED, OK, OK, OK)),
    "GET /network": Route(COORDINATOR_PAGE),
    "GET /network/fund.<fmt>": Route(COORDINATOR_PAGE),
    # The case team: worklist, intakes, cases, referrals, notes ---------------------------
    "GET /cases": Route(CASE_PAGE),
    "POST /cases/search": Route(CASE_POST, why="a search by POST: names never in a URL"),
    "GET /cases/new": Route(CASE_PAGE),
    "POST /cases/new": Route(CASE_POST),
    "GET /cases/sw.js": Route(PUBLIC, why="a static script"),
    "GET /cases/<int:intake_id>": Route(CASE_RECORD),
    "POST /cases/<int:intake_id>/notes": Route(CASE_RECORD_POST),
    "POST /cases/<int:intake_id>/close": Route(CASE_RECORD_POST),
    "POST /cases/<int:intake_id>/reopen": Route(CASE_RECORD_POST),
    "POST /cases/<int:intake_id>/referrals": Route(CASE_RECORD_POST),
    "GET /cases/referrals/<int:referral_id>": Route(CASE_RECORD),
    "POST /cases/referrals/<int:referral_id>/status": Route(CASE_RECORD_POST),
    "POST /cases/referrals/<int:referral_id>/appointment": Route(CASE_RECORD_POST),
    "GET /cases/services": Route(
        expect(LOGIN, DENIED, DENIED, OK, OK, DENIED, caseworker_a=OK),
        why="the directory: staff keep it, the case team reads it",
    ),
    # Housing: dwellings, works, a case's measures, placements ---------------------------
    "GET /housing/dwellings": Route(HOUSING_PAGE),
    "GET /housing/measures": Route(HOUSING_PAGE, why="names people: the housing team only"),
    "GET /housing/dwellings/new": Route(HOUSING_PAGE),
    "POST /housing/dwellings/new": Route(HOUSING_POST),
    "GET /housing/dwellings/<int:dwelling_id>": Route(HOUSING_RECORD),
    "GET /housing/dwellings/<int:dwelling_id>/edit": Route(HOUSING_RECORD),
    "POST /housing/dwellings/<int:dwelling_id>/edit": Route(HOUSING_RECORD_POST),
    "POST /housing/dwellings/<int:dwelling_id>/state": Route(HOUSING_RECORD_POST),
    "POST /housing/dwellings/<int:dwelling_id>/works": Route(HOUSING_RECORD_POST),
    "GET /cases/<int:intake_id>/housing": Route(HOUSING_RECORD),
    "POST /cases/<int:intake_id>/housing": Route(HOUSING_RECORD_POST),
    "GET /housing/measures/<int:measure_id>/edit": Route(HOUSING_RECORD),
    "POST /housing/measures/<int:measure_id>/edit": Route(HOUSING_RECORD_POST),
    "POST /housing/measures/<int:measure_id>/advance": Route(HOUSING_RECORD_POST),
    "POST /housing/measures/<int:measure_id>/place": Route(HOUSING_RECORD_POST),
    "POST /housing/placements/<int:placement_id>/end": Route(HOUSING_RECORD_POST),
    # Staff: units, the directory, the case team, counts, merging people ------------------
    "GET /staff/units": Route(STAFF_PAGE),
    "GET /staff/units/new": Route(STAFF_PAGE),
    "POST /staff/units/new": Route(STAFF_POST),
    "GET /staff/units/<int:unit_id>/edit": Route(STAFF_RECORD),
    "POST /staff/units/<int:unit_id>/edit": Route(STAFF_RECORD_POST),
    "POST /staff/units/<int:unit_id>/deactivate": Route(STAFF_RECORD_POST),
    "POST /staff/units/<int:unit_id>/reactivate": Route(STAFF_RECORD_POST),
    "GET /staff/services": Route(STAFF_PAGE),
    "GET /staff/services/new": Route(STAFF_PAGE),
    "POST /staff/services/new": Route(STAFF_POST),
    "GET /staff/services/<int:service_id>/edit": Route(STAFF_RECORD),
    "POST /staff/services/<int:service_id>/edit": Route(STAFF_RECORD_POST),
    "POST /staff/services/<int:service_id>/retire": Route(STAFF_RECORD_POST),
    "POST /staff/services/<int:service_id>/restore": Route(STAFF_RECORD_POST),
    "GET /staff/case-team": Route(STAFF_PAGE),
    "GET /staff/case-team/new": Route(STAFF_PAGE),
    "POST /staff/case-team/new": Route(STAFF_POST),
    "GET /staff/case-team/<int:user_id>/edit": Route(STAFF_RECORD, args=CASEWORKER_OF_A),
    "POST /staff/case-team/<int:user_id>/edit": Route(STAFF_RECORD_POST, args=CASEWORKER_OF_A),
    "POST /staff/case-team/<int:user_id>/deactivate": Route(
        STAFF_RECORD_POST, args=CASEWORKER_OF_A
    ),
    "POST /staff/case-team/<int:user_id>/reactivate": Route(
        STAFF_RECORD_POST, args=CASEWORKER_OF_A
    ),
    "POST /staff/case-team/<int:user_id>/grant": Route(
        STAFF_RECORD_POST, args=STAFF_ON_THE_TEAM, why="(to oneself: refused with a message)"
    ),
    "POST /staff/case-team/<int:user_id>/revoke": Route(STAFF_RECORD_POST, args=STAFF_ON_THE_TEAM),
    "POST /staff/case-team/<int:user_id>/housing/grant": Route(
        STAFF_RECORD_POST, args=CASEWORKER_OF_A
    ),
    "POST /staff/case-team/<int:user_id>/housing/revoke": Route(
        STAFF_RECORD_POST, args=CASEWORKER_OF_A
    ),
    "GET /staff/casework": Route(STAFF_PAGE, why="counts, never a name or a note"),
    "GET /staff/cases/merge": Route(STAFF_PAGE),
    "POST /staff/cases/merge": Route(STAFF_POST),
    # Data rights of a person without a phone: the case team's if the person has a case
    # (this one), staff's otherwise (test_the_data_rights_of_a_participant_are_for_staff).
    "GET /staff/people/<int:user_id>/data": Route(PERSON_IN_CARE, args=IN_CARE),
    "POST /staff/people/<int:user_id>/data/export": Route(PERSON_IN_CARE_POST, args=IN_CARE),
    "POST /staff/people/<int:user_id>/data/erase": Route(PERSON_IN_CARE_POST, args=IN_CARE),
}

#: Personas who must never see A's people, on any page, allowed or not.
OUTSIDERS = frozenset({"anonymous", "staff_b", "coordinator", "caseworker_b"})
PRIVATE = (SECRET_NAME, SECRET_SURNAME, SECRET_PHONE, SECRET_PHONE[3:], "347 987 6543",
           SECRET_ALIAS, SECRET_NOTE)  # fmt: skip
#: Who reads A's cases. Everybody else never sees A's person in care or A's case note,
#: on any page, allowed or not; nobody but B's case team sees B's person in care; and no
#: persona at all reads the health note of A's psychologist (SECRET_HEALTH).
CASE_TEAM_A = frozenset({"caseworker_a", "case_staff_a"})
CASE_PRIVATE = (SECRET_ALIAS, SECRET_NOTE)
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
LOGIN_PATHS = ("/login", "/login/phone")
WRITE = re.compile(r"\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\S+)", re.IGNORECASE)


def rule_keys(app) -> set[str]:
    keys = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            keys.add(f"{method} {rule.rule}")
    return keys


def endpoints(app) -> dict[str, str]:
    found = {}
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found[f"{method} {rule.rule}"] = rule.endpoint
    return found


def test_every_route_is_classified(app):
    routes = rule_keys(app)
    unclassified = sorted(routes - ROUTES.keys())
    stale = sorted(ROUTES.keys() - routes)
    names = endpoints(app)
    problems = [
        f"  {key}  (endpoint {names[key]}): add a row to ROUTES in {__name__} saying what "
        "each persona gets"
        for key in unclassified
    ] + [f"  {key}: no such route any more, remove its row from ROUTES" for key in stale]
    assert not problems, "The permission matrix is out of date:\n" + "\n".join(problems)


def test_every_row_names_every_persona():
    for key, route in ROUTES.items():
        assert set(route.expected) == set(PERSONAS), key
        assert set(route.expected.values()) <= {OK, ALLOWED, *REFUSED}, key


@pytest.fixture
def db(world_db):
    """Overrides tests/conftest.py's: a savepoint in the transaction holding the world."""
    return world_db


@pytest.fixture
def world(db, shared, clock, app, monkeypatch):
    # Webhooks are configured as in production, so a 403 there is the signature's doing.
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", "matrix-token")
    return World(db, shared[1])


def url_of(key: str, route: Route, world) -> tuple[str, str]:
    method, rule = key.split(" ", 1)
    values = world.url_values() | (route.args(world) if route.args else {})
    path = ARGUMENT.sub(lambda m: str(values[m.group(1)]), rule)
    query = route.query(world) if callable(route.query) else route.query
    return method, path + query


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


def outcome_of(response) -> str:
    code = response.status_code
    if code == 302 and urlsplit(response.location).path in LOGIN_PATHS:
        return LOGIN
    if code in (403, 404):
        return str(code)
    if code == 200:
        return OK
    if code in (302, 303, 400):
        return ALLOWED
    return str(code)


def matches(expected: str, got: str) -> bool:
    return got == expected or (expected == ALLOWED and got == OK)


def ask(client, method: str, url: str, token: str | None = None):
    """GET, or POST with a valid CSRF token and nothing else (a form sent empty)."""
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": token or client.csrf_token()})


CASES = [(key, persona) for key in ROUTES for persona in PERSONAS]


@pytest.mark.parametrize(("key", "persona"), CASES, ids=[f"{k} [{p}]" for k, p in CASES])
def test_access(key, persona, client, login_as, world, db):
    route = ROUTES[key]
    expected = route.expected[persona]
    user = world.persona(persona)
    if user is not None:
        login_as(user)
    method, url = url_of(key, route, world)
    token = client.csrf_token() if method == "POST" else None
    with writes(db) as written:
        response = ask(client, method, url, token)
    got = outcome_of(response)
    where = f"{key} as {persona} ({url})"
    assert response.status_code < 500, f"{where}: server error {response.status_code}"
    assert matches(expected, got), (
        f"{where}: expected {expected}, got {response.status_code} {response.location or ''}"
    )
    body = response.get_data()
    # (The participant's own name may be on any page they see, refused or not.)
    if persona in OUTSIDERS or (expected in REFUSED and persona != "participant"):
        for secret in PRIVATE:
            assert secret.encode() not in body, f"{where}: the page shows {secret!r}"
    for secret in (*(CASE_PRIVATE if persona not in CASE_TEAM_A else ()), SECRET_HEALTH):
        assert secret.encode() not in body, f"{where}: the page shows {secret!r}"
    if persona != "caseworker_b":
        assert B_ALIAS.encode() not in body, f"{where}: the page shows B's person in care"
    if expected in REFUSED:
        assert PROJECT_TITLE.encode() not in body, f"{where}: a refusal names A's project"
        assert not written, f"{where}: a refused request wrote to {sorted(set(written))}"


DEV_ROUTES = [key for key, route in ROUTES.items() if route.dev]


@pytest.mark.parametrize("key", DEV_ROUTES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_dev_tools_are_not_found_without_dev_tools(
    key, persona, app, client, login_as, world, monkeypatch
):
    monkeypatch.setitem(app.config, "DEV_TOOLS", False)
    user = world.persona(persona)
    if user is not None:
        login_as(user)
    method, url = url_of(key, ROUTES[key], world)
    assert ask(client, method, url).status_code == 404


def test_only_dev_tools_live_under_dev(app):
    for key in rule_keys(app):
        if key in ROUTES:
            assert ROUTES[key].dev == key.split(" ", 1)[1].startswith("/dev/"), key


# Across municipalities ------------------------------------------------------------------

#: Every kind of record of issue #9, and a rule that reaches one of municipality A's.
KINDS = {
    "projects": "/staff/projects/<int:project_id>",
    "sessions": "/staff/sessions/<int:session_id>/edit",
    "participants": "/staff/participants/<int:user_id>",
    "plans": "/staff/plans/<int:plan_id>",
    "attendance rosters": "/tutor/sessions/<int:session_id>",
    "attendance locks": "/staff/attendance/locks/<int:lock_id>/unlock",
    "events": "/staff/events/<int:event_id>",
    "messages": "/staff/inbox/<int:user_id>",
    "certificates": "/staff/certificates/<int:certificate_id>.pdf",
    "exports": "/staff/attendance/export.csv",
    "enrolments": "/staff/enrolments/<int:enrolment_id>/<decision>",
    "erasure requests": "/staff/erasures/<int:request_id>/process",
    "venues": "/staff/venues/<int:venue_id>/edit",
    "units": "/staff/units/<int:unit_id>/edit",
    "care services": "/staff/services/<int:service_id>/edit",
    "case-team accounts": "/staff/case-team/<int:user_id>/edit",
}
#: The records of issue #20 the case team works on, and a rule that reaches one of A's:
#: caseworkers of B get a 404 (staff of B, a 403 or a 404).
CASE_KINDS = {
    "intakes": "/cases/<int:intake_id>",
    "case notes": "/cases/<int:intake_id>/notes",
    "referrals": "/cases/referrals/<int:referral_id>",
    "referral steps": "/cases/referrals/<int:referral_id>/status",
    "people in care": "/staff/people/<int:user_id>/data",
    "dwellings": "/housing/dwellings/<int:dwelling_id>",
    "refurbishment works": "/housing/dwellings/<int:dwelling_id>/works",
    "a case's housing measures": "/cases/<int:intake_id>/housing",
    "housing measures": "/housing/measures/<int:measure_id>/edit",
    "placements": "/housing/placements/<int:placement_id>/end",
}


@pytest.mark.parametrize("kind", [*KINDS, *CASE_KINDS])
def test_every_kind_of_record_is_refused_to_another_municipality(kind):
    team = ("staff_a", "staff_b") if kind in KINDS else ("caseworker_a", "caseworker_b")
    rule = KINDS.get(kind) or CASE_KINDS[kind]
    rows = {key: route for key, route in ROUTES.items() if key.split(" ", 1)[1] == rule}
    assert rows, f"no row of ROUTES reaches {kind}"
    for key, route in rows.items():
        ours, theirs = (route.expected[persona] for persona in team)
        assert theirs == MISSING and ours in (OK, ALLOWED), key
        assert route.expected["staff_b"] in REFUSED and route.expected["caseworker_b"] in REFUSED


CASE_PAGES = [key for key, route in ROUTES.items()
              if key.startswith("GET /cases/") and route.expected["caseworker_a"] == OK
              and re.search(r"<int:(intake|referral)_id>", key)]  # fmt: skip


@pytest.mark.parametrize("key", CASE_PAGES)
def test_every_read_of_a_case_page_is_audited(key, client, login_as, world, db):
    from civic_app.core.models import AuditEvent

    login_as(world.caseworker)
    _method, url = url_of(key, ROUTES[key], world)
    assert client.get(url).status_code == 200
    viewed = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "case.viewed")
    ).all()
    assert [(e.actor_id, e.target_type, e.target_id) for e in viewed] == [
        (world.id("caseworker"), "intake", world.id("intake"))
    ], url


@pytest.mark.parametrize(
    "url",
    [
        "/staff/participants/{user_id}",
        "/staff/inbox/{user_id}",
        "/staff/participants/{user_id}/certificates",
        "/tutor/sessions/{session_id}",
        "/staff/reports/participants.csv",
    ],
)
def test_the_secrets_are_there_for_those_who_may_see_them(url, client, login_as, world):
    """The control for the leak checks above: A's staff do see A's participant."""
    login_as(world.staff)
    body = client.get(url.format(**world.url_values())).get_data(as_text=True)
    assert SECRET_NAME in body


@pytest.mark.parametrize("who", ["caseworker", "case_staff"])
def test_the_case_team_of_a_sees_the_person_in_care_and_the_note(who, client, login_as, world):
    """The control for the case leak checks: A's case team does read A's case."""
    login_as(getattr(world, who))
    body = client.get(f"/cases/{world.id('intake')}").get_data(as_text=True)
    assert SECRET_ALIAS in body and SECRET_NOTE in body
    assert SECRET_HEALTH not in body
    login_as(world.psychologist)
    assert SECRET_HEALTH in client.get(f"/cases/{world.id('intake')}").get_data(as_text=True)
    login_as(world.other_caseworker)
    assert B_ALIAS in client.get(f"/cases/{world.id('intake_b')}").get_data(as_text=True)


def test_a_tutor_sees_only_the_rosters_of_their_own_projects(client, login_as, world, db):
    from civic_app.core.accounts import User
    from civic_app.core.permissions import Role

    stranger = User(
        role=Role.TUTOR, first_name="Altra", last_name="Tutor", email="altra@example.org",
        municipality_id=world.id("municipality"), preferred_language="it",
    )  # fmt: skip
    db.session.add(stranger)
    db.session.commit()
    login_as(stranger)
    session_id = world.id("session")
    assert client.get(f"/tutor/sessions/{session_id}").status_code == 404
    token = client.csrf_token()
    with writes(db) as written:
        for url in (f"/tutor/sessions/{session_id}", f"/tutor/sessions/{session_id}/walk-in"):
            response = client.post(url, data={"csrf_token": token, "key": "k", "w-key": "k"})
            assert response.status_code == 404, url
            assert SECRET_NAME not in response.get_data(as_text=True)
    assert not written
    assert SECRET_NAME not in client.get("/tutor").get_data(as_text=True)


def spreadsheet_text(data: bytes) -> str:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        " ".join(str(cell) for cell in row if cell is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )


def download(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    if url.split("?")[0].endswith(".xlsx"):
        return spreadsheet_text(response.data)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exports_of_b_hold_only_bs_rows(fmt, client, login_as, world):
    login_as(world.other_staff)
    people = download(client, f"/staff/reports/participants.{fmt}")
    assert B_NAME in people
    for secret in (*PRIVATE, OTHER_NAME):
        assert secret not in people
    tables = ["sector_month", "month", "breakdowns"] if fmt == "csv" else [""]
    for table in tables:
        fund = download(client, f"/staff/reports/fund.{fmt}" + (f"?table={table}" if table else ""))
        assert "Milano" in fund
        assert "Roma" not in fund and PROJECT_TITLE not in fund
    if fmt == "csv":
        # B held one 3-hour session with one person; A's identical one is not added in.
        [values] = csv.DictReader(io.StringIO(download(client, "/staff/reports/fund.csv")))
        assert (values["participants_active"], values["hours"]) == ("1", "3.00")
        month = f"&month=2026-03&project={world.id('project_b')}"
        attendance = download(client, "/staff/attendance/export.csv?" + month[1:])
        assert B_NAME in attendance and SECRET_NAME not in attendance


def test_the_exports_of_a_hold_only_as_rows(client, login_as, world):
    login_as(world.staff)
    people = download(client, "/staff/reports/participants.csv")
    assert SECRET_NAME in people and OTHER_NAME in people and B_NAME not in people
    assert "Milano" not in download(client, "/staff/reports/fund.csv")


PERSON_ROUTES = [key for key in ROUTES if "<int:user_id>" in key and "/case-team/" not in key]


@pytest.mark.parametrize("key", PERSON_ROUTES)
@pytest.mark.parametrize("who", ["tutor", "staff", "coordinator"])
def test_pages_about_a_participant_refuse_other_accounts(key, who, client, login_as, world, db):
    """Staff pages about a participant, given the id of a colleague, are a 404."""
    login_as(world.staff)
    method, url = url_of(key, Route(STAFF_RECORD, args=lambda w: {"user_id": w.id(who)}), world)
    token = client.csrf_token() if method == "POST" else None
    with writes(db) as written:
        assert ask(client, method, url, token).status_code == 404, url
    assert not written, f"{key} wrote to {sorted(set(written))}"


TEAM_ROUTES = [key for key in ROUTES if "/staff/case-team/<int:user_id>" in key]


@pytest.mark.parametrize("key", TEAM_ROUTES)
def test_the_case_team_pages_reach_only_the_accounts_they_are_for(key, client, login_as, world, db):
    """Caseworker pages given anyone but a caseworker of A, the casework grant given
    anyone but a staff member of A, the housing grant anyone but either: a 404, nothing
    changed."""
    others = ["participant", "in_care", "tutor", "coordinator", "other_caseworker", "other_staff"]
    if "/housing/" not in key:  # the housing grant is for A's caseworkers and staff alike
        member = "case_staff" if key.endswith(("/grant", "/revoke")) else "caseworker"
        others.append("staff" if member == "caseworker" else "caseworker")
    login_as(world.staff)
    for who in others:
        method, url = url_of(key, Route(STAFF_RECORD, args=record_of(who)), world)
        token = client.csrf_token() if method == "POST" else None
        with writes(db) as written:
            assert ask(client, method, url, token).status_code == 404, f"{url} ({who})"
        assert not written, f"{key} for {who} wrote to {sorted(set(written))}"


@pytest.mark.parametrize("who", ["staff", "case_staff"])
def test_the_data_rights_of_a_participant_are_for_staff(who, client, login_as, world):
    """A participant without a case: their staff (with the grant or not), not the case
    team, acts for them; the page names them."""
    url = f"/staff/people/{world.id('participant')}/data"
    login_as(getattr(world, who))
    response = client.get(url)
    assert response.status_code == 200 and SECRET_NAME in response.get_data(as_text=True)
    for outsider in ("caseworker", "other_caseworker", "other_staff"):
        login_as(getattr(world, outsider))
        response = client.get(url)
        assert response.status_code in (403, 404), outsider
        assert SECRET_NAME not in response.get_data(as_text=True)
