"""Test fixtures: one app per run, a rolled-back transaction per test, factories.

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points
at one (its database name must start with "test": the schema is dropped).
"""

import contextvars
import os
import re
import uuid
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine
from sqlalchemy import text as sql_text
from twilio.request_validator import RequestValidator

from civic_app import create_app
from civic_app.core import redis_health
from civic_app.core.accounts import User
from civic_app.core.clock import FrozenClock, SystemClock
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role
from civic_app.extensions import db as _db
from civic_app.extensions import limiter
from civic_app.people.operations import set_password
from civic_app.projects.models import (
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    ProjectStatus,
    Sector,
    Venue,
)
from config import TestingConfig

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def required_service(name: str, url: str, probe) -> str:
    """`url` if `probe()` reaches the service; otherwise the test is skipped on a laptop
    without it and fails in CI (where every service the tests need must be there)."""
    try:
        probe()
    except Exception as exc:
        message = f"{name} is not reachable at {url}: {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return url


def reachable_redis(url: str) -> str:
    import redis

    return required_service(
        "Redis", url, lambda: redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    )


DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def reset_database(engine) -> None:
    """Empty the test database so that migrations build it from nothing."""
    if engine.dialect.name == "postgresql":
        name = engine.url.database or ""
        if not name.startswith("test"):
            raise RuntimeError(
                f"refusing to wipe database {name!r}: test databases start with 'test'"
            )
        with engine.begin() as conn:
            conn.execute(sql_text("DROP SCHEMA public CASCADE"))
            conn.execute(sql_text("CREATE SCHEMA public"))
    else:
        engine.dispose()
        path = engine.url.database
        if path and path != ":memory:":
            for suffix in ("", "-wal", "-shm"):  # the write-ahead log goes with its file
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)


@pytest.fixture(scope="session")
def app():
    app = create_app(TestingConfig)
    with app.app_context():
        reset_database(_db.engine)
        upgrade()
        _db.engine.dispose()
    return app


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session, bound to the test's connection."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return self.bind


@pytest.fixture(autouse=True)
def db(app):
    """The database, inside a transaction that is rolled back after the test.

    Commits in views and operations release savepoints of that transaction.
    """
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "class_": BoundSession,
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
            }
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


#: The brand the brand tests configure (tests/*/test_brand*.py): every name differs
#: from today's, and the SMS signature from the programme's name.
BRAND = {
    "BRAND_NAME": "Comuni Insieme",
    "BRAND_NETWORK": "Rete Accoglienza Solidale",
    "SMS_BRAND": "ComuniInsieme",
    "BRAND_COLOR": "#1d4e89",
}


