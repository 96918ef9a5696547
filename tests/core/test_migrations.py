"""`flask db upgrade` on an empty database gives exactly the models' schema."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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
