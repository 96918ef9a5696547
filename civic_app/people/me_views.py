"""A participant's own pages: home, data rights, SMS consent, leaving a project."""

import json
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.consent import (
    MINOR_NOTICE,
    active_consent,
    give_consent,
    needs_guardian_consent,
    withdraw_consent,
)
from civic_app.core.demographics import purpose_text
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.exports import csv_separator
from civic_app.core.i18n import by_sex, current_language, remember_page_language
from civic_app.core.permissions import Role, roles_required
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.people import bp
from civic_app.people.data_rights import export_csv, export_data, request_erasure
from civic_app.people.forms import ProfileForm
from civic_app.people.operations import update_own_profile
from civic_app.people.today import open_projects_near
from civic_app.plans.models import PLAN_STATUS_LABELS
from civic_app.plans.operations import open_plan
from civic_app.plans.progress import hours_done
from civic_app.projects.enrolments import expected_sessions, withdraw_enrolment
from civic_app.projects.forms import ActionForm
from civic_app.projects.models import (
    ENROLMENT_STATUS_LABELS,
    HOLDS_A_PLACE,
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
)
from civic_app.projects.operations import MAX_SESSION_HOURS
from civic_app.sms.choice import choose_channel
from civic_app.sms.models import Message

participant_only = roles_required(Role.PARTICIPANT)


@bp.route("/me")
@participant_only
def home():
    user = current_user._get_current_object()
    moment = now()
    enrolments = db.session.scalars(
        db.select(Enrolment)
        .options(selectinload(Enrolment.project))
        .where(
            Enrolment.participant_id == user.id,
            Enrolment.status.in_((*HOLDS_A_PLACE, EnrolmentStatus.WAITLISTED)),
        )
        .order_by(Enrolment.requested_at)
    ).all()
    # Shifts are the sessions the person is expected at (`expected_sessions`): a request
    # staff have not accepted yet shows as pending in the list of projects, never as a shift.
    sessions = db.session.scalars(
        expected_sessions(user.id, moment - timedelta(hours=MAX_SESSION_HOURS))
        .options(
            selectinload(ProjectSession.project).selectinload(Project.venue),
            selectinload(ProjectSession.venue),
        )
        .where(ProjectSession.ends_at >= moment)
        .limit(5)
    ).all()
    # Nothing to go to: the open projects of their municipality with places, to ask for one.
    nearby = open_projects_near(user, moment) if not sessions else []
    plan = open_plan(user)
    done = hours_done(user.id)
    messages = db.session.scalars(
        # One-time codes are not worth re-reading, and a phone lent to someone shows fewer.
        db.select(Message)
        .where(Message.user_id == user.id, Message.kind != "login_code")
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(5)
    ).all()
    return render_template(
        "people/home.html",
        enrolments=enrolments,
        sessions=sessions,
        nearby=nearby,
        plan=plan,
        hours=done,
        messages=messages,
        enrolment_labels=ENROLMENT_STATUS_LABELS,
        plan_labels=PLAN_STATUS_LABELS,
        language=current_language(),
        action=ActionForm(),
        sms_on=active_consent(user, "sms") is not None,
        minor_notice=MINOR_NOTICE if needs_guardian_consent(user, to_local(moment).year) else None,
    )


@bp.route("/me/profile", methods=["GET", "POST"])
@participant_only
def my_profile():
    """The participant's language and optional facts (never the staff-only ones)."""
    user = current_user._get_current_object()
    form = ProfileForm()
    if request.method == "GET":
        form.language.data = user.preferred_language
        form.channel.data = user.channel
        form.fill_facts(user)
    if form.validate_on_submit():
        try:
            changed = update_own_profile(
                user, language=form.language.data, now=now(), **form.facts()
            )
            if form.channel.data:  # audited there
                choose_channel(user, form.channel.data, via="web", now=now())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            if changed:
                record("participant.profile_changed", user, details={"fields": sorted(changed)})
            remember_page_language(user.preferred_language)
            db.session.commit()
            flash(_("Dati salvati."), "success")
            return redirect(url_for("people.my_profile"))
    return render_template(
        "people/profile.html", form=form, purpose_text=purpose_text(current_language())
    )


@bp.route("/me/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@participant_only
def withdraw(enrolment_id: int):
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.participant_id != current_user.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        withdraw_enrolment(enrolment, now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        record("enrolment.withdrawn", enrolment)
        db.session.commit()
        flash(
            by_sex(
                enrolment.participant,
                female=_("Ti sei ritirata dal progetto."),
                male=_("Ti sei ritirato dal progetto."),
                neutral=_("Hai lasciato il progetto."),
            ),
            "success",
        )
    return redirect(url_for("people.home"))


@bp.route("/me/sms/<choice>", methods=["POST"])
@participant_only
def sms_choice(choice: str):
    """Turn reminder SMS off (consent withdrawn) or back on (consent given again)."""
    if choice not in ("on", "off") or not ActionForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    if choice == "off":
        withdraw_consent(user, "sms", now())
        flash(_("Non ti mandiamo più promemoria via SMS. I codici di accesso arrivano lo stesso."))
    elif user.phone:
        give_consent(user, "sms", language=user.preferred_language, method="web", now=now())
        flash(_("Ti manderemo di nuovo i promemoria via SMS."), "success")
    record("consent.sms_" + choice, user)
    db.session.commit()
    return redirect(url_for("people.home"))


@bp.route("/me/data")
@participant_only
def my_data():
    return render_template("people/my_data.html", action=ActionForm())


@bp.route("/me/data.<fmt>")
@participant_only
def download_my_data(fmt: str):
    if fmt not in ("json", "csv"):
        abort(404)
    user = current_user._get_current_object()
    data = export_data(user)
    record("data.exported", user, details={"format": fmt})
    db.session.commit()
    if fmt == "json":
        body, mimetype = json.dumps(data, ensure_ascii=False, indent=2), "application/json"
    else:
        body, mimetype = export_csv(data, csv_separator(request.args.get("sep"))), "text/csv"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="civic_app-my-data.{fmt}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/me/data/erase", methods=["POST"])
@participant_only
def ask_erasure():
    if not ActionForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    erasure = request_erasure(user, now())
    record("data.erasure_requested", erasure, municipality_id=user.municipality_id)
    db.session.commit()
    flash(_("Richiesta inviata. Il Comune cancellerà i tuoi dati entro 30 giorni."), "success")
    return redirect(url_for("people.my_data"))
