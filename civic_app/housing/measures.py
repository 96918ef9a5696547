"""Housing measures of a person taken in charge, and their placements in dwellings.

A measure moves forward only: proposed → approved → active → ended (ending needs an
outcome; a proposal or approval may end as "not started"). A placement puts the
measure's person (and household members) in a dwelling from a day; it is refused when
the dwelling would hold more people than places on any day, or when the person already
lives somewhere else on those days. Placements lock the dwelling's row first, so two
at once are counted one after the other. These operations flush; the view commits.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from civic_app.casework.models import Intake, IntakeStatus
from civic_app.core.audit import record
from civic_app.core.errors import DomainError
from civic_app.extensions import db
from civic_app.housing.dwellings import (
    NOTES_MAX,
    check_dates,
    euro,
    lock_dwelling,
    overlapping,
    peak_occupancy,
    refresh_state,
    text,
)
from civic_app.housing.models import (
    HOUSEHOLD_MAX,
    MONTHS_MAX,
    PLACEABLE,
    Dwelling,
    HousingMeasure,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Placement,
)

S = MeasureStatus
#: Where each status may go.
NEXT: dict[MeasureStatus, tuple[MeasureStatus, ...]] = {
    S.PROPOSED: (S.APPROVED, S.ACTIVE, S.ENDED),
    S.APPROVED: (S.ACTIVE, S.ENDED),
    S.ACTIVE: (S.ENDED,),
    S.ENDED: (),
}
#: A measure that did not begin can end only as "not started".
NOT_BEGUN = frozenset({S.PROPOSED, S.APPROVED})


def _intake_open(intake: Intake) -> None:
    if intake.status != IntakeStatus.OPEN:
        raise DomainError(None, _l("Il caso è chiuso: riaprilo per aggiungere una misura."))


def _household(value) -> int:
    if value in (None, ""):
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= HOUSEHOLD_MAX:
        raise DomainError(
            "household_members",
            _l("Scrivi quante altre persone del nucleo: da 0 a %(n)s.", n=HOUSEHOLD_MAX),
        )
    return value


def _amounts(kind: MeasureKind, data: dict) -> dict:
    """monthly_amount, months and amount of a measure of `kind` from `data`."""
    if kind == MeasureKind.RENT_SUPPORT:
        monthly = euro(data.get("monthly_amount"), "monthly_amount")
        if monthly is None or monthly <= 0:
            raise DomainError("monthly_amount", _l("Scrivi il contributo mensile in euro."))
        months = data.get("months")
        if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MONTHS_MAX:
            raise DomainError("months", _l("Scrivi per quanti mesi: da 1 a %(n)s.", n=MONTHS_MAX))
        return {"monthly_amount": monthly, "months": months, "amount": monthly * months}
    amount = euro(data.get("amount"), "amount", required=False)
    return {"monthly_amount": None, "months": None, "amount": amount or euro(0, "amount")}


def propose_measure(intake: Intake, data: dict, *, by, municipality_id: int) -> HousingMeasure:
    """A new measure for the intake's person (kind, household_members, starts_on, ends_on,
    monthly_amount and months or amount, notes), proposed. Flushes and audits.

    :raise DomainError: for a case of another municipality or closed, an unknown kind,
        an end before the start, bad amounts or household size.
    """
    if intake.municipality_id != municipality_id:
        raise DomainError(None, _l("Questa persona non è seguita dal tuo Comune."))
    _intake_open(intake)
    try:
        kind = MeasureKind(data.get("kind"))
    except ValueError:
        raise DomainError("kind", _l("Scegli il tipo di misura.")) from None
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    check_dates(starts_on, ends_on)
    measure = HousingMeasure(
        municipality_id=intake.municipality_id,
        intake_id=intake.id,
        person_id=intake.person_id,
        kind=kind,
        status=S.PROPOSED,
        household_members=_household(data.get("household_members")),
        starts_on=starts_on,
        ends_on=ends_on,
        notes=text(data, "notes", NOTES_MAX),
        created_by_id=getattr(by, "id", None),
        **_amounts(kind, data),
    )
    db.session.add(measure)
    db.session.flush()
    record("housing.measure_proposed", measure, actor=by, details={"kind": str(kind)})
    return measure


def update_measure(measure: HousingMeasure, data: dict, *, by) -> HousingMeasure:
    """Change a measure's household size, dates, amounts and notes (not its kind).
    Flushes and audits what changed.

    :raise DomainError: for an ended measure, an end before the start, bad amounts.
    """
    if measure.status == S.ENDED:
        raise DomainError(None, _l("La misura è conclusa: non si può più cambiare."))
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    check_dates(starts_on, ends_on)
    first = db.session.scalar(
        db.select(db.func.min(Placement.starts_on)).where(Placement.measure_id == measure.id)
    )
    if first is not None and starts_on > first:
        raise DomainError(
            "starts_on", _l("La misura non può iniziare dopo il suo primo inserimento.")
        )
    values = {
        "household_members": _household(data.get("household_members")),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "notes": text(data, "notes", NOTES_MAX),
        **_amounts(measure.kind, data),
    }
    changed = [key for key, value in values.items() if getattr(measure, key) != value]
    for key in changed:
        setattr(measure, key, values[key])
    db.session.flush()
    if changed:
        record("housing.measure_updated", measure, actor=by, details={"fields": changed})
    return measure


def advance(
    measure: HousingMeasure,
    status: MeasureStatus,
    today: date,
    *,
    by,
    outcome: str | None = None,
    ends_on: date | None = None,
) -> HousingMeasure:
    """Move a measure to `status`; ending needs the outcome and the day it ended, and ends
    its placements that day. Flushes and audits.

    :raise DomainError: for a step backwards or sideways, an ending with no outcome or
        an end before the start, "not started" for a measure that began.
    """
    try:
        status = MeasureStatus(status)
    except ValueError:
        raise DomainError("status", _l("Scegli lo stato della misura.")) from None
    if status not in NEXT[measure.status]:
        raise DomainError("status", _l("La misura non può passare a questo stato."))
    if status == S.ENDED:
        try:
            outcome = Outcome(outcome)
        except ValueError:
            raise DomainError("outcome", _l("Scegli come si è conclusa la misura.")) from None
        if outcome == Outcome.NOT_STARTED and measure.status not in NOT_BEGUN:
            raise DomainError("outcome", _l("La misura era già iniziata: scegli un altro esito."))
        if outcome != Outcome.NOT_STARTED and measure.status in NOT_BEGUN:
            raise DomainError("outcome", _l("La misura non è mai iniziata: scegli «Non avviata»."))
        ends_on = ends_on or today
        check_dates(measure.starts_on, ends_on)
        _end_placements(measure, ends_on, today)
        measure.ends_on, measure.outcome = ends_on, outcome
    measure.status = status
    db.session.flush()
    record(
        "housing.measure_status",
        measure,
        actor=by,
        details={"status": str(status), "outcome": str(outcome) if outcome else None},
    )
    return measure


def _end_placements(measure: HousingMeasure, ends_on: date, today: date) -> None:
    """End the measure's placements still open (or open past `ends_on`) on `ends_on`."""
    for placement in placements_of(measure):
        if placement.ends_on is None or placement.ends_on > ends_on:
            lock_dwelling(placement.dwelling_id)
            if placement.starts_on >= ends_on:
                raise DomainError(
                    "ends_on",
                    _l("Un inserimento inizia dopo questa data: scegli una fine più tardi."),
                )
            placement.ends_on = ends_on
            db.session.flush()
            refresh_state(placement.dwelling, today)


