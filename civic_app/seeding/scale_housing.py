"""Housing in one municipality for `flask seed scale` (see seeding/scale.py): its
dwellings (150 × factor in the network, 1 to 8 places, about one in ten being refurbished,
one or two run by a partner body), their refurbishment works, and the housing measures
of its share of the 500 × factor people who benefit from one (shared out like the
intakes): placements with household members, rent supports, deposits, autonomy support
and small works in people's own homes.

Exactly `housed` distinct people of the municipality benefit (a measure active, or ended
with an outcome other than "not started"); about one in ten of them has a second measure
after the first (a rent support once they found a home, say). Beside them, about one
person in eight more has a measure only proposed, approved or ended "not started", which
the housing target does not count. Placements are packed in each dwelling's calendar, day
by day, so no dwelling ever holds more people than places and nobody lives in two places
at once. Everything is drawn from the municipality's own housing `rng`, so the rest of
the data set is the same with or without it.
"""

from datetime import date, time, timedelta
from decimal import Decimal
from types import SimpleNamespace as NS

from civic_app.housing.models import (
    DwellingKind,
    DwellingState,
    ManagedBy,
    MeasureKind,
    MeasureStatus,
    Outcome,
)
from civic_app.seeding.bulk import by_threshold, split, stamp
from civic_app.seeding.demo_housing import add_months

#: What factor 1 means: the programme's target of people in housing measures, and the
#: dwellings found for them.
HOUSED, DWELLINGS = 500, 150
#: Share of dwellings being refurbished, of measures for people not (yet) benefiting.
REFURBISHING, NOT_BENEFITING = 0.1, 0.12
#: Days of the placement calendar kept before today (intakes are at most a year old).
PAST = 400
K, S = MeasureKind, MeasureStatus
STREETS = [
    "Via Roma", "Via Garibaldi", "Via Mazzini", "Corso Italia", "Via Verdi", "Via Cavour",
    "Via Dante", "Viale della Repubblica", "Via XX Settembre", "Via San Francesco",
    "Via dei Mille", "Via Nazionale",
]  # fmt: skip
PARTNERS = [
    "Cooperativa sociale Il Ponte", "Caritas diocesana", "Associazione Casa Comune",
    "Consorzio sociale Abitare", "Fondazione San Martino", "Cooperativa La Rete",
]  # fmt: skip
#: description, lowest and highest cost in euro.
WORKS = [
    ("Tinteggiatura e piccole riparazioni", 600, 3000),
    ("Rifacimento del bagno", 3000, 9000),
    ("Impianto elettrico a norma", 1800, 6500),
    ("Nuova caldaia e termosifoni", 1500, 4500),
    ("Infissi e serramenti", 2500, 8000),
    ("Cucina e arredi essenziali", 1200, 5000),
]
PLACES = {
    DwellingKind.TEMPORARY_FLAT: (2, 6),
    DwellingKind.SHARED_FLAT: (4, 8),
    DwellingKind.ROOM: (1, 2),
    DwellingKind.EMERGENCY_BED: (1, 4),
}


def housed_total(factor: float, municipalities: int) -> int:
    """People benefiting from housing measures: 500 at factor 1, one per municipality
    at least."""
    return max(municipalities, round(HOUSED * factor))


def housing_sizes(factor: float, intakes: list[int]) -> tuple[list[int], list[int]]:
    """People housed and dwellings of each municipality, in proportion to its intakes."""
    housed = split(housed_total(factor, len(intakes)), intakes)
    dwellings = split(max(2 * len(intakes), round(DWELLINGS * factor)), intakes)
    return [min(h, i) for h, i in zip(housed, intakes, strict=True)], [max(2, d) for d in dwellings]


def seed_housing(ctx, rng, m, housed: int, dwellings: int) -> None:
    """The housing rows of municipality `m` (after seed_casework), into `ctx.rows`."""
    _grant(ctx, m)
    h = NS(ctx=ctx, rng=rng, m=m, origin=ctx.today - timedelta(days=PAST))
    refurbishing = set(rng.sample(range(dwellings), round(dwellings * REFURBISHING)))
    partners = set(rng.sample(range(dwellings), min(dwellings, rng.randint(1, 2))))
    h.homes = [_dwelling(h, n, n in refurbishing, n in partners) for n in range(dwellings)]
    needy, others = [], []
    for row in ctx.rows.tables.get("intake", ()):
        if row["municipality_id"] == m.id and (window := _window(ctx, row)):
            (needy if ",housing," in row["needs"] else others).append((row, window))
    rng.shuffle(needy)
    rng.shuffle(others)
    ranked = needy + others  # people who asked for housing first
    for row, window in sorted(ranked[:housed], key=lambda pair: pair[0]["id"]):
        _benefit(h, row, window)
    rest = [(row, window) for row, window in ranked[housed:] if window.open]
    for row, window in sorted(rest[: round(housed * NOT_BENEFITING)], key=lambda p: p[0]["id"]):
        _not_benefiting(h, row, window)
    for home in h.homes:
        if home.row["state"] != DwellingState.REFURBISHING:
            full = home.days[PAST] >= home.row["places"]
            home.row["state"] = DwellingState.OCCUPIED if full else DwellingState.AVAILABLE


