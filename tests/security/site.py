"""What the fuzz tests know about the site: the forms of a page (read from its HTML), a
small world where every page has something to show, and a crawl that finds, for each
route, who can open it and which page holds the form that posts to it."""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from itertools import product
from urllib.parse import quote, urlencode, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from civic_app.attendance.models import Attendance, Mark, MonthLock
from civic_app.casework.models import (
    CareService,
    CaseNote,
    ConsentMethod,
    Intake,
    IntakeStatus,
    Referral,
    ReferralStatus,
    Sensitivity,
    ServiceKind,
    Unit,
    UnitKind,
)
from civic_app.conversation.operations import receive_sms
from civic_app.core.accounts import Consent
from civic_app.core.consent import give_consent
from civic_app.core.permissions import Role
from civic_app.events.models import Audience, CommunityEvent, EventType
from civic_app.housing.models import (
    Dwelling,
    DwellingKind,
    DwellingState,
    HousingMeasure,
    ManagedBy,
    MeasureKind,
    MeasureStatus,
    Placement,
    RefurbishmentWork,
)
from civic_app.people.data_rights import request_erasure
from civic_app.plans.models import Plan
from civic_app.projects.models import EnrolmentStatus
from civic_app.projects.operations import share_as_template
from civic_app.reports.certificates import certificate_token, issue_certificate

PERSONAS = ("staff", "tutor", "participant", "coordinator", "caseworker", "anonymous")
EXPORT_FORMATS = ("csv", "xlsx", "json")
#: Routes whose answers are not pages to crawl (files, scripts).
NOT_PAGES = {"static", "attendance.service_worker", "casework.service_worker"}
#: Opening these starts a new login: only a logged-out person does.
LOGIN_PAGES = {"people.login", "people.login_phone", "people.login_code", "people.login_totp"}


# -- forms, read from a page ---------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # an <input> type, "select", "textarea"
    options: list = field(default_factory=list)  # select, radio and checkbox values
    default: list = field(default_factory=list)  # what a browser would send untouched
    maxlength: int | None = None


@dataclass
class Form:
    method: str
    action: str
    fields: dict = field(default_factory=dict)  # name -> Field

    def defaults(self) -> dict:
        return {name: list(f.default) for name, f in self.fields.items()}


