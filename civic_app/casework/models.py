"""Taking people in charge: units, intakes, the directory of care services, referrals
and case notes.

The person is `core.accounts.User` (role `in_care` until a referral to civic
engagement makes them a participant); their facts (sex, year of birth, citizenship,
language, vulnerabilities) live there, so nothing is typed twice across the pillars.
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.core.accounts import User
from civic_app.core.models import MunicipalityScoped, TimestampMixin
from civic_app.core.types import UTCDateTime, str_enum
from civic_app.extensions import db


class UnitKind(enum.StrEnum):
    ONE_STOP_SHOP = "one_stop_shop"
    MOBILE_UNIT = "mobile_unit"


UNIT_KIND_LABELS = {
    UnitKind.ONE_STOP_SHOP: _l("Sportello unico"),
    UnitKind.MOBILE_UNIT: _l("Unità mobile"),
}


class Unit(MunicipalityScoped, TimestampMixin, db.Model):
    """A one-stop shop or a mobile unit of a municipality."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind))
    #: Where it works: a district or zone label (never coordinates).
    zone: Mapped[str] = mapped_column(String(80), default="")
    #: Free text, e.g. "lun–ven 9–13; gio 15–18".
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


#: What a caseworker may find a person needs.
NEEDS = (
    "housing",
    "health",
    "mental_health",
    "legal",
    "work",
    "language_course",
    "basic_needs",
    "other",
)

NEED_LABELS = {
    "housing": _l("Casa"),
    "health": _l("Salute"),
    "mental_health": _l("Salute mentale"),
    "legal": _l("Documenti, permessi, aiuto legale"),
    "work": _l("Lavoro"),
    "language_course": _l("Corso di lingua"),
    "basic_needs": _l("Cibo e bisogni di base"),
    "other": _l("Altro"),
}

#: Needs that are special-category data (health): shown only on case pages.
SPECIAL_NEEDS = frozenset({"health", "mental_health"})


class ConsentMethod(enum.StrEnum):
    WRITTEN = "written"  #: a signed paper form, kept by the unit
    SMS_CODE = "sms_code"  #: confirmed with a code sent to the person's phone
    VERBAL = "verbal"  #: said aloud to the caseworker, maybe through an interpreter


class IntakeStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Intake(MunicipalityScoped, TimestampMixin, db.Model):
    """A person taken in charge ("presa in carico"): one case."""

    __table_args__ = (Index("ix_intake_person", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    person: Mapped[User] = relationship(foreign_keys=[person_id])
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit: Mapped[Unit | None] = relationship()
    #: Where the person was met: a zone or street label, never coordinates.
    zone: Mapped[str] = mapped_column(String(80), default="")
    met_on: Mapped[date] = mapped_column(Date)
    #: The needs found, as ",housing,legal," (see NEEDS).
    needs: Mapped[str] = mapped_column(String(200), default="")
    consent_method: Mapped[ConsentMethod] = mapped_column(str_enum(ConsentMethod))
    #: Verbal consent: the interpreter who translated, if any (name or service).
    interpreter: Mapped[str | None] = mapped_column(String(120))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    status: Mapped[IntakeStatus] = mapped_column(str_enum(IntakeStatus), default=IntakeStatus.OPEN)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it was closed: a code of casework.notes.CLOSE_REASONS (never free text).
    closed_reason: Mapped[str | None] = mapped_column(String(20))
    #: When the team last saw or heard from the person (the worklist's "not seen").
    last_seen_on: Mapped[date] = mapped_column(Date)
    #: Set by the phone that recorded it offline: a second send of the same form
    #: finds this case instead of making another.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    @property
    def need_codes(self) -> list[str]:
        return [code for code in (self.needs or "").split(",") if code]


class ServiceKind(enum.StrEnum):
    HEALTH = "health"
    MENTAL_HEALTH = "mental_health"
    LEGAL_AID = "legal_aid"
    HOUSING_OFFICE = "housing_office"
    EMPLOYMENT_CENTRE = "employment_centre"
    LANGUAGE_SCHOOL = "language_school"
    FOOD_BANK = "food_bank"
    SHELTER = "shelter"
    SOCIAL_SERVICES = "social_services"
    #: The municipality's own civic-engagement programme: accepting a referral to it
    #: makes the person a participant.
    CIVIC_ENGAGEMENT = "civic_engagement"
    OTHER = "other"


SERVICE_KIND_LABELS = {
    ServiceKind.HEALTH: _l("Salute"),
    ServiceKind.MENTAL_HEALTH: _l("Salute mentale"),
    ServiceKind.LEGAL_AID: _l("Aiuto legale"),
    ServiceKind.HOUSING_OFFICE: _l("Ufficio casa"),
    ServiceKind.EMPLOYMENT_CENTRE: _l("Centro per l'impiego"),
    ServiceKind.LANGUAGE_SCHOOL: _l("Scuola di lingua"),
    ServiceKind.FOOD_BANK: _l("Banco alimentare"),
    ServiceKind.SHELTER: _l("Accoglienza notturna"),
    ServiceKind.SOCIAL_SERVICES: _l("Servizi sociali"),
    ServiceKind.CIVIC_ENGAGEMENT: _l("Impegno civico"),
    ServiceKind.OTHER: _l("Altro"),
}


class CareService(MunicipalityScoped, TimestampMixin, db.Model):
    """An entry of the directory of care services people are referred to."""

    __tablename__ = "care_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    #: E.164, or empty.
    phone: Mapped[str] = mapped_column(String(16), default="")
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    #: Languages spoken, as ",it,en,ar,".
    languages: Mapped[str] = mapped_column(String(80), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Offered to every municipality of the network (e.g. a national helpline).
    network_wide: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Retired services take no new referrals; the old ones keep pointing here.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def language_codes(self) -> list[str]:
        return [code for code in (self.languages or "").split(",") if code]


class ReferralStatus(enum.StrEnum):
    PROPOSED = "proposed"
    SENT = "sent"
    ACCEPTED = "accepted"
    ATTENDED = "attended"
    CLOSED = "closed"
    REFUSED = "refused"
    NO_SHOW = "no_show"


REFERRAL_STATUS_LABELS = {
    ReferralStatus.PROPOSED: _l("Proposto"),
    ReferralStatus.SENT: _l("Inviato"),
    ReferralStatus.ACCEPTED: _l("Accettato dal servizio"),
    ReferralStatus.ATTENDED: _l("Presentato"),
    ReferralStatus.CLOSED: _l("Chiuso"),
    ReferralStatus.REFUSED: _l("Rifiutato"),
    ReferralStatus.NO_SHOW: _l("Non presentato"),
}


class Referral(MunicipalityScoped, TimestampMixin, db.Model):
    """An intake sent to a care service, and what came of it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id"), index=True)
    intake: Mapped[Intake] = relationship()
    service_id: Mapped[int] = mapped_column(ForeignKey("care_service.id"), index=True)
    service: Mapped[CareService] = relationship()
    reason: Mapped[str] = mapped_column(String(500), default="")
    appointment_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    appointment_place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ReferralStatus] = mapped_column(
        str_enum(ReferralStatus), default=ReferralStatus.PROPOSED
    )
    #: Closed: what came of it. Refused / no-show: why.
    outcome: Mapped[str] = mapped_column(String(500), default="")
    #: The last time anything was heard (the worklist's "no news after N days").
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class ReferralChange(db.Model):
    """One step of a referral's status, dated and attributed."""

    __tablename__ = "referral_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    by: Mapped[User | None] = relationship()
    #: The outcome or reason given with this step.
    note: Mapped[str] = mapped_column(String(500), default="")


#: Who is on a case team.
PROFESSIONS = ("caseworker", "social_worker", "psychologist", "legal_adviser")

PROFESSION_LABELS = {
    "caseworker": _l("Operatore"),
    "social_worker": _l("Assistente sociale"),
    "psychologist": _l("Psicologo/a"),
    "legal_adviser": _l("Consulente legale"),
}


class Sensitivity(enum.StrEnum):
    #: Every case-team member of the municipality reads it.
    TEAM = "team"
    #: Health and mental-health data (special category): the author, psychologists
    #: and social workers only.
    HEALTH = "health"


#: Professions that read HEALTH notes besides the note's author.
HEALTH_READERS = frozenset({"psychologist", "social_worker"})

#: Longest case note accepted.
NOTE_MAX_LENGTH = 5000


class CaseNote(MunicipalityScoped, db.Model):
    """A dated note by the case team. Need-to-know: every read is audited."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    author: Mapped[User | None] = relationship()
    #: The author's profession when they wrote it.
    author_profession: Mapped[str] = mapped_column(String(20))
    sensitivity: Mapped[Sensitivity] = mapped_column(str_enum(Sensitivity))
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
