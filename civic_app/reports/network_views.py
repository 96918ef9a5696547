"""The national coordinator's dashboard and the network's file for the fund (aggregates only)."""

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from civic_app.core.clock import now
from civic_app.core.i18n import current_language, text_direction
from civic_app.core.models import Municipality
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.reports import bp
from civic_app.reports.breakdowns import (
    DIMENSIONS,
    MEASURES,
    fund_rows,
    network_table,
    reporting_periods,
)
from civic_app.reports.cache import cached
from civic_app.reports.charts import bar_chart, column_chart
from civic_app.reports.dashboard import Dashboard
from civic_app.reports.downloads import FORMATS, fund_body, fund_table_name, send_fund
from civic_app.reports.forms import NationalFilterForm, filter_args
from civic_app.reports.fund_tables import (
    fund_tables,
    municipality_names,
)
from civic_app.reports.network import network_breakdowns, network_figures
from civic_app.reports.period import Period
from civic_app.reports.views import coordinator_only


def _national_filters(municipalities):
    """Period (dates or a reporting period) and the municipality of the breakdowns."""
    periods = reporting_periods(now())
    default = Period.last_twelve_months(now())
    form = NationalFilterForm(periods, municipalities, formdata=request.args)
    if request.args and not form.validate():
        return form, default, None
    period = dict(periods).get(form.reporting_period.data) or form.period(default)
    chosen = {m.slug: m for m in municipalities}.get(form.municipality.data)
    return form, period, chosen


@bp.route("/network")
@coordinator_only
def national():
    municipalities = db.session.scalars(db.select(Municipality).order_by(Municipality.name)).all()
    form, period, chosen = _national_filters(municipalities)
    figures, figures_at = network_figures(period)
    breakdowns, breakdowns_at = network_breakdowns(period, chosen.id if chosen else None)

    def render_body() -> Markup:
        network = Dashboard(figures)
        below = current_app.config["SUPPRESS_BELOW"]
        boards = [(m, Dashboard(figures, m.id)) for m in municipalities]
        html = render_template(
            "reports/_national_body.html",
            form=form,
            period=period,
            board=network,
            boards=boards,
            below=below,
            targets={
                "plans": current_app.config["TARGET_PLANS"],
                "reached": current_app.config["TARGET_PEOPLE_REACHED"],
            },
            charts=_national_charts(network, boards, below),
            chosen=chosen,
            measures=MEASURES,
            breakdown_tables={d: network_table(breakdowns, d) for d in DIMENSIONS},
            args=filter_args(form),
            figures_time=to_local(min(figures_at, breakdowns_at)).strftime("%H:%M"),
        )
        return Markup(html)  # noqa: S704 - autoescaped template output

    # The page's content is the same for every coordinator who asks the same thing in
    # the same language: it is kept with the figures it shows (rendering the tables of
    # every municipality costs more than reading the cached figures).
    page_key = (
        "page",
        current_language(),
        tuple(sorted(request.args.items(multi=True))),
        figures_at,
        breakdowns_at,
    )
    body, _at = cached(page_key, render_body)
    return render_template("reports/national.html", body=body)


def _national_charts(network: Dashboard, boards, below: int) -> dict:
    rtl = text_direction() == "rtl"
    marker = f"<{below}"

    def hide(value):
        return None if 0 < value < below else value

    def shown(value):
        return marker if value is None else str(value)

    trend = network.trend()
    return {
        "plans_by_municipality": bar_chart(
            [(m.name, hide(b.plans_signed)) for m, b in boards], rtl=rtl, shown=shown
        ),
        "reached_by_municipality": bar_chart(
            [(m.name, hide(b.people_reached)) for m, b in boards], rtl=rtl, shown=shown
        ),
        "plans_by_month": column_chart(
            [(r.label[:2], hide(r.values[0])) for r in trend], shown=shown
        ),
        "active_by_month": column_chart(
            [(r.label[:2], hide(r.values[1])) for r in trend], shown=shown
        ),
        "hours_by_month": column_chart([(r.label[:2], r.values[2]) for r in trend]),
        "active_by_sector": bar_chart(
            [(r.label, hide(r.value)) for r in network.active_by_sector()], rtl=rtl, shown=shown
        ),
    }


@bp.route("/network/fund.<fmt>")
@coordinator_only
def national_fund_export(fmt: str):
    """The fund's tables for the whole network, with small counts suppressed."""
    if fmt not in FORMATS:
        abort(404)
    municipalities = db.session.scalars(db.select(Municipality).order_by(Municipality.name)).all()
    _form, period, _chosen = _national_filters(municipalities)
    table = fund_table_name(fmt)
    below = current_app.config["SUPPRESS_BELOW"]

    def build():
        # The file itself is kept too: writing 75,000 XLSX rows takes seconds.
        tables, tables_at = cached(
            ("fund_tables", period.start, period.end), lambda: fund_tables(period, now())
        )
        tables = dict(tables)
        breakdowns, breakdowns_at = network_breakdowns(period, None)
        tables["breakdowns"] = fund_rows(breakdowns, municipality_names(None))
        generated = min(tables_at, breakdowns_at)
        scope = _("Rete nazionale")
        return fund_body(tables, period, fmt, table, scope, below, generated)

    key = ("fund_file", period.start, period.end, fmt, table, below, str(get_locale()))
    (body, rows_total), _at = cached(key, build)
    return send_fund(body, rows_total, period, fmt, table, "network")
