"""Exactly one scheduler acts at a time.

PostgreSQL: a session-level advisory lock, held by a dedicated connection for as long
as the process lives; the server releases it the moment that process dies.
SQLite: a lease row with an expiry, renewed while the holder lives; another process
takes it over once it has expired.
"""

import logging
import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import text

from civic_app.extensions import db
from civic_app.scheduler.models import SchedulerLease

log = logging.getLogger(__name__)
#: Arbitrary but fixed: the advisory lock id of "the civic_app scheduler".
ADVISORY_KEY = 720_451_337
LEASE_NAME = "scheduler"


def instance_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class PostgresLease:
    def __init__(self, engine, holder: str):
        self.engine, self.holder = engine, holder
        self.connection = None

    def try_acquire(self, now: datetime) -> bool:
        if self.connection is None:
            self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = self.connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        ).scalar()
        return bool(got)

    def renew(self, now: datetime) -> bool:
        """Still ours while our connection lives."""
        try:
            self.connection.execute(text("SELECT 1"))
        except Exception:
            log.exception("lost the scheduler's database connection")
            return False
        return True

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY}
                )
            finally:
                self.connection.close()
                self.connection = None

    @staticmethod
    def current_holder() -> str | None:
        """The backend that holds the lock (its application name or pid), if any."""
        row = db.session.execute(
            text(
                "SELECT a.application_name, a.pid FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.objid = :key AND l.granted"
            ),
            {"key": ADVISORY_KEY},
        ).first()
        return (row[0] or f"pid {row[1]}") if row else None


class RowLease:
    def __init__(self, holder: str, ttl: timedelta):
        self.holder, self.ttl = holder, ttl

    def try_acquire(self, now: datetime) -> bool:
        lease = db.session.get(SchedulerLease, LEASE_NAME)
        if lease is None:
            db.session.add(
                SchedulerLease(
                    name=LEASE_NAME, holder=self.holder, expires_at=now + self.ttl, acquired_at=now
                )
            )
        elif lease.holder == self.holder or lease.expires_at <= now:
            if lease.holder != self.holder:
                log.warning("taking over the scheduler lease from %s", lease.holder)
                lease.acquired_at = now
            lease.holder, lease.expires_at = self.holder, now + self.ttl
        else:
            db.session.rollback()
            return False
        try:
            db.session.commit()
        except Exception:
            db.session.rollback()
            return False
        return True

    def renew(self, now: datetime) -> bool:
        return self.try_acquire(now)

    def release(self) -> None:
        lease = db.session.get(SchedulerLease, LEASE_NAME)
        if lease is not None and lease.holder == self.holder:
            db.session.delete(lease)
            db.session.commit()

    @staticmethod
    def current_holder(now: datetime) -> str | None:
        lease = db.session.get(SchedulerLease, LEASE_NAME)
        return lease.holder if lease is not None and lease.expires_at > now else None


def make_lease(holder: str, ttl: timedelta):
    if db.engine.dialect.name == "postgresql":
        return PostgresLease(db.engine, holder)
    return RowLease(holder, ttl)
