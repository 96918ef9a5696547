"""Projects, their sessions (dated shifts), schedules and venues; enrolments (who holds a
place in a project); shared project templates."""

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.core.models import MunicipalityScoped, TimestampMixin
from civic_app.core.types import UTCDateTime, str_enum
from civic_app.extensions import db


class Sector(enum.StrEnum):
    GREEN = "green"  #: cura del verde
    CARE = "care"  #: cura della persona
    SAFETY = "safety"  #: messa in sicurezza del territorio


SECTOR_LABELS = {
    Sector.GREEN: _l("Cura del verde"),
    Sector.CARE: _l("Cura della persona"),
    Sector.SAFETY: _l("Sicurezza del territorio"),
}


class ProjectStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    CANCELLED = "cancelled"


PROJECT_STATUS_LABELS = {
    ProjectStatus.DRAFT: _l("Bozza"),
    ProjectStatus.PUBLISHED: _l("Pubblicato"),
    ProjectStatus.CLOSED: _l("Chiuso"),
    ProjectStatus.CANCELLED: _l("Annullato"),
}


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


project_tutor = Table(
    "project_tutor",
    db.metadata,
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    # The primary key starts with project_id; a tutor's projects need their own index.
    Index("ix_project_tutor_user", "user_id"),
)


class Venue(MunicipalityScoped, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255))
    capacity: Mapped[int | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]


#: The languages staff write translations in, beside the Italian text of record.
TRANSLATED_LANGUAGES = ("en", "fr", "ar", "es", "bn", "ur", "uk")


def translated_part(translations: dict | None, language: str, part: str, italian: str) -> str:
    """One part ("title", "description", "what_to_bring") of a translations column in
    `language`, or the Italian text of record when that part is not translated."""
    return ((translations or {}).get(language) or {}).get(part) or italian


def missing_translations(translations: dict | None, italian: dict[str, str]) -> list[str]:
    """The languages staff translate into (TRANSLATED_LANGUAGES) that lack a part whose
    Italian text is written: what the "translations" hint of a form names."""
    written = [part for part, text in italian.items() if (text or "").strip()]
    if not written:  # a blank form: nothing is translated yet
        return list(TRANSLATED_LANGUAGES)
    return [
        language
        for language in TRANSLATED_LANGUAGES
        if any(not ((translations or {}).get(language) or {}).get(part) for part in written)
    ]


class Project(MunicipalityScoped, TimestampMixin, db.Model):
    __table_args__ = (Index("ix_project_public", "status", "sector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality = relationship("Municipality")
    #: Italian title and description: the text of record.
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text)
    #: {"en": {"title": ..., "description": ...}, ...}: optional translations.
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    sector: Mapped[Sector] = mapped_column(str_enum(Sector))
    status: Mapped[ProjectStatus] = mapped_column(
        str_enum(ProjectStatus), default=ProjectStatus.DRAFT
    )
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
    venue: Mapped[Venue | None] = relationship()
    address: Mapped[str] = mapped_column(String(255), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    meeting_point: Mapped[str] = mapped_column(String(255), default="")
    capacity: Mapped[int]
    min_age: Mapped[int] = mapped_column(default=18)
    #: Languages the tutors speak, as ",it,en,ar," so that one LIKE finds a language.
    languages: Mapped[str] = mapped_column(String(120), default=",it,")
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    #: The shared template it was copied from (informational; templates may go away).
    copied_from_template_id: Mapped[int | None]
    tutors: Mapped[list["User"]] = relationship(secondary=project_tutor)  # noqa: F821
    sessions: Mapped[list["ProjectSession"]] = relationship(
        back_populates="project", order_by="ProjectSession.starts_at"
    )

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    def text(self, language: str) -> tuple[str, str]:
        """Title and description in `language`, or in Italian when not translated."""
        translated = (self.translations or {}).get(language) or {}
        return (
            translated.get("title") or self.title,
            translated.get("description") or self.description,
        )

    def bring(self, language: str) -> str:
        """What to bring in `language`, or in Italian when not translated."""
        return translated_part(self.translations, language, "what_to_bring", self.what_to_bring)

    @property
    def place(self) -> str:
        return self.address or (self.venue.address if self.venue else "")


class Schedule(MunicipalityScoped, TimestampMixin, db.Model):
    """A recurrence rule that made sessions of a project."""

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    #: RFC 5545 RRULE, read in local time from `first_start`.
    rrule: Mapped[str] = mapped_column(String(500))
    #: Local wall-clock start of the first occurrence ("2026-03-03T09:00").
    first_start: Mapped[str] = mapped_column(String(16))
    duration_minutes: Mapped[int]


class ProjectSession(MunicipalityScoped, TimestampMixin, db.Model):
    """One dated shift of a project."""

    __tablename__ = "project_session"
    __table_args__ = (
        Index("ix_project_session_venue_time", "venue_id", "starts_at"),
        Index("ix_project_session_project_time", "project_id", "starts_at"),
        UniqueConstraint("uid", name="uq_project_session_uid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    project: Mapped[Project] = relationship(back_populates="sessions")
    schedule_id: Mapped[int | None] = mapped_column(ForeignKey("schedule.id", ondelete="SET NULL"))
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venue.id"))
    venue: Mapped[Venue | None] = relationship()
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Weekday of the local start, 0 = Monday: the marketplace filters on it.
    local_weekday: Mapped[int]
    status: Mapped[SessionStatus] = mapped_column(
        str_enum(SessionStatus), default=SessionStatus.SCHEDULED
    )
    #: Stable iCalendar UID; SEQUENCE grows with every change a calendar must notice.
    uid: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    sequence: Mapped[int] = mapped_column(default=0)
    #: Moved or cancelled by hand: a schedule change leaves it alone.
    is_exception: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(255), default="")

    @property
    def duration_hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class ProjectTemplate(TimestampMixin, db.Model):
    """A project's content shared with the whole network; holds no personal data."""

    __tablename__ = "project_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    source_municipality = relationship("Municipality")
    source_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text)
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    sector: Mapped[Sector] = mapped_column(str_enum(Sector))
    capacity: Mapped[int]
    min_age: Mapped[int]
    what_to_bring: Mapped[str] = mapped_column(Text, default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    #: How the source project ran, e.g. "FREQ=WEEKLY;BYDAY=TU,TH", as a hint.
    rrule_hint: Mapped[str] = mapped_column(String(500), default="")
    times_copied: Mapped[int] = mapped_column(default=0)


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
    participant = relationship("User", foreign_keys=[participant_id], viewonly=True)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: open, accepted, declined, expired, taken (someone else was quicker)
    status: Mapped[str] = mapped_column(String(10), default="open")
