from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.consent import MINOR_NOTICE, consent_text, needs_guardian_consent
from civic_app.core.demographics import purpose_text
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.i18n import current_language, remember_page_language
from civic_app.core.models import Municipality
from civic_app.core.phones import normalize_phone
from civic_app.core.redirects import safe_next
from civic_app.core.timeutil import to_local
from civic_app.extensions import db, limiter
from civic_app.people import bp
from civic_app.people.forms import CodeForm, PasswordLoginForm, PhoneForm, SignupForm
from civic_app.people.operations import (
    authenticate_password,
    request_login_code,
    sign_up_participant,
    verify_login_code,
    welcome_by_sms,
)
from civic_app.people.sessions import clear_session_but_language, mark_login
from civic_app.people.totp import code_is_right
from civic_app.sms.codes import TooManyCodes
from civic_app.sms.dispatcher import deliver_after_response


def ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_IP"]


def signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT_PER_IP"]


def totp_limit() -> str:
    return current_app.config["TOTP_ATTEMPTS_LIMIT"]


def pending_totp_key() -> str:
    """Second-factor tries are counted per account, whichever browser or IP they come from."""
    return f"totp-login:{session.get(TOTP_USER, '-')}"


def start_session(user) -> None:
    """A fresh session for a fresh login: nothing from before survives but the language."""
    clear_session_but_language()
    mark_login(user, now())
    login_user(user)
    record("auth.login", user, actor=user)


def account_tried(*, email: str | None = None, phone: str | None = None) -> User | None:
    """The account a failed login aimed at, if one exists: the audit row names it by id."""
    column, value = (User.email, email) if email is not None else (User.phone, phone)
    if not value:
        return None
    return db.session.scalar(db.select(User).where(column == value))


#: Session keys of a login waiting for its second factor (the password was right).
TOTP_USER, TOTP_SINCE = "totp_user_id", "totp_since"
#: Seconds to type the second-factor code before starting over.
TOTP_PENDING_SECONDS = 300


def await_second_factor(user, target: str | None) -> None:
    """Remember who passed the password step; nobody is logged in yet."""
    clear_session_but_language()
    session[TOTP_USER] = user.id
    session[TOTP_SINCE] = now().timestamp()
    if target:
        session["login_next"] = target


def pending_second_factor():
    """The account whose password was right a moment ago, or None."""
    user_id = session.get(TOTP_USER)
    if not user_id or now().timestamp() - session.get(TOTP_SINCE, 0) > TOTP_PENDING_SECONDS:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active_account or user.totp_enabled_at is None:
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ip_limit, methods=["POST"])
def login():
    form = PasswordLoginForm()
    if form.validate_on_submit():
        user = authenticate_password(form.email.data, form.password.data)
        if user is None:
            record(
                "auth.login_failed",
                account_tried(email=form.email.data.strip().lower()),
                details={"method": "password"},
            )
            db.session.commit()
            form.form_errors.append(_("Email o password sbagliate."))
        elif user.totp_enabled_at is not None:
            await_second_factor(user, safe_next(request.args.get("next")))
            return redirect(url_for("people.login_totp"))
        else:
            start_session(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("core.index"))
    return render_template("people/login.html", form=form)


