"""Hostile input to every form, query string, URL and webhook: never a 5xx, payloads
escaped in every page and neutralised in every export (issue #9, point 6).

Nothing is listed by hand: a crawl opens every GET route of the URL map as every
persona, reads the forms from the HTML and notes which endpoint each one submits to.
Each POST route is then fuzzed through the form that posts to it, with the fields that
page really has; each GET route with its own form's fields, the parameters views read
themselves and unknown ones. Tests are grouped by blueprint so that the world is built
a few times only; Hypothesis runs derandomized, so CI sees the same examples each time.
"""

import csv
import io
import re
from urllib.parse import urlencode

import openpyxl
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from civic_app.core.clock import now
from civic_app.core.exports import FORMULA_STARTS
from civic_app.extensions import limiter
from tests.conftest import CivicClient
from tests.security.site import (
    PERSONAS,
    Field,
    Form,
    build_world,
    crawl,
    match,
    parse_forms,
    plausible_data,
    rule_url,
    url_for_labels,
)
from tests.security.strategies import (
    DISGUISED_NEXT,
    EDGE_NUMBERS,
    FAR_DATES,
    FORMULA_PAYLOADS,
    HTML_PAYLOADS,
    RAW_MARKERS,
    hostile_text,
    param_names,
)


def fuzz(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


BLUEPRINTS = ["attendance", "casework", "conversation", "core", "events", "housing", "people",
              "plans", "projects", "reports", "scheduler", "sms"]  # fmt: skip
WEBHOOKS = {"conversation.inbound", "sms.status_callback", "conversation.voice_call",
            "conversation.voice_gather", "sms.call_status"}  # fmt: skip
#: Posting these with valid data ends the persona's session or account.
SELF_ENDING = {
    "people.logout", "people.ask_erasure", "people.process_erasure", "people.login",
    "people.login_phone", "people.login_code", "people.login_totp",
    "people.enable_totp_view", "people.disable_totp_view",
    "people.erase_person_data",  # a participant persona's data, erased by staff
    "casework.deactivate_caseworker",  # the caseworker persona is on the case team's page
}  # fmt: skip
#: POST routes no page offers a form for in the fuzz world, with who may post to them.
BLIND = {
    "people.login_totp": "anonymous",  # reached after a password, in the session
    "people.disable_totp_view": "staff",  # offered only once TOTP is on
}
#: GET routes that need a half-done login, or are not pages.
NEVER_OPENED = {"people.login_totp", "attendance.service_worker", "casework.service_worker",
                "static"}  # fmt: skip
#: Slow answers (PDFs): fewer examples.
SLOW = {"reports.my_certificate_pdf", "reports.staff_certificate_pdf"}
#: Query parameters some views read from request.args themselves.
READ_BY_VIEWS = {"page", "next", "project", "month", "table", "at", "minutes", "venue",
                 "audience", "lang"}  # fmt: skip
#: Values no calendar or id column holds, with a valid time where one is needed to get
#: that far ("*": every other parameter).
EXTREME_QUERIES = [
    {"*": "99999999999999999999", "at": "2026-03-10T10:00"},
    {"*": "2147483648", "at": "9999-12-31T23:59", "minutes": "-99999999"},
    {"*": "-9223372036854775809", "at": "0001-01-01T00:00", "month": "9999-12"},
]
TEXT_KINDS = {"text", "textarea", "search"}
#: Every HTML payload calls this: a page that shows it, escaped, shows a stored payload.
SHOWN = "alert(1)"
_CRAWL = {}


def reset_limits(app) -> None:
    limiter.reset()
    app.extensions.pop("civic_sms_limits", None)


def login(client, user) -> None:
    """Log `user` in (or, for None, a visitor half-way through logging in by SMS)."""
    with client.session_transaction() as session:
        csrf_secret = session.get("csrf_token")
        session.clear()
        if csrf_secret:  # the page's CSRF token stays valid, as it would in a browser
            session["csrf_token"] = csrf_secret
        if user is not None:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        else:
            # A number just proven with a code: /login/code and /signup have a form.
            session["login_phone"] = session["signup_phone"] = "+393471239999"
            session["signup_verified_at"] = now().timestamp()


class Site:
    """The fuzz world, a logged-in client per persona, and what the crawl found."""

    def __init__(self, app, world):
        self.app = app
        self.world = world
        app.test_client_class = CivicClient
        self.clients = {p: app.test_client() for p in PERSONAS}
        for persona in PERSONAS:
            self.login(persona)
        if "crawl" not in _CRAWL:
            _CRAWL["crawl"] = crawl(app, world, self.clients, self.login)
        self.crawl = _CRAWL["crawl"]

    def login(self, persona: str) -> None:
        login(self.clients[persona], self.world.user(persona))

    def endpoints(self, blueprint: str, method: str) -> list[str]:
        return sorted(
            {
                r.endpoint
                for r in self.app.url_map.iter_rules()
                if r.endpoint.split(".")[0] == blueprint and method in r.methods
            }
        )

    def page_forms(self, endpoint: str, method: str = "post") -> list[tuple[str, Form]]:
        """[(persona, form)]: the forms that submit to `endpoint`, read from their page."""
        for persona, rule, labels in self.crawl.forms.get((endpoint, method), []):
            self.login(persona)
            url = url_for_labels(rule, self.world, labels)
            response = self.clients[persona].get(url)
            found = [
                (persona, form)
                for form in parse_forms(response.get_data(as_text=True), url)
                if form.method == method
                and match(self.app, form.action, method.upper())[0] == endpoint
            ]
            if found:
                return found
        return []

    def csrf(self, persona: str) -> str:
        self.login(persona)
        page = self.clients[persona].get("/projects").get_data(as_text=True)
        return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)

    def get_checked(self, persona: str, url: str, **kw):
        response = self.clients[persona].get(url, **kw)
        check(response, f"GET {url} as {persona}")
        return response


