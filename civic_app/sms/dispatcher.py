"""The dispatcher: sends due outbox rows through the gateway.

A dispatcher first reserves a batch (`claim_batch`: a lease, one transaction). Then,
for each row, one statement moves it queued -> sending (or -> cancelled, when the
number said STOP or its owner withdrew consent, checked in that statement) and
returns what sending needs; it is committed before the gateway is called. The answer
is written with the next row's take (one commit per message; on PostgreSQL one
statement, in autocommit), at the end of the batch, or at once after a gateway error
or when rate-limited. So a row is `sending` only while it may be with the gateway,
and a dispatcher that dies leaves at most one: `mark_stale_sending` turns it into
`unknown` rather than sending it again. A gateway call that may have reached the
provider without an answer (a read timeout) is `unknown` at once, for the same reason.
An `unknown` row is never resent: when the provider did take it, its status callback
(which carries our message id) records the SID and moves it on; when it did not, staff
see it as "esito sconosciuto". The dead dispatcher's other reserved rows are still
`queued` and go out once the lease has passed. The lease is short (CLAIM_SECONDS) and
renewed while the batch is sent (`claims.BatchClaim`, every second, also while waiting
for the rate limit), so the next run of the dispatcher job takes a killed dispatcher's
batch over within seconds, however long the batch. Never sent twice.

A WhatsApp row's channel and meta (free text, a template, or SMS instead: sms/window.py)
are decided for the whole batch before its rows are taken (`BatchRoutes`: three reads)
and written by the row's take itself, so it costs no statement more than an SMS."""

import logging
import time
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, bindparam, case, literal, literal_column, or_, update

from civic_app.core.models import _now
from civic_app.extensions import db
from civic_app.sms.claims import CLAIM_SECONDS, BatchClaim, claim_batch
from civic_app.sms.fallback import fall_back_to_sms
from civic_app.sms.gateways import OPTED_OUT_CODES, GatewayError
from civic_app.sms.models import ESSENTIAL_KINDS, Message, OptOut, Status
from civic_app.sms.optout import opt_out
from civic_app.sms.quiet import not_before
from civic_app.sms.window import BatchRoutes, route_whatsapp

log = logging.getLogger(__name__)

#: How long a row may stay in `sending` before its dispatcher is taken for dead.
STALE_SENDING_AFTER = timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600


def backoff(attempts: int) -> timedelta:
    """Wait before try number `attempts + 1`: 30 s, 60 s, 120 s ... at most an hour."""
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    )


#: The outbox table: the per-message statements below are Core, not ORM (cheaper).
_OUTBOX = Message.__table__


def _take_statement(now: datetime):
    """One statement per message, committed before the gateway call: queued -> sending,
    or queued -> cancelled when the number said STOP or its owner withdrew SMS consent
    (checked at that moment: an opt-out stops all but SENT_DESPITE_STOP; withdrawn consent
    stops what is neither urgent nor essential), or when what it is about has ended
    (`expires_at`: a reminder once its session began, an offer once it lapsed). Returns
    what sending needs."""
    from civic_app.core.accounts import User

    stopped = db.select(OptOut.id).where(OptOut.phone == _OUTBOX.c.phone, OptOut.active).exists()
    withdrawn = (
        db.select(User.sms_opt_out_at)
        .where(User.id == _OUTBOX.c.user_id)
        .scalar_subquery()
        .is_not(None)
    )
    unwanted = or_(
        and_(_OUTBOX.c.kind.not_in(_literals(SENT_DESPITE_STOP)), stopped),
        and_(
            _OUTBOX.c.urgent.is_not(True),  # not urgent (NULL included, as in Python)
            _OUTBOX.c.kind.not_in(_literals(ESSENTIAL_KINDS)),
            _OUTBOX.c.user_id.is_not(None),
            withdrawn,
        ),
    )
    expired = and_(_OUTBOX.c.expires_at.is_not(None), _OUTBOX.c.expires_at <= now)
    status_type = _OUTBOX.c.status.type
    # A WhatsApp row's channel and meta, decided for the batch before its take
    # (window.BatchRoutes); NULL leaves them as they are, and a cancelled row keeps its own.
    routed = and_(
        bindparam("r_channel", type_=_OUTBOX.c.channel.type).is_not(None), ~or_(unwanted, expired)
    )
    return (
        update(_OUTBOX)
        .where(_OUTBOX.c.id == bindparam("message_id"), _OUTBOX.c.status == Status.QUEUED)
        .values(
            status=case(
                (or_(unwanted, expired), literal(Status.CANCELLED, status_type)),
                else_=literal(Status.SENDING, status_type),
            ),
            error_code=case(
                (unwanted, literal("opted_out")),
                (expired, literal("expired")),
                else_=_OUTBOX.c.error_code,
            ),
            attempts=_OUTBOX.c.attempts + 1,
            updated_at=now,
            claimed_until=None,
            channel=case(
                (routed, bindparam("r_channel", type_=_OUTBOX.c.channel.type)),
                else_=_OUTBOX.c.channel,
            ),
            meta=case(
                (routed, bindparam("r_meta", type_=_OUTBOX.c.meta.type)), else_=_OUTBOX.c.meta
            ),
        )
        .returning(
            _OUTBOX.c.id,
            _OUTBOX.c.status,
            _OUTBOX.c.attempts,
            _OUTBOX.c.phone,
            _OUTBOX.c.body,
            _OUTBOX.c.urgent,
            _OUTBOX.c.municipality_id,
            _OUTBOX.c.channel,
            _OUTBOX.c.meta,
            _OUTBOX.c.kind,
            _OUTBOX.c.user_id,
        )
    )


