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
    """The WhatsApp decisions of one dispatcher batch. Which numbers have their window
    open and which language each person reads are read once for the whole batch, at its
    first WhatsApp row (three statements instead of three per message, and no commit of
    their own); each row's decision is then written with one statement through `write`,
    before the gateway is called. The window is judged at the batch's `now`, as for a
    single message; a row the batch did not read first is decided on its own."""

    def __init__(self, message_ids: list[int], now: datetime, write):
        self.message_ids, self.now, self.write = message_ids, now, write
        self.phones: set[str] | None = None

    def _read(self) -> None:
        from civic_app.core.accounts import User

        rows = db.session.execute(
            db.select(Message.phone, Message.user_id).where(
                Message.id.in_(self.message_ids), Message.channel == Channel.WHATSAPP
            )
        ).all()
        self.phones = {phone for phone, _user in rows}
        users = {user for _phone, user in rows if user is not None}
        self.open = set(
            db.session.scalars(
                db.select(Message.phone)
                .where(
                    Message.phone.in_(self.phones),
                    Message.direction == Direction.IN,
                    Message.channel == Channel.WHATSAPP,
                    Message.created_at > self.now - WINDOW,
                )
                .distinct()
            )
        )
        self.user_language = dict(
            db.session.execute(
                db.select(User.id, User.preferred_language).where(User.id.in_(users))
            ).all()
        )
        self.phone_language = dict(
            db.session.execute(
                db.select(Conversation.phone, Conversation.language).where(
                    Conversation.phone.in_(self.phones)
                )
            ).all()
        )
        db.session.commit()  # a read: no transaction left open while the batch is sent

    def __call__(self, row, now: datetime) -> tuple[str, dict]:
        if self.phones is None:
            self._read()
        if row.phone not in self.phones:
            window, language = window_open(row.phone, now), language_of(row.user_id, row.phone)
            db.session.commit()
        else:
            window = row.phone in self.open
            language = (
                self.user_language.get(row.user_id) or self.phone_language.get(row.phone) or "it"
            )
        channel, meta = decide(row, window, language)
        self.write({"r_id": row.id, "r_channel": channel, "r_meta": meta})
        return channel, meta
