"""Dwellings and their refurbishment works: the operations staff use to keep them, and
who lived where from when to when.

A dwelling's state is set by staff for "being refurbished" and "closed"; between
"available" and "occupied" it follows today's placements (`refresh_state`): occupied
when no place is free. These operations flush; the view commits.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update

from civic_app.core.errors import DomainError
from civic_app.extensions import db
from civic_app.housing.models import (
    AMOUNT_MAX,
    PLACEABLE,
    PLACES_MAX,
    Dwelling,
    DwellingKind,
    DwellingState,
    ManagedBy,
    Placement,
    RefurbishmentWork,
)

NAME_MAX, ADDRESS_MAX, MANAGER_MAX, NOTES_MAX, WORK_MAX = 120, 200, 160, 2000, 300
#: States staff choose; available and occupied then follow the placements.
STAFF_STATES = (DwellingState.REFURBISHING, DwellingState.AVAILABLE, DwellingState.CLOSED)


def text(data: dict, key: str, limit: int, *, required=None) -> str:
    """`data[key]` stripped. :raise DomainError: when missing (with `required` as the
    message) or longer than `limit`."""
    value = (data.get(key) or "").strip()
    if required and not value:
        raise DomainError(key, required)
    if len(value) > limit:
        raise DomainError(key, _l("Scrivi al massimo %(n)s caratteri.", n=limit))
    return value


def euro(value, field: str, *, required: bool = True) -> Decimal | None:
    """An amount in euro with at most two decimals, 0 to AMOUNT_MAX.

    :raise DomainError: for a negative, too large or unreadable amount."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(field, _l("Scrivi l'importo in euro (0 se nessuno)."))
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(field, _l("Scrivi l'importo in euro, per esempio 350,00.")) from None
    if not amount.is_finite():
        raise DomainError(field, _l("Scrivi l'importo in euro, per esempio 350,00."))
    if amount < 0:
        raise DomainError(field, _l("L'importo non può essere negativo."))
    if amount > AMOUNT_MAX:
        raise DomainError(field, _l("L'importo è troppo grande: controlla le cifre."))
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(field, _l("Scrivi l'importo in euro, al massimo con due decimali."))
    return amount.quantize(Decimal("0.01"))


def check_dates(starts_on: date | None, ends_on: date | None, *, field="ends_on") -> None:
    """:raise DomainError: for no start, or an end before the start."""
    if starts_on is None:
        raise DomainError("starts_on", _l("Scrivi la data di inizio."))
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(field, _l("La fine non può essere prima dell'inizio."))


def lock_dwelling(dwelling_id: int) -> None:
    """Serialise placements in one dwelling until the transaction ends.

    An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite (as
    projects.enrolments.lock_project does for places in a project), so two caseworkers
    placing people in the last places at the same moment are counted one after the other.
    """
    db.session.execute(
        update(Dwelling)
        .where(Dwelling.id == dwelling_id)
        .values(updated_at=Dwelling.updated_at)
        .execution_options(synchronize_session=False)
    )


def save_dwelling(dwelling: Dwelling | None, municipality_id: int, data: dict, today: date):
    """Create (dwelling None) or update a dwelling of `municipality_id` from `data` (name,
    address, kind, places, managed_by, manager_name, state, notes). Flushes.

    :raise DomainError: for a missing name or address, an unknown kind or state, places
        out of 1..PLACES_MAX or fewer than the people living there now, a partner body
        not named, or closing a dwelling people live in.
    """
    name = text(data, "name", NAME_MAX, required=_l("Scrivi un nome per riconoscerlo."))
    address = text(data, "address", ADDRESS_MAX, required=_l("Scrivi l'indirizzo."))
    manager = text(data, "manager_name", MANAGER_MAX)
    notes = text(data, "notes", NOTES_MAX)
    try:
        kind = DwellingKind(data.get("kind"))
    except ValueError:
        raise DomainError("kind", _l("Scegli il tipo di alloggio.")) from None
    try:
        managed_by = ManagedBy(data.get("managed_by") or ManagedBy.MUNICIPALITY)
    except ValueError:
        raise DomainError("managed_by", _l("Scegli chi gestisce l'alloggio.")) from None
    if managed_by == ManagedBy.PARTNER and not manager:
        raise DomainError("manager_name", _l("Scrivi il nome dell'ente che lo gestisce."))
    places = data.get("places")
    if not isinstance(places, int) or isinstance(places, bool) or not 1 <= places <= PLACES_MAX:
        raise DomainError("places", _l("Scrivi i posti: da 1 a %(n)s.", n=PLACES_MAX))
    state = data.get("state") or (
        dwelling.state if dwelling is not None else DwellingState.REFURBISHING
    )
    try:
        state = DwellingState(state)
    except ValueError:
        raise DomainError("state", _l("Scegli lo stato dell'alloggio.")) from None
    if dwelling is None:
        dwelling = Dwelling(municipality_id=municipality_id, state=DwellingState.REFURBISHING)
        db.session.add(dwelling)
    else:
        lock_dwelling(dwelling.id)
        peak = peak_occupancy(dwelling.id, today, None)
        if places < peak:
            raise DomainError(
                "places",
                _l(
                    "Ci vivono già o sono previste %(n)s persone: i posti non possono essere meno.",
                    n=peak,
                ),
            )
    dwelling.name, dwelling.address, dwelling.kind = name, address, kind
    dwelling.places, dwelling.managed_by, dwelling.notes = places, managed_by, notes
    dwelling.manager_name = manager if managed_by == ManagedBy.PARTNER else ""
    db.session.flush()
    set_state(dwelling, state, today)
    return dwelling


