"""Enrolment review (staff), individual plans (staff and participant)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.i18n import current_language
from civic_app.core.permissions import (
    Role,
    get_scoped_or_404,
    roles_required,
    scoped_select,
)
from civic_app.extensions import db
from civic_app.plans import bp
from civic_app.plans.forms import PlanForm, PlanStatusForm
from civic_app.plans.models import PLAN_STATUS_LABELS, Plan, PlanStatus
from civic_app.plans.operations import (
    EVENT_REASONS,
    PLAN_TRANSITIONS,
    ask_to_sign,
    change_plan_status,
    open_plan,
    save_plan,
    sign,
    signatures_of_current_version,
)
from civic_app.plans.progress import hours_done
from civic_app.projects.enrolments import decide_enrolment, withdraw_enrolment
from civic_app.projects.forms import ActionForm
from civic_app.projects.models import (
    ENROLMENT_STATUS_LABELS,
    Enrolment,
    EnrolmentStatus,
    Project,
    ProjectSession,
    SessionOffer,
)
from civic_app.sms.codes import TooManyCodes, check_code, issue_code, send_code
from civic_app.sms.dispatcher import deliver_after_response
from civic_app.sms.forms import ConfirmCodeForm

staff_only = roles_required(Role.STAFF)
participant_only = roles_required(Role.PARTICIPANT)
DECISION_NAMES = {
    "accept": EnrolmentStatus.ACCEPTED,
    "waitlist": EnrolmentStatus.WAITLISTED,
    "decline": EnrolmentStatus.DECLINED,
}


@bp.route("/staff/projects/<int:project_id>/requests")
@staff_only
def requests(project_id: int):
    project = get_scoped_or_404(Project, project_id)
    enrolments = db.session.scalars(
        db.select(Enrolment)
        .where(Enrolment.project_id == project.id)
        .order_by(Enrolment.status, Enrolment.requested_at, Enrolment.id)
    ).all()
    # Places freed too close to the start (or during the night before it) to be offered
    # by SMS: staff may call the person first on the waiting list instead.
    unoffered = db.session.execute(
        db.select(SessionOffer, ProjectSession)
        .join(ProjectSession, ProjectSession.id == SessionOffer.session_id)
        .where(
            ProjectSession.project_id == project.id,
            SessionOffer.status == "no_time",
            ProjectSession.starts_at > now(),
        )
        .order_by(ProjectSession.starts_at)
    ).all()
    return render_template(
        "plans/requests.html",
        project=project,
        enrolments=enrolments,
        unoffered=unoffered,
        labels=ENROLMENT_STATUS_LABELS,
        action=ActionForm(),
        EnrolmentStatus=EnrolmentStatus,
    )


@bp.route("/staff/enrolments/<int:enrolment_id>/<decision>", methods=["POST"])
@staff_only
def decide(enrolment_id: int, decision: str):
    enrolment = get_scoped_or_404(Enrolment, enrolment_id)
    if decision not in (*DECISION_NAMES, "withdraw"):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if decision == "withdraw":
            withdraw_enrolment(enrolment, now())
        else:
            decide_enrolment(enrolment, DECISION_NAMES[decision], current_user, now())
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        record(f"enrolment.{decision}", enrolment)
        db.session.commit()
        flash(_("Fatto. Il partecipante riceve un SMS nella sua lingua."), "success")
    return redirect(url_for("plans.requests", project_id=enrolment.project_id))


def _participant(user_id: int) -> User:
    """:raise 404: unless a participant of the staff member's municipality."""
    person = get_scoped_or_404(User, user_id)
    if person.role != Role.PARTICIPANT:
        abort(404)
    return person


def _plan_form(person: User, plan: Plan | None) -> PlanForm:
    form = PlanForm(obj=plan)
    projects = db.session.scalars(scoped_select(Project).order_by(Project.title)).all()
    form.projects.choices = [(p.id, p.title) for p in projects]
    tutors = db.session.scalars(
        scoped_select(User).where(User.role == Role.TUTOR).order_by(User.first_name)
    ).all()
    form.tutor_id.choices = [(0, _("— nessuno —"))] + [(t.id, t.display_name) for t in tutors]
    if request.method == "GET":
        if plan is not None:
            form.projects.data = [p.id for p in plan.projects]
            form.tutor_id.data = plan.tutor_id or 0
        else:
            accepted = db.session.scalars(
                db.select(Enrolment.project_id).where(
                    Enrolment.participant_id == person.id,
                    Enrolment.status == EnrolmentStatus.ACCEPTED,
                )
            ).all()
            form.projects.data = list(accepted)
    return form


