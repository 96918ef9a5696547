"""Every SMS in or out, with its delivery status: the outbox is this table."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from civic_app.core.models import TimestampMixin
from civic_app.core.types import UTCDateTime, str_enum
from civic_app.extensions import db


class Direction(enum.StrEnum):
    OUT = "out"
    IN = "in"


class Status(enum.StrEnum):
    QUEUED = "queued"  #: waiting in our outbox
    SENDING = "sending"  #: claimed by a dispatcher, handed to the gateway
    SENT = "sent"  #: the gateway accepted it
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    #: A dispatcher died between handing it over and recording the answer; never resent.
    UNKNOWN = "unknown"
    RECEIVED = "received"  #: an inbound message
    #: Not sent: the person does not want non-essential SMS (consent withdrawn or STOP).
    CANCELLED = "cancelled"


#: Messages a person gets even without SMS consent: answers to what they just did.
ESSENTIAL_KINDS = frozenset(
    {
        "login_code",
        "reply",
        "staff_reply",
        "stop_confirmation",
        "stopped_info",
        "enrolment_accepted",
        "enrolment_waitlisted",
        "enrolment_declined",
        "place_available",
        "plan_ready",
    }
)


#: How each status reads on a page.
STATUS_LABELS = {
    Status.QUEUED: _l("in coda"),
    Status.SENDING: _l("in invio"),
    Status.SENT: _l("inviato"),
    Status.DELIVERED: _l("consegnato"),
    Status.UNDELIVERED: _l("non consegnato"),
    Status.FAILED: _l("fallito"),
    Status.UNKNOWN: _l("esito sconosciuto"),
    Status.RECEIVED: _l("ricevuto"),
    Status.CANCELLED: _l("non inviato (niente SMS)"),
}


class Question(enum.StrEnum):
    """What an outgoing message asks, so that a 1/YES or 2/NO can answer it."""

    SESSION = "session"  #: a reminder of a session: will you come?
    OFFER = "offer"  #: a freed place offered to the waitlist: do you take it?
    EVENT = "event"  #: an invitation to or a reminder of a community event


#: A message has reached the phone (or may have) once it left the outbox.
LEFT_THE_OUTBOX = ("sending", "sent", "delivered", "unknown")


class Message(TimestampMixin, db.Model):
    __table_args__ = (
        # The dispatcher's query: due rows only.
        Index("ix_message_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    direction: Mapped[Direction] = mapped_column(str_enum(Direction))
    #: E.164 of the other end.
    phone: Mapped[str] = mapped_column(String(16), index=True)
    body: Mapped[str] = mapped_column(Text)
    #: The channel it went or came by (core.channels.Channel): sms, whatsapp or voice.
    channel: Mapped[str] = mapped_column(String(10), default="sms", server_default="sms")
    #: What a channel needs beside the text: a WhatsApp content template and its
    #: variables, a call's answer and status, the message it falls back from.
    meta: Mapped[dict | None] = mapped_column(JSON)
    #: What it is for: login_code, reminder, reply, inbound ...
    kind: Mapped[str] = mapped_column(String(30))
    #: Urgent messages (login codes) ignore quiet hours.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[Status] = mapped_column(str_enum(Status))
    #: The same key never queues a second message (what, who, which occurrence).
    idempotency_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    #: Twilio's MessageSid (SM...), set once the gateway accepted or delivered it.
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[str | None] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Reserved by a dispatcher until then (still queued: another takes it if it dies).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    segments: Mapped[int | None]
    #: What the message is about, e.g. ("session", 42) for a reminder; YES/NO answer it.
    subject_type: Mapped[str | None] = mapped_column(String(20))
    subject_id: Mapped[int | None]
    #: The question it asks (Question), answered by a YES/NO until `expires_at`.
    question: Mapped[str | None] = mapped_column(String(12))
    #: What the message is about ends then (the session starts, the offer lapses): it is
    #: never sent after that moment, and a reply to its question counts until then.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Inbound text the conversation engine did not understand: a person should read it.
    needs_attention: Mapped[bool] = mapped_column(Boolean, default=False)
    #: When staff read an inbound message in the inbox.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OptOut(db.Model):
    """Our own list of numbers that said STOP (or that Twilio reports unsubscribed)."""

    __tablename__ = "sms_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    #: True while the number does not want SMS.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    stopped_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: sms_keyword, twilio_21610, staff
    stop_source: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    start_source: Mapped[str | None] = mapped_column(String(20))


class Conversation(db.Model):
    """Where a phone number is in a multi-step SMS exchange (sign-up), kept in the database."""

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    #: idle, signup_language, signup_name, signup_municipality, signup_sector, signup_confirm
    state: Mapped[str] = mapped_column(String(30), default="idle")
    language: Mapped[str] = mapped_column(String(8), default="it")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginCode(db.Model):
    """A one-time code sent by SMS: single use, short-lived, locked after too many tries."""

    __tablename__ = "login_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: E.164; kept even when no account has it, so that limits per number hold.
    phone: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: HMAC of the code with the secret key; the code itself is only in the SMS.
    code_hash: Mapped[str] = mapped_column(String(64))
    purpose: Mapped[str] = mapped_column(String(20), default="login")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
