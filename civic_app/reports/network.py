"""The coordinator's network-wide figures, through the short-lived cache (reports/cache.py).

Computing them reads every attendance row and message of the period (seconds at the
scale of a national network), so the national dashboard and the fund's export share
them for `NATIONAL_CACHE_SECONDS`, and the scheduler's `warm_national_figures` job
computes the default period's figures ahead of time: the coordinator who opens the
dashboard finds them ready instead of waiting for the computation.
"""

from civic_app.core.clock import now
from civic_app.reports.breakdowns import collect_breakdowns
from civic_app.reports.cache import cached
from civic_app.reports.indicators import collect
from civic_app.reports.period import Period


def network_figures(period: Period, *, refresh: bool = False):
    """(figures, computed at) of the whole network for `period`."""
    key = ("figures", period.start, period.end)
    return cached(key, lambda: collect(period, now(), network=True), refresh=refresh)


def network_breakdowns(period: Period, municipality_id: int | None, *, refresh: bool = False):
    """(breakdowns, computed at), network-wide or for one municipality."""
    key = ("breakdowns", period.start, period.end, municipality_id)
    return cached(key, lambda: collect_breakdowns(period, municipality_id), refresh=refresh)


def warm_default_figures(moment) -> Period:
    """Compute the figures the national dashboard opens with (the last twelve months,
    network-wide) and store them, replacing what the cache holds."""
    period = Period.last_twelve_months(moment)
    network_figures(period, refresh=True)
    network_breakdowns(period, None, refresh=True)
    return period
