"""The national coordinator's dashboard and the network's file for the fund (aggregates only)."""

from decimal import Decimal

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from civic_app.core.clock import now
from civic_app.core.i18n import current_language, format_hours, text_direction
from civic_app.core.models import Municipality
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.reports import bp
from civic_app.reports.breakdowns import (
    categories_of,
    category_label,
    fund_rows,
    measures_of,
    page_dimensions,
    reporting_periods,
)
from civic_app.reports.cache import cached
from civic_app.reports.charts import bar_chart, column_chart, list_bars
from civic_app.reports.dashboard import FUNNEL_STEPS, WORKS, Dashboard, Row, month_label
from civic_app.reports.downloads import (
    FORMATS,
    fund_body,
    fund_table_name,
    send_fund,
    separator_asked,
)
from civic_app.reports.forms import NationalFilterForm, filter_args
from civic_app.reports.fund_tables import municipality_names
from civic_app.reports.labels import euro_text, percent_text
from civic_app.reports.network import NetworkSnapshot, network_snapshot
from civic_app.reports.network_glance import active_ids, progress_month, target_progress
from civic_app.reports.period import Period
from civic_app.reports.protection import protect_rows
from civic_app.reports.views import coordinator_only, targets


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
    snapshot, figures_at = network_snapshot(period)

    def render_body() -> Markup:
        below = current_app.config["SUPPRESS_BELOW"]
        page = NationalPage(snapshot, municipalities, below)
        scope = chosen.id if chosen else None
        month, this_month = progress_month(period, now())
        html = render_template(
            "reports/_national_body.html",
            form=form,
            period=period,
            board=page.network,
            boards=page.boards,
            inactive=page.inactive,
            progress=target_progress(page, targets(), month, rtl=text_direction() == "rtl"),
            progress_month=month_label(month),
            this_month=this_month,
            below=below,
            show=page.show,
            exact=page.exact,
            rates=page.rates(),
            rows=page.rows(),
            euro=page.euro,
            percent=page.percent,
            targets=targets(),
            charts=_national_charts(page),
            chosen=chosen,
            breakdown_tables={
                d: (measures_of(d), page.breakdown_table(scope, d)) for d in page_dimensions()
            },
            args=filter_args(form),
            figures_time=to_local(figures_at).strftime("%H:%M"),
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
    )
    body, _at = cached(page_key, render_body)
    return render_template("reports/national.html", body=body)


class NationalPage:
    """What the national dashboard shows of a snapshot: every figure, or its marker."""

    def __init__(self, snapshot: NetworkSnapshot, municipalities, below: int):
        self.shown = snapshot.shown
        self.below = below
        self.network = Dashboard(snapshot.figures)
        boards = [(m, Dashboard(snapshot.figures, m.id)) for m in municipalities]
        # Those where something happened in the period first, each group by name (an
        # order by a figure would tell apart the figures hidden as "<5" or "x").
        active = active_ids(boards, snapshot.tables)
        self.boards = [(m, b) for m, b in boards if m.id in active]
        self.inactive = [m for m, _b in boards if m.id not in active]
        self.boards += [(m, b) for m, b in boards if m.id not in active]

    def value(self, *key):
        """The figure, "<5" or "x" (reports.protection)."""
        return self.shown.get(key, 0)

    def exact(self, *key):
        """The figure if it is shown, else None."""
        value = self.value(*key)
        return None if isinstance(value, str) else value

    def show(self, *key) -> str:
        value = self.value(*key)
        if isinstance(value, Decimal):
            return format_hours(value)
        return str(value)

    def euro(self, *key) -> str:
        return euro_text(self.value(*key))

    def percent(self, *key) -> str:
        return percent_text(self.shown.get(key))

    def rates(self) -> dict:
        """Attendance rates: none where fewer than `below` marks were recorded, nor for a
        small group of people (their rate is about them)."""
        out = {}
        for m, board in [*self.boards, (None, self.network)]:
            mid = getattr(m, "id", None)
            hidden = board.marks_total < self.below or self.exact("m", mid, "active") is None
            out[mid] = None if hidden else board.attendance_rate
        return out

    def rows(self) -> dict[str, list[Row]]:
        """The network's smaller tables, with what is shown of each figure."""

        def shown_rows(rows, *columns):
            return [
                Row(r.key, r.label, tuple(self.show(*column(r)) for column in columns))
                for r in rows
            ]

        events = self.network.events_by_type()
        return {
            "sector": shown_rows(self.network.active_by_sector(), lambda r: ("sector", r.key)),
            "status": shown_rows(self.network.plans_by_status(), lambda r: ("status", r.key)),
            "marks": shown_rows(self.network.mark_rows(), lambda r: ("marks", r.key)),
            "language": shown_rows(
                self.network.by_language(),
                lambda r: ("lang", r.key, "signed"),
                lambda r: ("lang", r.key, "active"),
            ),
            "referral": shown_rows(
                self.network.by_referral(),
                lambda r: ("ref", r.key, "signed"),
                lambda r: ("ref", r.key, "active"),
            ),
            "events": [
                Row(
                    r.key,
                    r.label,
                    (
                        r.values[0],
                        r.values[1],
                        self.show("event_type", r.key, "attendances"),
                        self.show("event_type", r.key, "public"),
                    ),
                )
                for r in events
            ],
            "trend": shown_rows(
                self.network.trend(),
                lambda r: ("trend", r.key, "plans"),
                lambda r: ("trend", r.key, "active"),
                lambda r: ("trend", r.key, "hours"),
            ),
            "programme_trend": shown_rows(
                self.network.programme_trend(),
                lambda r: ("trend", r.key, "taken_in_charge"),
                lambda r: ("trend", r.key, "housed"),
                lambda r: ("trend", r.key, "plans"),
            ),
            "funnel": [
                Row(key, label, (self.show("m", None, attribute),))
                for key, label, attribute in _funnel_steps()
            ],
            "money": [
                Row(
                    r.key,
                    r.label,
                    (r.values[0], self.euro("m", None, "euro_works"))
                    if r.key == WORKS
                    else (self.show("kind", r.key, "measures"), self.euro("kind", r.key, "euro")),
                )
                for r in self.network.money_by_kind()
            ],
        }

    def breakdown_table(self, scope, dimension: str) -> list[tuple[str, str, list]]:
        """Rows (category, label, [shown value per measure]) of the network or of one
        municipality (`scope`), summed over sectors."""
        measures = measures_of(dimension)
        return [
            (
                category,
                category_label(dimension, category),
                [self.show("bd", scope, measure, dimension, category) for measure, _l in measures],
            )
            for category in categories_of(dimension)
        ]


