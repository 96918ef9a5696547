"""Certificates of civic engagement: issued by staff, downloaded by participants, verified
by anyone with the QR code."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError
from civic_app.core.permissions import (
    Role,
    get_scoped_or_404,
    roles_required,
)
from civic_app.extensions import db
from civic_app.projects.forms import ActionForm
from civic_app.reports import bp
from civic_app.reports.certificates import (
    certificate_languages,
    engagement,
    issue_certificate,
    load_certificate,
    render_pdf,
)
from civic_app.reports.models import Certificate
from civic_app.reports.reissue import already_certified
from civic_app.reports.views import staff_only


@bp.route("/staff/participants/<int:user_id>/certificates", methods=["GET", "POST"])
@staff_only
def participant_certificates(user_id: int):
    person = get_scoped_or_404(User, user_id)
    if person.role != Role.PARTICIPANT:
        abort(404)
    form = ActionForm()
    projects = engagement(person.id)
    overlaps = []
    if form.validate_on_submit():
        overlaps = already_certified(person.id, projects)
        if overlaps and request.form.get("confirm") != "1":
            # Hours certified twice would count twice for an employer: ask first.
            return _certificates_page(person, form, projects, overlaps)
        try:
            certificate = issue_certificate(person, current_user, now())
        except DomainError as error:
            flash(str(error), "error")
        else:
            record("certificate.issued", certificate, details={"participant_id": person.id})
            db.session.commit()
            flash(_("Certificato emesso."), "success")
        return redirect(url_for("reports.participant_certificates", user_id=person.id))
    return _certificates_page(person, form, projects, overlaps)


def _certificates_page(person: User, form: ActionForm, projects: list, overlaps: list):
    certificates = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.participant_id == person.id)
        .order_by(Certificate.id.desc())
    ).all()
    return render_template(
        "reports/certificates.html",
        person=person,
        certificates=certificates,
        projects=[
            {
                **p,
                "first_day": date.fromisoformat(p["first"]),
                "last_day": date.fromisoformat(p["last"]),
            }
            for p in projects
        ],
        overlaps=overlaps,
        action=form,
        languages=certificate_languages(person.preferred_language),
    )


@bp.route("/staff/certificates/<int:certificate_id>.pdf")
@staff_only
def staff_certificate_pdf(certificate_id: int):
    certificate = get_scoped_or_404(Certificate, certificate_id)
    return _certificate_pdf(certificate)


@bp.route("/staff/certificates/<int:certificate_id>/revoke", methods=["POST"])
@staff_only
def revoke_certificate(certificate_id: int):
    certificate = get_scoped_or_404(Certificate, certificate_id)
    if ActionForm().validate_on_submit() and certificate.revoked_at is None:
        certificate.revoked_at = now()
        record("certificate.revoked", certificate)
        db.session.commit()
        flash(_("Certificato ritirato: la pagina di verifica lo dice."), "success")
    return redirect(url_for("reports.participant_certificates", user_id=certificate.participant_id))


@bp.route("/me/certificates")
@roles_required(Role.PARTICIPANT)
def my_certificates():
    certificates = db.session.scalars(
        db.select(Certificate)
        .where(Certificate.participant_id == current_user.id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.id.desc())
    ).all()
    return render_template("reports/my_certificates.html", certificates=certificates)


@bp.route("/me/certificates/<int:certificate_id>.pdf")
@roles_required(Role.PARTICIPANT)
def my_certificate_pdf(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.participant_id != current_user.id:
        abort(404)
    return _certificate_pdf(certificate)


def _certificate_pdf(certificate: Certificate) -> Response:
    person = certificate.participant
    signer = certificate.issued_by
    record("certificate.downloaded", certificate)
    db.session.commit()
    body = render_pdf(certificate, person.display_name, signer.display_name)
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="certificate-{certificate.id}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/verify/<token>")
def verify(token: str):
    """Public: is this certificate genuine? Only initials, hours and dates."""
    certificate = load_certificate(token)
    if certificate is None:
        return render_template("reports/verify.html", certificate=None), 404
    return render_template("reports/verify.html", certificate=certificate)
