"""WhatsApp's 24-hour customer-service window, decided when a row is sent (not queued:
the window may open meanwhile, when the person writes to us).

- Inside the window (an inbound WhatsApp from that number in the last 24 hours): free
  text, the row's body.
- Outside it, only a pre-approved content template: WHATSAPP_TEMPLATES names one per
  kind and language ({"reminder": {"it": "HX…"}}); its one variable {{1}} is the text
  as the SMS says it. The row's meta gets `content_sid` and `content_variables`.
- Outside it with no template for that kind in the person's language: the row goes by
  SMS instead (its channel becomes sms; meta says why).

The decision is written on the row and committed before the gateway is called.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from civic_app.core.channels import Channel
from civic_app.extensions import db
from civic_app.sms.models import Conversation, Direction, Message

WINDOW = timedelta(hours=24)


def window_open(phone: str, now: datetime) -> bool:
    """Whether `phone` wrote to us on WhatsApp in the last 24 hours."""
    return (
        db.session.scalar(
            db.select(Message.id)
            .where(
                Message.phone == phone,
                Message.direction == Direction.IN,
                Message.channel == Channel.WHATSAPP,
                Message.created_at > now - WINDOW,
            )
            .limit(1)
        )
        is not None
    )


def language_of(user_id: int | None, phone: str) -> str:
    """The language the person reads: their account's, else their conversation's."""
    from civic_app.core.accounts import User

    language = None
    if user_id is not None:
        language = db.session.scalar(db.select(User.preferred_language).where(User.id == user_id))
    if language is None:
        language = db.session.scalar(
            db.select(Conversation.language).where(Conversation.phone == phone)
        )
    return language or "it"


def template_for(kind: str, language: str) -> str | None:
    """The content template SID configured for `kind` in `language`, if any."""
    by_language = (current_app.config.get("WHATSAPP_TEMPLATES") or {}).get(kind) or {}
    sid = by_language.get(language) if isinstance(by_language, dict) else None
    return sid if isinstance(sid, str) and sid else None


def route_whatsapp(row, now: datetime) -> tuple[str, dict]:
    """The channel and meta a taken WhatsApp row goes with (see the module's doc);
    written on the row and committed."""
    template_keys = ("content_sid", "content_variables")
    meta = {k: v for k, v in (row.meta or {}).items() if k not in template_keys}
    channel = Channel.WHATSAPP.value
    if window_open(row.phone, now):
        meta["whatsapp"] = "free_text"
    else:
        sid = template_for(row.kind, language_of(row.user_id, row.phone))
        if sid:
            meta.update(whatsapp="template", content_sid=sid, content_variables={"1": row.body})
        else:
            channel = Channel.SMS.value
            meta["whatsapp"] = "no_template"
    db.session.execute(
        update(Message)
        .where(Message.id == row.id)
        .values(channel=channel, meta=meta)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return channel, meta
