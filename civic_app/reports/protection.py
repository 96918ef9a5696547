"""What coordinators may see of one snapshot: every cell of the national dashboard and of
the network's files, and the lines that tie them together, through reports.suppression.

The page and the files are solved together, because a reader has both: a cell hidden on
the page must not be given back by the file (the hours of a municipality are the sum of
its rows in `sector_month`), nor one in the file by the page. Keys:

- ("m", municipality id or None for the network, indicator): the table per municipality;
- ("reached", "participants" | "public"), ("trend", month, "plans" | "active" | "hours"),
  ("lang" | "ref", code, "signed" | "active"), ("status", status), ("sector", sector),
  ("marks", mark), ("event_type", type, "attendances" | "public"): the page's other tables;
- ("bd", scope, measure, dimension, category): breakdowns, scope (municipality, sector),
  a municipality, or None (the network);
- ("sm", municipality, month, sector, column), ("mo", municipality, month, column): the
  fund's tables;
- the pillars (reports.protect_pillars): ("gap", municipality, step), ("kind", kind,
  "measures" | "euro"), ("trend", month, "taken_in_charge" | "housed"), and the files'
  ("in" | "ho", municipality, month, column).
"""

from collections import defaultdict
from decimal import Decimal

from civic_app.reports.breakdowns import MEASURES, PROGRAMME_MEASURES, dimensions_of
from civic_app.reports.columns import HOUSING, INTAKE, MONTH, SECTOR_MONTH, WHERE_WHEN
from civic_app.reports.dashboard import Dashboard
from civic_app.reports.indicators import Figures
from civic_app.reports.protect_pillars import pillar_files, pillar_page, tie
from civic_app.reports.queries import ZERO
from civic_app.reports.suppression import Suppression

#: Figures of a municipality (and of the network) that count people: the Dashboard's
#: properties of the same names.
COUNTS = (
    "signed_up",
    "active",
    "plans_signed",
    "people_reached",
    "event_participants",
    "taken_in_charge",
    "housed",
    "household_members",
    "funnel_intake",
    "funnel_plan",
    "funnel_completed",
)
#: Counts about the people of another count, hidden with them when they are few: the
#: household members of the people housed.
GROUPS = {"household_members": "housed"}
MARKS = ("marks_present", "marks_late", "marks_left_early", "marks_absent", "marks_excused")


def protect_network(figures: Figures, breakdowns: dict, tables: dict, below: int) -> dict:
    """{key: value or marker} of every cell coordinators see in this snapshot."""
    s = Suppression(below)
    ids = sorted(figures.municipality_ids() | _table_ids(tables) | _breakdown_ids(breakdowns))
    months = figures.period.months()
    boards = _page(s, figures, ids)
    pillar_page(s, boards, ids)
    _breakdowns(s, breakdowns, ids)
    _files(s, tables, ids, months)
    pillar_files(s, tables)
    return s.solve().visible()


def _table_ids(tables) -> set:
    return {row["_municipality_id"] for rows in tables.values() for row in rows}


def _breakdown_ids(breakdowns) -> set:
    return {m for cells in breakdowns.values() for m, _sector in cells}