def _grant(ctx, m) -> None:
    """The first staff member and the caseworker manage housing."""
    wanted = {m.staff[0], m.caseworker}
    for row in ctx.rows.tables["user"]:
        if row["id"] in wanted:
            row["grants"] = ",housing,"


def _window(ctx, intake: dict) -> NS | None:
    """The days a measure of this intake may start and end in: from the day the person
    was met to yesterday, or to the day before their case was closed. None when too short."""
    first = intake["met_on"]
    if intake["closed_at"] is None:
        return NS(first=first, last=ctx.today - timedelta(days=1), open=True)
    last = intake["closed_at"].astimezone(ctx.zone).date() - timedelta(days=1)
    return NS(first=first, last=last, open=False) if last > first else None


def _cents(rng, low: int, high: int, step: int = 50) -> Decimal:
    """An amount in euro between `low` and `high`, a multiple of `step` cents."""
    return (Decimal(rng.randrange(low * 100, high * 100 + 1, step)) / 100).quantize(Decimal("0.01"))


# --- dwellings ----------------------------------------------------------------------


def _dwelling(h, n: int, refurbishing: bool, partner: bool) -> NS:
    ctx, rng, m = h.ctx, h.rng, h.m
    kind = by_threshold(
        rng.random(),
        [(0.35, DwellingKind.TEMPORARY_FLAT), (0.6, DwellingKind.SHARED_FLAT),
         (0.8, DwellingKind.ROOM)],
        DwellingKind.EMERGENCY_BED,
    )  # fmt: skip
    places = rng.randint(*PLACES[kind])
    street, number = STREETS[rng.randrange(len(STREETS))], rng.randint(1, 180)
    name = {
        DwellingKind.TEMPORARY_FLAT: f"{street} {number}, int. {rng.randint(1, 12)}",
        DwellingKind.SHARED_FLAT: f"{street} {number}, int. {rng.randint(1, 12)}",
        DwellingKind.ROOM: f"{street} {number}, stanza {rng.randint(1, 6)}",
        DwellingKind.EMERGENCY_BED: f"Accoglienza {street} {number}",
    }[kind]
    works = []
    if refurbishing:
        open_from, state = None, DwellingState.REFURBISHING
        works.append((ctx.today - timedelta(days=rng.randint(5, 120)), None))
    else:
        state = DwellingState.AVAILABLE
        if rng.random() < 0.35:  # found this year, refurbished, then opened
            open_from = ctx.today - timedelta(days=rng.randint(20, 330))
            done = open_from - timedelta(days=rng.randint(1, 10))
            works.append((done - timedelta(days=rng.randint(20, 90)), done))
        else:
            open_from = ctx.today - timedelta(days=rng.randint(PAST - 20, 900))
    since = min([d for d, _end in works] + ([open_from] if open_from else []))
    row = {
        "municipality_id": m.id, "name": name, "address": f"{street} {number}, {m.name}",
        "kind": kind, "places": places,
        "managed_by": ManagedBy.PARTNER if partner else ManagedBy.MUNICIPALITY,
        "manager_name": PARTNERS[rng.randrange(len(PARTNERS))] if partner else "",
        "state": state, "available_from": open_from, "closed_on": None,
        "notes": "",
    }  # fmt: skip
    at = ctx.utc(since - timedelta(days=rng.randint(3, 30)), time(10))
    dwelling = ctx.rows.add("dwelling", stamp(row, at))
    for starts_on, ends_on in works:
        description, low, high = WORKS[rng.randrange(len(WORKS))]
        ctx.rows.add("refurbishment_work", stamp({
            "municipality_id": m.id, "dwelling_id": dwelling, "description": description,
            "starts_on": starts_on, "ends_on": ends_on, "cost": _cents(rng, low, high),
        }, ctx.utc(starts_on, time(11))))  # fmt: skip
    # People living there, by day from `h.origin` to today (the last day).
    return NS(id=dwelling, row=row, open_from=open_from, days=[0] * (PAST + 1))


