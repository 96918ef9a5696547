"""The municipal dashboard and its exports (the fund's tables, the participant list)."""

from flask import abort, current_app, render_template, request

from civic_app.core.audit import record
from civic_app.core.channels import CHANNEL_LABELS
from civic_app.core.clock import now
from civic_app.core.i18n import text_direction
from civic_app.core.models import Municipality
from civic_app.core.permissions import (
    Role,
    current_municipality_id,
    roles_required,
    scoped_select,
)
from civic_app.extensions import db
from civic_app.projects.models import Project
from civic_app.reports import bp
from civic_app.reports.charts import bar_chart, column_chart
from civic_app.reports.columns import PARTICIPANTS
from civic_app.reports.dashboard import Dashboard
from civic_app.reports.downloads import FORMATS, download, fund_response, separator_asked
from civic_app.reports.exports import export_notes, to_csv, to_xlsx
from civic_app.reports.forms import ReportFilterForm, filter_args
from civic_app.reports.fund_tables import (
    breakdown_rows,
    fund_tables,
)
from civic_app.reports.indicators import collect
from civic_app.reports.labels import euro_text, percent_text
from civic_app.reports.participant_list import participant_rows
from civic_app.reports.period import Period

staff_only = roles_required(Role.STAFF)
coordinator_only = roles_required(Role.COORDINATOR)


def targets() -> dict[str, int]:
    """The programme's three targets (config), in the order the dashboards show them."""
    config = current_app.config
    return {
        "taken_in_charge": config["TARGET_TAKEN_IN_CHARGE"],
        "housed": config["TARGET_HOUSED"],
        "plans": config["TARGET_PLANS"],
    }


def _filters(projects=()) -> tuple[ReportFilterForm, Period, int | None]:
    """The filter form from the query string, the period and the project it asks for.

    Bad values are shown on the form and the defaults are used: never a 500.
    """
    default = Period.last_twelve_months(now())
    form = ReportFilterForm(projects, formdata=request.args)
    if request.args and not form.validate():
        return form, default, None
    project_id = int(form.project.data) if form.project.data else None
    return form, form.period(default), project_id


@bp.route("/staff/reports")
@staff_only
def municipal():
    municipality_id = current_municipality_id()
    projects = db.session.scalars(scoped_select(Project).order_by(Project.title)).all()
    form, period, project_id = _filters(projects)
    figures = collect(
        period,
        now(),
        municipality_id=municipality_id,
        project_id=project_id,
        by_project=True,
        network=True,  # the programme's targets and pillars, for this municipality
    )
    board = Dashboard(figures, municipality_id, projects={p.id: p.title for p in projects})
    return render_template(
        "reports/municipal.html",
        form=form,
        period=period,
        board=board,
        project_chosen=project_id is not None,
        below=0,
        charts=_charts(board),
        args=filter_args(form),
        targets=targets(),
        euro=euro_text,
        percent=percent_text,
        channel_labels=CHANNEL_LABELS,
    )


def _charts(board: Dashboard, shown=None) -> dict:
    rtl = text_direction() == "rtl"

    def bars(rows, index=0):
        return bar_chart([(r.label, r.values[index]) for r in rows], rtl=rtl, shown=shown)

    return {
        "hours_by_month": column_chart([(r.label[:2], r.value) for r in board.hours_by_month()]),
        "active_by_sector": bars(board.active_by_sector()),
        "plans": bars(board.plans_by_status()),
        "marks": bars(board.mark_rows()),
        "hours_by_sector": bars(board.hours_by_sector()),
        "events": bars(board.events_by_type()),
        "funnel": bars(board.funnel()),
        "taken_in_charge_by_month": column_chart(
            [(r.label[:2], r.values[0]) for r in board.programme_trend()]
        ),
        "housed_by_month": column_chart(
            [(r.label[:2], r.values[1]) for r in board.programme_trend()]
        ),
    }


@bp.route("/staff/reports/fund.<fmt>")
@staff_only
def municipal_fund_export(fmt: str):
    """The fund's tables for this municipality (aggregates; audited like every export)."""
    if fmt not in FORMATS:
        abort(404)
    _form, period, _project = _filters()
    municipality = db.session.get(Municipality, current_municipality_id())
    tables = fund_tables(period, now(), municipality.id)
    tables["breakdowns"] = breakdown_rows(period, municipality.id)
    return fund_response(tables, period, fmt, municipality.slug, municipality.name, None)


@bp.route("/staff/reports/participants.<fmt>")
@staff_only
def participants_export(fmt: str):
    """One row per participant: names included, so staff of the municipality only; audited."""
    if fmt not in FORMATS:
        abort(404)
    _form, period, _project = _filters()
    municipality = db.session.get(Municipality, current_municipality_id())
    rows = participant_rows(municipality.id, period)
    record(
        "report.participants_exported",
        details={
            "format": fmt,
            "rows": len(rows),
            "from": str(period.start),
            "to": str(period.end),
        },
    )
    db.session.commit()
    filename = f"civic-participants-{municipality.slug}-{period.start}-{period.end}"
    if fmt == "csv":
        return download(to_csv(rows, PARTICIPANTS, separator_asked()), fmt, filename)
    notes = export_notes(period, municipality.name, now(), None)
    return download(to_xlsx({"participants": (rows, PARTICIPANTS)}, notes), fmt, filename)