def app_with(app, **settings):
    """An app built by the factory from TestingConfig and `settings`, on `app`'s database."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    config = type("Configured", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": uri} | settings)
    built = create_app(config)
    built.test_client_class = CivicClient
    return built


@pytest.fixture(scope="session")
def branded_app(app):
    """The app with BRAND configured (the test's data is visible to it, as to `app`)."""
    return app_with(app, **BRAND)


def client_of(app):
    """A test client of `app`; `client.log_in(user)` as `login_as` does."""
    client = app.test_client()

    def log_in(user: User) -> User:
        with app.test_request_context(environ_base=client.environ_base):
            identifier = _create_identifier()
        with client.session_transaction() as session:
            session.update({"_user_id": user.get_id(), "_fresh": True, "_id": identifier})
        return user

    client.log_in = log_in
    return client


@pytest.fixture
def branded_client(branded_app):
    """A client of `branded_app` (with `log_in(user)`)."""
    return client_of(branded_app)


@pytest.fixture
def own_session(db):
    """For tests that build an app of their own: a session not bound to the test transaction."""
    bound = _db.session
    _db.session = _db._make_scoped_session({})
    yield
    _db.session.remove()
    _db.session = bound


@pytest.fixture(autouse=True)
def _fresh_state(app):
    """Rate-limit counters, the fake gateway and the clock start clean in every test."""
    limiter.reset()
    redis_health.reset()
    app.extensions.pop("civic_sms_limits", None)
    app.extensions.pop("civic_public_pages", None)
    gateway = app.extensions["civic_sms_gateway"]
    gateway.reset()
    yield
    app.extensions["civic_clock"] = SystemClock()


@pytest.fixture(autouse=True)
def _no_real_twilio(monkeypatch):
    """Fail any test whose code would reach Twilio's servers (loopback mocks are fine)."""
    from twilio.http.http_client import TwilioHttpClient

    real_request = TwilioHttpClient.request

    def guarded(self, method, url, *args, **kwargs):
        host = urlsplit(url).hostname or ""
        if host not in {"127.0.0.1", "localhost", "::1"}:
            pytest.fail(f"a test tried to reach the real Twilio API: {method} {host}")
        return real_request(self, method, url, *args, **kwargs)

    monkeypatch.setattr(TwilioHttpClient, "request", guarded)


@pytest.fixture
def clock(app):
    """A frozen clock, set to a Wednesday morning in Rome; `clock.advance(minutes=5)`."""
    frozen = FrozenClock(datetime(2026, 3, 4, 9, 0, tzinfo=UTC))
    app.extensions["civic_clock"] = frozen
    return frozen


@pytest.fixture
def gateway(app):
    """The fake SMS gateway: `.sent` lists (to, body, sid); `.fail_next(...)`."""
    return app.extensions["civic_sms_gateway"]


@pytest.fixture
def deliver(app, gateway, clock):
    """Run the dispatcher once, as the scheduler does every few seconds: what is due now
    leaves the outbox (a question is asked only once it reached the phone)."""
    from civic_app.sms.dispatcher import dispatch_due

    def run() -> int:
        with app.app_context():
            return dispatch_due(gateway, clock.now())

    return run


class CivicClient(FlaskClient):
    def open(self, *args, **kwargs):
        # Each request gets its own app context, as on a server: nothing in `g` or in the
        # database session carries over from the test body or from the previous request.
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # What the test holds is re-read after the request, as a new page view would.
        if has_app_context():
            _db.session.expire_all()
        return response

    def csrf_token(self) -> str:
        page = self.get("/login").get_data(as_text=True)
        return CSRF_META.search(page).group(1)

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        """POST a form the way a browser does, with the page's CSRF token."""
        data = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = CivicClient
    return app.test_client()


@pytest.fixture
def create_municipality(db):
    counter = iter(range(1, 10_000))

    def make(**kw) -> Municipality:
        n = next(counter)
        values = {"slug": f"comune-{n}", "name": f"Comune {n}", "region": "Lazio"} | kw
        municipality = Municipality(**values)
        db.session.add(municipality)
        db.session.commit()
        return municipality

    return make


@pytest.fixture
def municipality(create_municipality):
    return create_municipality(slug="roma", name="Roma")


@pytest.fixture
def other_municipality(create_municipality):
    return create_municipality(slug="milano", name="Milano", region="Lombardia")


PASSWORD = "correct horse battery staple"


@pytest.fixture
def create_user(db, municipality):
    counter = iter(range(1, 10_000))

    def make(role: Role = Role.PARTICIPANT, **kw) -> User:
        n = next(counter)
        values = {
            "role": role,
            "first_name": f"Nome{n}",
            "last_name": f"Cognome{n}",
            "municipality": None if role == Role.COORDINATOR else municipality,
            "preferred_language": "it",
        }
        if role == Role.PARTICIPANT:
            values["phone"] = f"+39347{n:07d}"
        else:
            values["email"] = f"{role.value}{n}@example.org"
        values |= kw
        password = values.pop("password", PASSWORD)
        user = User(**values)
        if user.email:
            set_password(user, password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def create_participant(create_user):
    return lambda **kw: create_user(Role.PARTICIPANT, **kw)


@pytest.fixture
def staff(create_user):
    return create_user(Role.STAFF)


@pytest.fixture
def login_as(client, app):
    """Log `user` in on the test client, as a real login would leave the session."""

    def login(user: User) -> User:
        with app.test_request_context(environ_base=client.environ_base):
            identifier = _create_identifier()
        with client.session_transaction() as session:
            session.clear()
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["_id"] = identifier
        return user

    return login


@pytest.fixture(scope="session")
def postgres_url():
    """A reachable PostgreSQL server: the suite's own, or the local one.

    Without one the test is skipped on a laptop and fails in CI.
    """
    url = os.environ.get("DATABASE_URL") or os.environ.get("TEST_POSTGRES_URL")
    url = url if url and url.startswith("postgres") else DEFAULT_POSTGRES_URL
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)

    def probe():
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(sql_text("SELECT 1"))
        engine.dispose()

    return required_service("PostgreSQL", url, probe)


@pytest.fixture
def empty_postgresql(postgres_url):
    """The URL of a brand-new database on the PostgreSQL server, dropped afterwards."""
    name = f"test_fresh_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sql_text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sql_text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def real_database(request, tmp_path, own_session):
    """A brand-new database of each kind (a file on SQLite), for a test that builds its
    own app or starts processes on it."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'real.db'}"
    return request.getfixturevalue("empty_postgresql")


@pytest.fixture
def project(db, municipality):
    project = Project(
        municipality_id=municipality.id,
        title="Cura del parco",
        description="Puliamo il parco.",
        sector=Sector.GREEN,
        status=ProjectStatus.PUBLISHED,
        capacity=2,
        start_date=date(2026, 3, 1),
        end_date=date(2026, 6, 30),
        translations={"fr": {"title": "Soin du parc", "description": "On nettoie."}},
    )
    db.session.add(project)
    db.session.commit()
    return project


@pytest.fixture
def enrol(db):
    def make(project, participant, status=EnrolmentStatus.APPLIED, at=None) -> Enrolment:
        enrolment = Enrolment(
            project_id=project.id,
            participant_id=participant.id,
            municipality_id=project.municipality_id,
            status=status,
            requested_at=at or datetime(2026, 2, 1, tzinfo=UTC),
        )
        db.session.add(enrolment)
        db.session.commit()
        return enrolment

    return make


@pytest.fixture
def create_venue(db, municipality):
    def make(**kw) -> Venue:
        values = {"name": "Parco", "address": "Via Roma 1", "municipality_id": municipality.id}
        venue = Venue(**(values | kw))
        db.session.add(venue)
        db.session.commit()
        return venue

    return make


@pytest.fixture
def create_project(db, municipality):
    def make(**kw) -> Project:
        values = {
            "municipality_id": municipality.id,
            "title": "Cura del parco",
            "description": "Puliamo il parco insieme.",
            "sector": Sector.GREEN,
            "status": ProjectStatus.PUBLISHED,
            "capacity": 10,
            "min_age": 18,
            "languages": ",it,",
            "address": "Via del Parco 2",
            "start_date": date(2026, 3, 1),
            "end_date": date(2026, 6, 30),
            "translations": {},
        }
        project = Project(**(values | kw))
        db.session.add(project)
        db.session.commit()
        return project

    return make


TOKEN = "test-auth-token"
PUBLIC = "https://civic.example.org"


@pytest.fixture
def twilio_app(app, monkeypatch):
    monkeypatch.setitem(app.config, "TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    return app


@pytest.fixture
def twilio_post(client, twilio_app):
    """POST as Twilio does: form fields signed with the auth token on the public URL."""

    def post(path: str, params: dict, *, signature: str | None = None, url: str | None = None):
        signed = RequestValidator(TOKEN).compute_signature(url or PUBLIC + path, params)
        headers = {"X-Twilio-Signature": signature if signature is not None else signed}
        return client.post(path, data=params, headers=headers)

    return post


@pytest.fixture
def text(twilio_post):
    """A phone texts the app; returns the response."""
    counter = iter(range(1, 100_000))

    def send(phone: str, body: str, sid: str | None = None):
        return twilio_post(
            "/sms/inbound",
            {"From": phone, "To": "+15005550006", "Body": body,
             "MessageSid": sid or f"SM{next(counter):032d}"},
        )  # fmt: skip

    return send


@pytest.fixture
def add_session(db):
    def make(project, starts_at, hours=3, **kw):
        from datetime import timedelta

        from civic_app.core.timeutil import to_local

        with db.session.no_autoflush:
            session = ProjectSession(
                project_id=project.id,
                municipality_id=project.municipality_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                local_weekday=to_local(starts_at).weekday(),
                **kw,
            )
        db.session.add(session)
        db.session.commit()
        return session

    return make


@pytest.fixture
def count_queries(client, db):
    """GET `url` (must answer 200) and return how many SQL statements it ran."""
    from sqlalchemy import event

    def count(url: str) -> int:
        statements = []

        def listen(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        return len(statements)

    return count


@pytest.fixture
def statements(db):
    """`with statements() as seen:` collects the SQL run inside the block.

    Savepoints are left out: the test's own transaction makes them, a server would not.
    """

    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def collect():
        seen: list[str] = []

        def listen(_conn, _cursor, statement, *_args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            yield seen
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)

    return collect
