"""Reserving outbox rows: a dispatcher leases a batch of due rows before sending them.

On PostgreSQL several dispatchers take disjoint batches (`FOR UPDATE SKIP LOCKED`); a
reservation that outlives its dispatcher lapses with its lease, and the rows go out
with the next batch (see `dispatcher`)."""

import time
from datetime import datetime, timedelta

from sqlalchemy import update

from civic_app.core.models import Municipality
from civic_app.extensions import db
from civic_app.sms.models import Direction, Message, Status
from civic_app.sms.quiet import not_before

#: A batch is reserved for this long, and the reservation is renewed while it is sent.
CLAIM_SECONDS = 4.0
RENEW_EVERY_SECONDS = 1.0


def _claim(message_id: int, now: datetime) -> bool:
    """Move one row from queued to sending; False when another dispatcher has it."""
    result = db.session.execute(
        update(Message)
        .where(Message.id == message_id, Message.status == Status.QUEUED)
        .values(
            status=Status.SENDING, attempts=Message.attempts + 1, updated_at=now, claimed_until=None
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def hold_for_the_night(now: datetime) -> int:
    """Due messages that are not urgent wait for the morning when their municipality is in
    its quiet hours now (a dispatcher that was down all evening does not text at 23:00).
    Flushes; returns how many were held."""
    held = 0
    places = [*db.session.scalars(db.select(Municipality)), None]
    for place in places:
        morning = not_before(now, place)
        if morning <= now:
            continue
        held += db.session.execute(
            update(Message)
            .where(
                Message.direction == Direction.OUT,
                Message.status == Status.QUEUED,
                Message.urgent.is_not(True),
                Message.next_attempt_at <= now,
                Message.municipality_id == place.id
                if place is not None
                else Message.municipality_id.is_(None),
            )
            .values(next_attempt_at=morning)
            .execution_options(synchronize_session=False)
        ).rowcount
    return held


def claim_batch(now: datetime, limit: int, lease: timedelta) -> list[int]:
    """Reserve up to `limit` due messages for this dispatcher for `lease`, in one transaction.

    On PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED, so dispatchers
    running at once take disjoint batches. A reserved row stays `queued`: if this
    dispatcher dies, the others take it up once the lease has passed. What is not urgent
    is first held for the morning where it is night (`hold_for_the_night`).
    """
    hold_for_the_night(now)
    query = (
        db.select(Message.id)
        .where(
            Message.direction == Direction.OUT,
            Message.status == Status.QUEUED,
            Message.next_attempt_at <= now,
            (Message.claimed_until.is_(None)) | (Message.claimed_until < now),
        )
        .order_by(Message.urgent.desc(), Message.next_attempt_at, Message.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = list(db.session.scalars(query))
    if not candidates:
        db.session.commit()
        return []
    claimed = db.session.scalars(
        update(Message)
        .where(
            Message.id.in_(candidates),
            Message.status == Status.QUEUED,
            (Message.claimed_until.is_(None)) | (Message.claimed_until < now),
        )
        .values(claimed_until=now + lease)
        .returning(Message.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed, key=candidates.index)


class BatchClaim:
    """This dispatcher's reservation of its batch, renewed while the batch is sent.

    Time runs from the `now` the batch was claimed at (the clock of the caller), plus the
    seconds elapsed since. Only rows still reserved by this claim are renewed: a row whose
    reservation lapsed (the dispatcher stalled) may have gone to another dispatcher; the
    take statement still lets only one of them send it."""

    def __init__(self, outbox, batch: list[int], now: datetime, lease: timedelta):
        self.outbox, self.batch, self.lease = outbox, batch, lease
        self.started = self.renewed = time.monotonic()
        self.claimed_at = now
        self.until = now + lease

    def renew_if_due(self, index: int) -> None:
        if time.monotonic() - self.renewed < RENEW_EVERY_SECONDS:
            return
        self.renewed = time.monotonic()
        until = self.claimed_at + timedelta(seconds=self.renewed - self.started) + self.lease
        self.outbox.execute(
            update(Message)
            .where(
                Message.id.in_(self.batch[index:]),
                Message.status == Status.QUEUED,
                Message.claimed_until == self.until,
            )
            .values(claimed_until=until),
            {},
        )
        self.outbox.commit()
        self.until = until

    def wait(self, seconds: float, index: int, sleep) -> None:
        """Sleep `seconds` (the rate limit), renewing the reservation meanwhile."""
        while seconds > 0:
            step = min(seconds, RENEW_EVERY_SECONDS)
            sleep(step)
            seconds -= step
            self.renew_if_due(index)
