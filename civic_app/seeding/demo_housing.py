"""Demo housing for `flask seed demo`: in Roma, Milano and Palermo (the cities with
casework) a dwelling of each kind, one being refurbished, one run by a partner body,
and housing measures for the people taken in charge there: a mother and her two children
placed in a flat, a placement ended in a home of their own followed by a rent support of
350,00 € a month for 6 months, an emergency bed, a deposit, an accompaniment to a rental
contract, a small refurbishment of someone's own home, one not taken up and one only
proposed. The three cities' caseworkers and Roma's staff member get the housing
permission.

Written with the housing operations (housing.dwellings, housing.measures), so every rule
holds: no dwelling holds more people than places on any day, nobody lives in two places
at once. Deterministic, every date relative to the seed's `now`; the operations' audit
events are dated when the demo is loaded.
"""

import calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from civic_app.casework.models import Intake
from civic_app.core.accounts import User
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.extensions import db
from civic_app.housing.dwellings import add_work, save_dwelling
from civic_app.housing.measures import advance, place, propose_measure
from civic_app.housing.models import (
    Dwelling,
    DwellingKind,
    HousingMeasure,
    ManagedBy,
    MeasureKind,
    MeasureStatus,
    Outcome,
    Placement,
)

K, S = MeasureKind, MeasureStatus
#: Who manages dwellings and housing measures in the demo (log in with the demo password).
HOUSING_ACCOUNTS = [
    "operatore.roma@demo.civic.local",
    "staff.roma@demo.civic.local",
    "operatore.milano@demo.civic.local",
    "operatore.palermo@demo.civic.local",
]
#: slug: the temporary flat, the partner's shared flat and who runs it, the emergency
#: bed, the room being refurbished (name and address each).
DWELLINGS = {
    "roma": (("Via Giolitti 41, int. 6", "Via Giolitti 41, 00185 Roma"),
             ("Casa Pigneto", "Via del Pigneto 88, 00176 Roma"), "Cooperativa sociale Il Ponte",
             ("Accoglienza Tiburtina, posto 3", "Via Tiburtina 150, 00185 Roma"),
             ("Via Marsala 12, stanza 2", "Via Marsala 12, 00185 Roma")),
    "milano": (("Via Padova 112, int. 4", "Via Padova 112, 20127 Milano"),
               ("Casa Trotter", "Via Giacosa 46, 20127 Milano"), "Cooperativa La Rete",
               ("Accoglienza Viale Monza, posto 1", "Viale Monza 40, 20127 Milano"),
               ("Via Arquà 15, stanza 1", "Via Arquà 15, 20125 Milano")),
    "palermo": (("Via Maqueda 210, int. 2", "Via Maqueda 210, 90134 Palermo"),
                ("Casa Ballarò", "Via Albergheria 30, 90134 Palermo"), "Caritas diocesana",
                ("Accoglienza Borgo Vecchio, posto 2", "Via Borgo Vecchio 12, 90139 Palermo"),
                ("Via Porta Carini 7, stanza 3", "Via Porta Carini 7, 90134 Palermo")),
}  # fmt: skip
FLAT_WORK = ("Tinteggiatura, nuova caldaia e piccole riparazioni", Decimal("2450.00"))
ROOM_WORK = ("Impianto elettrico a norma e tinteggiatura", Decimal("3200.00"))
RENT = Decimal("350.00")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def seed_demo_housing(municipalities: dict, now: datetime) -> int:
    """The housing permission of the demo accounts, then, once, the dwellings and measures
    of Roma, Milano and Palermo (after seed_demo_casework).

    Returns the number of measures made (0 when any dwelling exists or there are no
    cases). Flushes.
    """
    _grant(HOUSING_ACCOUNTS)
    if db.session.scalar(db.select(Dwelling.id).limit(1)) is not None:
        return 0
    today = to_local(now).date()
    made = 0
    for slug, (flat, shared, partner, bed, room) in DWELLINGS.items():
        m = municipalities[slug]
        intakes = db.session.scalars(
            db.select(Intake).where(Intake.municipality_id == m.id).order_by(Intake.id)
        ).all()
        worker = db.session.scalar(
            db.select(User).where(User.email == f"operatore.{slug}@demo.civic.local")
        )
        if len(intakes) < 10 or worker is None:
            continue
        homes = {
            "flat": _dwelling(m.id, today, flat, DwellingKind.TEMPORARY_FLAT, 4, 98, FLAT_WORK),
            "shared": _dwelling(m.id, today, shared, DwellingKind.SHARED_FLAT, 6, 200,
                                partner=partner),
            "bed": _dwelling(m.id, today, bed, DwellingKind.EMERGENCY_BED, 1, 300),
            "room": _dwelling(m.id, today, room, DwellingKind.ROOM, 2, None, ROOM_WORK),
        }  # fmt: skip
        made += _measures(intakes, homes, worker, today)
        for dwelling in homes.values():
            placed = db.session.scalars(
                db.select(Placement).where(Placement.dwelling_id == dwelling.id)
            ).all()
            dwelling.updated_at = max([dwelling.created_at] + [p.updated_at for p in placed])
    db.session.flush()
    return made


def _grant(emails: list[str]) -> None:
    for user in db.session.scalars(db.select(User).where(User.email.in_(emails))):
        if not user.has_grant("housing"):
            codes = sorted({code for code in (user.grants or "").split(",") if code} | {"housing"})
            user.grants = f",{','.join(codes)},"
    db.session.flush()