class FormParser(HTMLParser):
    """The <form>s of a page, with their inputs, selects and textareas."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: dict | None = None
        self._textarea: Field | None = None

    def _field(self, name: str, kind: str, maxlength=None) -> Field:
        existing = self._form.fields.get(name)
        if existing is None:
            existing = self._form.fields[name] = Field(name, kind, maxlength=maxlength)
        return existing

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or self.page_url
            self._form = Form((a.get("method") or "get").lower(), action)
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        maxlength = int(a["maxlength"]) if (a.get("maxlength") or "").isdigit() else None
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            f = self._field(name, kind, maxlength)
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            if kind in ("checkbox", "radio"):
                f.options.append(value)
                if "checked" in a:
                    f.default.append(value)
            elif kind not in ("submit", "button", "image", "reset"):
                f.default = [value]
        elif tag == "button" and name and (a.get("type") or "submit") == "submit":
            self._field(name, "submit")
        elif tag == "select" and name:
            self._select = self._field(name, "select")
            self._select.multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "text": "", "selected": "selected" in a}
        elif tag == "textarea" and name:
            self._textarea = self._field(name, "textarea", maxlength)
            self._textarea.default = [""]

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea.default[0] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            self._select.options.append(value)
            if self._option["selected"]:
                self._select.default.append(value)
            self._option = None
        elif tag == "select" and self._select is not None:
            if not self._select.default and self._select.options:
                self._select.default = [self._select.options[0]]
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.default[0].startswith("\n"):
                self._textarea.default[0] = self._textarea.default[0][1:]
            self._textarea = None
        elif tag == "form":
            self._form = None


def parse_forms(html: str, page_url: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html)
    return parser.forms


#: Plausible values for fields a new-object form leaves empty, so that a fuzzed field is
#: not the only thing that fails validation.
PLAUSIBLE = [
    (re.compile(r"end_time"), "12:00"),
    (re.compile(r"time"), "10:00"),
    (re.compile(r"(end_date|until|last_day|date_to)"), "2026-05-29"),
    (re.compile(r"(date|day|from)"), "2026-04-15"),
    (re.compile(r"^month$"), "2026-02"),
    (re.compile(r"birth_year"), "1990"),
    (re.compile(r"code"), "123456"),
    (re.compile(r"phone"), "+393471234599"),
    (re.compile(r"email"), "fuzz@example.org"),
    (re.compile(r"(capacity|target_hours)"), "10"),
    (re.compile(r"min_age"), "18"),
    (re.compile(r"(interval|guests)"), "1"),
    (re.compile(r"minutes"), "90"),
    (re.compile(r"^hours-"), "2"),
]


#: Fields best left empty.
OPTIONAL = re.compile(r"(latitude|longitude|rrule)")


def plausible_data(form: Form) -> dict:
    """The form as a browser would send it untouched, with empty fields filled in."""
    data = form.defaults()
    for name, f in form.fields.items():
        chosen = [value for value in data[name] if value.strip()]
        if f.kind in ("checkbox", "radio", "select") and not chosen:
            # Tick the first box, pick the first real option: a consent, a weekday, a
            # municipality are often what a form cannot do without.
            data[name] = [value for value in f.options if value.strip()][:1]
        if f.kind in ("submit", "checkbox", "radio", "select", "hidden", "password"):
            continue
        if not chosen and not OPTIONAL.search(name):
            guess = next((v for pattern, v in PLAUSIBLE if pattern.search(name)), "Prova")
            data[name] = [guess]
    return {name: values for name, values in data.items() if values}


# -- the world ------------------------------------------------------------------------------


@dataclass
class World:
    users: dict  # persona -> User
    values: dict  # URL argument -> {label: value}

    def user(self, persona):
        return self.users.get(persona)


CALENDAR_TOKEN = "cal-token-fuzz-0123456789"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def build_world(db, municipality, create_user, create_project, create_venue, add_session, clock):
    """One municipality where every page has something on it (the clock: 4 March 2026)."""
    staff = create_user(Role.STAFF)
    tutor = create_user(Role.TUTOR)
    coordinator = create_user(Role.COORDINATOR)
    person = create_user(
        Role.PARTICIPANT, calendar_token="cal-token-fuzz-0123456789", birth_year=1990
    )
    applicant = create_user(Role.PARTICIPANT)
    minor = create_user(Role.PARTICIPANT, birth_year=2014, pending_review=True)
    by_sms = create_user(Role.PARTICIPANT, signed_up_via="sms", pending_review=True)
    assisted = create_user(Role.PARTICIPANT, signed_up_via="assisted")
    # registered by a tutor on a roster, without consent yet: staff record it on paper
    walk_in = create_user(Role.PARTICIPANT, signed_up_via="walk_in", pending_review=True)
    leaving = create_user(Role.PARTICIPANT)
    venue = create_venue()
    project = create_project(venue_id=venue.id, capacity=20)
    project.tutors = [tutor]
    open_project = create_project(title="Posti liberi", capacity=5)
    db.session.add(
        Consent(
            user_id=assisted.id, purpose="programme", version="1", language="it", text="Testo",
            method="sms_code_pending", given_at=clock.now(),
        )
    )  # fmt: skip
    from civic_app.projects.models import Enrolment

    enrolments = {}
    for who, status in ((person, EnrolmentStatus.ACCEPTED), (applicant, EnrolmentStatus.APPLIED)):
        enrolments[who.id] = Enrolment(
            project_id=project.id, participant_id=who.id, municipality_id=project.municipality_id,
            status=status, requested_at=utc(2026, 2, 1),
        )  # fmt: skip
        db.session.add(enrolments[who.id])
    db.session.commit()
    past = add_session(project, utc(2026, 2, 10, 9), venue_id=venue.id)
    today = add_session(project, clock.now(), venue_id=venue.id)
    add_session(project, clock.now() + timedelta(days=7), venue_id=venue.id)
    db.session.add(
        Attendance(
            municipality_id=project.municipality_id, session_id=past.id,
            session_starts_at=past.starts_at, project_id=project.id, participant_id=person.id,
            mark=Mark.PRESENT, hours=Decimal("3"), recorded_by_id=tutor.id,
            recorded_at=past.starts_at,
        )
    )  # fmt: skip
    plan = Plan(
        municipality_id=person.municipality_id, participant_id=person.id, tutor_id=tutor.id,
        goals="Obiettivi", target_hours=Decimal("40"), start_date=date(2026, 3, 1),
        end_date=date(2026, 6, 30),
    )  # fmt: skip
    event = CommunityEvent(
        municipality_id=municipality.id, venue_id=venue.id, title="Festa del quartiere",
        event_type=EventType.MEETING, capacity=50, audience=Audience.ALL,
        starts_at=utc(2026, 3, 4, 8), ends_at=utc(2026, 3, 4, 10),
    )  # fmt: skip
    coming = CommunityEvent(
        municipality_id=municipality.id, venue_id=venue.id, title="Laboratorio di cucina",
        event_type=EventType.WORKSHOP, capacity=50, audience=Audience.ALL,
        starts_at=utc(2026, 3, 11, 17), ends_at=utc(2026, 3, 11, 19),
    )  # fmt: skip
    lock = MonthLock(
        municipality_id=municipality.id, month="2026-01", locked_by_id=staff.id,
        locked_at=clock.now(),
    )  # fmt: skip
    db.session.add_all([plan, event, coming, lock])
    db.session.flush()
    certificate = issue_certificate(person, staff, clock.now())
    erasure = request_erasure(leaving, clock.now())
    template = share_as_template(project)
    receive_sms(phone=person.phone, body="Ciao", now=clock.now(), provider_sid="SMfuzzworld")
    db.session.commit()
    values = {
        "project_id": {"project": project.id, "open": open_project.id},
        "session_id": {"today": today.id, "past": past.id},
        "user_id": {
            "person": person.id,
            "minor": minor.id,
            "assisted": assisted.id,
            "sms": by_sms.id,
            "walk_in": walk_in.id,
        },
        "plan_id": {"plan": plan.id},
        "event_id": {"event": event.id, "coming": coming.id},
        "venue_id": {"venue": venue.id},
        "enrolment_id": {"applied": enrolments[applicant.id].id},
        "lock_id": {"lock": lock.id},
        "certificate_id": {"certificate": certificate.id},
        "request_id": {"erasure": erasure.id},
        "template_id": {"template": template.id},
        "token": {
            "calendar": "cal-token-fuzz-0123456789",
            "certificate": certificate_token(certificate),
        },
        "fmt": {fmt: fmt for fmt in EXPORT_FORMATS},
    }
    caseworker, case_values = build_cases(db, municipality, create_user, clock)
    users = {"staff": staff, "tutor": tutor, "participant": person, "coordinator": coordinator,
             "caseworker": caseworker}  # fmt: skip
    values["user_id"] |= case_values.pop("user_id")
    return World(users, values | case_values)


def build_housing(db, municipality, case, today) -> dict:
    """A dwelling with free places and one being refurbished (with a work); a proposed
    placement measure and an active one whose person lives in the free dwelling."""

    def dwelling(name, state, **kw):
        return Dwelling(municipality_id=municipality.id, name=name, address="Via 2",
                        kind=DwellingKind.SHARED_FLAT, places=6, managed_by=ManagedBy.MUNICIPALITY,
                        state=state, **kw)  # fmt: skip

    free = dwelling("Casa libera", DwellingState.AVAILABLE, available_from=today)
    works = dwelling("Casa in lavori", DwellingState.REFURBISHING)
    db.session.add_all([free, works])
    db.session.flush()

    def measure(status, **kw):
        return HousingMeasure(municipality_id=municipality.id, intake_id=case.id,
                              person_id=case.person_id, kind=MeasureKind.PLACEMENT,
                              status=status, starts_on=today, amount=Decimal("0.00"),
                              **kw)  # fmt: skip

    proposed, active = measure(MeasureStatus.PROPOSED), measure(MeasureStatus.ACTIVE)
    db.session.add_all([
        proposed, active,
        RefurbishmentWork(municipality_id=municipality.id, dwelling_id=works.id,
                          description="Imbiancatura", starts_on=today, cost=Decimal("500.00")),
    ])  # fmt: skip
    db.session.flush()
    placement = Placement(municipality_id=municipality.id, measure_id=active.id,
                          dwelling_id=free.id, places=1, starts_on=today)  # fmt: skip
    db.session.add(placement)
    db.session.flush()
    return {
        "dwelling_id": {"free": free.id, "works": works.id},
        "measure_id": {"proposed": proposed.id, "active": active.id},
        "placement_id": {"placement": placement.id},
    }


def build_cases(db, municipality, create_user, clock) -> tuple:
    """The case team's side: a psychologist (who may also write health notes, so the note
    form has every field), units, services, an open and a closed case, referrals at
    several steps, notes. Returns (the caseworker, URL values)."""
    caseworker = create_user(Role.CASEWORKER, profession="psychologist", grants=",housing,")
    # Someone for each button of the case team's page: reactivate, grant, revoke.
    inactive = create_user(Role.CASEWORKER, profession="social_worker", is_active_account=False)
    colleague = create_user(Role.STAFF)
    case_staff = create_user(Role.STAFF, grants=",casework,")
    today = clock.now().date()
    unit = Unit(municipality_id=municipality.id, name="Unità mobile", kind=UnitKind.MOBILE_UNIT,
                zone="Stazione", opening_hours="lun-ven 20-24")  # fmt: skip
    closed_unit = Unit(municipality_id=municipality.id, name="Sportello chiuso",
                       kind=UnitKind.ONE_STOP_SHOP, is_active=False)  # fmt: skip

    def service(name, kind, **kw):
        return CareService(municipality_id=municipality.id, name=name, kind=kind,
                           address="Via 1", languages=",it,ar,", **kw)  # fmt: skip

    legal = service("Aiuto legale", ServiceKind.LEGAL_AID, phone="+390612345678")
    civic = service("Impegno civico", ServiceKind.CIVIC_ENGAGEMENT)
    retired = service("Vecchio servizio", ServiceKind.SHELTER, retired_at=clock.now())
    db.session.add_all([unit, closed_unit, legal, civic, retired])
    db.session.flush()
    with_phone = create_user(Role.IN_CARE, email=None, phone="+393471239001",
                             preferred_language="ar", first_name="Amina")  # fmt: skip
    alias_only = create_user(Role.IN_CARE, email=None, first_name="Alias", last_name=None)
    for purpose in ("casework", "sms"):  # so that an appointment goes out by SMS
        give_consent(with_phone, purpose, language="ar", method="verbal", now=clock.now(),
                     recorded_by=caseworker)  # fmt: skip

    def intake(person, **kw):
        return Intake(
            municipality_id=municipality.id, person_id=person.id, unit_id=unit.id,
            zone="Stazione", met_on=today, last_seen_on=today, needs=",legal,health,",
            consent_method=ConsentMethod.VERBAL, recorded_by_id=caseworker.id, **kw,
        )  # fmt: skip

    case = intake(with_phone)
    closed = intake(alias_only, status=IntakeStatus.CLOSED, closed_at=clock.now())
    db.session.add_all([case, closed])
    db.session.flush()

    def referral(to, status, **kw):
        return Referral(municipality_id=municipality.id, intake_id=case.id, service_id=to.id,
                        reason="Motivo", status=status, status_changed_at=clock.now(),
                        created_by_id=caseworker.id, **kw)  # fmt: skip

    proposed = referral(
        legal,
        ReferralStatus.PROPOSED,
        appointment_at=clock.now() + timedelta(days=2),
        appointment_place="Via 1",
    )
    sent = referral(civic, ReferralStatus.SENT)
    refused = referral(retired, ReferralStatus.REFUSED, outcome="Nessun posto")
    notes = [
        CaseNote(municipality_id=municipality.id, intake_id=case.id, author_id=caseworker.id,
                 author_profession="psychologist", sensitivity=sensitivity, body="Colloquio",
                 written_at=clock.now() - timedelta(hours=1))
        for sensitivity in (Sensitivity.TEAM, Sensitivity.HEALTH)
    ]  # fmt: skip
    db.session.add_all([proposed, sent, refused, *notes])
    db.session.flush()
    housing = build_housing(db, municipality, case, today)
    db.session.commit()
    values = housing | {
        "intake_id": {"case": case.id, "closed": closed.id},
        "referral_id": {"proposed": proposed.id, "sent": sent.id, "refused": refused.id},
        "unit_id": {"unit": unit.id, "closed": closed_unit.id},
        "service_id": {"legal": legal.id, "civic": civic.id, "retired": retired.id},
        "note_id": {"team": notes[0].id, "health": notes[1].id},
        "user_id": {
            "in_care": with_phone.id,
            "caseworker": caseworker.id,
            "inactive": inactive.id,
            "colleague": colleague.id,
            "case_staff": case_staff.id,
        },  # fmt: skip
    }
    return caseworker, values


# -- routes and the crawl ---------------------------------------------------------------------

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def rule_url(rule: str, values: dict) -> str:
    return ARGUMENT.sub(lambda m: quote(str(values[m.group(1)]), safe=""), rule)


def label_choices(rule, world: World):
    """Every way of filling `rule`'s arguments from the world, as {argument: label}."""
    names = sorted(rule.arguments)
    if any(name not in world.values for name in names):
        return []
    combinations = product(*(world.values[n] for n in names))
    return [dict(zip(names, labels, strict=True)) for labels in combinations]


