"""Enrolments of participants in projects, and their individual civic-engagement plans."""

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.core.models import MunicipalityScoped, TimestampMixin
from civic_app.core.types import UTCDateTime, str_enum
from civic_app.extensions import db


class EnrolmentStatus(enum.StrEnum):
    APPLIED = "applied"  #: asked to join and holds a place, waiting for staff
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


#: Statuses that take one of the project's places.
HOLDS_A_PLACE = (EnrolmentStatus.APPLIED, EnrolmentStatus.ACCEPTED)

ENROLMENT_STATUS_LABELS = {
    EnrolmentStatus.APPLIED: _l("Richiesta inviata"),
    EnrolmentStatus.ACCEPTED: _l("Accettato"),
    EnrolmentStatus.WAITLISTED: _l("In lista d'attesa"),
    EnrolmentStatus.DECLINED: _l("Non accettato"),
    EnrolmentStatus.WITHDRAWN: _l("Ritirato"),
    EnrolmentStatus.COMPLETED: _l("Completato"),
}


class Enrolment(MunicipalityScoped, TimestampMixin, db.Model):
    __table_args__ = (
        UniqueConstraint("project_id", "participant_id"),
        Index("ix_enrolment_project_status", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    project = relationship("Project")
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    participant = relationship("User", foreign_keys=[participant_id])
    status: Mapped[EnrolmentStatus] = mapped_column(str_enum(EnrolmentStatus))
    #: When the participant asked: the waitlist is served in this order.
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"  #: both signatures on the current version
    ACTIVE = "active"
    SUSPENDED = "suspended"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


PLAN_STATUS_LABELS = {
    PlanStatus.DRAFT: _l("Bozza"),
    PlanStatus.SIGNED: _l("Firmato"),
    PlanStatus.ACTIVE: _l("In corso"),
    PlanStatus.SUSPENDED: _l("Sospeso"),
    PlanStatus.COMPLETED: _l("Completato"),
    PlanStatus.WITHDRAWN: _l("Ritirato"),
}

plan_project = Table(
    "plan_project",
    db.metadata,
    Column("plan_id", ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_plan_project_project", "project_id"),
)


class Plan(MunicipalityScoped, TimestampMixin, db.Model):
    """The individual civic-engagement plan of one participant."""

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    participant = relationship("User", foreign_keys=[participant_id])
    tutor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    tutor = relationship("User", foreign_keys=[tutor_id])
    projects = relationship("Project", secondary=plan_project)
    #: Goals in plain Italian, and optionally in the participant's language.
    goals: Mapped[str] = mapped_column(Text)
    goals_translated: Mapped[str] = mapped_column(Text, default="")
    target_hours: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    start_date: Mapped[date]
    end_date: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus), default=PlanStatus.DRAFT)
    #: Grows with every change of content; signatures name the version they sign.
    version: Mapped[int] = mapped_column(default=1)
    signatures = relationship("PlanSignature", order_by="PlanSignature.id", viewonly=True)
    events = relationship("PlanEvent", order_by="PlanEvent.id", viewonly=True)


class PlanSignature(db.Model):
    """Who signed which version of a plan, when and how."""

    __tablename__ = "plan_signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    #: SHA-256 of the content signed, so the record proves what was signed.
    content_hash: Mapped[str] = mapped_column(String(64))
    signer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: participant or staff
    signer_role: Mapped[str] = mapped_column(String(20))
    #: sms_code (participant), password_session (staff logged in), paper
    method: Mapped[str] = mapped_column(String(20))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlanEvent(db.Model):
    """A change of a plan's status, with its reason."""

    __tablename__ = "plan_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Rsvp(MunicipalityScoped, db.Model):
    """A participant's answer to "will you come?" for a session (by SMS or on the web)."""

    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("project_session.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    coming: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: sms or web
    source: Mapped[str] = mapped_column(String(10))


class SessionOffer(MunicipalityScoped, db.Model):
    """A place at one session offered to someone on the waitlist after another said NO."""

    __tablename__ = "session_offer"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("project_session.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: open, accepted, declined, expired, taken (someone else was quicker)
    status: Mapped[str] = mapped_column(String(10), default="open")