def _page(s: Suppression, figures: Figures, ids: list) -> dict:
    """The page's cells; returns {municipality or None: Dashboard}."""
    boards = {m: Dashboard(figures, m) for m in ids}
    network = Dashboard(figures)
    for m, board in [*boards.items(), (None, network)]:
        for name in COUNTS:
            group = getattr(board, GROUPS[name]) if name in GROUPS else None
            s.count(("m", m, name), getattr(board, name), group=group)
        s.amount(("m", m, "hours"), board.hours_total, group=board.active)
    for name in (*COUNTS, "hours"):
        s.line([("m", m, name) for m in ids], ("m", None, name))
    s.count(("reached", "participants"), network.participants_reached)
    s.count(("reached", "public"), network.public_reached)
    s.line([("reached", "participants"), ("reached", "public")], ("m", None, "people_reached"))

    for row in network.trend():
        plans, active, hours = row.values
        s.count(("trend", row.key, "plans"), plans)
        s.count(("trend", row.key, "active"), active)
        s.amount(("trend", row.key, "hours"), hours, group=active)
    trend = [row.key for row in network.trend()]
    s.line([("trend", month, "plans") for month in trend])
    s.line([("trend", month, "hours") for month in trend], ("m", None, "hours"))
    if len(trend) == 1:  # one month: its figures are the period's
        s.line([("trend", trend[0], "active")], ("m", None, "active"))

    for table, rows in (("lang", network.by_language()), ("ref", network.by_referral())):
        for row in rows:
            s.count((table, row.key, "signed"), row.values[0])
            s.count((table, row.key, "active"), row.values[1])
        s.line([(table, row.key, "signed") for row in rows], ("m", None, "signed_up"))
        s.line([(table, row.key, "active") for row in rows], ("m", None, "active"))
    statuses = [s.count(("status", row.key), row.value) for row in network.plans_by_status()]
    s.line(statuses)
    for row in network.active_by_sector():  # a person active in two sectors is in both
        s.count(("sector", row.key), row.value)
    for row in network.mark_rows():
        s.count(("marks", row.key), row.value)
    events = network.events_by_type()
    for row in events:
        s.count(("event_type", row.key, "attendances"), row.values[2])
        s.count(("event_type", row.key, "public"), row.values[3])
    s.line([("event_type", row.key, "attendances") for row in events])
    s.line([("event_type", row.key, "public") for row in events])
    return {**boards, None: network}


def _breakdowns(s: Suppression, breakdowns: dict, ids: list) -> None:
    people = breakdowns.get("hours_people", {})
    for measure, _label in MEASURES:
        cells = breakdowns.get(measure, {})
        zero = ZERO if measure == "hours" else 0
        sectors = defaultdict(list)
        for m, sector in cells:
            sectors[m].append(sector)
        dimensions = dimensions_of(measure)
        for dimension, categories in dimensions.items():
            for category in categories:
                cell = (measure, dimension, category)
                network_value, network_group = zero, 0
                for m in ids:
                    m_value, m_group = zero, 0
                    for sector in sectors.get(m, []):
                        value = cells[(m, sector)][dimension].get(category, 0)
                        group = _get(people, (m, sector), dimension, category)
                        _add(s, ("bd", (m, sector), *cell), value, group)
                        m_value, m_group = m_value + value, m_group + group
                    _add(s, ("bd", m, *cell), m_value, m_group)
                    s.line(
                        [("bd", (m, sector), *cell) for sector in sectors.get(m, [])],
                        ("bd", m, *cell),
                    )
                    network_value += m_value
                    network_group += m_group
                _add(s, ("bd", None, *cell), network_value, network_group)
                s.line([("bd", m, *cell) for m in ids], ("bd", None, *cell))
        # Within a scope the categories of each dimension add up to the same total: the
        # dimensions are one family of lines. Some totals are on the page as well.
        scopes = [*cells, *ids, None]
        for scope in scopes:
            total = None
            if measure in ("hours", "event_participants") and not isinstance(scope, tuple):
                total = ("m", scope, measure)
            for dimension, categories in dimensions.items():
                parts = [("bd", scope, measure, dimension, category) for category in categories]
                s.line(parts, total, family=(scope, measure))
                if measure in PROGRAMME_MEASURES and not isinstance(scope, tuple):
                    # Everyone of the target came in the period: the page's total is theirs.
                    tie(s, parts, ("m", scope, measure))


def _add(s: Suppression, key: tuple, value, group: int) -> None:
    """A breakdown cell: hours are hidden with their small group, counts when small."""
    if key[2] == "hours":
        s.amount(key, Decimal(value), group=group)
    else:
        s.count(key, value)


def _get(cells: dict, key, dimension: str, category: str) -> int:
    return cells.get(key, {}).get(dimension, {}).get(category, 0)


