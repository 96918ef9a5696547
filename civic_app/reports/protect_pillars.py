"""The cells and lines of the pillars' figures for reports.protection: the three targets'
funnel, housing money and occupancy on the national page, and the `intake` and `housing`
tables of the network's file.

What ties them (docs/reports.md, "Privacy of aggregates"):

- each municipality's figure and the network's (reports.protection does it for COUNTS,
  here for the euro);
- the funnel's steps, through the people between two steps ("gap" cells, never shown):
  with 12 taken in charge and 10 referred, the 2 not referred are a small group too;
- the months of the trend and of the files, the municipalities of a month, and the
  breakdowns of the same people (one family of lines: the same implied total);
- a total since the programme began and the same people in the period, when everyone of
  them came in the period (then the reader could tell the two apart only by luck);
- per kind of measure, the files' cells and the page's; per municipality, its euro;
- euro and occupancy rates are hidden with a small group of people behind them.
"""

from collections import defaultdict
from decimal import Decimal

from civic_app.housing.models import MeasureKind
from civic_app.reports.suppression import Suppression

CENT = Decimal("0.01")
#: The files' columns of euro and rates, with their smallest non-zero value.
UNITS = {
    **{f"euro_{kind}": CENT for kind in MeasureKind},
    "euro_dwelling_works": CENT,
    "occupancy_rate": Decimal("0.1"),
}
#: The files' columns per kind of measure: (what, kind), as the page's ("kind", ...) cells.
KIND_COLUMNS = {
    **{f"measures_{kind}": ("measures", kind.value) for kind in MeasureKind},
    **{f"euro_{kind}": ("euro", kind.value) for kind in MeasureKind},
}
#: The funnel's steps on the page, and the gap between each and the next.
FUNNEL = ("funnel_intake", "taken_in_charge", "funnel_plan", "funnel_completed")


def tie(s: Suppression, parts: list, total) -> None:
    """`parts` add up to `total` when, in these figures, they do (a period that holds
    everything since the programme began): a line then, otherwise nothing to give away."""
    present = [p for p in parts if p in s.values]
    if total in s.values and present and sum(s.values[p] for p in present) == s.values[total]:
        s.line(present, total)


def pillar_page(s: Suppression, boards: dict, ids: list) -> None:
    """The page's cells of the pillars, besides the COUNTS of reports.protection."""
    network = boards[None]
    for m, board in boards.items():
        steps = [getattr(board, step) for step in FUNNEL]
        for n in range(len(FUNNEL) - 1):
            gap = s.count(("gap", m, n), steps[n] - steps[n + 1])
            s.line([("m", m, FUNNEL[n + 1]), gap], ("m", m, FUNNEL[n]))
        s.amount(
            ("m", m, "euro_measures"), board.euro_measures, group=board.measure_people, unit=CENT
        )
        s.amount(("m", m, "euro_works"), board.euro_works, group=None, unit=CENT)
        s.amount(("m", m, "occupancy"), board.occupancy_rate, group=board.placed_people)
    for n in range(len(FUNNEL) - 1):
        s.line([("gap", m, n) for m in ids], ("gap", None, n))
    for name in ("euro_measures", "euro_works"):
        s.line([("m", m, name) for m in ids], ("m", None, name))
    s.amount(("m", None, "euro_total"), network.euro_total, group=None, unit=CENT)
    s.line([("m", None, "euro_measures"), ("m", None, "euro_works")], ("m", None, "euro_total"))

    kinds = network.money_by_kind()[: len(MeasureKind)]
    for row in kinds:
        measures, people, euro = row.values
        s.count(("kind", row.key, "measures"), measures, group=people)
        s.amount(("kind", row.key, "euro"), euro, group=people, unit=CENT)
    s.line([("kind", row.key, "euro") for row in kinds], ("m", None, "euro_measures"))

    trend = network.programme_trend()
    for row in trend:
        referred, housed, _plans = row.values
        s.count(("trend", row.key, "taken_in_charge"), referred)
        s.count(("trend", row.key, "housed"), housed)
    for measure in ("taken_in_charge", "housed"):
        parts = [("trend", row.key, measure) for row in trend]
        s.line(parts, family=(None, measure))  # = the breakdowns' total of the period
        tie(s, parts, ("m", None, measure))


def pillar_files(s: Suppression, tables: dict) -> None:
    """The cells of the network file's `intake` and `housing` tables, tied to the page's
    cells (found by their keys)."""
    by_month = defaultdict(list)  # (table, column, month): cells of the municipalities
    by_place = defaultdict(list)  # (table, column, municipality): cells of the months
    of_kind = defaultdict(list)  # (column kind, kind): every cell of that kind
    for name, prefix in (("intake", "in"), ("housing", "ho")):
        for row in tables.get(name, []):
            m, month = row["_municipality_id"], row["month"]
            key = (prefix, m, month)
            groups = row.get("_groups", {})
            for column, value in row.items():
                if column.startswith("_") or column in ("municipality", "istat_code", "month"):
                    continue
                cell = (*key, column)
                if column in UNITS:
                    s.amount(cell, value, group=groups.get(column), unit=UNITS[column])
                else:
                    s.count(cell, value, group=groups.get(column))
                by_month[(prefix, column, month)].append(cell)
                by_place[(prefix, column, m)].append(cell)
                if column in KIND_COLUMNS:
                    of_kind[KIND_COLUMNS[column]].append(cell)
            referrals = [
                (*key, column)
                for column in row
                if column.startswith("referrals_") and column != "referrals_made"
            ]
            s.line(referrals, (*key, "referrals_made"))

    #: Columns whose months add up to a figure on the page, and whose municipalities' sum
    #: is the page's month; (page figure, family of the breakdowns).
    targets = {
        ("in", "people_referred_first"): "taken_in_charge",
        ("ho", "people_entering"): "housed",
    }
    since_start = {
        ("in", "people_taken_in_charge"): "funnel_intake",
        ("ho", "household_members"): "household_members",
    }
    for (prefix, column, month), parts in by_month.items():
        if (prefix, column) in targets:
            s.line(parts, ("trend", month, targets[(prefix, column)]))
        elif column not in UNITS:
            s.line(parts)  # a month of the network: a reader may know it
    for (prefix, column, m), parts in by_place.items():
        if (prefix, column) in targets:
            measure = targets[(prefix, column)]
            s.line(parts, family=(m, measure))  # = the municipality's breakdowns
            tie(s, parts, ("m", m, measure))
        elif (prefix, column) in since_start:
            s.line(parts)
            tie(s, parts, ("m", m, since_start[(prefix, column)]))
        elif column == "euro_dwelling_works":
            s.line(parts, ("m", m, "euro_works"))
        elif column not in UNITS:
            s.line(parts)
    euro_of = defaultdict(list)
    for (prefix, column, m), parts in by_place.items():
        if prefix == "ho" and column.startswith("euro_") and column != "euro_dwelling_works":
            euro_of[m] += parts
    for m, parts in euro_of.items():
        s.line(parts, ("m", m, "euro_measures"))
    for (what, kind), parts in of_kind.items():
        s.line(parts, ("kind", kind, what))
