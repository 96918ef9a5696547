"""Housing: dwellings the municipality finds and prepares, the works on them, the housing
measures of a person taken in charge, and who lives where from when to when.

A measure belongs to an intake (casework.models.Intake): the person is the intake's
person. Amounts are euro as exact decimals (Numeric(12, 2)), never floats.
"""

import enum
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic_app.casework.models import Intake
from civic_app.core.accounts import User
from civic_app.core.models import MunicipalityScoped, TimestampMixin
from civic_app.core.types import str_enum
from civic_app.extensions import db


class DwellingKind(enum.StrEnum):
    EMERGENCY_BED = "emergency_bed"
    TEMPORARY_FLAT = "temporary_flat"
    SHARED_FLAT = "shared_flat"
    ROOM = "room"


DWELLING_KIND_LABELS = {
    DwellingKind.EMERGENCY_BED: _l("Posto letto di emergenza"),
    DwellingKind.TEMPORARY_FLAT: _l("Appartamento temporaneo"),
    DwellingKind.SHARED_FLAT: _l("Appartamento condiviso"),
    DwellingKind.ROOM: _l("Stanza"),
}


class ManagedBy(enum.StrEnum):
    MUNICIPALITY = "municipality"
    PARTNER = "partner"


MANAGED_BY_LABELS = {
    ManagedBy.MUNICIPALITY: _l("Il Comune"),
    ManagedBy.PARTNER: _l("Un ente partner"),
}


class DwellingState(enum.StrEnum):
    REFURBISHING = "refurbishing"
    AVAILABLE = "available"
    OCCUPIED = "occupied"
    CLOSED = "closed"


DWELLING_STATE_LABELS = {
    DwellingState.REFURBISHING: _l("In ristrutturazione"),
    DwellingState.AVAILABLE: _l("Disponibile"),
    DwellingState.OCCUPIED: _l("Occupato"),
    DwellingState.CLOSED: _l("Chiuso"),
}

#: States in which people may be placed in a dwelling.
PLACEABLE = frozenset({DwellingState.AVAILABLE, DwellingState.OCCUPIED})

#: Most places a dwelling may have (a dormitory of emergency beds at most).
PLACES_MAX = 200


class Dwelling(MunicipalityScoped, TimestampMixin, db.Model):
    """A temporary dwelling of the programme: a bed, a room or a flat with its places."""

    __table_args__ = (CheckConstraint("places > 0", name="places_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A short name staff recognise, e.g. "Via Tiburtina 12, int. 3".
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(200))
    kind: Mapped[DwellingKind] = mapped_column(str_enum(DwellingKind))
    places: Mapped[int] = mapped_column(Integer)
    managed_by: Mapped[ManagedBy] = mapped_column(str_enum(ManagedBy))
    #: The partner body that runs it (e.g. a social-services agency), when not the
    #: municipality itself.
    manager_name: Mapped[str] = mapped_column(String(160), default="")
    #: Refurbishing and closed are set by staff; available and occupied follow the
    #: placements of today (housing.dwellings.refresh_state).
    state: Mapped[DwellingState] = mapped_column(str_enum(DwellingState))
    #: The first day people could be placed here (set when it first becomes available):
    #: the occupancy rate counts places from this day.
    available_from: Mapped[date | None] = mapped_column(Date)
    #: The day it was closed: no places are counted from then on.
    closed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class RefurbishmentWork(MunicipalityScoped, TimestampMixin, db.Model):
    """A light refurbishment of a dwelling: what, when and what it cost."""

    __tablename__ = "refurbishment_work"
    __table_args__ = (CheckConstraint("cost >= 0", name="cost_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwelling.id"), index=True)
    dwelling: Mapped[Dwelling] = relationship()
    description: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date] = mapped_column(Date)
    #: None while the works go on.
    ends_on: Mapped[date | None] = mapped_column(Date)
    cost: Mapped[Decimal] = mapped_column(Numeric(12, 2))


class MeasureKind(enum.StrEnum):
    PLACEMENT = "placement"
    RENT_SUPPORT = "rent_support"
    DEPOSIT_SUPPORT = "deposit_support"
    AUTONOMY_SUPPORT = "autonomy_support"
    HOME_REFURBISHMENT = "home_refurbishment"


