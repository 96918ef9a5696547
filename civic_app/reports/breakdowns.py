"""The fund's breakdowns: each indicator by sex, age band and third-country nationality.

For a reporting period, per municipality and sector, with "not stated" counted
explicitly. Only registered participants have these facts: members of the public
counted at events are reported as a total, not broken down.

Measures (docs/reports.md):
- reached: participants who came to a session (its project's sector) or a community
  event (sector "community") in the period;
- active_plan: participants whose plan, signed by both sides, runs during the period
  (counted in the sectors of the plan's projects, or "none");
- plans_started / plans_completed: plans first signed / completed in the period;
- hours: hours done in the period;
- event_participants: participants at community events in the period;
- taken_in_charge / housed: people referred for the first time / whose first housing
  measure started in the period (reports.programme), in sector "none"; these two are
  also broken down by vulnerability (a partition: the one category recorded, "several"
  or "none"), since the programme is for people in extreme vulnerability.
"""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, case, distinct, func, literal, select, type_coerce

from civic_app.core.accounts import User
from civic_app.core.clock import now
from civic_app.core.demographics import (
    AGE_BAND_LABELS,
    AGE_BANDS,
    NOT_STATED,
    SEX_LABELS,
    SEXES,
    age_band,
    configured_vulnerabilities,
    third_country,
    vulnerability_codes,
    vulnerability_label,
)
from civic_app.core.timeutil import to_local
from civic_app.events.models import CommunityEvent, EventAttendance
from civic_app.extensions import db
from civic_app.plans.models import Plan, PlanEvent, PlanStatus, plan_project
from civic_app.projects.models import Project
from civic_app.reports.monthly import attendance_months, was_there
from civic_app.reports.period import Period
from civic_app.reports.programme import first_referrals, housed_people, scoped
from civic_app.reports.queries import decimal_of as _dec
from civic_app.reports.queries import signed_plans as _signed_plans

MEASURES = (
    ("reached", _l("Partecipanti alle attività")),
    ("active_plan", _l("Con un piano in corso")),
    ("plans_started", _l("Piani avviati")),
    ("plans_completed", _l("Piani completati")),
    ("hours", _l("Ore")),
    ("event_participants", _l("Partecipanti agli eventi")),
    ("taken_in_charge", _l("Prese in carico e inviate (nuove)")),
    ("housed", _l("In misure abitative (nuove)")),
)

#: The measures about people taken in charge (not about projects): broken down by
#: vulnerability as well.
PROGRAMME_MEASURES = ("taken_in_charge", "housed")
VULNERABILITY = "vulnerability"
SEVERAL, NONE = "several", "none"

NOT_STATED_LABEL = _l("Non indicato")

DIMENSIONS = {
    "sex": [*SEXES, NOT_STATED],
    "age_band": [code for code, _low, _high in AGE_BANDS] + [NOT_STATED],
    "third_country": ["yes", "no", NOT_STATED],
}


def vulnerability_categories() -> list[str]:
    """The configured categories, then "several" and "none": one for each person."""
    return [*configured_vulnerabilities(), SEVERAL, NONE]


def vulnerability_category(value: str | None, configured: tuple[str, ...]) -> str:
    """The person's category: the one configured vulnerability recorded, "several" for
    two or more, "none" for none (codes no longer configured are left aside)."""
    codes = [code for code in vulnerability_codes(value) if code in configured]
    if not codes:
        return NONE
    return codes[0] if len(codes) == 1 else SEVERAL


def dimensions_of(measure: str) -> dict[str, list[str]]:
    """{dimension: categories} a measure is broken down by."""
    if measure in PROGRAMME_MEASURES:
        return {**DIMENSIONS, VULNERABILITY: vulnerability_categories()}
    return DIMENSIONS


def measures_of(dimension: str) -> list[tuple[str, object]]:
    """The (measure, label) broken down by `dimension`."""
    if dimension == VULNERABILITY:
        return [m for m in MEASURES if m[0] in PROGRAMME_MEASURES]
    return list(MEASURES)


def categories_of(dimension: str) -> list[str]:
    return vulnerability_categories() if dimension == VULNERABILITY else DIMENSIONS[dimension]


def page_dimensions() -> list[str]:
    """Every dimension, in the order of the tables."""
    return [*DIMENSIONS, VULNERABILITY]