def _at(day: date, hour: int) -> datetime:
    return local_to_utc(day, time(hour))


def _dwelling(municipality_id, today, names, kind, places, open_days, work=None, *, partner=""):
    """A dwelling open to placements since `open_days` ago (None: still being
    refurbished), after `work` if any (finished before it opened, or still going on)."""
    name, address = names
    data = {
        "name": name, "address": address, "kind": kind, "places": places,
        "managed_by": ManagedBy.PARTNER if partner else ManagedBy.MUNICIPALITY,
        "manager_name": partner, "state": "available" if open_days else "refurbishing",
    }  # fmt: skip
    dwelling = save_dwelling(None, municipality_id, data, today)
    opened = today - timedelta(days=open_days) if open_days else None
    since = (opened or today) - timedelta(days=40)
    dwelling.available_from = opened
    if work is not None:
        description, cost = work
        starts_on = since + timedelta(days=5)
        ends_on = opened - timedelta(days=3) if opened else None
        made = add_work(
            dwelling,
            {"description": description, "starts_on": starts_on, "ends_on": ends_on, "cost": cost},
        )
        made.created_at = made.updated_at = _at(starts_on, 9)
    dwelling.created_at = dwelling.updated_at = _at(since, 10)
    return dwelling


def _measures(intakes: list[Intake], homes: dict, by: User, today: date) -> int:
    """The measures of the city's cases, by their place in demo_casework.PEOPLE."""

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    def propose(n: int, kind, proposed: int, starts: int, **data) -> HousingMeasure:
        data = {"kind": kind, "starts_on": ago(starts)} | data
        measure = propose_measure(intakes[n], data, by=by, municipality_id=by.municipality_id)
        dated[measure] = proposed
        return measure

    dated: dict = {}
    # A mother with her two children, in the temporary flat for seven weeks now.
    family = propose(
        4, K.PLACEMENT, 52, 50, household_members=2,
        notes="Madre con due figli piccoli; la scuola è vicina.",
    )  # fmt: skip
    place(family, homes["flat"], ago(50), today, by=by)
    # Almost four weeks in the partner's shared flat, then a rented home of their own,
    # with 350 € a month towards the rent for six months.
    moved = propose(3, K.PLACEMENT, 39, 38)
    place(moved, homes["shared"], ago(38), today, by=by)
    advance(moved, S.ENDED, today, by=by, outcome=Outcome.AUTONOMOUS_HOUSING, ends_on=ago(12))
    rent = propose(
        3, K.RENT_SUPPORT, 14, 12, ends_on=add_months(ago(12), 6), monthly_amount=RENT,
        months=6, notes="Contratto registrato; il contributo va al proprietario.",
    )  # fmt: skip
    advance(rent, S.APPROVED, today, by=by)
    advance(rent, S.ACTIVE, today, by=by)
    # In the emergency bed (its only place) for a month.
    bed = propose(5, K.PLACEMENT, 31, 30)
    place(bed, homes["bed"], ago(30), today, by=by)
    deposit = propose(
        6, K.DEPOSIT_SUPPORT, 12, 10, amount=Decimal("900.00"),
        notes="Deposito cauzionale di tre mensilità.",
    )  # fmt: skip
    advance(deposit, S.APPROVED, today, by=by)
    advance(deposit, S.ACTIVE, today, by=by)
    autonomy = propose(
        7, K.AUTONOMY_SUPPORT, 13, 12, ends_on=ago(-48), amount=Decimal("0.00"),
        notes="Accompagnamento alla ricerca della casa e alla firma del contratto.",
    )  # fmt: skip
    advance(autonomy, S.ACTIVE, today, by=by)
    # Small works in the home they rent already.
    own_home = propose(
        0, K.HOME_REFURBISHMENT, 62, 60, amount=Decimal("1200.00"),
        notes="Caldaia riparata e finestre sistemate nella casa in affitto.",
    )  # fmt: skip
    advance(own_home, S.ACTIVE, today, by=by)
    advance(own_home, S.ENDED, today, by=by, outcome=Outcome.AUTONOMOUS_HOUSING, ends_on=ago(30))
    # Approved, then not taken up: the person found a room with relatives.
    declined = propose(8, K.RENT_SUPPORT, 9, 8, monthly_amount=Decimal("300.00"), months=3)
    advance(declined, S.APPROVED, today, by=by)
    advance(declined, S.ENDED, today, by=by, outcome=Outcome.NOT_STARTED, ends_on=ago(2))
    # Proposed: a couple, placed from next week if approved.
    propose(9, K.PLACEMENT, 2, -5, household_members=1)
    _date(dated, today)
    return len(dated)


def _date(dated: dict, today: date) -> None:
    """Measures and placements dated when they were made (not when the demo is loaded)."""
    for measure, proposed in dated.items():
        made = today - timedelta(days=proposed)
        changed = measure.ends_on if measure.status == S.ENDED else measure.starts_on
        measure.created_at = _at(made, 10)
        measure.updated_at = _at(max(made, min(changed, today - timedelta(days=1))), 12)
        if measure.status == S.PROPOSED:
            measure.updated_at = measure.created_at
    placements = db.session.scalars(
        db.select(Placement).where(Placement.measure_id.in_([m.id for m in dated]))
    ).all()
    for placement in placements:
        placement.created_at = _at(placement.starts_on, 11)
        placement.updated_at = _at(placement.ends_on or placement.starts_on, 12)
    db.session.flush()