@pytest.fixture
def site(app, db, municipality, create_user, create_project, create_venue, add_session, clock):
    world = build_world(db, municipality, create_user, create_project, create_venue,
                        add_session, clock)  # fmt: skip
    return Site(app, world)


def check(response, where: str) -> None:
    """No server error; no payload printed as markup."""
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.mimetype in ("text/html", "text/xml", "application/xml"):
        body = response.get_data(as_text=True)
        for marker in RAW_MARKERS:
            assert marker not in body, f"{where}: {marker!r} printed unescaped"


def check_then_follow(site, persona: str, response, where: str) -> None:
    check(response, where)
    if response.status_code in (301, 302, 303) and response.location.startswith("/"):
        site.get_checked(persona, response.location)


def field_values(field: Field, default: list):
    """What a fuzzer may send for one field: a valid value, or hostility; sometimes twice."""
    valid = list(field.options) or default or [""]
    one = st.one_of(st.sampled_from(valid), hostile_text)
    return st.one_of(one.map(lambda v: [v]), st.lists(one, min_size=0, max_size=3))


def fuzzed_form(form: Form, csrf_token: str):
    base = plausible_data(form)
    fields = {
        name: field_values(f, base.get(name, []))
        for name, f in form.fields.items()
        if name != "csrf_token"
    }
    extra = st.dictionaries(param_names, hostile_text.map(lambda v: [v]), max_size=2)
    return st.builds(
        lambda values, more: MultiDict(
            [("csrf_token", csrf_token)]
            + [(k, v) for k, vs in {**more, **values}.items() if k != "csrf_token" for v in vs]
        ),
        st.fixed_dictionaries(fields),
        extra,
    )


# -- coverage ----------------------------------------------------------------------------------


def test_the_crawl_reaches_every_route(site, app):
    assert sorted(app.blueprints) == BLUEPRINTS
    post = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods} - WEBHOOKS
    missing = sorted(e for e in post if (e, "post") not in site.crawl.forms and e not in BLIND)
    assert not missing, f"no page of the fuzz world has a form posting to {missing}"
    get = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    closed = sorted(get - set(site.crawl.opens) - NEVER_OPENED)
    assert not closed, f"no persona opens {closed} in the fuzz world"


# -- forms -------------------------------------------------------------------------------------


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_hostile_form_posts_never_break_the_site(site, app, blueprint):
    targets = {}
    for endpoint in site.endpoints(blueprint, "POST"):
        if endpoint in WEBHOOKS:
            continue
        found = site.page_forms(endpoint)
        if not found and endpoint in BLIND:
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            names = ("code", "email", "password", "phone", "next", "submit")
            form = Form("post", rule_url(rule.rule, {}), {n: Field(n, "text") for n in names})
            found = [(BLIND[endpoint], form)]
        targets[endpoint] = found
    tokens = {persona: site.csrf(persona) for persona in PERSONAS}
    answered = []  # status codes: some fuzzed posts must get past CSRF and the view's checks

    for endpoint, found in targets.items():
        fuzz_form(site, endpoint, found, tokens, answered)
    assert not targets or set(answered) - {400}, "every fuzzed post was refused outright"