def _literals(words) -> list:
    """Constant kinds written into the statement: no list parameter to expand each time."""
    assert all(word.replace("_", "").isalnum() for word in words)  # noqa: S101
    return [literal_column(f"'{word}'") for word in sorted(words)]


def _take(statement, message_id: int, answer: dict | None = None):
    """Run the take statement for one message (not committed); None when not ours."""
    params = {"message_id": message_id, "r_channel": None, "r_meta": None, **(answer or {})}
    return db.session.connection().execute(statement, params).first()


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


#: An executemany of answers by message id.
_SENT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("b_id"))
    .values(
        status=Status.SENT,
        provider_sid=bindparam("b_sid"),
        sent_at=bindparam("b_sent_at"),
        error_code=None,
        updated_at=bindparam("b_updated_at"),
    )
)


def _record_sent(sent: list[dict]) -> None:
    """Write the answers of messages the gateway took, by id, in one executemany."""
    if sent:
        db.session.connection().execute(_SENT, sent)


def _hand_over(
    row, gateway, now: datetime, max_attempts: int, sent: list[dict], route=route_whatsapp
) -> Status:
    """Call the gateway for a taken row. A success is appended to `sent` (written with
    the next statement); a gateway error is written at once. Returns the new status."""
    channel, meta = row.channel, row.meta
    if channel == "whatsapp":  # free text or a template, decided now (sms/window.py)
        channel, meta = route(row, now)
    try:
        result = gateway.send(row.phone, row.body, ref=row.id, channel=channel, meta=meta)
    except GatewayError as exc:
        status = _record_error(row, exc, now, max_attempts)
        if status == Status.FAILED and channel == "whatsapp":
            fall_back_to_sms(row.id, exc.code, now)  # once, by SMS (sms/fallback.py)
        db.session.commit()
        return status
    sent.append({"b_id": row.id, "b_sid": result.sid, "b_sent_at": now, "b_updated_at": _now()})
    return Status.SENT


