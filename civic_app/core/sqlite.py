"""SQLite transactions: readers in parallel, writers one after the other, waiting.

pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; the SQLAlchemy
recipe is to turn it off and emit BEGIN ourselves, which this does, and enforces foreign
keys.

The journal is a write-ahead log with `synchronous=NORMAL`: a commit appends to the log
instead of rewriting the database and its rollback journal with two fsyncs, and a reader
never waits for the writer. A commit survives the process being killed; only a power cut
can lose the last commits before a checkpoint (never corrupt the file).

Which BEGIN:
- A GET or HEAD request begins DEFERRED: a read transaction on its own snapshot, which
  takes no lock, so any number of pages read at once (and alongside a writer). When such
  a request first writes (a session's audit row, a page's "seen" mark: INSERT, UPDATE,
  DELETE, a SAVEPOINT, anything that is not a read), its read-only transaction is ended
  and a BEGIN IMMEDIATE taken before that statement. Upgrading the deferred transaction
  in place would fail at once with SQLITE_BUSY(_SNAPSHOT), no busy wait, whenever another
  connection committed since it read; a new IMMEDIATE one waits its turn (busy_timeout)
  and sees the latest data. The request's reads before it are then from a slightly older
  snapshot than its writes, as with PostgreSQL's default READ COMMITTED.
- Everything else (POST and the other methods, jobs, commands, work after the response)
  begins IMMEDIATE: a transaction that read first and writes later would otherwise hit
  the same SQLITE_BUSY when another connection writes, which the threaded embedded server
  does all the time. Taking the write lock up front makes them wait for each other.
"""

import re

from flask import has_request_context, request
from sqlalchemy import event

#: Statements that only read; any other one in a deferred transaction takes the lock first.
_READ = re.compile(r"\s*(SELECT|PRAGMA|EXPLAIN|VALUES)\b", re.IGNORECASE)
_WITH = re.compile(r"\s*WITH\b", re.IGNORECASE)
_WRITE_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
READ_METHODS = frozenset({"GET", "HEAD"})
DEFERRED = "civic_sqlite_deferred"


def is_read(statement: str) -> bool:
    if _READ.match(statement):
        return True
    return bool(_WITH.match(statement)) and not _WRITE_WORD.search(statement)


def _reading_request() -> bool:
    return has_request_context() and request.method in READ_METHODS


def sqlite_transactions(engine) -> None:
    """Set up `engine`'s connections and transactions as the module says."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file; "memory" in memory
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        deferred = _reading_request()
        conn.info[DEFERRED] = False  # the BEGIN itself is no write
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")
        conn.info[DEFERRED] = deferred

    @event.listens_for(engine, "before_cursor_execute")
    def before_write(conn, cursor, statement, _parameters, _context, _executemany):
        if not conn.info.get(DEFERRED) or is_read(statement):
            return
        conn.info[DEFERRED] = False
        # Nothing written yet: ending the read transaction loses nothing.
        dbapi_connection = cursor.connection
        if dbapi_connection.in_transaction:
            dbapi_connection.execute("COMMIT")
        dbapi_connection.execute("BEGIN IMMEDIATE")
