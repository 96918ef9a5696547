"""Staff pages about people: the participants of the municipality, assisted sign-up, erasures."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import exists, func, or_

from civic_app.attendance.at_risk import at_risk
from civic_app.core.accounts import Consent, User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.consent import (
    consent_text,
    missing_guardian_consent,
    needs_guardian_consent,
    record_guardian_consent,
)
from civic_app.core.demographics import (
    SEX_LABELS,
    country_name,
    purpose_text,
    vulnerability_codes,
    vulnerability_label,
)
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.i18n import current_language
from civic_app.core.paging import paginate
from civic_app.core.permissions import (
    Role,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
    scoped_select,
)
from civic_app.core.phones import normalize_phone
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.people import bp
from civic_app.people.data_rights import checkpoint_sqlite_log, erase_participant
from civic_app.people.forms import (
    AssistedSignupForm,
    GuardianConsentForm,
    ParticipantSearchForm,
    StaffFactsForm,
)
from civic_app.people.models import ErasureRequest
from civic_app.people.operations import set_facts, set_vulnerabilities, sign_up_participant
from civic_app.people.texts import registered_on_paper
from civic_app.people.walk_in_views import walk_in_consent
from civic_app.plans.models import PLAN_STATUS_LABELS, Plan
from civic_app.plans.operations import OPEN_STATUSES
from civic_app.projects.forms import ActionForm
from civic_app.projects.models import (
    ENROLMENT_STATUS_LABELS,
    HOLDS_A_PLACE,
    Enrolment,
    EnrolmentStatus,
    Project,
)
from civic_app.sms.choice import choose_channel
from civic_app.sms.codes import TooManyCodes, check_code, issue_code, send_code
from civic_app.sms.dispatcher import deliver_after_response
from civic_app.sms.forms import ConfirmCodeForm
from civic_app.sms.models import Message

staff_only = roles_required(Role.STAFF)
PER_PAGE = 25


@bp.route("/staff/participants", methods=["GET", "POST"])
@staff_only
def participants():
    """The municipality's participants, filtered.

    A name or phone number is searched by POST only, so that it never sits in a URL
    (browser history, proxy and access logs); the other filters also work as links.
    """
    projects = db.session.scalars(scoped_select(Project).order_by(Project.title)).all()
    posted = request.method == "POST"  # CSRFProtect has checked the token
    formdata = request.form if posted else request.args
    form = ParticipantSearchForm(formdata=formdata)
    if not posted:
        form.q.data = ""
    form.project.choices = [("", _("Tutti"))] + [(str(p.id), p.title) for p in projects]
    query = scoped_select(User).where(User.role == Role.PARTICIPANT, User.erased_at.is_(None))
    if formdata and form.validate():
        if form.q.data:
            needle = form.q.data.strip().lower()  # `%` and `_` are letters (autoescape)
            digits = "".join(ch for ch in form.q.data if ch.isdigit())
            conditions = [
                func.lower(User.first_name).contains(needle, autoescape=True),
                func.lower(User.last_name).contains(needle, autoescape=True),
            ]
            if len(digits) >= 4:
                conditions.append(User.phone.like(f"%{digits}%"))
            query = query.where(or_(*conditions))
        if form.language.data:
            query = query.where(User.preferred_language == form.language.data)
        enrolment = db.select(Enrolment.id).where(Enrolment.participant_id == User.id)
        if form.project.data:
            enrolment = enrolment.where(Enrolment.project_id == int(form.project.data))
            query = query.where(exists(enrolment))
        status = form.status.data
        if status == "no_project":
            query = query.where(
                ~exists(enrolment.where(Enrolment.status.in_((*HOLDS_A_PLACE, "waitlisted"))))
            )
        elif status in ("applied", "waitlisted"):
            query = query.where(exists(enrolment.where(Enrolment.status == status)))
        elif status == "enrolled":
            query = query.where(exists(enrolment.where(Enrolment.status == "accepted")))
        elif status == "pending":
            query = query.where(User.pending_review.is_(True))
        elif status == "at_risk":
            query = query.where(User.id.in_(list(at_risk(current_municipality_id(), now()))))
        elif status == "with_plan":
            query = query.where(
                exists(
                    db.select(Plan.id).where(
                        Plan.participant_id == User.id, Plan.status.in_(OPEN_STATUSES)
                    )
                )
            )
    people = paginate(
        query.order_by(User.first_name, User.id), formdata.get("page", 1, type=int), PER_PAGE
    )
    pending_erasures = db.session.scalar(
        db.select(func.count(ErasureRequest.id)).where(
            ErasureRequest.municipality_id == current_municipality_id(),
            ErasureRequest.processed_at.is_(None),
        )
    )
    # What the pager carries to the next page (by POST, with the search text).
    args = {name: form[name].data for name in ("q", "status", "language", "project")}
    args = {name: value for name, value in args.items() if value}
    return render_template(
        "people/staff_participants.html",
        form=form,
        people=people,
        args=args,
        pending_erasures=pending_erasures,
        minors_waiting=missing_guardian_consent(people.items, to_local(now()).year),
    )


def _participant_or_404(user_id: int) -> User:
    """A participant of the staff member's municipality.

    :raise 404: for another municipality's person, or one who is not a participant.
    """
    person = get_scoped_or_404(User, user_id)
    if person.role != Role.PARTICIPANT:
        abort(404)
    return person


@bp.route("/staff/participants/<int:user_id>")
@staff_only
def participant_profile(user_id: int):
    return _profile_page(_participant_or_404(user_id))


def _profile_page(person: User, facts_form=None, guardian_form=None):
    """The staff profile of `person` (viewing it is audited), with its forms."""
    if facts_form is None:
        facts_form = StaffFactsForm(formdata=None)
        facts_form.fill_facts(person)
        facts_form.vulnerabilities.data = vulnerability_codes(person.vulnerabilities)
        facts_form.channel.data = person.channel
    record("participant.viewed", person)
    db.session.commit()
    language = current_language()
    return render_template(
        "people/staff_profile.html",
        person=person,
        facts_form=facts_form,
        guardian_form=guardian_form or GuardianConsentForm(formdata=None),
        needs_guardian=needs_guardian_consent(person, to_local(now()).year),
        walk_in=walk_in_consent(person),
        purpose_text=purpose_text(person.preferred_language),
        sex_label=SEX_LABELS.get(person.sex) if person.sex else None,
        citizenship_name=country_name(person.citizenship, language),
        vulnerability_labels=[
            vulnerability_label(code) for code in vulnerability_codes(person.vulnerabilities)
        ],
        consents=db.session.scalars(
            db.select(Consent).where(Consent.user_id == person.id).order_by(Consent.id)
        ).all(),
        enrolments=db.session.scalars(
            db.select(Enrolment)
            .where(Enrolment.participant_id == person.id)
            .order_by(Enrolment.requested_at)
        ).all(),
        plans=db.session.scalars(
            db.select(Plan).where(Plan.participant_id == person.id).order_by(Plan.id.desc())
        ).all(),
        messages=db.session.scalars(
            db.select(Message)
            .where(Message.user_id == person.id)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(20)
        ).all(),
        enrolment_labels=ENROLMENT_STATUS_LABELS,
        plan_labels=PLAN_STATUS_LABELS,
        action=ActionForm(),
        EnrolmentStatus=EnrolmentStatus,
    )


@bp.route("/staff/participants/<int:user_id>/facts", methods=["POST"])
@staff_only
def edit_facts(user_id: int):
    """Staff correct the optional facts and record vulnerabilities (audited, no values)."""
    person = _participant_or_404(user_id)
    form = StaffFactsForm()
    if form.validate_on_submit():
        try:
            changed = set_facts(person, now=now(), **form.facts())
            if set_vulnerabilities(person, form.vulnerabilities.data):
                changed.append("vulnerabilities")
            if form.channel.data:  # audited there
                choose_channel(person, form.channel.data, via="desk", now=now())
        except DomainError as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            if changed:
                record("participant.facts_changed", person, details={"fields": sorted(changed)})
            db.session.commit()
            flash(_("Dati salvati."), "success")
            return redirect(url_for("people.participant_profile", user_id=person.id))
    return _profile_page(person, facts_form=form)


@bp.route("/staff/participants/<int:user_id>/guardian-consent", methods=["POST"])
@staff_only
def guardian_consent(user_id: int):
    """A minor's parent or guardian signed the consent form: staff record it."""
    person = _participant_or_404(user_id)
    if not needs_guardian_consent(person, to_local(now()).year):
        flash(_("Questa persona non ha bisogno del consenso di un genitore o tutore."))
        return redirect(url_for("people.participant_profile", user_id=person.id))
    form = GuardianConsentForm()
    if not form.validate_on_submit():
        return _profile_page(person, guardian_form=form)
    record_guardian_consent(
        person, staff=current_user._get_current_object(), now=now(), sms=form.sms.data
    )
    record("consent.guardian_recorded", person, details={"method": "paper", "sms": form.sms.data})
    db.session.commit()
    flash(_("Consenso del genitore o tutore registrato."), "success")
    return redirect(url_for("people.participant_profile", user_id=person.id))


