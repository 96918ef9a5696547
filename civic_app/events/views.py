"""Community events: staff create them (one-off, series, or at the best time found);
participants see theirs and answer; staff record who came."""

from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.paging import paginate
from civic_app.core.permissions import (
    Role,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
    scoped_select,
)
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.events import bp
from civic_app.events.audience import invited_events, invited_query
from civic_app.events.forms import AttendanceForm, EventForm, FindTimeForm, SeriesForm
from civic_app.events.models import (
    AUDIENCE_LABELS,
    EVENT_TYPE_LABELS,
    Audience,
    CommunityEvent,
    EventAttendance,
    EventRsvp,
)
from civic_app.events.operations import (
    answer,
    cancel_event,
    create_event,
    create_series,
    find_slots,
    record_attendance,
)
from civic_app.events.reminders import announce_event
from civic_app.extensions import db
from civic_app.projects.forms import ActionForm
from civic_app.projects.models import Project, Venue
from civic_app.projects.operations import build_rrule

staff_only = roles_required(Role.STAFF)
#: Events on one page of staff's list and of a participant's; the pager leads to the rest.
EVENTS_PER_PAGE = 50
MY_EVENTS_PER_PAGE = 20


def fill_choices(form) -> None:
    venues = db.session.scalars(scoped_select(Venue).order_by(Venue.name)).all()
    form.venue_id.choices = [(v.id, v.name) for v in venues]
    projects = db.session.scalars(scoped_select(Project).order_by(Project.title)).all()
    form.audience_projects.choices = [(p.id, p.title) for p in projects]


@bp.route("/staff/events")
@staff_only
def staff_events():
    moment = now()
    page = paginate(
        scoped_select(CommunityEvent)
        .options(selectinload(CommunityEvent.venue))
        .where(CommunityEvent.starts_at >= moment - timedelta(days=30))
        .order_by(CommunityEvent.starts_at, CommunityEvent.id),
        request.args.get("page", 1, type=int),
        EVENTS_PER_PAGE,
    )
    events = page.items
    answers = dict(
        db.session.execute(
            db.select(EventRsvp.event_id, func.count())
            .where(EventRsvp.event_id.in_([e.id for e in events]), EventRsvp.coming.is_(True))
            .group_by(EventRsvp.event_id)
        ).all()
    )
    return render_template(
        "events/staff_list.html", events=events, answers=answers, types=EVENT_TYPE_LABELS,
        moment=moment, page=page,
    )  # fmt: skip


@bp.route("/staff/events/new", methods=["GET", "POST"])
@staff_only
def new_event():
    form = EventForm()
    fill_choices(form)
    if request.method == "GET" and request.args.get("at"):
        try:
            start = to_local(datetime.fromisoformat(request.args["at"]))
            form.day.data, form.start_time.data = start.date(), start.time()
            form.end_time.data = (
                start + timedelta(minutes=request.args.get("minutes", 90, type=int))
            ).time()
            form.venue_id.data = request.args.get("venue", type=int)
            form.audience.data = request.args.get("audience") or "all"
        except (ValueError, OverflowError):  # a time or a length no calendar holds
            pass
    if form.validate_on_submit():
        try:
            venue = get_scoped_or_404(Venue, form.venue_id.data)
            event = create_event(
                current_municipality_id(), form.event_data(), venue=venue,
                starts_at=local_to_utc(form.day.data, form.start_time.data),
                ends_at=local_to_utc(form.day.data, form.end_time.data),
            )  # fmt: skip
            invited = announce_event(event, now())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("event.created", event, details={"invited": invited})
            db.session.commit()
            flash(_("Evento creato: %(n)s inviti in partenza.", n=invited), "success")
            return redirect(url_for("events.staff_event", event_id=event.id))
    return render_template("events/event_form.html", form=form, series=False)


@bp.route("/staff/events/series/new", methods=["GET", "POST"])
@staff_only
def new_series():
    form = SeriesForm()
    fill_choices(form)
    if form.validate_on_submit():
        try:
            if not form.weekdays.data:
                raise DomainError("weekdays", _("Scegli almeno un giorno."))
            first = datetime.combine(form.day.data, form.start_time.data)
            minutes = (datetime.combine(form.day.data, form.end_time.data) - first) // timedelta(
                minutes=1
            )
            series = create_series(
                current_municipality_id(), form.event_data(),
                venue=get_scoped_or_404(Venue, form.venue_id.data),
                rule=build_rrule(form.weekdays.data, form.until.data, form.interval.data),
                first_start=first, minutes=minutes, today=to_local(now()).date(),
            )  # fmt: skip
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("event.series_created", series)
            db.session.commit()
            flash(
                _("Serie creata: gli eventi delle prossime settimane sono in calendario."),
                "success",
            )
            return redirect(url_for("events.staff_events"))
    return render_template("events/event_form.html", form=form, series=True)