#: Routes that answer only with some query parameters.
QUERIES = {
    "attendance.export_csv": lambda values: {
        "project": values["project_id"]["project"],
        "month": "2026-02",
    },
}


def url_for_labels(rule, world: World, labels: dict) -> str:
    url = rule_url(rule.rule, {n: world.values[n][label] for n, label in labels.items()})
    if rule.endpoint in QUERIES:
        url += "?" + urlencode(QUERIES[rule.endpoint](world.values))
    return url


def match(app, url: str, method: str):
    """(endpoint, rule) that `url` reaches with `method`, or (None, None)."""
    adapter = app.url_map.bind("localhost")
    try:
        rule, _args = adapter.match(urlsplit(url).path, method=method, return_rule=True)
    except (HTTPException, RequestRedirect):
        return None, None
    return rule.endpoint, rule


@dataclass
class Crawl:
    """Which persona opens which GET route, and where each form posts (by endpoint)."""

    #: endpoint -> [(persona, rule, labels)] that answered 200
    opens: dict = field(default_factory=dict)
    #: endpoint a form submits to -> [(persona, page rule, labels, method)]
    forms: dict = field(default_factory=dict)


def crawl(app, world: World, clients: dict, login) -> Crawl:
    """Open every GET route as every persona (`login(persona)` again when logged out)."""
    found = Crawl()
    for persona in PERSONAS:
        login(persona)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        refused = set()  # personas refused the first URL of this rule: not asked again
        for n, labels in enumerate(label_choices(rule, world) if rule.arguments else [{}]):
            url = url_for_labels(rule, world, labels)
            for persona in ("anonymous",) if rule.endpoint in LOGIN_PAGES else PERSONAS:
                if persona in refused:
                    continue
                response = clients[persona].get(url)
                if persona == "anonymous" or "/login" in (response.location or ""):
                    login(persona)
                if response.status_code != 200:
                    if n == 0 and response.status_code in (302, 401, 403):
                        refused.add(persona)
                    continue
                found.opens.setdefault(rule.endpoint, []).append((persona, rule, labels))
                if response.mimetype != "text/html":
                    continue
                for form in parse_forms(response.get_data(as_text=True), url):
                    endpoint, _rule = match(app, form.action, form.method.upper())
                    if endpoint:
                        found.forms.setdefault((endpoint, form.method), []).append(
                            (persona, rule, labels)
                        )
    return found