def _fit(h, starts_on: date, ends_on: date | None, people: int, *, besides=None) -> NS | None:
    """The smallest open dwelling (ties at random) with `people` places free every day
    of [starts_on, ends_on) (None: from then on), or None."""
    a, b = (starts_on - h.origin).days, PAST + 1 if ends_on is None else (ends_on - h.origin).days
    fitting = [
        home for home in h.homes
        if home.open_from is not None and home.open_from <= starts_on
        and home.row["places"] >= people and home is not besides
    ]  # fmt: skip
    for home in sorted(fitting, key=lambda home: (home.row["places"], h.rng.random())):
        if max(home.days[a:b]) + people <= home.row["places"]:
            return home
    return None


def _book(h, home: NS, starts_on: date, ends_on: date | None, people: int) -> tuple:
    a, b = (starts_on - h.origin).days, PAST + 1 if ends_on is None else (ends_on - h.origin).days
    for day in range(a, b):
        home.days[day] += people
    return home, starts_on, ends_on


def _homes_for(h, starts_on: date, ends_on: date | None, people: int) -> list[tuple] | None:
    """Where the people of a placement live from `starts_on` to `ends_on`: one dwelling,
    or one in ten moving once to another; None when no dwelling has room."""
    rng = h.rng
    span = ((ends_on or h.ctx.today + timedelta(days=1)) - starts_on).days
    if rng.random() < 0.1 and span >= 30:
        moves_on = starts_on + timedelta(days=rng.randint(10, span - 10))
        first = _fit(h, starts_on, moves_on, people)
        second = first and _fit(h, moves_on, ends_on, people, besides=first)
        if second:
            return [_book(h, first, starts_on, moves_on, people),
                    _book(h, second, moves_on, ends_on, people)]  # fmt: skip
    home = _fit(h, starts_on, ends_on, people)
    return None if home is None else [_book(h, home, starts_on, ends_on, people)]


# --- measures ---------------------------------------------------------------------------


def _household(rng) -> int:
    """Other people of the household: none for six in ten, else 1 to 4."""
    return 0 if rng.random() < 0.6 else rng.choices([1, 2, 3, 4], [35, 30, 20, 15])[0]


def _ending(window: NS, starts_on: date, days: int) -> date | None:
    """When a measure planned to last `days` ended: None when it still goes on; in a
    closed case, by the day before closing."""
    planned = starts_on + timedelta(days=days)
    if planned <= window.last:
        return planned
    return None if window.open else window.last


def _benefit(h, intake: dict, window: NS) -> None:
    """A measure the person benefits from (active, or ended and not "not started"), and
    sometimes a second one after it."""
    rng = h.rng
    proposed = min(window.first + timedelta(days=rng.randint(0, 20)), window.last)
    starts_on = min(proposed + timedelta(days=rng.randint(0, 10)), window.last)
    kind = by_threshold(
        rng.random(),
        [(0.5, K.PLACEMENT), (0.72, K.RENT_SUPPORT), (0.84, K.DEPOSIT_SUPPORT),
         (0.95, K.AUTONOMY_SUPPORT)],
        K.HOME_REFURBISHMENT,
    )  # fmt: skip
    household = _household(rng)
    ended = _measure(h, intake, window, kind, household, proposed, starts_on)
    if (
        ended is not None
        and window.open
        and ended == (ended[0], Outcome.AUTONOMOUS_HOUSING)
        and ended[0] < window.last
        and rng.random() < 0.35  # then a home of their own
    ):
        follow = K.RENT_SUPPORT if rng.random() < 0.7 else K.DEPOSIT_SUPPORT
        _measure(h, intake, window, follow, household, ended[0], ended[0])


def _measure(h, intake, window, kind, household, proposed, starts_on) -> tuple | None:
    """One benefiting measure from `starts_on`; returns (ends_on, outcome) when it ended."""
    rng = h.rng
    monthly = months = None
    amount = Decimal("0.00")
    homes = None
    if kind == K.PLACEMENT:
        ends_on = _ending(window, starts_on, rng.randint(20, 300))
        if ends_on is not None and ends_on <= starts_on:
            ends_on = None if window.open else starts_on  # too short: no placement
        if ends_on != starts_on:
            homes = _homes_for(h, starts_on, ends_on, 1 + household)
        if homes is None:  # no room anywhere: accompanied to find a home instead
            kind = K.AUTONOMY_SUPPORT
    if kind == K.RENT_SUPPORT:
        monthly, months = _cents(rng, 150, 500, 2500), rng.randint(3, 12)
        ends_on = add_months(starts_on, months)
        if ends_on > window.last and not window.open:
            months = max(m for m in range(0, months + 1) if add_months(starts_on, m) <= window.last)
            ends_on = add_months(starts_on, months)
            if months == 0:  # the case closed too soon: a deposit instead
                kind, monthly, months = K.DEPOSIT_SUPPORT, None, None
        if kind == K.RENT_SUPPORT:
            amount = monthly * months
    if kind == K.DEPOSIT_SUPPORT:
        amount = _cents(rng, 600, 1800)
        ends_on = _ending(window, starts_on, rng.randint(0, 7))
    elif kind == K.AUTONOMY_SUPPORT:
        amount = Decimal("0.00") if rng.random() < 0.6 else _cents(rng, 100, 600)
        ends_on = _ending(window, starts_on, rng.randint(30, 120))
    elif kind == K.HOME_REFURBISHMENT:
        amount = _cents(rng, 500, 4000)
        ends_on = _ending(window, starts_on, rng.randint(14, 60))
    over = ends_on is not None and ends_on <= window.last
    outcome = None
    if over:
        housed = 0.5 if kind == K.PLACEMENT else 0.65  # found a home of their own
        choices = [(housed, Outcome.AUTONOMOUS_HOUSING), (housed + 0.2, Outcome.OTHER_PLACEMENT),
                   (housed + 0.32, Outcome.LEFT)]  # fmt: skip
        outcome = by_threshold(rng.random(), choices, Outcome.OTHER)
    measure = _measure_row(
        h, intake, kind, S.ENDED if over else S.ACTIVE, household, proposed, starts_on,
        ends_on, monthly, months, amount, outcome,
    )  # fmt: skip
    for home, placed_on, left_on in homes or ():
        _placement(h, measure, home, 1 + household, placed_on, left_on, proposed)
    return (ends_on, outcome) if over else None