def _files(s: Suppression, tables: dict, ids: list, months: list[str]) -> None:
    hours_of = defaultdict(list)  # lines of the hours: by municipality, month, (m, sector)
    marks_of = defaultdict(list)
    per_row = defaultdict(list)  # (m, month): the sector rows of a municipality's month
    for row in tables.get("sector_month", []):
        key = ("sm", row["_municipality_id"], row["month"], row["sector"])
        active = s.count((*key, "participants_active"), row["participants_active"])
        for column in MARKS:
            marks_of[column].append(
                s.count((*key, column), row[column], group=row["_people_marked"])
            )
        hours = s.amount((*key, "hours"), row["hours"], group=row["participants_active"])
        m, month, sector = key[1:]
        hours_of[("m", m)].append(hours)
        hours_of[("month", month)].append(hours)
        hours_of[("sector", m, sector)].append(hours)
        per_row[(m, month)].append(active)
    for (kind, *rest), parts in hours_of.items():
        if kind == "m":
            s.line(parts, ("m", rest[0], "hours"))
        elif kind == "month":
            s.line(parts, ("trend", rest[0], "hours"))
        else:
            s.line(parts)  # = the hours of that sector in the breakdowns
    for column, parts in marks_of.items():
        s.line(parts, ("marks", column.removeprefix("marks_")))

    by_municipality = defaultdict(lambda: defaultdict(list))
    by_month = defaultdict(lambda: defaultdict(list))
    counted = [c.key for c in MONTH if c.people]
    for row in tables.get("month", []):
        m, month = row["_municipality_id"], row["month"]
        for column in counted:
            key = s.count(("mo", m, month, column), row[column])
            by_municipality[column][m].append(key)
            by_month[column][month].append(key)
        if len(per_row[(m, month)]) == 1:  # one sector: its active people are the month's
            s.line(per_row[(m, month)], ("mo", m, month, "participants_active"))
        if len(months) == 1:  # one month: its figures are the period's
            s.line([("mo", m, month, "participants_active")], ("m", m, "active"))
            s.line([("mo", m, month, "event_participants")], ("m", m, "event_participants"))
    for m, parts in by_municipality["participants_signed_up"].items():
        s.line(parts, ("m", m, "signed_up"))
    for month, parts in by_month["participants_active"].items():
        s.line(parts, ("trend", month, "active"))
    for month, parts in by_month["plans_signed"].items():
        s.line(parts, ("trend", month, "plans"))
    for column in ("participants_signed_up", "plans_signed", "event_public"):
        for parts in by_month[column].values():
            s.line(parts)
        for parts in by_municipality[column].values():
            s.line(parts)


def protect_rows(tables: dict, shown: dict) -> dict:
    """The fund's tables as coordinators get them: each cell's value or its marker."""
    counted = {c.key for c in SECTOR_MONTH if c.people} | {"hours"}
    where = {c.key for c in WHERE_WHEN}
    pillars = {
        "intake": ("in", {c.key for c in INTAKE} - where),
        "housing": ("ho", {c.key for c in HOUSING} - where),
    }
    out = {}
    for name, rows in tables.items():
        protected = []
        for row in rows:
            m = row.get("_municipality_id")
            if name == "sector_month":
                prefix = ("sm", m, row["month"], row["sector"])
                columns = counted
            elif name == "month":
                prefix = ("mo", m, row["month"])
                columns = {c.key for c in MONTH if c.people}
            elif name in pillars:
                prefix = (pillars[name][0], m, row["month"])
                columns = pillars[name][1]
            else:
                key = ("bd", (m, row["sector"]), row["measure"], row["dimension"])
                protected.append(row | {"value": shown.get((*key, row["category"]), row["value"])})
                continue
            protected.append(
                {k: shown.get((*prefix, k), v) if k in columns else v for k, v in row.items()}
            )
        out[name] = protected
    return out
