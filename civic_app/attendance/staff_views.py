"""Staff pages of attendance: month locks, the CSV export, participants at risk."""

from datetime import date, time

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic_app.attendance import bp
from civic_app.attendance.at_risk import REASONS, at_risk
from civic_app.attendance.forms import LockForm, UnlockForm
from civic_app.attendance.models import (
    Attendance,
    MonthLock,
)
from civic_app.attendance.operations import (
    lock_month,
    month_of,
    unlock_month,
)
from civic_app.attendance.views import staff_only
from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.exports import csv_separator, write_csv
from civic_app.core.inputs import MAX_ID
from civic_app.core.permissions import (
    current_municipality_id,
    get_scoped_or_404,
    scoped_select,
)
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.extensions import db
from civic_app.projects.models import Project


@bp.route("/staff/attendance", methods=["GET", "POST"])
@staff_only
def months():
    form = LockForm()
    municipality_id = current_municipality_id()
    if form.validate_on_submit():
        try:
            lock = lock_month(municipality_id, form.month.data, current_user, now())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("attendance.month_locked", lock, details={"month": lock.month})
            db.session.commit()
            flash(_("Mese chiuso: le presenze non si possono più cambiare."), "success")
            return redirect(url_for("attendance.months"))
    locks = db.session.scalars(scoped_select(MonthLock).order_by(MonthLock.month.desc())).all()
    projects = db.session.scalars(scoped_select(Project).order_by(Project.title)).all()
    return render_template(
        "attendance/months.html",
        form=form,
        locks=locks,
        unlock=UnlockForm(),
        projects=projects,
        this_month=month_of(now()),
    )


@bp.route("/staff/attendance/locks/<int:lock_id>/unlock", methods=["POST"])
@staff_only
def unlock(lock_id: int):
    lock = get_scoped_or_404(MonthLock, lock_id)
    form = UnlockForm()
    if not form.validate_on_submit():
        flash(_("Scrivi perché riapri il mese."), "error")
        return redirect(url_for("attendance.months"))
    month = lock.month
    record("attendance.month_unlocked", lock, details={"month": month})
    unlock_month(lock, form.reason.data)
    db.session.commit()
    flash(_("Mese %(month)s riaperto.", month=month), "success")
    return redirect(url_for("attendance.months"))


@bp.route("/staff/attendance/export.csv")
@staff_only
def export_csv():
    """Attendance of a project in one month, for the fund's reports (audited).

    :raise 400: without a project and a month (YYYY-MM). :raise 404: another's project.
    """
    project_id = request.args.get("project", type=int)
    if project_id is None:
        abort(400)
    if not 0 < project_id <= MAX_ID:  # no such id: the database would refuse the number
        abort(404)
    project = get_scoped_or_404(Project, project_id)
    month = request.args.get("month", "")
    try:
        year, number = (int(part) for part in month.split("-"))
        first = local_to_utc(date(year, number, 1), time(0))
        following = local_to_utc(date(year + number // 12, number % 12 + 1, 1), time(0))
    except (ValueError, TypeError, OverflowError):
        abort(400)
    rows = db.session.execute(
        db.select(Attendance, User)
        .join(User, User.id == Attendance.participant_id)
        .where(
            Attendance.project_id == project.id,
            Attendance.session_starts_at >= first,
            Attendance.session_starts_at < following,
        )
        .order_by(Attendance.session_starts_at, User.first_name)
    ).all()
    lines = [
        ["date", "start", "participant_id", "first_name", "last_name", "mark", "hours", "walk_in"]
    ]
    for attendance, person in rows:
        local = to_local(attendance.session_starts_at)
        lines.append(
            [
                local.date().isoformat(),
                local.strftime("%H:%M"),
                person.id,
                person.first_name,
                person.last_name,
                attendance.mark.value,
                attendance.hours,
                "yes" if attendance.walk_in else "no",
            ]
        )
    # Every text quoted and neutralised; ?sep=semicolon for Excel in Italian (BOM).
    body = write_csv(lines, csv_separator(request.args.get("sep")))
    record("attendance.exported", project, details={"month": month, "rows": len(rows)})
    db.session.commit()
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="attendance-{project.id}-{month}.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/staff/at-risk")
@staff_only
def at_risk_list():
    risky = at_risk(current_municipality_id(), now())
    people = db.session.scalars(
        db.select(User).where(User.id.in_(list(risky))).order_by(User.first_name)
    ).all()
    return render_template("attendance/at_risk.html", people=people, risky=risky, reasons=REASONS)
