"""What the coordinator reads first on /network: the three targets with this month's
progress, and which municipalities had anything happen in the period.

Pure Python over a snapshot's figures and what of them is shown (reports.protection):
every number and every bar comes from a shown figure, so the small-number rule holds.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from civic_app.core.timeutil import to_local
from civic_app.reports.charts import target_bar
from civic_app.reports.dashboard import Dashboard

#: (id on the page, figure since the programme began, its column in the monthly trend,
#: the key of its target in reports.views.targets(), title).
TARGETS = (
    (
        "taken-in-charge",
        "taken_in_charge",
        "taken_in_charge",
        "taken_in_charge",
        _l("Persone prese in carico e inviate a un servizio"),
    ),
    ("housed", "housed", "housed", "housed", _l("Persone in misure abitative")),
    ("plans", "plans_signed", "plans", "plans", _l("Piani individuali firmati")),
)


@dataclass
class Progress:
    """One target on the page: its figure and this month's, shown or as a marker."""

    key: str
    title: str
    goal: int
    shown: str
    exact: int | None
    month_shown: str
    month_exact: int | None
    bar: Markup


def progress_month(period, moment) -> tuple[str, bool]:
    """("YYYY-MM", is it this month?): the month whose progress the targets show, this
    month when the period holds it, else the period's last month."""
    months = period.months()
    current = to_local(moment).strftime("%Y-%m")
    return (current, True) if current in months else (months[-1], False)


def target_progress(page, goals: dict, month: str, *, rtl: bool) -> list[Progress]:
    """The three targets, from the page's shown figures (`page`: a NationalPage)."""
    out = []
    for key, figure, column, goal_key, title in TARGETS:
        exact = page.exact("m", None, figure)
        month_exact = page.exact("trend", month, column)
        bar = target_bar(
            exact,
            month_exact,
            goals[goal_key],
            rtl=rtl,
            labelled_by=f"target-{key}-label target-{key}-month",
        )
        out.append(
            Progress(
                key,
                str(title),
                goals[goal_key],
                page.show("m", None, figure),
                exact,
                page.show("trend", month, column),
                month_exact,
                bar,
            )
        )
    return out


def active_ids(boards: list[tuple], tables: dict) -> set[int]:
    """The municipalities where something happened in the period: sign-ups, people at
    sessions, hours, events held, people referred or housed for the first time, plans
    signed, housing measures or works started, or a row of the fund's intake or housing
    tables (people met, referrals, someone living in a dwelling).

    Read from the exact figures: "no activity" means every such figure is 0, which the
    page shows as 0 anyway, so the line says nothing the tables do not."""
    pillars = {
        row["_municipality_id"]
        for name in ("intake", "housing")
        for row in tables.get(name, [])
        if row.get("_municipality_id") is not None
    }
    out = set()
    for m, board in boards:
        if m.id in pillars or _did_something(board):
            out.add(m.id)
    return out


def _did_something(board: Dashboard) -> bool:
    if board.signed_up or board.active or board.hours_total or board.events_held:
        return True
    if any(any(row.values) for row in board.programme_trend()):
        return True
    return any(row.values[0] for row in board.money_by_kind())
