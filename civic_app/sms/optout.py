"""Our own opt-out list: checked before every send, whatever the provider also does."""

from datetime import datetime

from civic_app.extensions import db
from civic_app.sms.models import OptOut


def is_opted_out(phone: str) -> bool:
    return (
        db.session.scalar(db.select(OptOut.id).where(OptOut.phone == phone, OptOut.active))
        is not None
    )


def _users(phone: str):
    from civic_app.core.accounts import User

    return db.session.scalars(db.select(User).where(User.phone == phone)).all()


def opt_out(phone: str, source: str, now: datetime) -> OptOut:
    """Stop every SMS to `phone` but the confirmation. Flushes."""
    from civic_app.core.consent import withdraw_consent

    row = db.session.scalar(db.select(OptOut).where(OptOut.phone == phone))
    if row is None:
        row = OptOut(phone=phone, active=True, stopped_at=now, stop_source=source)
        db.session.add(row)
    elif not row.active:
        row.active, row.stopped_at, row.stop_source = True, now, source
    for user in _users(phone):
        withdraw_consent(user, "sms", now)
        user.sms_opt_out_at = user.sms_opt_out_at or now
    db.session.flush()
    return row


def opt_in(phone: str, source: str, now: datetime) -> bool:
    """START: the number takes SMS again (and its owner's SMS consent is given anew)."""
    from civic_app.core.consent import give_consent

    row = db.session.scalar(db.select(OptOut).where(OptOut.phone == phone, OptOut.active))
    if row is not None:
        row.active, row.started_at, row.start_source = False, now, source
    for user in _users(phone):
        give_consent(user, "sms", language=user.preferred_language, method=source, now=now)
    db.session.flush()
    return row is not None