def fuzz_form(site, endpoint: str, found: list, tokens: dict, answered: list) -> None:
    @fuzz(6)
    @given(data=st.data())
    def run(data):
        reset_limits(site.app)
        persona, form = data.draw(st.sampled_from(found))
        site.login(persona)
        values = data.draw(fuzzed_form(form, tokens[persona]))
        note(f"{endpoint}: {persona} POST {form.action} {values!r:.3000}")
        response = site.clients[persona].post(form.action, data=values)
        answered.append(response.status_code)
        check_then_follow(site, persona, response, f"POST {form.action} as {persona}")

    run()


# -- query strings -----------------------------------------------------------------------------


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_hostile_query_strings_never_break_a_page(site, app, blueprint):
    for endpoint in site.endpoints(blueprint, "GET"):
        if endpoint in NEVER_OPENED:
            continue
        opened = {}  # one URL per rule (e.g. each export format), the first persona opening it
        for persona, rule, labels in site.crawl.opens.get(endpoint, []):
            opened.setdefault(rule.rule, (persona, url_for_labels(rule, site.world, labels)))
        names = set(READ_BY_VIEWS)
        for _persona, form in site.page_forms(endpoint, "get"):
            names |= set(form.fields)
        names = sorted(names)
        targets = sorted(opened.values())

        for persona, url in targets:  # the extremes at once, for every parameter views read
            for extreme in EXTREME_QUERIES:
                site.login(persona)
                query = {name: extreme.get(name, extreme["*"]) for name in READ_BY_VIEWS}
                site.get_checked(persona, url.split("?")[0], query_string=query)
        fuzz_query(site, targets, names, examples=2 if endpoint in SLOW else 4)


def fuzz_query(site, targets: list, names: list, examples: int) -> None:
    values = st.one_of(hostile_text, st.sampled_from(["", "1", "-1", "2026-03", "csv", "all"]))

    @fuzz(examples)
    @given(
        target=st.sampled_from(targets),
        known=st.dictionaries(
            st.sampled_from(names), st.lists(values, min_size=1, max_size=2), max_size=len(names)
        ),
        unknown=st.dictionaries(param_names, values.map(lambda v: [v]), max_size=2),
    )
    def run(target, known, unknown):
        reset_limits(site.app)
        persona, url = target
        site.login(persona)
        query = MultiDict([(k, v) for k, vs in {**unknown, **known}.items() for v in vs])
        note(f"{persona} GET {url} {query!r:.3000}")
        site.get_checked(persona, url.split("?")[0], query_string=query)

    run()


# -- edges, everywhere: every field of every form and filter, one value at a time ---------------
#
# Hypothesis draws a few examples per route; these sweeps do not leave it to chance. Each
# value goes into each field of each form (POST forms and GET filters alike) with the rest
# of the form plausible, so that the one odd field is what the view has to deal with.


def every_form(site, blueprint: str) -> list[tuple[str, str, Form]]:
    """[(endpoint, persona, form)]: every form of the fuzz world submitting to `blueprint`."""
    found = []
    for endpoint in site.endpoints(blueprint, "POST"):
        if endpoint not in WEBHOOKS:
            found += [(endpoint, p, f) for p, f in site.page_forms(endpoint)]
    for endpoint in site.endpoints(blueprint, "GET"):
        if endpoint not in NEVER_OPENED:
            found += [(endpoint, p, f) for p, f in site.page_forms(endpoint, "get")]
    return found


def fields_of(form: Form) -> list[str]:
    return [name for name, f in form.fields.items() if name != "csrf_token" and f.kind != "submit"]