@bp.route("/staff/events/find-time")
@staff_only
def find_time():
    form = FindTimeForm(formdata=request.args if request.args else None)
    fill_choices(form)
    slots = None
    if request.args and form.validate():
        if (
            form.last_day.data < form.first_day.data
            or (form.last_day.data - form.first_day.data).days > 31
        ):
            form.last_day.errors.append(_("Scegli al massimo un mese, dopo il primo giorno."))
        else:
            venue = get_scoped_or_404(Venue, form.venue_id.data)
            audience = CommunityEvent(
                municipality_id=current_municipality_id(), audience=Audience(form.audience.data),
                audience_projects=list(form.audience_projects.data or []),
                audience_language=form.audience_language.data or None,
            )  # fmt: skip
            slots = find_slots(
                current_municipality_id(), audience, venue=venue, first_day=form.first_day.data,
                last_day=form.last_day.data, minutes=form.minutes.data,
            )  # fmt: skip
    return render_template("events/find_time.html", form=form, slots=slots)


@bp.route("/staff/events/<int:event_id>", methods=["GET", "POST"])
@staff_only
def staff_event(event_id: int):
    event = get_scoped_or_404(CommunityEvent, event_id)
    form = AttendanceForm()
    invited = db.session.scalars(invited_query(event).order_by(User.first_name)).all()
    if form.validate_on_submit():
        present = [int(v) for v in request.form.getlist("present") if v.isdigit()]
        try:
            record_attendance(event, present, form.guests.data, current_user, now())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("event.attendance", event, details={"present": len(present)})
            db.session.commit()
            flash(_("Presenze salvate."), "success")
            return redirect(url_for("events.staff_event", event_id=event.id))
    if request.method == "GET":
        form.guests.data = event.public_guests
    answers = dict(
        db.session.execute(
            db.select(EventRsvp.participant_id, EventRsvp.coming).where(
                EventRsvp.event_id == event.id
            )
        ).all()
    )
    came = set(
        db.session.scalars(
            db.select(EventAttendance.participant_id).where(EventAttendance.event_id == event.id)
        )
    )
    return render_template(
        "events/staff_event.html", event=event, invited=invited, answers=answers, came=came,
        form=form, types=EVENT_TYPE_LABELS, audiences=AUDIENCE_LABELS, action=ActionForm(),
        moment=now(),
    )  # fmt: skip


@bp.route("/staff/events/<int:event_id>/cancel", methods=["POST"])
@staff_only
def cancel(event_id: int):
    event = get_scoped_or_404(CommunityEvent, event_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        told = cancel_event(event, now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        record("event.cancelled", event, details={"told": told})
        db.session.commit()
        flash(_("Evento annullato: %(n)s persone avvisate.", n=told), "success")
    return redirect(url_for("events.staff_event", event_id=event.id))


@bp.route("/events")
@roles_required(Role.PARTICIPANT)
def my_events():
    moment = now()
    upcoming = db.select(CommunityEvent).where(
        CommunityEvent.municipality_id == current_user.municipality_id,
        CommunityEvent.status == "scheduled",
        CommunityEvent.starts_at >= moment,
    )
    page = paginate(
        invited_events(upcoming, current_user)
        .options(selectinload(CommunityEvent.venue))
        .order_by(CommunityEvent.starts_at, CommunityEvent.id),
        request.args.get("page", 1, type=int),
        MY_EVENTS_PER_PAGE,
    )
    mine = page.items
    answers = dict(
        db.session.execute(
            db.select(EventRsvp.event_id, EventRsvp.coming).where(
                EventRsvp.participant_id == current_user.id
            )
        ).all()
    )
    return render_template(
        "events/my_events.html", events=mine, answers=answers, types=EVENT_TYPE_LABELS,
        action=ActionForm(), page=page,
    )  # fmt: skip


@bp.route("/events/<int:event_id>/<choice>", methods=["POST"])
@roles_required(Role.PARTICIPANT)
def rsvp(event_id: int, choice: str):
    event = db.session.get(CommunityEvent, event_id)
    if event is None or event.municipality_id != current_user.municipality_id:
        abort(404)
    if choice not in ("yes", "no") or not ActionForm().validate_on_submit():
        abort(400)
    try:
        answer(event, current_user, choice == "yes", now(), "web")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Grazie per la risposta."), "success")
    return redirect(url_for("events.my_events"))
