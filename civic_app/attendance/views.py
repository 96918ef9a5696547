"""Tutors' rosters in the field; staff corrections, month locks, exports, at-risk list."""

import csv
import io
import secrets
from datetime import date, time, timedelta
from decimal import Decimal

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from civic_app.attendance import bp
from civic_app.attendance.at_risk import REASONS, at_risk
from civic_app.attendance.forms import LockForm, RosterForm, UnlockForm, WalkInForm
from civic_app.attendance.models import (
    MARK_LABELS,
    Attendance,
    AttendanceChange,
    Mark,
    MonthLock,
)
from civic_app.attendance.operations import (
    QUARTER,
    MarkInput,
    is_locked,
    lock_month,
    month_of,
    parse_hours,
    record_marks,
    roster_of,
    session_hours,
    unlock_month,
)
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.exports import spreadsheet_safe
from civic_app.core.i18n import format_hours
from civic_app.core.inputs import MAX_ID
from civic_app.core.permissions import (
    Role,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
    scoped_select,
)
from civic_app.core.phones import normalize_phone
from civic_app.core.timeutil import local_day_bounds, local_to_utc, to_local
from civic_app.extensions import db
from civic_app.people.models import User
from civic_app.plans.models import Rsvp
from civic_app.projects.models import Project, ProjectSession, project_tutor
from civic_app.projects.operations import scheduled_sessions

staff_or_tutor = roles_required(Role.STAFF, Role.TUTOR)
staff_only = roles_required(Role.STAFF)


def _markable_session(session_id: int) -> ProjectSession:
    """A session the current user may mark: staff of its municipality, or an assigned tutor.

    :raise 404: for another municipality's session, or a project the tutor is not on.
    """
    session = get_scoped_or_404(ProjectSession, session_id)
    if current_user.role == Role.TUTOR and current_user.id not in {
        t.id for t in session.project.tutors
    }:
        abort(404)
    return session


@bp.route("/tutor")
@roles_required(Role.TUTOR)
def tutor_home():
    moment = now()
    today_start, _end = local_day_bounds(to_local(moment).date())
    assigned = db.select(project_tutor.c.project_id).where(
        project_tutor.c.user_id == current_user.id
    )
    base = scheduled_sessions(assigned)
    upcoming = db.session.scalars(
        base.where(ProjectSession.ends_at >= today_start)
        .order_by(ProjectSession.starts_at)
        .limit(10)
    ).all()
    recent = db.session.scalars(
        base.where(
            ProjectSession.starts_at < today_start,
            ProjectSession.starts_at >= today_start - timedelta(days=7),
        ).order_by(ProjectSession.starts_at.desc())
    ).all()
    marked = set(
        db.session.scalars(
            db.select(Attendance.session_id).where(
                Attendance.session_id.in_([s.id for s in [*upcoming, *recent]])
            )
        )
    )
    return render_template(
        "attendance/tutor_home.html",
        upcoming=upcoming,
        recent=recent,
        marked=marked,
        today=to_local(moment).date(),
    )


def _hour_options(session: ProjectSession) -> list[Decimal]:
    top = session_hours(session) + 1
    steps = int(top / QUARTER)
    return [QUARTER * n for n in range(steps + 1)]


def _hour_selects(session: ProjectSession, chosen: set[Decimal]) -> dict[Decimal, Markup]:
    """The <option>s of the hours select for each value chosen on the roster: made once per
    distinct value (usually the session's length), not once per person."""
    options = [(h, format_hours(h)) for h in _hour_options(session)]
    option = Markup('<option value="{}"{}>{}</option>')
    selected = Markup(" selected")
    return {
        value: Markup("").join(
            option.format(h, selected if h == value else "", label) for h, label in options
        )
        for value in chosen
    }


#: Corrections listed under a roster, the latest first; older ones stay in the database
#: and the audit trail (a roster corrected every day would otherwise grow without end).
CHANGES_SHOWN = 30


def _recent_changes(attendance_ids: list[int]) -> tuple[list[AttendanceChange], int]:
    """The last CHANGES_SHOWN corrections of these marks (a roster's), oldest first, and
    how many there are in all."""
    if not attendance_ids:
        return [], 0
    of_roster = AttendanceChange.attendance_id.in_(attendance_ids)
    latest = db.session.scalars(
        db.select(AttendanceChange)
        .options(selectinload(AttendanceChange.changed_by))
        .where(of_roster)
        # by time, not by id: ordered by id, PostgreSQL may walk the whole table's
        # primary key backwards looking for this roster's rows
        .order_by(AttendanceChange.changed_at.desc(), AttendanceChange.id.desc())
        .limit(CHANGES_SHOWN)
    ).all()
    total = len(latest)
    if total == CHANGES_SHOWN:
        total = db.session.scalar(db.select(func.count(AttendanceChange.id)).where(of_roster))
    return latest[::-1], total