def _record_error(row, exc: GatewayError, now: datetime, max_attempts: int) -> Status:
    values = {"error_code": exc.code, "updated_at": _now()}
    if exc.ambiguous:
        # It may have gone: sending it again could send it twice.
        status = Status.UNKNOWN
    elif exc.transient and row.attempts < max_attempts:
        status = Status.QUEUED
        retry_at = now + backoff(row.attempts)
        values["next_attempt_at"] = retry_at if row.urgent else not_before(retry_at, _place(row))
    else:
        status = Status.FAILED
        if exc.code in OPTED_OUT_CODES:
            # The provider says this number unsubscribed: our own list learns it too.
            opt_out(row.phone, "twilio_" + exc.code, now)
            log.info("message %s: recipient has unsubscribed at the provider", row.id)
    db.session.execute(
        update(Message)
        .where(Message.id == row.id)
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    log.warning(
        "message %s: gateway error %s on attempt %s, now %s",
        row.id, exc.code, row.attempts, status,
    )  # fmt: skip
    return status


def send_one(message_id: int, gateway, now: datetime, max_attempts: int) -> Status | None:
    """Claim and send one message; returns its new status, or None if it was not ours."""
    row = _take(_take_statement(now), message_id)
    db.session.commit()
    if row is None:
        return None
    if row.status == Status.CANCELLED:
        return row.status
    sent: list[dict] = []
    status = _hand_over(row, gateway, now, max_attempts, sent)
    if sent:
        _record_sent(sent)
        db.session.commit()
    return status


#: Sent to a number that said STOP: the codes it asks for, the confirmation, and (once)
#: how to come back.
SENT_DESPITE_STOP = frozenset({"login_code", "stop_confirmation", "stopped_info"})


def _place(message):
    from civic_app.core.models import Municipality

    return (
        db.session.get(Municipality, message.municipality_id) if message.municipality_id else None
    )


def mark_stale_sending(now: datetime) -> int:
    result = db.session.execute(
        update(Message)
        .where(Message.status == Status.SENDING, Message.updated_at < now - STALE_SENDING_AFTER)
        .values(status=Status.UNKNOWN, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount:
        log.error(
            "%s message(s) left in sending by a dead dispatcher: marked unknown", result.rowcount
        )
    return result.rowcount


def dispatch_due(
    gateway,
    now: datetime,
    *,
    limit: int = 500,
    rate_per_second: float = 0,
    max_attempts: int = 6,
    sleep=time.sleep,
) -> int:
    """Send the due messages (up to `limit`), at most `rate_per_second`; return how many went."""
    mark_stale_sending(now)
    interval = 1.0 / rate_per_second if rate_per_second > 0 else 0.0
    lease = timedelta(seconds=CLAIM_SECONDS)
    statement = _take_statement(now)
    # PostgreSQL writes the previous answer and takes the next message in one statement.
    combined = statement.add_cte(_SENT.cte("answer")) if _is_postgresql() else None
    results: list[dict] = []  # the answer not yet written: goes with the next take
    sent = 0
    last = None
    with _Outbox() as outbox:
        batch = claim_batch(now, limit, lease)
        claim = BatchClaim(outbox, batch, now, lease)
        routes = BatchRoutes(batch, now)
        for index, message_id in enumerate(batch):
            claim.renew_if_due(index)
            if interval and last is not None:
                claim.wait(interval - (time.monotonic() - last), index, sleep)
            last = time.monotonic()
            try:
                # The previous answer and this message's take: committed before the call.
                take = {"message_id": message_id, **routes.params(message_id)}
                if combined is not None and len(results) == 1:
                    row = outbox.execute(combined, take | results[0])
                else:
                    if results:
                        outbox.execute(_SENT, results)
                    row = outbox.execute(statement, take)
                row = row.first()
                outbox.commit()
            except Exception:
                outbox.rollback()
                outbox.write_alone(results)
                raise
            results.clear()
            if row is None or row.status == Status.CANCELLED:
                continue
            if _hand_over(row, gateway, now, max_attempts, results, routes) == Status.SENT:
                sent += 1
                if interval:  # not left waiting while we wait
                    outbox.execute(_SENT, results)
                    outbox.commit()
                    results.clear()
        if results:
            outbox.execute(_SENT, results)
            outbox.commit()
    return sent


class _Outbox:
    """Where dispatch_due's per-message statements run and commit.

    On an engine, one connection held for the whole batch (no pool checkout and ping per
    message); on PostgreSQL in autocommit, each single statement being its own
    transaction (one round trip per message). When the session is bound to a connection
    of its own (a test's transaction), the session.
    """

    def __init__(self):
        self.connection = None

    def __enter__(self):
        bind = db.session.get_bind()
        if isinstance(bind, Engine):
            self.connection = bind.connect()
            if bind.dialect.name == "postgresql":
                self.connection = self.connection.execution_options(isolation_level="AUTOCOMMIT")
        return self

    def __exit__(self, *exc):
        if self.connection is not None:
            self.connection.close()

    def execute(self, statement, params):
        connection = self.connection or db.session.connection()
        return connection.execute(statement, params)

    def commit(self):
        (self.connection or db.session).commit()

    def rollback(self):
        (self.connection or db.session).rollback()

    def write_alone(self, results: list[dict]) -> None:
        """After a failed take, still record the answers the gateway already gave."""
        if not results:
            return
        try:
            self.execute(_SENT, results)
            self.commit()
        except Exception:
            self.rollback()
            log.exception("could not record %s sent message(s): left in sending", len(results))


def deliver_after_response(message: Message) -> None:
    """Send `message` as soon as the current response has gone out (login codes).

    The row is already committed, so a crash here only delays it to the next
    dispatcher run; the claim makes sure it is sent once either way.
    """
    from flask import after_this_request, current_app

    from civic_app.core.clock import now
    from civic_app.sms.gateways import get_gateway

    app = current_app._get_current_object()
    message_id = message.id

    @after_this_request
    def hook(response):
        def send():
            with app.app_context():
                try:
                    send_one(message_id, get_gateway(), now(), app.config["SMS_MAX_ATTEMPTS"])
                except Exception:
                    log.exception("immediate delivery of message %s failed", message_id)
                finally:
                    db.session.remove()

        response.call_on_close(send)
        return response