def category_label(dimension: str, code: str) -> str:
    if code == NOT_STATED:
        return str(NOT_STATED_LABEL)
    if dimension == VULNERABILITY:
        if code == SEVERAL:
            return str(_l("Più di una"))
        if code == NONE:
            return str(_l("Nessuna registrata"))
        return vulnerability_label(code)
    if dimension == "sex":
        return str(SEX_LABELS[code])
    if dimension == "age_band":
        return str(AGE_BAND_LABELS[code])
    return str(_l("Sì") if code == "yes" else _l("No"))


def reporting_periods(moment: datetime) -> list[tuple[str, Period]]:
    """The fund's reporting periods from `REPORTING_PERIODS`, or the semesters of this
    year and the last two ("2026-S1", ...)."""
    configured = current_app.config.get("REPORTING_PERIODS") or ""
    out = []
    for item in configured.split(";"):
        name, _sep, span = item.partition("=")
        first, _sep, last = span.partition("..")
        try:
            out.append(
                (
                    name.strip(),
                    Period(
                        datetime.fromisoformat(first.strip()).date(),
                        datetime.fromisoformat(last.strip()).date(),
                    ),
                )
            )
        except ValueError:
            continue
    if out:
        return out
    from datetime import date

    year = moment.year
    for y in (year, year - 1, year - 2):
        out += [
            (f"{y}-S2", Period(date(y, 7, 1), date(y, 12, 31))),
            (f"{y}-S1", Period(date(y, 1, 1), date(y, 6, 30))),
        ]
    return out


def _people_rows(query) -> list[tuple]:
    """Rows (municipality, sector, sex, birth_year, citizenship, value)."""
    return db.session.execute(query).all()


def collect_breakdowns(
    period: Period, municipality_id: int | None = None, moment: datetime | None = None
) -> dict:
    """{measure: {(municipality, sector): {dimension: {category: value}}}}.

    Nine grouped queries whatever the size; people are counted once per cell. Besides
    MEASURES, "hours_people" counts the people behind each cell of hours (those who were
    there), so that the hours of a small group are hidden with it (reports.protection).

    :param moment: events count once they have started by then, as on the dashboard.
    """

    def where_m(column):
        return [] if municipality_id is None else [column == municipality_id]

    person = (User.sex, User.birth_year, User.citizenship)
    months = attendance_months(period, municipality_id)  # reports.monthly
    there = was_there(months)
    sessions = (
        select(
            months.c.municipality_id,
            type_coerce(Project.sector, String).label("sector"),
            months.c.participant_id,
        )
        .join(Project, Project.id == months.c.project_id)
        .where(there)
    )
    event_held = period.contains(CommunityEvent.starts_at) & (CommunityEvent.status == "scheduled")
    if moment is not None:
        event_held = event_held & (CommunityEvent.starts_at <= moment)
    events = (
        select(
            EventAttendance.municipality_id,
            literal("community").label("sector"),
            EventAttendance.participant_id,
        )
        .join(CommunityEvent, CommunityEvent.id == EventAttendance.event_id)
        .where(event_held, *where_m(EventAttendance.municipality_id))
    )
    rows: dict[str, list] = {}
    # UNION ALL, not UNION: the count of distinct people below removes the duplicates, and
    # deduplicating 400,000 rows first only cost time.
    for name, source in (("reached", sessions.union_all(events)), ("event_participants", events)):
        sub = source.subquery()
        rows[name] = _people_rows(
            select(sub.c.municipality_id, sub.c.sector, *person, func.count(distinct(User.id)))
            .join(User, User.id == sub.c.participant_id)
            .group_by(sub.c.municipality_id, sub.c.sector, *person)
        )
    hours = _people_rows(
        select(
            months.c.municipality_id,
            Project.sector,
            *person,
            func.sum(months.c.hours),
            func.count(distinct(case((there, months.c.participant_id)))),
        )
        .join(Project, Project.id == months.c.project_id)
        .join(User, User.id == months.c.participant_id)
        .group_by(months.c.municipality_id, Project.sector, *person)
    )
    rows["hours"] = [(*row[:-2], _dec(row[-2])) for row in hours]
    rows["hours_people"] = [(*row[:-2], row[-1]) for row in hours]
    signed = _signed_plans()
    plan_sector = (
        select(
            Plan.id.label("plan_id"),
            func.coalesce(type_coerce(Project.sector, String), literal("none")).label("sector"),
        )
        .select_from(Plan)
        .outerjoin(plan_project, plan_project.c.plan_id == Plan.id)
        .outerjoin(Project, Project.id == plan_project.c.project_id)
        .subquery()
    )

    def plan_counts(*conditions, join_signed=True):
        query = (
            select(
                Plan.municipality_id,
                plan_sector.c.sector,
                *person,
                func.count(distinct(Plan.participant_id)),
            )
            .join(plan_sector, plan_sector.c.plan_id == Plan.id)
            .join(User, User.id == Plan.participant_id)
        )
        if join_signed:
            query = query.join(signed, signed.c.plan_id == Plan.id)
        return _people_rows(
            query.where(*conditions, *where_m(Plan.municipality_id)).group_by(
                Plan.municipality_id, plan_sector.c.sector, *person
            )
        )

    rows["active_plan"] = plan_counts(
        signed.c.first < period.utc_end,
        Plan.start_date <= period.end,
        Plan.end_date >= period.start,
        Plan.status.in_(
            (PlanStatus.SIGNED, PlanStatus.ACTIVE, PlanStatus.SUSPENDED, PlanStatus.COMPLETED)
        ),
    )
    rows["plans_started"] = plan_counts(period.contains(signed.c.first))
    completed = select(PlanEvent.plan_id).where(
        PlanEvent.to_status == PlanStatus.COMPLETED.value, period.contains(PlanEvent.at)
    )
    rows["plans_completed"] = plan_counts(Plan.id.in_(completed), join_signed=False)

    rows.update(_programme_rows(period, person, municipality_id, moment))

    year = period.end.year
    configured = configured_vulnerabilities()
    out: dict = {}
    for measure, measure_rows in rows.items():
        dimensions = dimensions_of(measure)
        cells: dict = defaultdict(
            lambda dimensions=dimensions: {d: defaultdict(int) for d in dimensions}
        )
        for m, sector, sex, birth_year, citizenship, *vulnerable, value in measure_rows:
            cell = cells[(m, str(sector))]
            cell["sex"][sex if sex in SEXES else NOT_STATED] += value
            cell["age_band"][age_band(birth_year, year)] += value
            cell["third_country"][third_country(citizenship)] += value
            if vulnerable:
                cell[VULNERABILITY][vulnerability_category(vulnerable[0], configured)] += value
        out[measure] = {key: {d: dict(v) for d, v in cell.items()} for key, cell in cells.items()}
    return out