def _answers(session: ProjectSession) -> dict[int, bool]:
    """Who said they are coming (True) or not (False), from their replies to reminders."""
    return dict(
        db.session.execute(
            db.select(Rsvp.participant_id, Rsvp.coming).where(Rsvp.session_id == session.id)
        ).all()
    )


@bp.route("/tutor/sessions/<int:session_id>", methods=["GET", "POST"])
@staff_or_tutor
def roster(session_id: int):
    session = _markable_session(session_id)
    form = RosterForm()
    walk_in = WalkInForm(prefix="w")
    roster = roster_of(session)
    people, existing = roster.people, roster.existing
    errors = []
    if form.validate_on_submit():
        marks = []
        try:
            for person in people:
                raw_mark = request.form.get(f"mark-{person.id}")
                if raw_mark is None:
                    continue
                try:
                    mark = Mark(raw_mark)
                except ValueError:
                    raise DomainError(None, _("Scegli una voce dell'elenco.")) from None
                raw_hours = request.form.get(f"hours-{person.id}", "")
                hours = parse_hours(raw_hours) if raw_hours.strip() else None
                marks.append(MarkInput(person.id, mark, hours))
            applied = record_marks(
                session,
                marks,
                by=current_user,
                now=now(),
                key=form.key.data,
                reason=form.reason.data,
                roster=roster,
            )
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
            errors = form.form_errors or form.reason.errors
        else:
            if applied:
                record(
                    "attendance.recorded",
                    session,
                    details={"marks": len(marks), "correction": bool(existing)},
                )
            db.session.commit()
            flash(
                _("Presenze salvate.") if applied else _("Queste presenze erano già arrivate."),
                "success",
            )
            return redirect(url_for("attendance.roster", session_id=session.id))
    if request.method == "GET" or not form.key.data:
        form.key.data = secrets.token_hex(16)
    walk_in.key.data = secrets.token_hex(16)
    changes, changes_total = _recent_changes([a.id for a in existing.values()])
    risky = at_risk(session.municipality_id, now(), only=[p.id for p in people]) if people else {}
    return render_template(
        "attendance/roster.html",
        session=session,
        project=session.project,
        rows=[(p, existing.get(p.id), risky.get(p.id)) for p in people],
        form=form,
        walk_in=walk_in,
        errors=errors,
        hour_selects=_hour_selects(
            session, {a.hours for a in existing.values()} | {session_hours(session)}
        ),
        default_hours=session_hours(session),
        # translated once here, not once per person and mark in the template
        labels={mark: str(label) for mark, label in MARK_LABELS.items()},
        marks=list(Mark),
        risk_labels={reason: str(label) for reason, label in REASONS.items()},
        answers=_answers(session),
        changes=changes,
        changes_total=changes_total,
        corrections=bool(existing),
        locked=is_locked(session.municipality_id, month_of(session.starts_at)),
    )


@bp.route("/tutor/sessions/<int:session_id>/walk-in", methods=["POST"])
@staff_or_tutor
def add_walk_in(session_id: int):
    """Add someone who came without being enrolled, found by their phone number."""
    session = _markable_session(session_id)
    form = WalkInForm(prefix="w")
    if not form.validate_on_submit():
        flash(_("Scrivi il numero di telefono della persona."), "error")
        return redirect(url_for("attendance.roster", session_id=session.id))
    try:
        phone = normalize_phone(form.phone.data)
        person = db.session.scalar(
            db.select(User).where(
                User.phone == phone,
                User.role == Role.PARTICIPANT,
                User.municipality_id == session.municipality_id,
            )
        )
        if person is None:
            raise DomainError(
                "phone", _("Nessun partecipante con questo numero: va prima iscritto.")
            )
        record_marks(
            session,
            [MarkInput(person.id, Mark.PRESENT)],
            by=current_user,
            now=now(),
            key=form.key.data,
            walk_in_ids=(person.id,),
        )
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        record("attendance.walk_in", session, details={"participant_id": person.id})
        db.session.commit()
        flash(_("%(name)s aggiunto come presente.", name=person.first_name), "success")
    return redirect(url_for("attendance.roster", session_id=session.id))


@bp.route("/tutor/sw.js")
def service_worker():
    """The roster's service worker, served from /tutor/ so that it may cover the rosters."""
    body = current_app.send_static_file("js/roster-sw.js")
    body.headers["Service-Worker-Allowed"] = "/tutor/"
    body.headers["Cache-Control"] = "no-cache"
    return body


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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["date", "start", "participant_id", "first_name", "last_name", "mark", "hours", "walk_in"]
    )
    for attendance, person in rows:
        local = to_local(attendance.session_starts_at)
        writer.writerow(
            [
                local.date().isoformat(),
                local.strftime("%H:%M"),
                person.id,
                spreadsheet_safe(person.first_name),
                spreadsheet_safe(person.last_name),
                attendance.mark.value,
                f"{attendance.hours:.2f}",
                "yes" if attendance.walk_in else "no",
            ]
        )
    record("attendance.exported", project, details={"month": month, "rows": len(rows)})
    db.session.commit()
    return Response(
        out.getvalue(),
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
