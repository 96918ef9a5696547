"""Backups that restore (`flask backup create|restore`), on SQLite and on PostgreSQL.

The drill: seed the demo, back up while another thread keeps writing (a message recorded
and an attendance row corrected per transaction, as the site does), restore into a fresh
database, check that `flask db upgrade` has nothing to do, and that the restored tables
are exactly the source at one moment between the backup's start and end."""

import json
import threading
import uuid
from decimal import Decimal

import pytest
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from civic_app import create_app
from civic_app.attendance.models import Attendance
from civic_app.core.backup import (
    BackupError,
    Inventory,
    create_backup,
    inventory,
    manifest_of,
    restore_backup,
)
from civic_app.extensions import db
from civic_app.sms.models import Direction, Message, Status
from config import TestingConfig

WRITES_AROUND = 15  # transactions committed before the backup starts and after it ends


def app_on(url):
    config = type("BackupDrill", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url})
    return create_app(config)


class Databases:
    """Empty databases of one kind, made on demand and dropped at the end."""

    def __init__(self, kind, tmp_path, postgres_url=None):
        self.kind, self.tmp_path, self.postgres_url, self.made = kind, tmp_path, postgres_url, []

    def new(self) -> str:
        name = f"test_backup_{uuid.uuid4().hex[:10]}"
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp_path / (name + '.db')}"
        admin = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sql_text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    def drop(self):
        if not self.made:
            return
        admin = create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in self.made:
                conn.execute(sql_text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def databases(request, tmp_path, own_session):
    url = request.getfixturevalue("postgres_url") if request.param == "postgresql" else None
    made = Databases(request.param, tmp_path, url)
    yield made
    made.drop()


@pytest.fixture
def sqlite_databases(tmp_path, own_session):
    return Databases("sqlite", tmp_path)


def seeded(url):
    """A migrated database with the demo data; returns its app."""
    app = app_on(url)
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["seed", "demo"])
        assert result.exit_code == 0, result.output
        db.engine.dispose()
    return app


def revision(app):
    with app.app_context(), db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def hours_after(writes: int, row: int, rows: int, original: Decimal) -> Decimal:
    """What the writer below leaves in attendance row number `row` after `writes`."""
    last = max((i for i in range(writes) if i % rows == row), default=None)
    return original if last is None else Decimal(last % 40) + Decimal("0.25")


class Writer(threading.Thread):
    """Commits transactions one after the other, each recording a message numbered i and
    correcting the hours of one attendance row, until stopped."""

    def __init__(self, app, attendance_ids):
        super().__init__(daemon=True)
        self.app, self.ids, self.done, self.error = app, attendance_ids, 0, None
        self.stop = threading.Event()

    def run(self):
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    i = self.done
                    with Session(db.engine) as session:
                        session.add(
                            Message(direction=Direction.OUT, phone="+393470009999",
                                    body=f"drill {i}", kind="drill", status=Status.SENT)
                        )  # fmt: skip
                        row = session.get(Attendance, self.ids[i % len(self.ids)])
                        row.hours = Decimal(i % 40) + Decimal("0.25")
                        session.commit()
                    self.done = i + 1
                db.engine.dispose()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.error = error

    def wait_for(self, count: int):
        while self.done < count and self.error is None and self.is_alive():
            self.stop.wait(0.01)
        assert self.error is None, self.error
        assert self.done >= count, "the writer stopped"