def _programme_rows(
    period: Period, person: tuple, municipality_id: int | None, moment
) -> dict[str, list]:
    """Rows (municipality, "none", sex, birth year, citizenship, vulnerabilities, people)
    of the people referred for the first time and housed for the first time in the period
    (reports.programme's definitions)."""
    where_m = scoped(municipality_id)
    facts = (*person, User.vulnerabilities)
    out = {}
    first = first_referrals(where_m)
    out["taken_in_charge"] = first, period.contains(first.c.first)
    today = to_local(moment or now()).date()  # measures count once they have started
    housed = housed_people(today, where_m)
    out["housed"] = housed, period.contains_day(housed.c.first)
    return {
        name: _people_rows(
            select(sub.c.municipality_id, literal("none"), *facts, func.count())
            .join(User, User.id == sub.c.person_id)
            .where(condition)
            .group_by(sub.c.municipality_id, *facts)
        )
        for name, (sub, condition) in out.items()
    }


def network_table(breakdowns: dict, dimension: str) -> list[tuple[str, str, list]]:
    """Rows (category, label, [value per measure]) summed over municipalities and sectors.

    People counted in two sectors are counted once per sector here as in the fund's sheet;
    the dashboard says so.
    """
    table = []
    for category in categories_of(dimension):
        values = []
        for measure, _label in measures_of(dimension):
            total = sum(
                (cell[dimension].get(category, 0) for cell in breakdowns.get(measure, {}).values()),
                Decimal(0) if measure == "hours" else 0,
            )
            values.append(total)
        table.append((category, category_label(dimension, category), values))
    return table


def fund_rows(breakdowns: dict, names: dict[int, tuple[str, str]]) -> list[dict]:
    """The XLSX sheet: one row per municipality, sector, measure, dimension and category."""
    out = []
    for measure, _label in MEASURES:
        cells = breakdowns.get(measure, {})
        for m, sector in sorted(cells, key=lambda k: (names.get(k[0], ("",))[0], k[1])):
            if m not in names:
                continue
            for dimension, categories in dimensions_of(measure).items():
                for category in categories:
                    value = cells[(m, sector)][dimension].get(category, 0)
                    out.append(
                        {
                            "municipality": names[m][0],
                            "istat_code": names[m][1],
                            "sector": sector,
                            "measure": measure,
                            "dimension": dimension,
                            "category": category,
                            "value": value,
                            "_municipality_id": m,  # not a column: for suppression
                        }
                    )
    return out
