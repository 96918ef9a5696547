"""The routes that bring a message in: Twilio's inbound webhook and the phone simulator."""

import logging

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from civic_app.conversation import bp
from civic_app.conversation.forms import SimulatorNumberForm, SimulatorTextForm
from civic_app.conversation.operations import receive_sms
from civic_app.core.clock import now
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.inputs import without_nul
from civic_app.core.phones import mask_phone, normalize_phone
from civic_app.extensions import csrf, db, limiter
from civic_app.sms.dispatcher import deliver_after_response
from civic_app.sms.models import STATUS_LABELS, Message
from civic_app.sms.views import dev_tools_only
from civic_app.sms.webhooks import EMPTY_TWIML, check_signature, message_sid, webhook_limit
from civic_app.sms.whatsapp import sender

log = logging.getLogger(__name__)


@bp.route("/sms/inbound", methods=["POST"])
@csrf.exempt
@limiter.limit(webhook_limit)
def inbound():
    check_signature()
    sid = message_sid()
    raw_from = request.form.get("From", "")
    # No phone sends a NUL (GSM's 0x00 arrives as "@"), and PostgreSQL text refuses it.
    body = without_nul(request.form.get("Body", ""))
    try:  # "+39…" by SMS, "whatsapp:+39…" by WhatsApp: the same number either way
        phone, channel = sender(raw_from)
    except ValueError:
        abort(400)
    if not sid:
        abort(400)
    _inbound, replies = receive_sms(
        phone=phone, body=body, now=now(), provider_sid=sid, channel=channel
    )
    db.session.commit()
    log.info("inbound %s from %s (%s)", channel, mask_phone(phone), sid)
    for reply in replies:
        deliver_after_response(reply)
    return Response(EMPTY_TWIML, mimetype="text/xml")


@bp.route("/dev/phone", methods=["GET", "POST"])
@dev_tools_only
def simulator():
    """Text the app as a phone would. The number lives in the session, never in the URL."""
    number_form = SimulatorNumberForm(prefix="n")
    text_form = SimulatorTextForm(prefix="t")
    if number_form.use_number.data and number_form.validate_on_submit():
        try:
            session["sim_phone"] = normalize_phone(number_form.phone.data)
            return redirect(url_for("conversation.simulator"))
        except DomainError as exc:
            put_on_form(number_form, exc)
    phone = session.get("sim_phone")
    if phone and text_form.send.data and text_form.validate_on_submit():
        _inbound, replies = receive_sms(phone=phone, body=text_form.body.data, now=now())
        db.session.commit()
        for reply in replies:
            deliver_after_response(reply)
        flash(_("SMS inviato."), "success")
        return redirect(url_for("conversation.simulator"))
    thread = []
    if phone:
        thread = db.session.scalars(
            db.select(Message).where(Message.phone == phone).order_by(Message.id.desc()).limit(30)
        ).all()
    if request.method == "POST" and not (number_form.errors or text_form.errors):
        flash(_("Scegli prima un numero."), "error")
    return render_template(
        "conversation/simulator.html",
        number_form=number_form,
        text_form=text_form,
        phone=phone,
        thread=thread,
        status_labels=STATUS_LABELS,
    )