def _not_benefiting(h, intake: dict, window: NS) -> None:
    """A measure proposed, approved, or ended before it began (not counted)."""
    ctx, rng = h.ctx, h.rng
    proposed = max(window.first, ctx.today - timedelta(days=rng.randint(1, 45)))
    status = by_threshold(rng.random(), [(0.5, S.PROPOSED), (0.7, S.APPROVED)], S.ENDED)
    kind = by_threshold(
        rng.random(),
        [(0.45, K.PLACEMENT), (0.75, K.RENT_SUPPORT), (0.9, K.DEPOSIT_SUPPORT)],
        K.AUTONOMY_SUPPORT,
    )  # fmt: skip
    if status == S.ENDED:  # planned for a day now past, and not taken up
        starts_on = min(proposed + timedelta(days=rng.randint(1, 10)), window.last)
        ends_on, outcome = (
            min(starts_on + timedelta(days=rng.randint(0, 10)), window.last),
            Outcome.NOT_STARTED,
        )
    else:
        starts_on, ends_on, outcome = proposed + timedelta(days=rng.randint(3, 30)), None, None
    monthly = months = None
    amount = Decimal("0.00")
    if kind == K.RENT_SUPPORT:
        monthly, months = _cents(rng, 150, 500, 2500), rng.randint(3, 12)
        amount = monthly * months
    elif kind == K.DEPOSIT_SUPPORT:
        amount = _cents(rng, 600, 1800)
    _measure_row(h, intake, kind, status, _household(rng), proposed, starts_on, ends_on,
                 monthly, months, amount, outcome)  # fmt: skip


def _measure_row(
    h, intake, kind, status, household, proposed, starts_on, ends_on, monthly, months, amount,
    outcome,
) -> int:  # fmt: skip
    ctx = h.ctx
    # Proposed in the evening of a past day: after the intake, before today.
    at = ctx.utc(proposed, time(19))
    changed = at
    if status == S.APPROVED:
        changed = min(at + timedelta(days=1), ctx.cutoff - timedelta(minutes=1))
    elif status == S.ACTIVE:
        changed = max(at, ctx.utc(starts_on, time(12)))
    elif status == S.ENDED:
        changed = max(at, ctx.utc(ends_on, time(12)))
    row = {
        "municipality_id": h.m.id, "intake_id": intake["id"], "person_id": intake["person_id"],
        "kind": kind, "status": status, "household_members": household,
        "starts_on": starts_on, "ends_on": ends_on, "monthly_amount": monthly, "months": months,
        "amount": amount, "outcome": outcome, "notes": "", "created_by_id": h.m.caseworker,
        "created_at": at, "updated_at": changed,
    }  # fmt: skip
    return ctx.rows.add("housing_measure", row)


def _placement(h, measure: int, home: NS, places: int, starts_on, ends_on, proposed) -> None:
    ctx = h.ctx
    # After the measure was proposed (at 19:00 that day), before today.
    at = max(ctx.utc(starts_on, time(11)), ctx.utc(proposed, time(20)))
    changed = at if ends_on is None or ends_on > ctx.today else ctx.utc(ends_on, time(12))
    ctx.rows.add("placement", {
        "municipality_id": h.m.id, "measure_id": measure, "dwelling_id": home.id,
        "places": places, "starts_on": starts_on, "ends_on": ends_on,
        "created_at": at, "updated_at": max(at, changed),
    })  # fmt: skip
