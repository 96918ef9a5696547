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


def app_on_file(path, **settings):
    settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    config = type("Parallel", (TestingConfig,), settings)
    app = create_app(config)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE row (n INTEGER)"))
    return app


def test_pages_read_at_once_in_their_own_read_transactions(tmp_path, own_session):
    app = app_on_file(tmp_path / "r.db")
    both_reading = threading.Barrier(3, timeout=5)  # the two pages and the test
    written = threading.Event()

    @app.route("/_test/read")
    def read():
        db.session.execute(text("SELECT count(*) FROM row")).scalar()
        # Both pages are inside their transactions here at the same time: with BEGIN
        # IMMEDIATE the second would wait for the first's lock, and the barrier break.
        both_reading.wait()
        assert written.wait(5)  # nor is a writer kept waiting by them
        # Still the snapshot each page began with.
        return str(db.session.execute(text("SELECT count(*) FROM row")).scalar())

    answers = []

    def page():
        response = app.test_client().get("/_test/read")
        answers.append((response.status_code, response.get_data(as_text=True)))

    threads = [threading.Thread(target=page) for _ in range(2)]
    for thread in threads:
        thread.start()
    both_reading.wait()
    with app.app_context():
        with db.engine.begin() as conn:  # a job writing while both pages read
            conn.execute(text("INSERT INTO row VALUES (1)"))
        written.set()
        for thread in threads:
            thread.join(10)
        db.engine.dispose()
    assert answers == [(200, "0"), (200, "0")]


def test_a_page_that_writes_after_reading_succeeds_when_another_wrote_meanwhile(
    tmp_path, own_session
):
    app = app_on_file(tmp_path / "w.db")
    read, written = threading.Event(), threading.Event()

    @app.route("/_test/read-then-write")
    def read_then_write():
        db.session.execute(text("SELECT count(*) FROM row")).scalar()  # a snapshot
        read.set()
        assert written.wait(5)
        # Upgrading the read transaction in place would fail at once (SQLITE_BUSY_SNAPSHOT).
        db.session.execute(text("INSERT INTO row VALUES (2)"))  # an audit row, say
        db.session.commit()
        return "ok"

    answers = []
    thread = threading.Thread(
        target=lambda: answers.append(app.test_client().get("/_test/read-then-write"))
    )
    thread.start()
    with app.app_context():
        assert read.wait(5)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO row VALUES (1)"))
        written.set()
        thread.join(10)
        with db.engine.connect() as conn:
            assert sorted(conn.execute(text("SELECT n FROM row")).scalars()) == [1, 2]
        db.engine.dispose()
    assert answers[0].status_code == 200


def test_writes_still_wait_for_each_other(tmp_path, own_session):
    app = app_on_file(tmp_path / "s.db", WTF_CSRF_ENABLED=False)
    first_holds, second_started, second_done = (threading.Event() for _ in range(3))
    seen_by_first = []

    @app.route("/_test/write/<int:n>", methods=["POST"])
    def write(n):
        db.session.execute(text("INSERT INTO row VALUES (:n)"), {"n": n})
        if n == 1:
            first_holds.set()
            assert second_started.wait(5)
            # The second POST cannot get past its BEGIN IMMEDIATE while this one holds
            # the write lock.
            seen_by_first.append(second_done.wait(0.3))
        db.session.commit()
        return "ok"

    def post(n, before=None, after=None):
        if before:
            before.set()
        app.test_client().post(f"/_test/write/{n}")
        if after:
            after.set()

    first = threading.Thread(target=post, args=(1,))
    first.start()
    assert first_holds.wait(5)
    second = threading.Thread(target=post, args=(2, second_started, second_done))
    second.start()
    first.join(10)
    second.join(10)
    assert seen_by_first == [False] and second_done.is_set()
    with app.app_context():
        with db.engine.connect() as conn:
            assert list(conn.execute(text("SELECT n FROM row ORDER BY rowid")).scalars()) == [1, 2]
        db.engine.dispose()


def test_what_counts_as_a_write():
    from civic_app.core.sqlite import is_read

    assert is_read("SELECT 1") and is_read("  with x as (select 1) select * from x")
    assert not is_read("INSERT INTO row VALUES (1)")
    assert not is_read("UPDATE row SET n = 1") and not is_read("DELETE FROM row")
    assert not is_read("SAVEPOINT sa_savepoint_1")
    assert not is_read("WITH x AS (SELECT 1) INSERT INTO row SELECT * FROM x")
