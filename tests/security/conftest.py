import re

import pytest

from civic_app.extensions import db as _db
from civic_app.sms.models import Message
from tests.conftest import PASSWORD, CivicClient
from tests.security.world import shared_world, world_savepoint


@pytest.fixture(scope="module")
def shared(app):
    """The security world (tests/security/world.py), built once per module that asks."""
    with shared_world(app, _db) as built:
        yield built


@pytest.fixture
def world_db(app, shared):
    """A savepoint in the transaction holding the world; modules that build on the world
    make it their `db`."""
    with world_savepoint(app, _db, shared[0]) as database:
        yield database


@pytest.fixture
def new_client(app):
    """Another browser (or device): its own cookies."""

    def make() -> CivicClient:
        app.test_client_class = CivicClient
        return app.test_client()

    return make


def log_in(client, user, password=PASSWORD):
    """Log in through the login page, as a person would."""
    return client.post_form("/login", {"email": user.email, "password": password})


def log_in_by_sms(client, db, participant):
    client.post_form("/login/phone", {"phone": participant.phone})
    message = db.session.scalar(
        db.select(Message).where(Message.phone == participant.phone).order_by(Message.id.desc())
    )
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    return client.post_form("/login/code", {"code": code})


def is_logged_in(client) -> bool:
    """Whether the client's cookie still logs someone in (the page offers to log out)."""
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return 'action="/logout"' in page