MEASURE_KIND_LABELS = {
    MeasureKind.PLACEMENT: _l("Inserimento in un alloggio temporaneo"),
    MeasureKind.RENT_SUPPORT: _l("Contributo all'affitto"),
    MeasureKind.DEPOSIT_SUPPORT: _l("Deposito cauzionale o primo affitto"),
    MeasureKind.AUTONOMY_SUPPORT: _l("Accompagnamento all'autonomia abitativa"),
    MeasureKind.HOME_REFURBISHMENT: _l("Piccola ristrutturazione della propria casa"),
}


class MeasureStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    ACTIVE = "active"
    ENDED = "ended"


MEASURE_STATUS_LABELS = {
    MeasureStatus.PROPOSED: _l("Proposta"),
    MeasureStatus.APPROVED: _l("Approvata"),
    MeasureStatus.ACTIVE: _l("In corso"),
    MeasureStatus.ENDED: _l("Conclusa"),
}

#: Statuses of a measure the person has benefited from (what the target counts).
BENEFITING = frozenset({MeasureStatus.ACTIVE, MeasureStatus.ENDED})


class Outcome(enum.StrEnum):
    AUTONOMOUS_HOUSING = "autonomous_housing"
    OTHER_PLACEMENT = "other_placement"
    LEFT = "left"
    OTHER = "other"
    #: Ended before it began (a proposal that was not taken up).
    NOT_STARTED = "not_started"


OUTCOME_LABELS = {
    Outcome.AUTONOMOUS_HOUSING: _l("Autonomia abitativa"),
    Outcome.OTHER_PLACEMENT: _l("Altra sistemazione"),
    Outcome.LEFT: _l("Ha lasciato il programma"),
    Outcome.OTHER: _l("Altro"),
    Outcome.NOT_STARTED: _l("Non avviata"),
}

#: Most household members besides the person (a large family).
HOUSEHOLD_MAX = 20
#: Longest a rent support may last.
MONTHS_MAX = 60
#: Largest amount accepted for one measure or work, in euro.
AMOUNT_MAX = Decimal("500000.00")


class HousingMeasure(MunicipalityScoped, TimestampMixin, db.Model):
    """A housing measure for a person taken in charge (and their household)."""

    __tablename__ = "housing_measure"
    __table_args__ = (
        CheckConstraint("household_members >= 0", name="household_not_negative"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        Index("ix_housing_measure_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intake.id"), index=True)
    intake: Mapped[Intake] = relationship()
    #: The intake's person, kept here so that the indicators count people in one join.
    person_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    person: Mapped[User] = relationship(foreign_keys=[person_id])
    kind: Mapped[MeasureKind] = mapped_column(str_enum(MeasureKind), index=True)
    status: Mapped[MeasureStatus] = mapped_column(
        str_enum(MeasureStatus), default=MeasureStatus.PROPOSED
    )
    #: The other people of the household it covers (0: the person alone). They are not
    #: people taken in charge of their own: the reports count them apart.
    household_members: Mapped[int] = mapped_column(Integer, default=0)
    starts_on: Mapped[date] = mapped_column(Date)
    #: Planned or actual end; None when open-ended.
    ends_on: Mapped[date | None] = mapped_column(Date)
    #: Rent support: the monthly contribution and for how many months.
    monthly_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    months: Mapped[int | None] = mapped_column(Integer)
    #: What the measure costs in all, in euro (rent support: monthly × months; a
    #: placement in a dwelling of the programme: 0, its costs are the dwelling's works).
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    #: Ended: what came of it.
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    @property
    def people(self) -> int:
        """The person and their household members."""
        return 1 + (self.household_members or 0)


class Placement(MunicipalityScoped, TimestampMixin, db.Model):
    """People of one measure living in one dwelling, from a day to a day.

    `ends_on` is the day they left (exclusive: a new placement may start that day);
    None while they live there."""

    __table_args__ = (
        CheckConstraint("places > 0", name="places_positive"),
        Index("ix_placement_dwelling_dates", "dwelling_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("housing_measure.id"), index=True)
    measure: Mapped[HousingMeasure] = relationship()
    dwelling_id: Mapped[int] = mapped_column(ForeignKey("dwelling.id"))
    dwelling: Mapped[Dwelling] = relationship()
    #: The person and the household members living here.
    places: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
