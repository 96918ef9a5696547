"""Staff pages: projects, sessions, venues and the network's template library."""

from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.holidays import holidays_among
from civic_app.core.i18n import current_language
from civic_app.core.models import Municipality
from civic_app.core.permissions import (
    Role,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
    scoped_select,
)
from civic_app.core.public_pages import forget_public_pages
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.projects import bp
from civic_app.projects.forms import ActionForm, ProjectForm, ScheduleForm, SessionForm, VenueForm
from civic_app.projects.models import (
    PROJECT_STATUS_LABELS,
    SECTOR_LABELS,
    Project,
    ProjectSession,
    ProjectStatus,
    ProjectTemplate,
    Schedule,
    SessionStatus,
    Venue,
)
from civic_app.projects.operations import (
    add_schedule,
    add_session,
    build_rrule,
    cancel_session,
    change_status,
    copy_template,
    move_session,
    places_taken,
    project_figures,
    save_project,
    schedule_starts,
    share_as_template,
)
from civic_app.projects.venues import save_venue

staff_only = roles_required(Role.STAFF)
NO_VENUE = (0, _l("— nessuno —"))


def _venue_choices():
    venues = db.session.scalars(scoped_select(Venue).order_by(Venue.name)).all()
    return [NO_VENUE] + [(v.id, f"{v.name} ({v.address})") for v in venues]


def _venue(venue_id: int | None):
    return get_scoped_or_404(Venue, venue_id) if venue_id else None


@bp.route("/staff/projects")
@staff_only
def staff_projects():
    projects = db.session.scalars(
        scoped_select(Project).order_by(Project.status, Project.start_date.desc())
    ).all()
    return render_template(
        "projects/staff_list.html",
        projects=projects,
        taken=places_taken(p.id for p in projects),
        status_labels=PROJECT_STATUS_LABELS,
        sector_labels=SECTOR_LABELS,
    )


def _project_form(project: Project | None) -> ProjectForm:
    form = ProjectForm(obj=project)
    form.venue_id.choices = _venue_choices()
    tutors = db.session.scalars(
        scoped_select(User).where(User.role == Role.TUTOR).order_by(User.first_name)
    ).all()
    form.tutors.choices = [(t.id, t.display_name) for t in tutors]
    if project is not None and request.method == "GET":
        form.fill_translations(project)
        form.venue_id.data = project.venue_id or 0
        form.tutors.data = [t.id for t in project.tutors]
        form.languages.data = project.language_codes
    return form