def set_state(dwelling: Dwelling, state: DwellingState, today: date) -> bool:
    """Staff's choice of state (refurbishing, available, closed). True when it changed.

    :raise DomainError: for closing or refurbishing a dwelling with people in it now or
        booked for later.
    """
    try:
        state = DwellingState(state)
    except ValueError:
        raise DomainError("state", _l("Scegli lo stato dell'alloggio.")) from None
    if state == DwellingState.OCCUPIED:
        state = DwellingState.AVAILABLE  # occupied follows the placements
    before = dwelling.state
    closing = state in (DwellingState.REFURBISHING, DwellingState.CLOSED)
    if closing and dwelling.id and peak_occupancy(dwelling.id, today, None):
        raise DomainError(
            "state",
            _l(
                "Qualcuno ci vive o vi è atteso: chiudi prima i loro inserimenti, "
                "poi cambia lo stato."
            ),
        )
    if state == DwellingState.AVAILABLE:
        if dwelling.available_from is None:
            dwelling.available_from = today
        dwelling.closed_on = None
        dwelling.state = DwellingState.AVAILABLE
        db.session.flush()
        refresh_state(dwelling, today)
    else:
        if state == DwellingState.CLOSED and before != DwellingState.CLOSED:
            dwelling.closed_on = today
        dwelling.state = state
        db.session.flush()
    return dwelling.state != before


def overlapping(query, starts_on: date, ends_on: date | None):
    """Placements of `query` that share a day with [starts_on, ends_on)."""
    query = query.where(or_(Placement.ends_on.is_(None), Placement.ends_on > starts_on))
    if ends_on is not None:
        query = query.where(Placement.starts_on < ends_on)
    return query


def peak_occupancy(
    dwelling_id: int, starts_on: date, ends_on: date | None, *, leave_out: int | None = None
) -> int:
    """The most people living in the dwelling on any one day of [starts_on, ends_on)."""
    query = overlapping(
        db.select(Placement.starts_on, Placement.ends_on, Placement.places).where(
            Placement.dwelling_id == dwelling_id
        ),
        starts_on,
        ends_on,
    )
    if leave_out is not None:
        query = query.where(Placement.id != leave_out)
    changes: dict[date, int] = {}
    for start, end, places in db.session.execute(query):
        start = max(start, starts_on)
        changes[start] = changes.get(start, 0) + places
        if end is not None:
            changes[end] = changes.get(end, 0) - places
    peak = current = 0
    for day in sorted(changes):
        current += changes[day]
        peak = max(peak, current)
    return peak


def occupied_places(dwelling_id: int, day: date) -> int:
    """People living in the dwelling on `day`."""
    return peak_occupancy(dwelling_id, day, day + timedelta(days=1))


def refresh_state(dwelling: Dwelling, today: date) -> None:
    """Available or occupied, from the people living there today. Flushes."""
    if dwelling.state not in PLACEABLE:
        return
    full = occupied_places(dwelling.id, today) >= dwelling.places
    dwelling.state = DwellingState.OCCUPIED if full else DwellingState.AVAILABLE
    db.session.flush()


def add_work(dwelling: Dwelling, data: dict) -> RefurbishmentWork:
    """Record a refurbishment work (description, starts_on, ends_on, cost). Flushes.

    :raise DomainError: for no description, an end before the start, a bad cost.
    """
    description = text(data, "description", WORK_MAX, required=_l("Scrivi che lavori sono."))
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    check_dates(starts_on, ends_on)
    cost = euro(data.get("cost"), "cost")
    work = RefurbishmentWork(
        municipality_id=dwelling.municipality_id,
        dwelling_id=dwelling.id,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        cost=cost,
    )
    db.session.add(work)
    db.session.flush()
    return work


def works_of(dwelling: Dwelling) -> list[RefurbishmentWork]:
    return db.session.scalars(
        db.select(RefurbishmentWork)
        .where(RefurbishmentWork.dwelling_id == dwelling.id)
        .order_by(RefurbishmentWork.starts_on.desc(), RefurbishmentWork.id.desc())
    ).all()


def occupancy_of(dwelling: Dwelling) -> list[Placement]:
    """Who lived there from when to when, the latest first (personal data: callers
    check the housing grant)."""
    from sqlalchemy.orm import selectinload

    from civic_app.housing.models import HousingMeasure

    return db.session.scalars(
        db.select(Placement)
        .where(Placement.dwelling_id == dwelling.id)
        .options(selectinload(Placement.measure).selectinload(HousingMeasure.person))
        .order_by(Placement.starts_on.desc(), Placement.id.desc())
    ).all()


def placeable_dwellings(municipality_id: int) -> list[Dwelling]:
    """The municipality's dwellings people may be placed in, by name."""
    return db.session.scalars(
        db.select(Dwelling)
        .where(Dwelling.municipality_id == municipality_id, Dwelling.state.in_(PLACEABLE))
        .order_by(Dwelling.name, Dwelling.id)
    ).all()
