"""`flask db upgrade` on an empty database gives exactly the models' schema."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from civic_app import create_app
from civic_app.extensions import db
from config import TestingConfig


def schema_diff(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def app_on(url):
    return create_app(type("MigrationTest", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))


@pytest.fixture
def empty_sqlite(tmp_path):
    return f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
def empty_postgresql(postgres_url):
    """A brand-new database on the PostgreSQL server, dropped afterwards."""
    name = f"test_migrations_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request):
    return request.getfixturevalue(f"empty_{request.param}")


def test_upgrade_on_an_empty_database_matches_the_models(empty_database, own_session):
    app = app_on(empty_database)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
    assert {"municipality", "user", "login_code", "message", "audit_event"} <= tables
    assert schema_diff(app) == []
    with app.app_context():
        db.engine.dispose()


def test_downgrade_to_nothing_and_back(empty_database, own_session):
    app = app_on(empty_database)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
    assert schema_diff(app) == []
    with app.app_context():
        db.engine.dispose()
