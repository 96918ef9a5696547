"""Community events (one-off or from a series), who is invited, who answered, who came."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.core.models import MunicipalityScoped, TimestampMixin
from civic_app.core.types import UTCDateTime, str_enum
from civic_app.extensions import db
from civic_app.projects.models import translated_part


class EventType(enum.StrEnum):
    WORKSHOP = "workshop"
    MEETING = "meeting"
    AWARENESS = "awareness"


EVENT_TYPE_LABELS = {
    EventType.WORKSHOP: _l("Laboratorio"),
    EventType.MEETING: _l("Incontro"),
    EventType.AWARENESS: _l("Sensibilizzazione"),
}


class Audience(enum.StrEnum):
    ALL = "all"  #: every participant of the municipality
    PROJECTS = "projects"  #: the accepted participants of some projects
    LANGUAGE = "language"  #: the participants who speak one language
    PUBLIC = "public"  #: open to everyone: participants are invited, the public comes too


AUDIENCE_LABELS = {
    Audience.ALL: _l("Tutti i partecipanti del Comune"),
    Audience.PROJECTS: _l("I partecipanti di alcuni progetti"),
    Audience.LANGUAGE: _l("Un gruppo di lingua"),
    Audience.PUBLIC: _l("Aperto a tutti"),
}


class EventFields:
    """What an event and a series both describe."""

    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    event_type: Mapped[EventType] = mapped_column(str_enum(EventType))
    capacity: Mapped[int]
    #: ",it,ar," like projects.
    languages: Mapped[str] = mapped_column(String(120), default=",it,")
    audience: Mapped[Audience] = mapped_column(str_enum(Audience))
    #: Project ids for Audience.PROJECTS.
    audience_projects: Mapped[list] = mapped_column(JSON, default=list)
    #: Language code for Audience.LANGUAGE.
    audience_language: Mapped[str | None] = mapped_column(String(8))
    #: {"en": {"title": ..., "description": ...}, ...}: optional, like a project's.
    translations: Mapped[dict | None] = mapped_column(JSON, default=dict)

    def text(self, language: str) -> tuple[str, str]:
        """Title and description in `language`, or in Italian when not translated."""
        return (
            translated_part(self.translations, language, "title", self.title),
            translated_part(self.translations, language, "description", self.description),
        )


class EventSeries(EventFields, MunicipalityScoped, TimestampMixin, db.Model):
    __tablename__ = "event_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"))
    rrule: Mapped[str] = mapped_column(String(500))
    #: Local wall-clock start of the first occurrence ("2026-03-03T18:00").
    first_start: Mapped[str] = mapped_column(String(16))
    duration_minutes: Mapped[int]
    #: Events exist up to this local day; the materialising job extends it.
    materialized_until: Mapped[date | None]


class CommunityEvent(EventFields, MunicipalityScoped, TimestampMixin, db.Model):
    __tablename__ = "community_event"
    __table_args__ = (
        Index("ix_community_event_venue_time", "venue_id", "starts_at"),
        Index("ix_community_event_municipality_time", "municipality_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("event_series.id"), index=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venue.id"))
    venue = relationship("Venue")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: scheduled or cancelled
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    #: People from the public (not registered) counted at the door.
    public_guests: Mapped[int] = mapped_column(default=0)
    #: Goes up each time what the texts say (title, time, place) changes: the reminders'
    #: idempotency keys carry it, so that a moved event is reminded at its new time.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")


class EventRsvp(MunicipalityScoped, db.Model):
    __tablename__ = "event_rsvp"
    __table_args__ = (UniqueConstraint("event_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("community_event.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    coming: Mapped[bool]
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(10))


class EventAttendance(MunicipalityScoped, db.Model):
    __tablename__ = "event_attendance"
    __table_args__ = (UniqueConstraint("event_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("community_event.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
