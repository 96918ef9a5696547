"""Migration 0018 fills the summary from the raw rows already there (on SQLite and
PostgreSQL), in the right local month either side of midnight and of the DST changes."""

from flask_migrate import downgrade, upgrade

from civic_app.attendance.models import Attendance, AttendanceMonth
from civic_app.core.network import ensure_network
from civic_app.extensions import db
from civic_app.seeding.demo_history import seed_demo_history
from civic_app.seeding.demo_people import seed_demo
from tests.attendance.test_monthly_summary import BOUNDARIES, oracle, table, utc
from tests.core.test_migrations import app_on


def test_the_migration_fills_the_summary_from_the_raw_rows(real_database):
    app = app_on(real_database)
    with app.app_context():
        upgrade()
        seed_demo("demo-password-1")
        seed_demo_history(ensure_network(), utc(2026, 11, 20, 9))
        # Some marks moved to either side of a month's first midnight, local time.
        ids = db.session.scalars(db.select(Attendance.id).order_by(Attendance.id).limit(6))
        for attendance_id, moment in zip(list(ids), BOUNDARIES, strict=True):
            db.session.execute(
                db.update(Attendance)
                .where(Attendance.id == attendance_id)
                .values(session_starts_at=moment)
            )
        db.session.commit()
        downgrade(revision="0017_channels")
        upgrade()
        expected = oracle(db)
        assert len(expected) > 50
        assert table(db) == expected
        assert {"2025-08", "2025-09", "2025-10", "2025-11", "2026-02", "2026-03"} <= {
            key[3] for key in expected
        }
        db.session.execute(db.delete(AttendanceMonth))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