def submit(site, persona: str, form: Form, data: dict, token: str):
    """Send `form` as a browser would (a POST with the CSRF token, a GET as a query)."""
    reset_limits(site.app)
    site.login(persona)
    client = site.clients[persona]
    pairs = [(k, v) for k, vs in data.items() if k != "csrf_token" for v in vs]
    if form.method == "get":
        return client.get(form.action.split("?")[0], query_string=MultiDict(pairs))
    return client.post(form.action, data=MultiDict([("csrf_token", token), *pairs]))


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_numbers_out_of_range_and_far_dates_in_every_field_never_break_the_site(
    site, app, blueprint
):
    tokens = {persona: site.csrf(persona) for persona in PERSONAS}
    for _endpoint, persona, form in every_form(site, blueprint):
        for name in fields_of(form):
            for value in (*EDGE_NUMBERS, *FAR_DATES):
                data = plausible_data(form) | {name: [value]}
                response = submit(site, persona, form, data, tokens[persona])
                where = f"{form.method.upper()} {form.action} {name}={value!r} as {persona}"
                check_then_follow(site, persona, response, where)


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_file_parts_and_oversize_bodies_in_every_form_never_break_the_site(site, app, blueprint):
    tokens = {persona: site.csrf(persona) for persona in PERSONAS}
    too_much = "9" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for _endpoint, persona, form in every_form(site, blueprint):
        names = fields_of(form)
        if form.method == "post":
            for name in [*names, "csrf_token"]:  # each field in turn sent as a file
                data = {k: v for k, v in plausible_data(form).items() if k != name}
                site.login(persona)
                reset_limits(app)
                payload = MultiDict(
                    [("csrf_token", tokens[persona])]
                    + [(k, v) for k, vs in data.items() if k != "csrf_token" for v in vs]
                )
                if name == "csrf_token":
                    payload.pop("csrf_token")
                payload.add(name, (io.BytesIO(b"#!/bin/sh\n" * 10), "x.sh"))
                response = site.clients[persona].post(
                    form.action, data=payload, content_type="multipart/form-data"
                )
                where = f"POST {form.action} {name}=<file> as {persona}"
                check(response, where)
        for name in names[:1] or ["x"]:  # one body past the limit, in the first field
            data = plausible_data(form) | {name: [too_much]}
            if form.method == "get":  # a query string that long is the server's to refuse
                data = plausible_data(form) | {name: [too_much[:100_000]]}
            response = submit(site, persona, form, data, tokens[persona])
            where = f"{form.method.upper()} {form.action} with {len(data[name][0])} bytes"
            check(response, where)
            if form.method == "post":
                assert response.status_code == 413, where
                assert "Dati troppo grandi" in response.get_data(as_text=True), where


#: The sweep's share of DISGUISED_NEXT (Hypothesis draws from all of them): the control
#: characters, backslashes and spaces a browser drops or mends.
SWEPT_NEXT = ("/\t/evil.example/", "/\r\n/evil.example/", "/%09/evil.example/",
              "/\\evil.example/", " //evil.example/", "/me\r\nSet-Cookie: x=1")  # fmt: skip
assert set(SWEPT_NEXT) <= set(DISGUISED_NEXT)


def assert_stays_on_the_site(response, where: str) -> None:
    location = response.location or ""
    if response.status_code not in (301, 302, 303, 307, 308):
        return
    seen = re.sub(r"[\t\r\n]", "", location).strip().replace("\\", "/")
    assert not re.match(r"^(//|[a-zA-Z][a-zA-Z0-9+.-]*:)", seen), f"{where}: to {location!r}"
    assert not re.search(r"[\x00-\x1f\x7f]", location), f"{where}: to {location!r}"


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_disguised_next_targets_never_lead_off_the_site(site, app, blueprint):
    tokens = {persona: site.csrf(persona) for persona in PERSONAS}
    for _endpoint, persona, form in every_form(site, blueprint):
        for target in SWEPT_NEXT:
            data = plausible_data(form) | {"next": [target]}
            in_query = (
                form.action + ("&" if "?" in form.action else "?") + urlencode({"next": target})
            )
            for action in (form.action, in_query):  # in the form, and in the action's query
                sent = Form(form.method, action, form.fields) if form.method == "post" else form
                response = submit(site, persona, sent, data, tokens[persona])
                where = f"{form.method.upper()} {form.action} next={target!r} as {persona}"
                check(response, where)
                assert_stays_on_the_site(response, where)
    for endpoint in site.endpoints(blueprint, "GET"):  # and every page opened with ?next=
        if endpoint in NEVER_OPENED:
            continue
        for persona, rule, labels in site.crawl.opens.get(endpoint, [])[:1]:
            url = url_for_labels(rule, site.world, labels)
            for target in SWEPT_NEXT:
                reset_limits(app)
                site.login(persona)
                response = site.clients[persona].get(
                    url.split("?")[0], query_string={"next": target}
                )
                check(response, f"GET {url} next={target!r} as {persona}")
                assert_stays_on_the_site(response, f"GET {url} next={target!r}")