@bp.route("/staff/projects/new", methods=["GET", "POST"])
@bp.route("/staff/projects/<int:project_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_project(project_id: int | None = None):
    project = get_scoped_or_404(Project, project_id) if project_id else None
    form = _project_form(project)
    if form.validate_on_submit():
        tutors = [get_scoped_or_404(User, tutor_id) for tutor_id in form.tutors.data]
        try:
            saved = save_project(
                project,
                current_municipality_id(),
                form.project_data(),
                tutors=tutors,
                venue=_venue(form.venue_id.data),
            )
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("project.created" if project is None else "project.updated", saved)
            db.session.commit()
            forget_public_pages()  # this process's public pages show it at once
            flash(_("Progetto salvato."), "success")
            return redirect(url_for("projects.staff_project", project_id=saved.id))
    return render_template("projects/staff_form.html", form=form, project=project)


@bp.route("/staff/projects/<int:project_id>")
@staff_only
def staff_project(project_id: int):
    project = get_scoped_or_404(Project, project_id)
    sessions = db.session.scalars(
        db.select(ProjectSession)
        .where(ProjectSession.project_id == project.id)
        .order_by(ProjectSession.starts_at)
    ).all()
    return render_template(
        "projects/staff_detail.html",
        project=project,
        sessions=sessions,
        taken=places_taken([project.id]).get(project.id, 0),
        **{name: value for figure in project_figures for name, value in figure(project).items()},
        status_labels=PROJECT_STATUS_LABELS,
        sector_labels=SECTOR_LABELS,
        action=ActionForm(),
        ProjectStatus=ProjectStatus,
        SessionStatus=SessionStatus,
        moment=now(),
    )


@bp.route("/staff/projects/<int:project_id>/status/<status>", methods=["POST"])
@staff_only
def set_project_status(project_id: int, status: str):
    project = get_scoped_or_404(Project, project_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        new_status = ProjectStatus(status)
        change_status(project, new_status, now())
    except ValueError:
        abort(404)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        record("project.status_changed", project, details={"status": status})
        db.session.commit()
        forget_public_pages()
        flash(
            _("Stato del progetto: %(status)s.", status=PROJECT_STATUS_LABELS[new_status]),
            "success",
        )
    return redirect(url_for("projects.staff_project", project_id=project.id))


@bp.route("/staff/projects/<int:project_id>/schedule", methods=["GET", "POST"])
@staff_only
def schedule(project_id: int):
    project = get_scoped_or_404(Project, project_id)
    form = ScheduleForm()
    form.venue_id.choices = _venue_choices()
    if request.method == "GET":
        form.from_date.data, form.until_date.data = project.start_date, project.end_date
        form.venue_id.data = project.venue_id or 0
    on_holidays = {}
    if form.validate_on_submit():
        try:
            if form.rrule.data:
                rule = form.rrule.data
            elif form.weekdays.data:
                rule = build_rrule(form.weekdays.data, form.until_date.data, form.interval.data)
            else:
                raise DomainError("weekdays", _l("Scegli almeno un giorno."))
            first = datetime.combine(form.from_date.data, form.start_time.data)
            duration = (
                datetime.combine(form.from_date.data, form.end_time.data) - first
            ) // timedelta(minutes=1)
            if form.until_date.data < form.from_date.data:
                raise DomainError("until_date", _l("La data di fine viene prima dell'inizio."))
            field = "rrule" if form.rrule.data else "weekdays"
            starts = schedule_starts(project, rule, first, duration, field)
            on_holidays = holidays_among(
                db.session.get(Municipality, project.municipality_id),
                [start.date() for start in starts],
                current_language(),
            )
            if on_holidays and form.submit.data:  # staff have not answered the warning yet
                return render_template(
                    "projects/schedule_form.html",
                    form=form,
                    project=project,
                    on_holidays=on_holidays,
                    total=len(starts),
                )
            skip = set(on_holidays) if form.skip_holidays.data else frozenset()
            sessions = add_schedule(
                project, rule, first, duration, venue=_venue(form.venue_id.data), field=field,
                skip_days=skip,
            )  # fmt: skip
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            skipped = len(starts) - len(sessions)
            record(
                "project.schedule_added",
                project,
                details={"sessions": len(sessions), "holidays_skipped": skipped},
            )
            db.session.commit()
            forget_public_pages()
            message = _("Creati %(n)s turni.", n=len(sessions))
            if skipped:
                message += " " + ngettext(
                    "Saltato %(num)s giorno festivo.", "Saltati %(num)s giorni festivi.", skipped
                )
            flash(message, "success")
            return redirect(url_for("projects.staff_project", project_id=project.id))
    return render_template("projects/schedule_form.html", form=form, project=project)


@bp.route("/staff/projects/<int:project_id>/sessions/new", methods=["GET", "POST"])
@bp.route("/staff/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_session(project_id: int | None = None, session_id: int | None = None):
    session = get_scoped_or_404(ProjectSession, session_id) if session_id else None
    project = session.project if session else get_scoped_or_404(Project, project_id)
    form = SessionForm()
    form.venue_id.choices = _venue_choices()
    if session is not None and request.method == "GET":
        start, end = to_local(session.starts_at), to_local(session.ends_at)
        form.day.data, form.start_time.data, form.end_time.data = (
            start.date(),
            start.time(),
            end.time(),
        )
        form.venue_id.data, form.note.data = session.venue_id or 0, session.note
    if form.validate_on_submit():
        args = (form.day.data, form.start_time.data, form.end_time.data)
        options = {"venue": _venue(form.venue_id.data), "note": form.note.data or ""}
        try:
            if session is None:
                session = add_session(project, *args, **options)
                action = "session.created"
            else:
                move_session(session, *args, **options)
                action = "session.moved"
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record(action, session)
            db.session.commit()
            forget_public_pages()
            flash(_("Turno salvato."), "success")
            return redirect(url_for("projects.staff_project", project_id=project.id))
    return render_template(
        "projects/session_form.html", form=form, project=project, session=session
    )


@bp.route("/staff/sessions/<int:session_id>/cancel", methods=["POST"])
@staff_only
def cancel_session_view(session_id: int):
    session = get_scoped_or_404(ProjectSession, session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        cancel_session(session)
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        record("session.cancelled", session)
        db.session.commit()
        forget_public_pages()
        flash(_("Turno annullato."), "success")
    return redirect(url_for("projects.staff_project", project_id=session.project_id))


@bp.route("/staff/venues")
@staff_only
def venues():
    rows = db.session.scalars(scoped_select(Venue).order_by(Venue.name)).all()
    return render_template("projects/venues.html", venues=rows)


@bp.route("/staff/venues/new", methods=["GET", "POST"])
@bp.route("/staff/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_venue(venue_id: int | None = None):
    venue = get_scoped_or_404(Venue, venue_id) if venue_id else None
    form = VenueForm(obj=venue)
    if form.validate_on_submit():
        data = {
            "name": form.name.data.strip(),
            "address": form.address.data.strip(),
            "capacity": form.capacity.data,
            "latitude": float(form.latitude.data) if form.latitude.data is not None else None,
            "longitude": float(form.longitude.data) if form.longitude.data is not None else None,
        }
        try:
            saved = save_venue(venue, current_municipality_id(), data)
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("venue.saved", saved)
            db.session.commit()
            flash(_("Luogo salvato."), "success")
            return redirect(url_for("projects.venues"))
    return render_template("projects/venue_form.html", form=form, venue=venue)


@bp.route("/staff/projects/<int:project_id>/share", methods=["POST"])
@staff_only
def share_template(project_id: int):
    project = get_scoped_or_404(Project, project_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    hint = db.session.scalar(
        db.select(Schedule.rrule).where(Schedule.project_id == project.id).limit(1)
    )
    template = share_as_template(project, rrule_hint=hint or "")
    record("template.shared", template, municipality_id=project.municipality_id)
    db.session.commit()
    flash(_("Il progetto è nella biblioteca dei modelli della rete."), "success")
    return redirect(url_for("projects.templates"))


@bp.route("/staff/templates")
@staff_only
def templates():
    rows = db.session.scalars(
        db.select(ProjectTemplate).order_by(ProjectTemplate.created_at.desc()).limit(200)
    ).all()
    return render_template(
        "projects/templates.html", templates=rows, sector_labels=SECTOR_LABELS, action=ActionForm()
    )


@bp.route("/staff/templates/<int:template_id>/copy", methods=["POST"])
@staff_only
def copy_template_view(template_id: int):
    template = db.session.get(ProjectTemplate, template_id)
    if template is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    project = copy_template(template, current_municipality_id(), to_local(now()).date())
    record("template.copied", project, details={"template_id": template.id})
    db.session.commit()
    flash(_("Bozza creata dal modello: controlla date e luogo, poi pubblica."), "success")
    return redirect(url_for("projects.edit_project", project_id=project.id))
