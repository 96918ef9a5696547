"""Tutors' rosters in the field: today's sessions, marks, walk-ins, the offline service worker."""

import secrets
from datetime import timedelta
from decimal import Decimal

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from civic_app.attendance import bp
from civic_app.attendance.at_risk import REASONS, at_risk
from civic_app.attendance.forms import RosterForm, WalkInForm
from civic_app.attendance.models import (
    MARK_LABELS,
    Attendance,
    AttendanceChange,
    Mark,
)
from civic_app.attendance.offline import in_offline_window
from civic_app.attendance.operations import (
    QUARTER,
    MarkInput,
    is_locked,
    month_of,
    not_open_yet,
    parse_hours,
    record_marks,
    roster_is_open,
    roster_of,
    session_hours,
)
from civic_app.attendance.walk_ins import WALK_IN, record_walk_in
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.i18n import by_sex, format_hours
from civic_app.core.permissions import (
    Role,
    get_scoped_or_404,
    roles_required,
)
from civic_app.core.phones import normalize_phone
from civic_app.core.timeutil import local_day_bounds, to_local
from civic_app.extensions import db
from civic_app.projects.enrolments import expected_select
from civic_app.projects.models import ProjectSession, Rsvp, project_tutor
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


#: Sessions after this week that the tutor's page still lists.
LATER = 5


@bp.route("/tutor")
@roles_required(Role.TUTOR)
def tutor_home():
    """Today's sessions first, then the rest of the week (to Sunday), then a few later ones,
    and the last 7 days (marks to correct): each with how many are expected, marked or not."""
    moment = now()
    today = to_local(moment).date()
    today_start, today_end = local_day_bounds(today)
    week_end = local_day_bounds(today + timedelta(days=6 - today.weekday()))[1]
    assigned = db.select(project_tutor.c.project_id).where(
        project_tutor.c.user_id == current_user.id
    )
    base = scheduled_sessions(assigned)
    this_week = db.session.scalars(
        base.where(ProjectSession.ends_at >= today_start, ProjectSession.starts_at < week_end)
        .order_by(ProjectSession.starts_at)
        .limit(50)
    ).all()
    later = db.session.scalars(
        base.where(ProjectSession.starts_at >= week_end)
        .order_by(ProjectSession.starts_at)
        .limit(LATER)
    ).all()
    recent = db.session.scalars(
        base.where(
            ProjectSession.starts_at < today_start,
            ProjectSession.starts_at >= today_start - timedelta(days=7),
        ).order_by(ProjectSession.starts_at.desc())
    ).all()
    shown = [s.id for s in [*this_week, *recent]]
    marked = set(
        db.session.scalars(
            db.select(Attendance.session_id).where(Attendance.session_id.in_(shown)).distinct()
        )
    )
    expected = expected_select([s.id for s in this_week]).subquery()
    enrolled = dict(
        db.session.execute(
            db.select(expected.c.session_id, func.count()).group_by(expected.c.session_id)
        ).all()
    ) if this_week else {}  # fmt: skip
    return render_template(
        "attendance/tutor_home.html",
        today_sessions=[s for s in this_week if s.starts_at < today_end],
        week=[s for s in this_week if s.starts_at >= today_end],
        later=later,
        recent=recent,
        marked=marked,
        enrolled=enrolled,
        moment=moment,
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
    roster = roster_of(session)
    people, existing = roster.people, roster.existing
    errors = []
    if not roster_is_open(session, now()):
        # Read-only until the session starts; a form sent before then saves nothing, and
        # says so with a 409 (a phone sending marks it kept offline drops them then).
        if request.method == "POST":
            errors = [str(not_open_yet(session))]
            walk_in = WalkInForm(prefix="w", formdata=None)
            return _roster_page(session, roster, form, walk_in, errors), 409
    elif form.validate_on_submit():
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
            # The id from the URL: reading `session.id` after the commit reloads the session.
            return redirect(url_for("attendance.roster", session_id=session_id))
    if request.method == "GET" or not form.key.data:
        form.key.data = secrets.token_hex(16)
    return _roster_page(session, roster, form, WalkInForm(prefix="w", formdata=None), errors)


def _roster_page(session: ProjectSession, roster, form, walk_in, errors):
    """The roster: a form once its session has started, read-only (with when it opens)
    before."""
    people, existing = roster.people, roster.existing
    moment = now()
    walk_in.key.data = secrets.token_hex(16)
    changes, changes_total = _recent_changes([a.id for a in existing.values()])
    risky = at_risk(session.municipality_id, moment, only=[p.id for p in people]) if people else {}
    is_open = roster_is_open(session, moment)
    return render_template(
        "attendance/roster.html",
        session=session,
        project=session.project,
        rows=[(p, existing.get(p.id), risky.get(p.id)) for p in people],
        form=form,
        walk_in=walk_in,
        errors=errors,
        is_open=is_open,
        # a tutor's phone may keep this roster for a day without signal: it gets the form
        # for when the session starts (the server still refuses it before then)
        dormant=not is_open
        and current_user.role == Role.TUTOR
        and in_offline_window(session, moment),
        # a str, so that the page escapes it (lazy strings count as safe HTML)
        not_open=None if is_open else str(not_open_yet(session)),
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
    """Add someone who came without being enrolled: found by their phone number, or
    registered on the spot when they are not a participant yet."""
    session = _markable_session(session_id)
    form = WalkInForm(prefix="w")
    if form.validate_on_submit():
        try:
            phone = normalize_phone(form.phone.data) if (form.phone.data or "").strip() else None
            walk_in = record_walk_in(
                session,
                phone=phone,
                first_name=form.first_name.data,
                language=form.language.data,
                by=current_user,
                now=now(),
                key=form.key.data,
            )
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            if walk_in.registered:
                record("participant.signed_up", walk_in.person, details={"via": WALK_IN})
            if walk_in.applied:
                record("attendance.walk_in", session, details={"participant_id": walk_in.person.id})
            db.session.commit()
            if not walk_in.applied:
                flash(_("Queste presenze erano già arrivate."), "success")
            elif walk_in.registered:
                flash(
                    _(
                        "%(name)s: registrazione fatta e presenza segnata. Il Comune "
                        "completerà l'iscrizione con il consenso.",
                        name=walk_in.person.first_name,
                    ),
                    "success",
                )
            else:
                name = walk_in.person.first_name
                flash(
                    by_sex(
                        walk_in.person,
                        female=_("%(name)s aggiunta come presente.", name=name),
                        male=_("%(name)s aggiunto come presente.", name=name),
                        neutral=_("%(name)s: presenza segnata.", name=name),
                    ),
                    "success",
                )
            return redirect(url_for("attendance.roster", session_id=session.id))
    roster_form = RosterForm(formdata=None)
    roster_form.key.data = secrets.token_hex(16)
    return _roster_page(session, roster_of(session), roster_form, form, [])


@bp.route("/tutor/sw.js")
def service_worker():
    """The tutor's service worker. Its scope is the whole site (hence the header): a page
    it has not kept gets the offline page instead of the browser's error; it keeps only
    the pages the server marks for this tutor (`attendance.offline`)."""
    body = current_app.send_static_file("js/roster-sw.js")
    body.headers["Service-Worker-Allowed"] = "/"
    body.headers["Cache-Control"] = "no-cache"
    return body
