from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.permissions import Role, current_municipality_id, roles_required
from civic_app.core.phones import normalize_phone
from civic_app.extensions import db
from civic_app.sms import bp
from civic_app.sms.dispatcher import deliver_after_response
from civic_app.sms.forms import SimulatorNumberForm, SimulatorTextForm
from civic_app.sms.models import STATUS_LABELS, Message
from civic_app.sms.operations import receive_sms

PAGE_SIZE = 50


def dev_tools_only(view):
    """:raise 404: unless DEV_TOOLS is on (the embedded default, never production)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_app.config["DEV_TOOLS"]:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/dev/outbox")
@dev_tools_only
@roles_required(Role.STAFF)
def outbox():
    """Every SMS of the staff member's municipality (and not yet placed sign-ups), newest first."""
    municipality_id = current_municipality_id()
    messages = db.session.scalars(
        db.select(Message)
        .where((Message.municipality_id == municipality_id) | (Message.municipality_id.is_(None)))
        .order_by(Message.id.desc())
        .limit(PAGE_SIZE)
    ).all()
    record("sms.outbox_viewed", municipality_id=municipality_id)
    db.session.commit()
    return render_template("sms/outbox.html", messages=messages, status_labels=STATUS_LABELS)


@bp.route("/dev/phone", methods=["GET", "POST"])
@dev_tools_only
def simulator():
    """Text the app as a phone would. The number lives in the session, never in the URL."""
    number_form = SimulatorNumberForm(prefix="n")
    text_form = SimulatorTextForm(prefix="t")
    if number_form.use_number.data and number_form.validate_on_submit():
        try:
            session["sim_phone"] = normalize_phone(number_form.phone.data)
            return redirect(url_for("sms.simulator"))
        except DomainError as exc:
            put_on_form(number_form, exc)
    phone = session.get("sim_phone")
    if phone and text_form.send.data and text_form.validate_on_submit():
        _inbound, replies = receive_sms(phone=phone, body=text_form.body.data, now=now())
        db.session.commit()
        for reply in replies:
            deliver_after_response(reply)
        flash(_("SMS inviato."), "success")
        return redirect(url_for("sms.simulator"))
    thread = []
    if phone:
        thread = db.session.scalars(
            db.select(Message).where(Message.phone == phone).order_by(Message.id.desc()).limit(30)
        ).all()
    if request.method == "POST" and not (number_form.errors or text_form.errors):
        flash(_("Scegli prima un numero."), "error")
    return render_template(
        "sms/simulator.html",
        number_form=number_form,
        text_form=text_form,
        phone=phone,
        thread=thread,
        status_labels=STATUS_LABELS,
    )


@bp.route("/staff/sms/templates")
@roles_required(Role.STAFF)
def template_costs():
    """Every SMS template in every language: encoding, length and segments, against budget."""
    from civic_app.sms import costs

    rows = costs.template_costs()
    return render_template(
        "sms/templates.html",
        rows=rows,
        over=sum(row.over_budget for row in rows),
        rtl=("ar", "ur"),
    )
