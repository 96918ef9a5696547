"""Staff's pages for the case team's accounts and the casework's counts."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic_app.casework import bp
from civic_app.casework.directory_forms import CaseworkerForm, ProfessionForm
from civic_app.casework.models import (
    PROFESSION_LABELS,
    REFERRAL_STATUS_LABELS,
    UNIT_KIND_LABELS,
)
from civic_app.casework.team import (
    case_counts,
    case_team,
    change_profession,
    create_caseworker,
    set_account_active,
    set_casework_grant,
    set_housing_grant,
    staff_colleagues,
)
from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.permissions import (
    Role,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
)
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.projects.forms import ActionForm

staff_only = roles_required(Role.STAFF)


def _member_or_404(user_id: int, role: Role) -> User:
    """An account of the current municipality with `role`.

    :raise 404: for another municipality's account, another role, or an erased one.
    """
    user = get_scoped_or_404(User, user_id)
    if user.role != role or user.erased_at is not None:
        abort(404)
    return user


def _checked_action() -> None:
    """:raise 400: for a button sent without its form."""
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.route("/staff/case-team")
@staff_only
def team():
    municipality_id = current_municipality_id()
    return render_template(
        "casework/team.html",
        members=case_team(municipality_id),
        colleagues=staff_colleagues(municipality_id),
        profession_labels=PROFESSION_LABELS,
    )


@bp.route("/staff/case-team/new", methods=["GET", "POST"])
@staff_only
def new_caseworker():
    form = CaseworkerForm()
    if form.validate_on_submit():
        try:
            user = create_caseworker(current_municipality_id(), form.account_data())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("case_team.created", user)
            db.session.commit()
            flash(
                _("Account creato. Comunica la password iniziale di persona, mai per email."),
                "success",
            )
            return redirect(url_for("casework.team"))
    return render_template("casework/team_form.html", form=form, member=None)


@bp.route("/staff/case-team/<int:user_id>/edit", methods=["GET", "POST"])
@staff_only
def edit_caseworker(user_id: int):
    member = _member_or_404(user_id, Role.CASEWORKER)
    form = ProfessionForm(obj=member)
    if form.validate_on_submit():
        try:
            changed = change_profession(member, form.profession.data)
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            if changed:
                record("case_team.profession_changed", member)
            db.session.commit()
            flash(_("Professione salvata."), "success")
            return redirect(url_for("casework.team"))
    return render_template(
        "casework/team_form.html", form=form, member=member, profession_labels=PROFESSION_LABELS
    )


@bp.route("/staff/case-team/<int:user_id>/deactivate", methods=["POST"])
@staff_only
def deactivate_caseworker(user_id: int):
    member = _member_or_404(user_id, Role.CASEWORKER)
    _checked_action()
    if set_account_active(member, False):
        record("case_team.deactivated", member)
    db.session.commit()
    flash(_("Account disattivato: non può più accedere."), "success")
    return redirect(url_for("casework.team"))


@bp.route("/staff/case-team/<int:user_id>/reactivate", methods=["POST"])
@staff_only
def reactivate_caseworker(user_id: int):
    member = _member_or_404(user_id, Role.CASEWORKER)
    _checked_action()
    if set_account_active(member, True):
        record("case_team.reactivated", member)
    db.session.commit()
    flash(_("Account riattivato."), "success")
    return redirect(url_for("casework.team"))


def _set_grant(user_id: int, granted: bool):
    colleague = _member_or_404(user_id, Role.STAFF)
    _checked_action()
    try:
        changed = set_casework_grant(colleague, granted, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("casework.team"))
    if changed:
        record("case_team.grant_added" if granted else "case_team.grant_removed", colleague)
    db.session.commit()
    if granted:
        flash(_("Ora fa parte del gruppo dei casi."), "success")
    else:
        flash(_("Non fa più parte del gruppo dei casi."), "success")
    return redirect(url_for("casework.team"))


@bp.route("/staff/case-team/<int:user_id>/grant", methods=["POST"])
@staff_only
def grant_casework(user_id: int):
    return _set_grant(user_id, True)


@bp.route("/staff/case-team/<int:user_id>/revoke", methods=["POST"])
@staff_only
def revoke_casework(user_id: int):
    return _set_grant(user_id, False)


def _set_housing(user_id: int, granted: bool):
    member = get_scoped_or_404(User, user_id)
    if member.role not in (Role.STAFF, Role.CASEWORKER) or member.erased_at is not None:
        abort(404)
    _checked_action()
    try:
        changed = set_housing_grant(member, granted, by=current_user)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("casework.team"))
    if changed:
        action = "housing_grant_added" if granted else "housing_grant_removed"
        record(f"case_team.{action}", member)
    db.session.commit()
    if granted:
        flash(_("Ora gestisce gli alloggi e le misure per la casa."), "success")
    else:
        flash(_("Non gestisce più gli alloggi e le misure per la casa."), "success")
    return redirect(url_for("casework.team"))


@bp.route("/staff/case-team/<int:user_id>/housing/grant", methods=["POST"])
@staff_only
def grant_housing(user_id: int):
    return _set_housing(user_id, True)


@bp.route("/staff/case-team/<int:user_id>/housing/revoke", methods=["POST"])
@staff_only
def revoke_housing(user_id: int):
    return _set_housing(user_id, False)


@bp.route("/staff/casework")
@staff_only
def counts():
    today = to_local(now()).date()
    return render_template(
        "casework/counts.html",
        counts=case_counts(current_municipality_id(), today),
        today=today,
        kind_labels=UNIT_KIND_LABELS,
        status_labels=REFERRAL_STATUS_LABELS,
    )