def _funnel_steps():
    return [(key, str(label), attribute) for key, label, attribute in FUNNEL_STEPS]


def _national_charts(page: NationalPage) -> dict:
    rtl = text_direction() == "rtl"
    network = page.network

    def bars(rows):
        return bar_chart(rows, rtl=rtl)

    def by_municipality(figure):
        """A bar per municipality with something to show: a long list of zeros says less
        than the line of the municipalities left out (the page says so)."""
        values = [(m.local_name, page.value("m", m.id, figure)) for m, _b in page.boards]
        return list_bars([(name, value) for name, value in values if value != 0], rtl=rtl)

    trend = page.network.trend()
    return {
        "plans_by_municipality": by_municipality("plans_signed"),
        "reached_by_municipality": by_municipality("people_reached"),
        "taken_in_charge_by_municipality": by_municipality("taken_in_charge"),
        "housed_by_municipality": by_municipality("housed"),
        "funnel": list_bars(
            [(label, page.value("m", None, attribute)) for _k, label, attribute in _funnel_steps()],
            rtl=rtl,
        ),
        "taken_in_charge_by_month": column_chart(
            [(r.label[:2], page.value("trend", r.key, "taken_in_charge")) for r in trend]
        ),
        "housed_by_month": column_chart(
            [(r.label[:2], page.value("trend", r.key, "housed")) for r in trend]
        ),
        "plans_by_month": column_chart(
            [(r.label[:2], page.value("trend", r.key, "plans")) for r in trend]
        ),
        "active_by_month": column_chart(
            [(r.label[:2], page.value("trend", r.key, "active")) for r in trend]
        ),
        "hours_by_month": column_chart(
            [(r.label[:2], page.value("trend", r.key, "hours")) for r in trend]
        ),
        "active_by_sector": bars(
            [(r.label, page.value("sector", r.key)) for r in network.active_by_sector()]
        ),
    }


@bp.route("/network/fund.<fmt>")
@coordinator_only
def national_fund_export(fmt: str):
    """The fund's tables for the whole network, from the same snapshot as the dashboard,
    with small counts and what would give them back hidden (reports.protection)."""
    if fmt not in FORMATS:
        abort(404)
    municipalities = db.session.scalars(db.select(Municipality).order_by(Municipality.name)).all()
    _form, period, _chosen = _national_filters(municipalities)
    table = fund_table_name(fmt)
    below = current_app.config["SUPPRESS_BELOW"]
    separator = separator_asked()
    snapshot, generated = network_snapshot(period)

    def build():
        tables = dict(snapshot.tables)
        tables["breakdowns"] = fund_rows(snapshot.breakdowns, municipality_names(None))
        tables = protect_rows(tables, snapshot.shown)
        scope = _("Rete nazionale")
        return fund_body(tables, period, fmt, table, scope, below, generated, separator)

    # The file itself is kept too (writing 75,000 XLSX rows takes seconds), with the
    # moment of the snapshot it was written from.
    key = ("fund_file", period.start, period.end, fmt, table, separator, below)
    key += (str(get_locale()), generated)
    (body, rows_total), _at = cached(key, build)
    return send_fund(body, rows_total, period, fmt, table, "network")