@bp.route("/login/totp", methods=["GET", "POST"])
@limiter.limit(totp_limit, key_func=pending_totp_key, methods=["POST"])
@limiter.limit(ip_limit, methods=["POST"])
def login_totp():
    """The second step for accounts with a second factor: the code from the phone's app."""
    user = pending_second_factor()
    if user is None:
        clear_session_but_language()
        flash(_("Accedi di nuovo con email e password."), "error")
        return redirect(url_for("people.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if code_is_right(user, form.code.data, now()):
            target = safe_next(session.get("login_next"))
            start_session(user)
            db.session.commit()
            return redirect(target or url_for("core.index"))
        record("auth.totp_failed", user)
        db.session.commit()
        form.code.errors = [*form.code.errors, _("Codice sbagliato. Controlla l'app e riprova.")]
    return render_template("people/login_totp.html", form=form)


@bp.route("/login/phone", methods=["GET", "POST"])
@limiter.limit(ip_limit, methods=["POST"])
def login_phone():
    form = PhoneForm()
    target = safe_next(request.args.get("next"))
    if target:
        session["login_next"] = target
    if form.validate_on_submit():
        try:
            phone = normalize_phone(form.phone.data)
            message = request_login_code(
                phone, now=now(), ip=request.remote_addr, language=current_language()
            )
        except TooManyCodes as exc:
            db.session.rollback()
            return render_template("people/too_many_codes.html", message=exc.message), 429
        except DomainError as exc:
            put_on_form(form, exc)
        else:
            db.session.commit()
            if message is not None:
                deliver_after_response(message)
            session["login_phone"] = phone
            return redirect(url_for("people.login_code"))
    return render_template("people/login_phone.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(ip_limit, methods=["POST"])
def login_code():
    phone = session.get("login_phone")
    if not phone:
        return redirect(url_for("people.login_phone"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            user = verify_login_code(phone, form.code.data, now=now())
        except DomainError as exc:
            record("auth.login_failed", account_tried(phone=phone), details={"method": "sms_code"})
            db.session.commit()
            put_on_form(form, exc)
        else:
            if user is None:
                # A new number, now proven: the sign-up form comes next.
                db.session.commit()
                session["signup_phone"] = phone
                session["signup_verified_at"] = now().timestamp()
                return redirect(url_for("people.signup"))
            if user.preferred_language not in current_app.config["LANGUAGES"]:
                session["lang"] = current_language()
            target = safe_next(session.get("login_next"))
            start_session(user)
            db.session.commit()
            return redirect(target or url_for("core.index"))
    return render_template("people/login_code.html", form=form)


#: How long a proven number may wait for the sign-up form.
SIGNUP_WINDOW_SECONDS = 1800


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(signup_limit, methods=["POST"])
def signup():
    """The last step of signing up: the number is proven by its code; name, place, consent."""
    phone = session.get("signup_phone")
    proven_at = session.get("signup_verified_at", 0)
    if not phone or now().timestamp() - proven_at > SIGNUP_WINDOW_SECONDS:
        flash(_("Scrivi il tuo numero: ti mandiamo un codice."), "error")
        return redirect(url_for("people.login_phone"))
    municipalities = db.session.scalars(db.select(Municipality).order_by(Municipality.name)).all()
    form = SignupForm(municipalities)
    if request.method == "GET":
        form.language.data = current_language()
    if form.validate_on_submit():
        municipality = next((m for m in municipalities if m.slug == form.municipality.data), None)
        try:
            user = sign_up_participant(
                phone=phone,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                language=form.language.data,
                municipality=municipality,
                sectors=form.sectors.data,
                programme_consent=form.programme_consent.data,
                sms_consent=form.sms_consent.data,
                via="web",
                consent_method="web",
                now=now(),
                **form.facts(),
            )
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("participant.signed_up", user, actor=user, details={"via": "web"})
            welcome_by_sms(user, now())
            remember_page_language(user.preferred_language)
            start_session(user)
            db.session.commit()
            # This request began in the language of the form; the welcome is in the one
            # just chosen (its page language: session["lang"], set above).
            with force_locale(session["lang"]):
                if needs_guardian_consent(user, to_local(now()).year):
                    flash(str(MINOR_NOTICE))
                else:
                    flash(_("Benvenuto! Ora puoi chiedere di partecipare ai progetti."), "success")
            return redirect(url_for("people.home"))
    return render_template(
        "people/signup.html",
        form=form,
        purpose_text=purpose_text(current_language()),
        programme_text=consent_text("programme", form.language.data or current_language()),
        sms_text=consent_text("sms", form.language.data or current_language()),
    )


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = current_user._get_current_object()
    record("auth.logout", user)
    # The old cookie names the old token: it stops working everywhere.
    user.rotate_session_token()
    db.session.commit()
    logout_user()
    clear_session_but_language()
    flash(_("Sei uscito."), "success")
    return redirect(url_for("core.index"))