def test_a_backup_taken_while_the_site_writes_restores_exactly(databases, tmp_path):
    source = seeded(databases.new())
    with source.app_context():
        ids = db.session.scalars(select(Attendance.id).order_by(Attendance.id).limit(7)).all()
        original = {
            n: db.session.get(Attendance, i).hours for n, i in enumerate(ids)
        }  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    assert len(ids) == 7
    writer = Writer(source, ids)
    writer.start()
    path = tmp_path / "drill.backup"
    try:
        writer.wait_for(WRITES_AROUND)
        before = writer.done
        with source.app_context():
            result = source.test_cli_runner().invoke(args=["backup", "create", str(path)])
        after = writer.done
        writer.wait_for(after + WRITES_AROUND)
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert "Done in" in result.output and manifest_of(path).is_file()
    manifest = json.loads(manifest_of(path).read_text())

    target_url = databases.new()
    restored = app_on(target_url)
    with source.app_context():
        restore = source.test_cli_runner().invoke(
            args=["backup", "restore", str(path), "--to", target_url]
        )  # fmt: skip
    assert restore.exit_code == 0, restore.output
    assert "as in the manifest" in restore.output

    # `flask db upgrade` on the restored database has nothing to do.
    head = revision(restored)
    assert head == manifest["revision"] is not None
    with restored.app_context():
        upgrade()
        with db.engine.connect() as conn:
            after_upgrade = inventory(conn)
        db.engine.dispose()
    assert revision(restored) == head
    assert after_upgrade.tables == manifest["tables"]
    assert after_upgrade.checksums == manifest["checksums"]

    # The restored database is the source at one moment between the backup's start and end:
    # k writes in, with every attendance row as the writer left it after exactly k writes.
    with restored.app_context():
        k = db.session.scalar(select(func.count()).where(Message.kind == "drill"))
        last_id = db.session.scalar(select(func.max(Message.id)))
        hours = {n: db.session.get(Attendance, i).hours for n, i in enumerate(ids)}
        db.session.remove()
        db.engine.dispose()
    assert before <= k <= after
    assert hours == {n: hours_after(k, n, len(ids), original[n]) for n in range(len(ids))}
    with source.app_context():
        total = db.session.scalar(select(func.count()).where(Message.kind == "drill"))
        db.session.remove()
        db.engine.dispose()
    assert total >= k + WRITES_AROUND  # the source went on after the backup
    # and the messages restored are exactly the source's up to the last one backed up
    engine = create_engine(source.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as conn:
        conn.execute(sql_text(f"DELETE FROM message WHERE id > {int(last_id)}"))  # noqa: S608
        assert inventory(conn).checksums["message"] == manifest["checksums"]["message"]
        conn.rollback()
    engine.dispose()


def test_a_restore_never_overwrites_a_database_in_use(sqlite_databases, tmp_path):
    source = seeded(sqlite_databases.new())
    path = tmp_path / "one.backup"
    with source.app_context():
        create_backup(source.config["SQLALCHEMY_DATABASE_URI"], path)
        result = source.test_cli_runner().invoke(args=["backup", "restore", str(path)])
        with db.engine.connect() as conn:
            still = inventory(conn)
        db.engine.dispose()
    assert result.exit_code == 1
    assert "already has" in result.output and "empty database only" in result.output
    assert still.tables == json.loads(manifest_of(path).read_text())["tables"]


def test_bad_backups_and_targets_are_clear_messages(sqlite_databases, tmp_path):
    source = seeded(sqlite_databases.new())
    url = source.config["SQLALCHEMY_DATABASE_URI"]
    path = tmp_path / "one.backup"
    create_backup(url, path)
    cli = source.test_cli_runner()

    def restore(*args):
        with source.app_context():
            return cli.invoke(args=["backup", "restore", *map(str, args)])

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("not a database")
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(path.read_bytes()[:-4096])
    manifest_of(damaged).write_text(manifest_of(path).read_text())
    for args, said in [
        ((tmp_path / "missing.backup", "--to", sqlite_databases.new()), "No backup at"),
        ((not_a_backup, "--to", sqlite_databases.new()), "is not a civic_app backup"),
        ((damaged, "--to", sqlite_databases.new()), "not the file its manifest describes"),
        ((path, "--to", "postgresql://postgres@127.0.0.1:5432/test_x"), "restores into SQLite"),
        ((path, "--to", "not a url"), "Not a database URL"),
    ]:
        result = restore(*args)
        assert result.exit_code == 1, result.output
        assert said in result.output and "Traceback" not in result.output
    with source.app_context():
        again = cli.invoke(args=["backup", "create", str(path)])
        elsewhere = cli.invoke(args=["backup", "create", str(tmp_path / "no" / "such.backup")])
        db.engine.dispose()
    assert again.exit_code == 1 and "already exists" in again.output
    assert elsewhere.exit_code == 1 and "does not exist" in elsewhere.output
    assert sorted(p.name for p in tmp_path.glob("*.partial")) == []


def test_a_restore_that_differs_from_its_manifest_says_where():
    backed_up = Inventory({"message": 3, "user": 2}, {"message": "a"}, "0013")
    restored = Inventory({"message": 2, "user": 2}, {"message": "b"}, "0013")
    assert backed_up.differences(restored) == [
        "message: 3 rows in the backup, 2 restored",
        "message: the checksum of its rows differs",
    ]
    assert backed_up.differences(backed_up) == []


@pytest.mark.postgres
def test_postgresql_messages_never_show_the_password(postgres_url, own_session, tmp_path):
    databases = Databases("postgresql", tmp_path, postgres_url)
    try:
        source = databases.new()
        app = app_on(source)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        path = tmp_path / "pg.backup"
        create_backup(source, path)
        missing = create_engine(postgres_url).url.set(
            password="s3cret-word", database="test_backup_not_there"
        ).render_as_string(hide_password=False)  # fmt: skip
        with pytest.raises(BackupError) as raised:
            restore_backup(path, missing)
        assert "create the empty database first" in str(raised.value)
        assert "s3cret-word" not in str(raised.value)
    finally:
        databases.drop()
