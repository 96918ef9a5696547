"""Dashboards, exports for the fund, and certificates."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError
from civic_app.core.i18n import current_language, text_direction
from civic_app.core.models import Municipality
from civic_app.core.permissions import (
    Role,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
    scoped_select,
)
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.people.models import User
from civic_app.projects.forms import ActionForm
from civic_app.projects.models import Project
from civic_app.reports import bp
from civic_app.reports.breakdowns import (
    DIMENSIONS,
    MEASURES,
    fund_rows,
    network_table,
    reporting_periods,
)
from civic_app.reports.cache import cached
from civic_app.reports.certificates import (
    certificate_languages,
    engagement,
    issue_certificate,
    load_certificate,
    render_pdf,
)
from civic_app.reports.charts import bar_chart, column_chart
from civic_app.reports.dashboard import Dashboard
from civic_app.reports.exports import (
    BREAKDOWNS,
    MONTH,
    PARTICIPANTS,
    SECTOR_MONTH,
    TABLES,
    breakdown_rows,
    export_notes,
    fund_tables,
    municipality_names,
    participant_rows,
    suppress_rows,
    to_csv,
    to_xlsx,
)
from civic_app.reports.forms import NationalFilterForm, ReportFilterForm
from civic_app.reports.indicators import collect
from civic_app.reports.models import Certificate
from civic_app.reports.network import network_breakdowns, network_figures
from civic_app.reports.period import Period

staff_only = roles_required(Role.STAFF)
coordinator_only = roles_required(Role.COORDINATOR)

FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
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


def _filter_args(form) -> dict:
    """The filters asked for, to carry into the export links: the form's own fields only
    (another parameter, e.g. `table` or `fmt`, would clash with the links' own)."""
    return {
        f.name: request.args[f.name]
        for f in form
        if f.name != "submit" and request.args.get(f.name)
    }


def _download(body, fmt: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=FORMATS[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


# Municipal dashboard ----------------------------------------------------------------


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
        args=_filter_args(form),
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
    return _fund_response(tables, period, fmt, municipality.slug, municipality.name, None)


def _fund_response(tables, period, fmt, slug, scope, suppress_below):
    table = _fund_table(fmt)
    body, rows_total = _fund_body(tables, period, fmt, table, scope, suppress_below, now())
    return _send_fund(body, rows_total, period, fmt, table, slug)


def _fund_table(fmt: str) -> str:
    table = request.args.get("table", "sector_month")
    if fmt == "csv" and table not in TABLES:
        abort(404)
    return table


def _fund_body(tables, period, fmt, table, scope, suppress_below, generated):
    """(file body, number of rows) of the fund's tables in `fmt`."""
    if suppress_below:
        tables = {
            name: suppress_rows(rows, TABLES[name], suppress_below) for name, rows in tables.items()
        }
    rows_total = sum(len(rows) for rows in tables.values())
    if fmt == "csv":
        return to_csv(tables[table], TABLES[table]), rows_total
    body = to_xlsx(
        {
            "sector_month": (tables["sector_month"], SECTOR_MONTH),
            "month": (tables["month"], MONTH),
            "breakdowns": (tables["breakdowns"], BREAKDOWNS),
        },
        export_notes(period, scope, generated, suppress_below),
    )
    return body, rows_total


def _send_fund(body, rows_total, period, fmt, table, slug):
    record("report.exported", details={"kind": "fund", "format": fmt, "rows": rows_total})
    db.session.commit()
    filename = f"civic-fund-{slug}-{period.start.isoformat()}-{period.end.isoformat()}"
    if fmt == "csv":
        return _download(body, fmt, f"{filename}-{table}")
    return _download(body, fmt, filename)


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
        return _download(to_csv(rows, PARTICIPANTS), fmt, filename)
    notes = export_notes(period, municipality.name, now(), None)
    return _download(to_xlsx({"participants": (rows, PARTICIPANTS)}, notes), fmt, filename)


# National dashboard ----------------------------------------------------------------


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
            args=_filter_args(form),
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
    table = _fund_table(fmt)
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
        return _fund_body(tables, period, fmt, table, scope, below, generated)

    key = ("fund_file", period.start, period.end, fmt, table, below, str(get_locale()))
    (body, rows_total), _at = cached(key, build)
    return _send_fund(body, rows_total, period, fmt, table, "network")


# Certificates -----------------------------------------------------------------------


@bp.route("/staff/participants/<int:user_id>/certificates", methods=["GET", "POST"])
@staff_only
def participant_certificates(user_id: int):
    person = get_scoped_or_404(User, user_id)
    if person.role != Role.PARTICIPANT:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            certificate = issue_certificate(person, current_user, now())
        except DomainError as error:
            flash(str(error), "error")
        else:
            record("certificate.issued", certificate, details={"participant_id": person.id})
            db.session.commit()
            flash(_("Certificato emesso."), "success")
        return redirect(url_for("reports.participant_certificates", user_id=person.id))
    certificates = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.participant_id == person.id)
        .order_by(Certificate.id.desc())
    ).all()
    return render_template(
        "reports/certificates.html",
        person=person,
        certificates=certificates,
        projects=engagement(person.id),
        action=form,
        languages=certificate_languages(person.preferred_language),
    )


@bp.route("/staff/certificates/<int:certificate_id>.pdf")
@staff_only
def staff_certificate_pdf(certificate_id: int):
    certificate = get_scoped_or_404(Certificate, certificate_id)
    return _certificate_pdf(certificate)


@bp.route("/staff/certificates/<int:certificate_id>/revoke", methods=["POST"])
@staff_only
def revoke_certificate(certificate_id: int):
    certificate = get_scoped_or_404(Certificate, certificate_id)
    if ActionForm().validate_on_submit() and certificate.revoked_at is None:
        certificate.revoked_at = now()
        record("certificate.revoked", certificate)
        db.session.commit()
        flash(_("Certificato ritirato: la pagina di verifica lo dice."), "success")
    return redirect(url_for("reports.participant_certificates", user_id=certificate.participant_id))


@bp.route("/me/certificates")
@roles_required(Role.PARTICIPANT)
def my_certificates():
    certificates = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.participant_id == current_user.id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.id.desc())
    ).all()
    return render_template("reports/my_certificates.html", certificates=certificates)


@bp.route("/me/certificates/<int:certificate_id>.pdf")
@roles_required(Role.PARTICIPANT)
def my_certificate_pdf(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.participant_id != current_user.id:
        abort(404)
    return _certificate_pdf(certificate)


def _certificate_pdf(certificate: Certificate) -> Response:
    person = certificate.participant
    signer = certificate.issued_by
    record("certificate.downloaded", certificate)
    db.session.commit()
    body = render_pdf(certificate, person.display_name, signer.display_name)
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="certificate-{certificate.id}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/verify/<token>")
def verify(token: str):
    """Public: is this certificate genuine? Only initials, hours and dates."""
    certificate = load_certificate(token)
    if certificate is None:
        return render_template("reports/verify.html", certificate=None), 404
    return render_template("reports/verify.html", certificate=certificate)
