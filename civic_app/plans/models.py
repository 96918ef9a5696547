"""Individual civic-engagement plans: goals, target hours, signatures, their history."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.core.models import MunicipalityScoped, TimestampMixin
from civic_app.core.types import UTCDateTime, str_enum
from civic_app.extensions import db


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