# -- URLs --------------------------------------------------------------------------------------

HUGE_IDS = st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**40])


@pytest.mark.parametrize("blueprint", BLUEPRINTS)
def test_hostile_values_in_the_url_never_break_a_route(site, app, blueprint):
    personas = ["staff", "participant", "tutor", "coordinator", "caseworker", "anonymous"]
    tokens = {p: site.csrf(p) for p in personas}
    rules = [
        r for r in app.url_map.iter_rules() if r.arguments and r.endpoint.split(".")[0] == blueprint
    ]
    for rule in sorted(rules, key=lambda r: r.rule):
        fuzz_url(site, rule, personas, tokens)


def fuzz_url(site, rule, personas: list, tokens: dict) -> None:
    method = "GET" if "GET" in rule.methods else "POST"
    strategies = {
        name: HUGE_IDS
        if isinstance(converter, IntegerConverter)
        else hostile_text.filter(lambda v: "/" not in v)
        for name, converter in rule._converters.items()
    }

    @fuzz(3)
    @given(persona=st.sampled_from(personas), values=st.fixed_dictionaries(strategies))
    def run(persona, values):
        reset_limits(site.app)
        site.login(persona)
        url = rule_url(rule.rule, {k: str(v)[:2000] for k, v in values.items()})
        note(f"{persona} {method} {url}")
        client = site.clients[persona]
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": tokens[persona]})
        check(response, f"{method} {url} as {persona}")

    run()


# -- webhooks ----------------------------------------------------------------------------------

sms_fields = st.fixed_dictionaries(
    {
        "From": st.one_of(st.sampled_from(["+393471234567", "+393470000001"]), hostile_text),
        "To": st.one_of(st.just("+15005550006"), hostile_text),
        "Body": st.one_of(st.sampled_from(["JOIN", "STOP", "SI", "1", "AIUTO"]), hostile_text),
        "MessageSid": st.one_of(st.just("SMfuzzworld"), hostile_text),
        "MessageStatus": st.one_of(
            st.sampled_from(["delivered", "failed", "undelivered", "sent"]), hostile_text
        ),
        "ErrorCode": st.one_of(st.sampled_from(["", "21610", "30003"]), hostile_text),
    },
)


@pytest.mark.parametrize("path", ["/sms/inbound", "/sms/status"])
def test_signed_webhooks_with_hostile_fields_never_break(site, app, twilio_post, path):
    # The status callback URL carries our message id (?m=), signed with the rest.
    ids = st.one_of(st.none(), HUGE_IDS.map(str), hostile_text)

    @fuzz(20)
    @given(
        params=sms_fields,
        extra=st.dictionaries(param_names, hostile_text, max_size=2),
        m=ids,
    )
    def run(params, extra, m):
        reset_limits(app)
        url = path if m is None else f"{path}?{urlencode({'m': m})}"
        response = twilio_post(url, {**extra, **params})
        check(response, f"POST {url}")
        assert response.status_code != 403  # the signature was right

    run()


voice_fields = st.fixed_dictionaries(
    {
        "CallSid": st.one_of(st.just("CAfuzzworld"), hostile_text),
        "CallStatus": st.one_of(
            st.sampled_from(["completed", "no-answer", "busy", "failed", "ringing"]), hostile_text
        ),
        "Digits": st.one_of(st.sampled_from(["1", "2", "", "9", "\u0662", "\u09e9"]), hostile_text),
    },
)


@pytest.mark.parametrize("path", ["/voice/call", "/voice/gather", "/voice/status"])
def test_signed_voice_webhooks_with_hostile_fields_never_break(site, app, db, twilio_post, path):
    from civic_app.core.clock import now
    from civic_app.sms.operations import queue_sms
    from civic_app.sms.voice import call_token

    call = queue_sms(phone="+393470000001", body="x", kind="reminder", now=now(), channel="voice")
    db.session.commit()
    real = {"m": call.id, "t": call_token(call.id)}
    queries = st.one_of(
        st.just(real),
        st.fixed_dictionaries({"m": st.one_of(HUGE_IDS.map(str), hostile_text),
                               "t": st.one_of(st.just(real["t"]), hostile_text)}),
        st.fixed_dictionaries({"m": st.just(call.id), "t": st.just(real["t"]),
                               "n": st.one_of(HUGE_IDS.map(str), hostile_text)}),
    )  # fmt: skip

    @fuzz(20)
    @given(params=voice_fields, extra=st.dictionaries(param_names, hostile_text, max_size=2),
           query=queries)  # fmt: skip
    def run(params, extra, query):
        reset_limits(app)
        url = f"{path}?{urlencode(query)}"
        response = twilio_post(url, {**extra, **params})
        check(response, f"POST {url}")
        assert response.status_code != 403  # the signature was right

    run()