@bp.route("/staff/participants/<int:user_id>/plan/new", methods=["GET", "POST"])
@bp.route("/staff/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_plan(user_id: int | None = None, plan_id: int | None = None):
    plan = get_scoped_or_404(Plan, plan_id) if plan_id else None
    person = plan.participant if plan else _participant(user_id)
    form = _plan_form(person, plan)
    if form.validate_on_submit():
        data = {
            "goals": form.goals.data,
            "goals_translated": form.goals_translated.data,
            "target_hours": form.target_hours.data,
            "start_date": form.start_date.data,
            "end_date": form.end_date.data,
            "notes": form.notes.data,
        }
        tutor = get_scoped_or_404(User, form.tutor_id.data) if form.tutor_id.data else None
        projects = [get_scoped_or_404(Project, pid) for pid in form.projects.data]
        try:
            saved = save_plan(
                plan, person, data, tutor=tutor, projects=projects, actor=current_user, now=now()
            )
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("plan.saved", saved, details={"version": saved.version})
            db.session.commit()
            flash(_("Bozza del piano salvata."), "success")
            return redirect(url_for("plans.staff_plan", plan_id=saved.id))
    return render_template("plans/plan_form.html", form=form, person=person, plan=plan)


@bp.route("/staff/plans/<int:plan_id>")
@staff_only
def staff_plan(plan_id: int):
    plan = get_scoped_or_404(Plan, plan_id)
    status_form = PlanStatusForm()
    status_form.status.choices = [
        (s.value, PLAN_STATUS_LABELS[s]) for s in PLAN_TRANSITIONS[plan.status]
    ]
    record("plan.viewed", plan)
    db.session.commit()
    return render_template(
        "plans/staff_plan.html",
        plan=plan,
        signed=signatures_of_current_version(plan),
        hours=hours_done(plan.participant_id),
        labels=PLAN_STATUS_LABELS,
        reasons=EVENT_REASONS,
        action=ActionForm(),
        status_form=status_form,
        PlanStatus=PlanStatus,
    )


@bp.route("/staff/plans/<int:plan_id>/<step>", methods=["POST"])
@staff_only
def plan_step(plan_id: int, step: str):
    """countersign, send (ask the participant to sign) or status (with a reason)."""
    plan = get_scoped_or_404(Plan, plan_id)
    if step not in ("countersign", "send", "status"):
        abort(404)
    form = PlanStatusForm() if step == "status" else ActionForm()
    if step == "status":
        form.status.choices = [(s.value, s.value) for s in PLAN_TRANSITIONS[plan.status]]
    if not form.validate_on_submit():
        flash(_("Scrivi il motivo del cambio.") if step == "status" else _("Riprova."), "error")
        return redirect(url_for("plans.staff_plan", plan_id=plan.id))
    message = None
    try:
        if step == "countersign":
            sign(plan, current_user, method="staff_login", now=now())
        elif step == "send":
            if plan.status != PlanStatus.DRAFT:
                raise DomainError(None, _("Questo piano non aspetta firme."))
            message = ask_to_sign(plan, now())
        else:
            change_plan_status(
                plan, PlanStatus(form.status.data), reason=form.reason.data,
                actor=current_user, now=now(),
            )  # fmt: skip
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        record(f"plan.{step}", plan, details={"status": str(plan.status), "version": plan.version})
        db.session.commit()
        flash(_("Fatto."), "success")
    if message is not None:
        deliver_after_response(message)
    return redirect(url_for("plans.staff_plan", plan_id=plan.id))


@bp.route("/staff/plans/<int:plan_id>/print")
@staff_only
def staff_plan_print(plan_id: int):
    plan = get_scoped_or_404(Plan, plan_id)
    record("plan.printed", plan)
    db.session.commit()
    return _printable(plan, plan.participant.preferred_language)


def _printable(plan: Plan, language: str):
    return render_template(
        "plans/print.html",
        plan=plan,
        signatures=plan.signatures,
        labels=PLAN_STATUS_LABELS,
        participant_language=language,
    )


def _latest_plan() -> Plan | None:
    """The logged-in participant's open plan, else their latest one, else None."""
    return open_plan(current_user) or db.session.scalar(
        db.select(Plan).where(Plan.participant_id == current_user.id).order_by(Plan.id.desc())
    )


def _my_plan() -> Plan:
    """:raise 404: when the logged-in participant has no plan."""
    plan = _latest_plan()
    if plan is None:
        abort(404)
    return plan


@bp.route("/me/plan", methods=["GET", "POST"])
@participant_only
def my_plan():
    """Read one's plan and sign it with a code sent by SMS."""
    plan = _latest_plan()
    if plan is None:  # not an error: most people have no plan before staff write one
        return render_template("plans/no_plan.html")
    form = ConfirmCodeForm()
    signed = signatures_of_current_version(plan)
    if form.validate_on_submit():
        try:
            check_code(current_user.phone or "", form.code.data, now=now(), purposes=("plan_sign",))
            sign(plan, current_user, method="sms_code", now=now())
        except DomainError as exc:
            db.session.commit()  # a wrong code counts as an attempt
            put_on_form(form, exc)
        else:
            record("plan.signed", plan, details={"version": plan.version})
            db.session.commit()
            flash(_("Hai firmato il tuo piano. Grazie!"), "success")
            return redirect(url_for("plans.my_plan"))
    return render_template(
        "plans/my_plan.html",
        plan=plan,
        signed=signed,
        form=form,
        action=ActionForm(),
        hours=hours_done(current_user.id),
        labels=PLAN_STATUS_LABELS,
        language=current_language(),
        PlanStatus=PlanStatus,
    )


@bp.route("/me/plan/code", methods=["POST"])
@participant_only
def my_plan_code():
    plan = _my_plan()
    if not ActionForm().validate_on_submit():
        abort(400)
    if plan.status != PlanStatus.DRAFT or not current_user.phone:
        abort(400)
    try:
        login_code, code = issue_code(
            current_user.phone, purpose="plan_sign", now=now(), ip=request.remote_addr,
            user=current_user,
        )  # fmt: skip
    except TooManyCodes as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("plans.my_plan"))
    message = send_code(
        login_code, code, phone=current_user.phone, language=current_user.preferred_language,
        now=now(), user=current_user,
    )  # fmt: skip
    db.session.commit()
    deliver_after_response(message)
    flash(_("Ti abbiamo mandato un SMS con il codice per firmare."), "success")
    return redirect(url_for("plans.my_plan"))


@bp.route("/me/plan/print")
@participant_only
def my_plan_print():
    return _printable(_my_plan(), current_user.preferred_language)
