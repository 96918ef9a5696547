"""Messaging housekeeping: message texts are kept no longer than needed. Flushes."""

from datetime import datetime, timedelta

from civic_app.extensions import db
from civic_app.sms.models import Message

PRUNED = "[rimosso]"


def prune_message_bodies(now: datetime, retention_days: int) -> int:
    """Blank the text of SMS older than the retention; status, cost and dates stay."""
    result = db.session.execute(
        db.update(Message)
        .where(
            Message.created_at < now - timedelta(days=retention_days),
            Message.body != PRUNED,
            Message.body != "[cancellato]",
        )
        .values(body=PRUNED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
