"""Staff change an event, or a series from one of its events on."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.permissions import Role, get_scoped_or_404, roles_required
from civic_app.core.timeutil import local_to_utc, to_local
from civic_app.events import bp
from civic_app.events.changes import FIELDS, edit_event, edit_following, fingerprint
from civic_app.events.forms import EditEventForm
from civic_app.events.models import CommunityEvent
from civic_app.events.views import fill_choices
from civic_app.extensions import db
from civic_app.projects.models import Venue


def _fill(form: EditEventForm, event: CommunityEvent) -> None:
    start, end = to_local(event.starts_at), to_local(event.ends_at)
    form.day.data, form.start_time.data, form.end_time.data = start.date(), start.time(), end.time()
    form.venue_id.data = event.venue_id
    for name in FIELDS:
        getattr(form, name).data = getattr(event, name)
    form.event_type.data = str(event.event_type)
    form.audience.data = str(event.audience)
    form.languages.data = [c for c in event.languages.split(",") if c]
    form.audience_projects.data = list(event.audience_projects or [])
    form.audience_language.data = event.audience_language or ""
    form.fill_translations(event)


@bp.route("/staff/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def edit(event_id: int):
    event = get_scoped_or_404(CommunityEvent, event_id)
    form = EditEventForm()
    fill_choices(form)
    if not event.series_id:
        form.scope.data = "one"
    current = fingerprint(event)
    if request.method == "GET" and (event.status != "scheduled" or event.starts_at <= now()):
        # The page says so instead of a form that could only be refused.
        return render_template("events/edit_event.html", form=None, event=event, moment=now())
    if request.method == "GET":
        _fill(form, event)
        form.seen.data = current
    elif form.validate_on_submit():
        if form.seen.data != current:
            # Changed elsewhere since this page was opened: what was typed stays on the
            # form, the page shows the event as it is now, and a second save confirms.
            form.seen.data = current
            form.form_errors.append(
                _(
                    "Nel frattempo qualcuno ha cambiato questo evento: sopra vedi com'è ora. "
                    "Controlla le tue modifiche e salva di nuovo."
                )  # fmt: skip
            )
        else:
            return _save(event, form)
    return render_template("events/edit_event.html", form=form, event=event, moment=now())


def _save(event: CommunityEvent, form: EditEventForm):
    scope = form.scope.data if event.series_id else "one"
    try:
        venue = get_scoped_or_404(Venue, form.venue_id.data)
        if scope == "following":
            change = edit_following(
                event, form.event_data(), venue=venue, day=form.day.data,
                start_time=form.start_time.data, end_time=form.end_time.data, now=now(),
            )  # fmt: skip
        else:
            change = edit_event(
                event, form.event_data(), venue=venue,
                starts_at=local_to_utc(form.day.data, form.start_time.data),
                ends_at=local_to_utc(form.day.data, form.end_time.data), now=now(),
            )  # fmt: skip
    except DomainError as exc:
        db.session.rollback()
        put_on_form(form, exc)
        return render_template("events/edit_event.html", form=form, event=event, moment=now())
    if not change.fields:
        flash(_("Nessuna modifica da salvare."), "info")
        return redirect(url_for("events.staff_event", event_id=event.id))
    record(
        "event.changed" if scope == "one" else "event.series_changed", event,
        details={"fields": change.fields, "events": change.events, "told": change.told,
                 "series_id": event.series_id},
    )  # fmt: skip
    db.session.commit()
    if scope == "one":
        flash(_("Evento modificato: %(n)s persone avvisate.", n=change.told), "success")
    else:
        flash(
            _("%(events)s eventi della serie modificati: %(n)s persone avvisate.",
              events=change.events, n=change.told),
            "success",
        )  # fmt: skip
    return redirect(url_for("events.staff_event", event_id=event.id))
