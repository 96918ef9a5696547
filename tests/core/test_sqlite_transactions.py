"""SQLite in the embedded server: threads wait for each other's writes instead of failing.

Found by the browser journey: a login code sent after the response (another thread)
while the next page read, then wrote its audit row, answered 503 "database is locked".
"""

import threading

from sqlalchemy import text

from civic_app import create_app
from civic_app.extensions import db
from config import TestingConfig


def test_a_page_that_reads_then_writes_waits_for_another_writer(tmp_path, own_session):
    config = type(
        "Locking", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'l.db'}"}
    )
    app = create_app(config)
    with app.app_context():
        engine = db.engine
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE row (n INTEGER)"))
        writing, release = threading.Event(), threading.Event()

        def other_thread():
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO row VALUES (1)"))
                writing.set()
                release.wait(0.5)  # still holding its write lock a moment

        thread = threading.Thread(target=other_thread)
        thread.start()
        assert writing.wait(5)
        with engine.begin() as conn:  # the page: reads first, then writes
            conn.execute(text("SELECT count(*) FROM row")).scalar()
            conn.execute(text("INSERT INTO row VALUES (2)"))
        thread.join()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM row")).scalar() == 2
        engine.dispose()