@bp.route("/staff/participants/new", methods=["GET", "POST"])
@staff_only
def assisted_signup():
    """Register someone at the desk; they confirm by an SMS code, or staff keep a paper consent."""
    form = AssistedSignupForm([])
    staff = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            phone = normalize_phone(form.phone.data) if form.phone.data else None
            method = form.consent_method.data
            if method == "sms_code" and not phone:
                raise DomainError(
                    "consent_method",
                    _("Senza telefono serve il consenso firmato su carta."),
                )
            paper = method == "paper"
            person = sign_up_participant(
                phone=phone,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                language=form.language.data,
                municipality=staff.municipality,
                sectors=form.sectors.data,
                programme_consent=form.programme_consent.data,
                sms_consent=form.sms_consent.data,
                via="assisted",
                consent_method="paper" if paper else "sms_code_pending",
                referral_source=form.referral_source.data,
                recorded_by=staff,
                now=now(),
                vulnerabilities=form.vulnerabilities.data,
                **form.facts(),
            )
            minor = needs_guardian_consent(person, to_local(now()).year)
            message = None
            if not paper and not minor:
                login_code, code = issue_code(
                    phone, purpose="assisted", now=now(), ip=request.remote_addr, user=person
                )
                message = send_code(
                    login_code, code, phone=phone, language=person.preferred_language,
                    now=now(), user=person,
                )  # fmt: skip
        except (DomainError, TooManyCodes) as exc:
            db.session.rollback()
            put_on_form(form, exc)
        else:
            record("participant.signed_up", person, details={"via": "assisted", "method": method})
            db.session.commit()
            if minor:
                flash(
                    _(
                        "Persona minorenne: registrata senza consenso. Registra il consenso "
                        "quando un genitore o tutore avrà firmato il modulo."
                    )
                )
                return redirect(url_for("people.participant_profile", user_id=person.id))
            if message is None:
                flash(registered_on_paper(person), "success")
                return redirect(url_for("people.participant_profile", user_id=person.id))
            deliver_after_response(message)
            session["assisted_user"] = person.id
            return redirect(url_for("people.assisted_confirm", user_id=person.id))
    return render_template(
        "people/assisted_signup.html",
        form=form,
        purpose_text=purpose_text(form.language.data or "it"),
        programme_text=consent_text("programme", form.language.data or "it"),
        sms_text=consent_text("sms", form.language.data or "it"),
    )


