"""/account/security: staff, tutors and coordinators turn the second factor on or off."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.permissions import roles_required
from civic_app.extensions import db
from civic_app.people import bp
from civic_app.people.totp import (
    TOTP_ROLES,
    disable_totp,
    enable_totp,
    grouped,
    provisioning_uri,
    qr_svg,
    setup_secret,
    totp_required,
)
from civic_app.sms.forms import ConfirmCodeForm


def render_security_page(user, form):
    values = {"user": user, "form": form, "required": totp_required(user)}
    if user.totp_enabled_at is None:
        setup_secret(user)
        db.session.commit()
        values |= {"secret": grouped(user.totp_secret), "qr": qr_svg(provisioning_uri(user))}
    return render_template("people/account_security.html", **values)


def keep_this_session_only(user) -> None:
    """End the account's other sessions (someone who knew the password), keep this one."""
    user.rotate_session_token()
    login_user(user)


@bp.route("/account/security")
@roles_required(*TOTP_ROLES)
def account_security():
    return render_security_page(current_user._get_current_object(), ConfirmCodeForm())


@bp.route("/account/security/totp/on", methods=["POST"])
@roles_required(*TOTP_ROLES)
def enable_totp_view():
    user = current_user._get_current_object()
    if user.totp_enabled_at is not None:  # sent twice
        return redirect(url_for("people.account_security"))
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        try:
            enable_totp(user, form.code.data, now())
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            record("auth.totp_enabled", user)
            keep_this_session_only(user)
            db.session.commit()
            flash(_("Verifica in due passaggi attivata."), "success")
            return redirect(url_for("people.account_security"))
    return render_security_page(user, form)


@bp.route("/account/security/totp/off", methods=["POST"])
@roles_required(*TOTP_ROLES)
def disable_totp_view():
    user = current_user._get_current_object()
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        try:
            disable_totp(user, form.code.data, now())
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            record("auth.totp_disabled", user)
            keep_this_session_only(user)
            db.session.commit()
            flash(_("Verifica in due passaggi disattivata."), "success")
            return redirect(url_for("people.account_security"))
    return render_security_page(user, form)
