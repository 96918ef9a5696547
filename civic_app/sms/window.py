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
from sqlalchemy import bindparam, update

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


def decide(row, window_is_open: bool, language: str) -> tuple[str, dict]:
    """The channel and meta of a taken WhatsApp row (see the module's doc)."""
    template_keys = ("content_sid", "content_variables")
    meta = {k: v for k, v in (row.meta or {}).items() if k not in template_keys}
    channel = Channel.WHATSAPP.value
    if window_is_open:
        meta["whatsapp"] = "free_text"
    else:
        sid = template_for(row.kind, language)
        if sid:
            meta.update(whatsapp="template", content_sid=sid, content_variables={"1": row.body})
        else:
            channel = Channel.SMS.value
            meta["whatsapp"] = "no_template"
    return channel, meta


#: Writes a row's decision (Core: the dispatcher's per-message statements are not ORM).
ROUTED = (
    update(Message.__table__)
    .where(Message.__table__.c.id == bindparam("r_id"))
    .values(
        channel=bindparam("r_channel"),
        meta=bindparam("r_meta", type_=Message.__table__.c.meta.type),
    )
)


def route_whatsapp(row, now: datetime) -> tuple[str, dict]:
    """The channel and meta a taken WhatsApp row goes with, written on the row and
    committed (one message: the dispatcher's batches use BatchRoutes)."""
    channel, meta = decide(row, window_open(row.phone, now), language_of(row.user_id, row.phone))
    db.session.execute(ROUTED, {"r_id": row.id, "r_channel": channel, "r_meta": meta})
    db.session.commit()
    return channel, meta


class BatchRoutes:
    """The WhatsApp decisions of one dispatcher batch, made before its rows are taken.

    At the start of the batch, one statement reads its WhatsApp rows, and two more which
    of their numbers have the window open and which language each person reads. Each
    row's decision (`params`) is then written by the statement that takes the row, so a
    WhatsApp row costs what an SMS costs: one statement, committed before the gateway
    call. The window is judged at the batch's `now`, as for a single message. A row the
    batch did not read (its channel changed since) is decided on its own at send time."""

    def __init__(self, message_ids: list[int], now: datetime):
        from civic_app.core.accounts import User

        self.decided: dict[int, tuple[str, dict]] = {}
        rows = (
            db.session.execute(
                db.select(
                    Message.id, Message.phone, Message.user_id, Message.kind, Message.body,
                    Message.meta,
                ).where(Message.id.in_(message_ids), Message.channel == Channel.WHATSAPP)
            ).all()
            if message_ids
            else []
        )  # fmt: skip
        if rows:
            phones = {row.phone for row in rows}
            users = {row.user_id for row in rows if row.user_id is not None}
            open_ = set(
                db.session.scalars(
                    db.select(Message.phone)
                    .where(
                        Message.phone.in_(phones),
                        Message.direction == Direction.IN,
                        Message.channel == Channel.WHATSAPP,
                        Message.created_at > now - WINDOW,
                    )
                    .distinct()
                )
            )
            by_user = dict(
                db.session.execute(
                    db.select(User.id, User.preferred_language).where(User.id.in_(users))
                ).all()
            )
            by_phone = dict(
                db.session.execute(
                    db.select(Conversation.phone, Conversation.language).where(
                        Conversation.phone.in_(phones)
                    )
                ).all()
            )
            for row in rows:
                language = by_user.get(row.user_id) or by_phone.get(row.phone) or "it"
                self.decided[row.id] = decide(row, row.phone in open_, language)
        db.session.commit()  # a read: no transaction left open while the batch is sent

    def params(self, message_id: int) -> dict:
        """The take statement's r_channel and r_meta for `message_id` (None: unchanged)."""
        channel, meta = self.decided.get(message_id, (None, None))
        return {"r_channel": channel, "r_meta": meta}

    def __call__(self, row, now: datetime) -> tuple[str, dict]:
        """At send time: the decision the take wrote, or one made for this row alone."""
        if row.id in self.decided:
            return row.channel, row.meta
        return route_whatsapp(row, now)
