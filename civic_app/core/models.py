"""Base mixins, the municipality (the tenant) and the audit trail."""

from datetime import datetime

from flask import has_app_context
from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from civic_app.core.clock import SystemClock
from civic_app.core.i18n import current_language
from civic_app.core.types import UTCDateTime
from civic_app.extensions import db


def _now() -> datetime:
    # Column defaults run inside flush, where the app's clock may not be reachable;
    # values that matter to the domain are set by operations from `clock.now()`.
    return SystemClock().now()


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class MunicipalityScoped:
    """A row that belongs to one municipality; staff and tutors only reach their own."""

    @declared_attr
    def municipality_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("municipality.id"), index=True)


class Municipality(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable short name used in URLs and SMS replies, e.g. "roma".
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: The name in other languages and scripts, {"en": "Rome", "ar": "روما", ...}; the
    #: Italian `name` stands for every language not in it (`name_in`, `local_name`).
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    region: Mapped[str] = mapped_column(String(60))
    #: ISTAT code of the comune.
    istat_code: Mapped[str | None] = mapped_column(String(6))
    #: Quiet hours for non-urgent SMS, local time "HH:MM".
    quiet_start: Mapped[str] = mapped_column(String(5), default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), default="08:00")
    #: Hours before a session when reminders go out, e.g. "24,2".
    reminder_hours: Mapped[str] = mapped_column(String(20), default="24,2")

    def name_in(self, language: str | None) -> str:
        """The name people reading `language` know it by: "Milan" in English, "ميلانو" in
        Arabic; the Italian name when there is none."""
        return (self.names or {}).get(language or "") or self.name

    @property
    def local_name(self) -> str:
        """The name in the page's language (every page that shows a municipality uses it)."""
        return self.name_in(current_language() if has_app_context() else None)

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


class AuditEvent(db.Model):
    """Who did what, when, to which record. Append-only; never holds personal values."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: Dotted verb, e.g. "auth.login", "auth.login_failed", "sms.outbox_viewed".
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(String(45))
    #: Ids, counts and field names only: never names, phones or free text.
    details: Mapped[dict] = mapped_column(JSON, default=dict)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(mapper, connection, target):
    raise RuntimeError("audit events are append-only")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_audit_changes(state):
    """`update(AuditEvent)` / `delete(AuditEvent)` through the session are refused too."""
    if (state.is_update or state.is_delete) and state.bind_mapper is AuditEvent.__mapper__:
        raise RuntimeError("audit events are append-only")
