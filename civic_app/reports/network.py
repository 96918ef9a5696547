"""The coordinator's network-wide figures, through the short-lived cache (reports/cache.py).

Computing them reads every attendance row and message of the period (seconds at the
scale of a national network), so the national dashboard and the fund's export share
one snapshot of them for `NATIONAL_CACHE_SECONDS`, and the scheduler's
`warm_national_figures` job computes the default period's snapshot ahead of time: the
coordinator who opens the dashboard finds it ready instead of waiting for it.
"""

from dataclasses import dataclass

from flask import current_app

from civic_app.core.clock import now
from civic_app.reports.breakdowns import collect_breakdowns
from civic_app.reports.cache import cached
from civic_app.reports.fund_tables import fund_tables
from civic_app.reports.indicators import Figures, collect
from civic_app.reports.period import Period
from civic_app.reports.protection import protect_network


@dataclass
class NetworkSnapshot:
    """Every figure coordinators get for a period, computed together at one moment: the
    dashboard, its breakdowns and the fund's tables, and what of them is shown.

    The page, its CSV and its XLSX read the same snapshot, so they agree figure by
    figure; `shown` holds each cell's value or its marker ("<5", "x") after primary and
    complementary suppression over all of them at once (reports.protection)."""

    figures: Figures
    breakdowns: dict
    tables: dict[str, list[dict]]
    shown: dict


def network_snapshot(period: Period, *, refresh: bool = False) -> tuple[NetworkSnapshot, object]:
    """(snapshot, computed at) of the whole network for `period`."""
    below = current_app.config["SUPPRESS_BELOW"]

    def compute() -> NetworkSnapshot:
        moment = now()
        figures = collect(period, moment, network=True)
        breakdowns = collect_breakdowns(period, None, moment)
        tables = fund_tables(period, moment)
        shown = protect_network(figures, breakdowns, tables, below)
        return NetworkSnapshot(figures, breakdowns, tables, shown)

    key = ("network", period.start, period.end, below)
    return cached(key, compute, refresh=refresh)


def warm_default_figures(moment) -> Period:
    """Compute the figures the national dashboard opens with (the last twelve months,
    network-wide) and store them, replacing what the cache holds."""
    period = Period.last_twelve_months(moment)
    network_snapshot(period, refresh=True)
    return period