@pytest.mark.parametrize(
    "path", ["/sms/inbound", "/sms/status", "/voice/call", "/voice/gather", "/voice/status"]
)
def test_unsigned_or_badly_signed_webhooks_are_refused(site, app, twilio_post, client, path):
    @fuzz(10)
    @given(params=sms_fields, signature=st.one_of(st.none(), hostile_text))
    def run(params, signature):
        reset_limits(app)
        if signature is None:
            response = client.post(path, data=params)
        else:
            # What an HTTP header can carry at all.
            signature = signature.encode("latin-1", "ignore").decode("latin-1")
            signature = re.sub(r"[\x00-\x1f\x7f]", "", signature)[:4000]
            response = twilio_post(path, params, signature=signature)
        assert response.status_code == 403

    run()


# -- what is stored, everywhere it is shown ------------------------------------------------------


def assert_neutralised(response, where: str) -> None:
    """No cell of a CSV or XLSX export would run as a formula."""
    number = re.compile(r"-?\d+([.,]\d+)?")
    if response.mimetype == "text/csv":
        for row in csv.reader(io.StringIO(response.get_data(as_text=True))):
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS) or number.fullmatch(cell), (
                    f"{where}: formula cell {cell!r}"
                )
    elif "spreadsheetml" in response.mimetype:
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{where}: formula {cell.value!r}"
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                        assert cell.data_type == "s", f"{where}: {cell.value!r} not text"


def test_stored_payloads_are_escaped_in_every_page_and_neutralised_in_exports(
    site, app, db, twilio_post
):
    payloads = [*HTML_PAYLOADS, *FORMULA_PAYLOADS]
    used = iter(range(10**6))

    def payload(maxlength):
        text = payloads[next(used) % len(payloads)]
        return text[:maxlength] if maxlength else text

    forms = []
    for (endpoint, method), _pages in sorted(site.crawl.forms.items()):
        if method == "post" and endpoint not in SELF_ENDING | WEBHOOKS:
            forms += site.page_forms(endpoint)
    tokens = {persona: site.csrf(persona) for persona in PERSONAS}
    for persona, form in forms:
        data = plausible_data(form)
        for name, f in form.fields.items():
            free_text = f.kind in TEXT_KINDS and (f.maxlength or 100) >= 20
            if free_text and not re.search(r"phone|code|rrule|month", name):
                data[name] = [payload(f.maxlength)]
        data["csrf_token"] = [tokens[persona]]
        site.login(persona)
        response = site.clients[persona].post(form.action, data=MultiDict(
            [(k, v) for k, vs in data.items() for v in vs]))  # fmt: skip
        check_then_follow(site, persona, response, f"POST {form.action} as {persona}")
    # Texts that reach pages by SMS, and names only staff or a sign-up could have set.
    person = site.world.user("participant")
    for n, body in enumerate(payloads):
        twilio_post("/sms/inbound", {"From": person.phone, "To": "+15005550006",
                                     "Body": body, "MessageSid": f"SMstored{n}"})  # fmt: skip
    person.first_name, person.last_name = FORMULA_PAYLOADS[0], HTML_PAYLOADS[1]
    db.session.commit()

    escaped_seen = 0
    for _endpoint, opened in sorted(site.crawl.opens.items()):
        for persona, rule, labels in opened:
            reset_limits(app)
            site.login(persona)
            url = url_for_labels(rule, site.world, labels)
            response = site.get_checked(persona, url)
            assert_neutralised(response, f"GET {url} as {persona}")
            if response.mimetype == "text/html":
                escaped_seen += SHOWN in response.get_data(as_text=True)
    assert escaped_seen > 20, "the payloads were not stored: the sweep proves nothing"