def placements_of(measure: HousingMeasure) -> list[Placement]:
    return db.session.scalars(
        db.select(Placement)
        .where(Placement.measure_id == measure.id)
        .order_by(Placement.starts_on, Placement.id)
    ).all()


def placements_by_measure(measures: list[HousingMeasure]) -> dict[int, list[Placement]]:
    """The placements of each of `measures` (by measure id, in placements_of's order),
    their dwellings loaded with them: one statement for a case page."""
    found: dict[int, list[Placement]] = {m.id: [] for m in measures}
    if found:
        for placement in db.session.scalars(
            db.select(Placement)
            .where(Placement.measure_id.in_(found))
            .options(selectinload(Placement.dwelling))
            .order_by(Placement.starts_on, Placement.id)
        ):
            found[placement.measure_id].append(placement)
    return found


def place(
    measure: HousingMeasure,
    dwelling: Dwelling | None,
    starts_on: date | None,
    today: date,
    *,
    by,
    ends_on: date | None = None,
    places: int | None = None,
) -> Placement:
    """Put the measure's person (and household members: `places`, all of them by
    default) in `dwelling` from `starts_on`. The measure becomes active. Flushes and
    audits.

    :raise DomainError: for a measure that is not a placement or has ended, a dwelling of
        another municipality or not open, dates out of order or before the measure, more
        people than places on any day, or the person already placed on those days.
    """
    if measure.kind != MeasureKind.PLACEMENT:
        raise DomainError(None, _l("Solo una misura di inserimento si fa in un alloggio."))
    if measure.status == S.ENDED:
        raise DomainError(None, _l("La misura è conclusa."))
    if dwelling is None or dwelling.municipality_id != measure.municipality_id:
        raise DomainError("dwelling_id", _l("Scegli un alloggio del tuo Comune."))
    check_dates(starts_on, ends_on)
    if starts_on < measure.starts_on:
        raise DomainError("starts_on", _l("L'inserimento non può iniziare prima della misura."))
    if measure.ends_on is not None and (ends_on is None or ends_on > measure.ends_on):
        ends_on = measure.ends_on if ends_on is None else ends_on
        if ends_on > measure.ends_on:
            raise DomainError("ends_on", _l("L'inserimento non può finire dopo la misura."))
    if places is None:
        places = measure.people
    if not isinstance(places, int) or isinstance(places, bool) or not 1 <= places <= measure.people:
        raise DomainError("places", _l("Scrivi quante persone: da 1 a %(n)s.", n=measure.people))
    # The lock first: what is read below is what the other request waits to see.
    lock_dwelling(dwelling.id)
    db.session.refresh(dwelling)
    if dwelling.state not in PLACEABLE:
        raise DomainError("dwelling_id", _l("Questo alloggio non è disponibile ora."))
    # The person's other placements, anywhere: one home at a time.
    elsewhere = db.session.scalar(
        overlapping(
            db.select(db.func.count(Placement.id))
            .join(HousingMeasure, HousingMeasure.id == Placement.measure_id)
            .where(HousingMeasure.person_id == measure.person_id),
            starts_on,
            ends_on,
        )
    )
    if elsewhere:
        raise DomainError(
            "starts_on",
            _l("In quei giorni questa persona è già inserita in un alloggio."),
        )
    taken = peak_occupancy(dwelling.id, starts_on, ends_on)
    if taken + places > dwelling.places:
        free = max(dwelling.places - taken, 0)
        raise DomainError(
            "dwelling_id",
            _l(
                "In quei giorni l'alloggio ha %(free)s posti liberi su %(places)s: "
                "non c'è posto per %(n)s persone.",
                free=free,
                places=dwelling.places,
                n=places,
            ),
        )
    placement = Placement(
        municipality_id=measure.municipality_id,
        measure_id=measure.id,
        dwelling_id=dwelling.id,
        places=places,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(placement)
    if measure.status in NOT_BEGUN:
        measure.status = S.ACTIVE
    db.session.flush()
    refresh_state(dwelling, today)
    record(
        "housing.placed",
        placement,
        actor=by,
        details={"measure_id": measure.id, "dwelling_id": dwelling.id, "places": places},
    )
    return placement


def end_placement(placement: Placement, ends_on: date | None, today: date, *, by) -> Placement:
    """The people of a placement left the dwelling on `ends_on` (the measure goes on:
    they may move to another dwelling). Flushes and audits.

    :raise DomainError: for a placement already ended, or an end not after its start.
    """
    if ends_on is None:
        raise DomainError("ends_on", _l("Scrivi il giorno in cui hanno lasciato l'alloggio."))
    if placement.ends_on is not None and placement.ends_on <= today:
        raise DomainError(None, _l("Questo inserimento è già concluso."))
    if ends_on <= placement.starts_on:
        raise DomainError("ends_on", _l("La fine deve venire dopo l'inizio dell'inserimento."))
    measure = placement.measure
    if measure.ends_on is not None and ends_on > measure.ends_on:
        raise DomainError("ends_on", _l("L'inserimento non può finire dopo la misura."))
    lock_dwelling(placement.dwelling_id)
    db.session.refresh(placement)
    placement.ends_on = ends_on
    db.session.flush()
    refresh_state(placement.dwelling, today)
    record("housing.placement_ended", placement, actor=by, details={"ends_on": str(ends_on)})
    return placement


def measures_of(intake: Intake) -> list[HousingMeasure]:
    """The case's measures, the latest first."""
    return db.session.scalars(
        db.select(HousingMeasure)
        .where(HousingMeasure.intake_id == intake.id)
        .order_by(HousingMeasure.starts_on.desc(), HousingMeasure.id.desc())
    ).all()