@bp.route("/staff/participants/<int:user_id>/confirm", methods=["GET", "POST"])
@staff_only
def assisted_confirm(user_id: int):
    """The person reads out the code they received: their consent is confirmed by SMS."""
    person = _participant_or_404(user_id)
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        try:
            check_code(person.phone or "", form.code.data, now=now(), purposes=("assisted",))
        except DomainError as exc:
            db.session.commit()  # the attempt counts
            put_on_form(form, exc)
        else:
            for consent in db.session.scalars(
                db.select(Consent).where(
                    Consent.user_id == person.id, Consent.method == "sms_code_pending"
                )
            ):
                consent.method = "sms_code"
            record("consent.confirmed", person, details={"method": "sms_code"})
            db.session.commit()
            flash(_("Consenso confermato con il codice SMS."), "success")
            return redirect(url_for("people.participant_profile", user_id=person.id))
    return render_template("people/assisted_confirm.html", form=form, person=person)


@bp.route("/staff/erasures")
@staff_only
def erasures():
    rows = db.session.scalars(
        db.select(ErasureRequest)
        .where(
            ErasureRequest.municipality_id == current_municipality_id(),
            ErasureRequest.processed_at.is_(None),
        )
        .order_by(ErasureRequest.requested_at)
    ).all()
    people = {u.id: u for u in db.session.scalars(
        db.select(User).where(User.id.in_([r.user_id for r in rows]))
    )}  # fmt: skip
    return render_template(
        "people/erasures.html", requests=rows, people=people, action=ActionForm()
    )


@bp.route("/staff/erasures/<int:request_id>/process", methods=["POST"])
@staff_only
def process_erasure(request_id: int):
    erasure = get_scoped_or_404(ErasureRequest, request_id)
    if erasure.processed_at is not None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    person = db.session.get(User, erasure.user_id)
    erase_participant(person, now(), staff=current_user._get_current_object())
    record("data.erased", person, municipality_id=erasure.municipality_id)
    db.session.commit()
    checkpoint_sqlite_log()  # the erased values leave SQLite's write-ahead log now
    flash(_("Dati cancellati. Restano solo i numeri anonimi."), "success")
    return redirect(url_for("people.erasures"))


@bp.route("/staff/participants/<int:user_id>/reviewed", methods=["POST"])
@staff_only
def mark_reviewed(user_id: int):
    """A sign-up by SMS has been checked (name, municipality) by staff."""
    person = _participant_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    person.pending_review = False
    record("participant.reviewed", person)
    db.session.commit()
    flash(_("Iscrizione verificata."), "success")
    return redirect(url_for("people.participant_profile", user_id=person.id))
