"""The staff inbox: SMS conversations with the municipality's participants, and replies."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.channels import CHANNEL_LABELS
from civic_app.core.clock import now
from civic_app.core.forms import Form
from civic_app.core.paging import paginate
from civic_app.core.permissions import (
    Role,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
)
from civic_app.extensions import db
from civic_app.sms import bp
from civic_app.sms.dispatcher import deliver_after_response
from civic_app.sms.models import STATUS_LABELS, Direction, Message
from civic_app.sms.operations import queue_sms

#: Conversations on one page of the inbox; the pager leads to the others.
INBOX_PER_PAGE = 50


class ReplyForm(Form):
    body = TextAreaField(_l("Risposta"), validators=[DataRequired(), Length(max=480)])
    submit = SubmitField(_l("Invia SMS"))


@bp.route("/staff/inbox")
@roles_required(Role.STAFF)
def inbox():
    """One card per person who wrote, the latest conversation first, a page at a time."""
    received = (
        Message.municipality_id == current_municipality_id(),
        Message.direction == Direction.IN,
        Message.user_id.is_not(None),
    )
    latest_first = func.max(Message.id).desc()
    page = paginate(
        db.select(Message.user_id)
        .where(*received)
        .group_by(Message.user_id)
        .order_by(latest_first),
        request.args.get("page", 1, type=int),
        INBOX_PER_PAGE,
    )
    threads = db.session.execute(
        db.select(
            Message.user_id,
            func.max(Message.id).label("last_id"),
            func.count().filter(Message.read_at.is_(None)).label("unread"),
            func.count()
            .filter(Message.needs_attention.is_(True), Message.read_at.is_(None))
            .label("attention"),
        )
        .where(*received, Message.user_id.in_(page.items))
        .group_by(Message.user_id)
        .order_by(latest_first)
    ).all()
    people = {
        u.id: u
        for u in db.session.scalars(
            db.select(User).where(User.id.in_([t.user_id for t in threads]))
        )
    }
    last = {
        m.id: m
        for m in db.session.scalars(
            db.select(Message).where(Message.id.in_([t.last_id for t in threads]))
        )
    }
    return render_template("sms/inbox.html", threads=threads, people=people, last=last, page=page)


@bp.route("/staff/inbox/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def thread(user_id: int):
    person = get_scoped_or_404(User, user_id)
    if person.role != Role.PARTICIPANT:
        abort(404)
    form = ReplyForm()
    if form.validate_on_submit():
        if not person.phone:
            flash(_("Questa persona non ha un numero di telefono."), "error")
            return redirect(url_for("sms.thread", user_id=person.id))
        message = queue_sms(
            phone=person.phone, body=form.body.data.strip(), kind="staff_reply", now=now(),
            user=person,
        )  # fmt: skip
        record("sms.staff_reply", person, details={"message_id": message.id})
        db.session.commit()
        deliver_after_response(message)
        flash(_("Risposta in invio."), "success")
        return redirect(url_for("sms.thread", user_id=person.id))
    messages = db.session.scalars(
        db.select(Message).where(Message.user_id == person.id).order_by(Message.id.desc()).limit(50)
    ).all()
    moment = now()
    for message in messages:
        if message.direction == Direction.IN and message.read_at is None:
            message.read_at = moment
    record("sms.thread_viewed", person)
    db.session.commit()
    return render_template(
        "sms/thread.html",
        person=person,
        messages=messages,
        form=form,
        status_labels=STATUS_LABELS,
        channel_labels=CHANNEL_LABELS,
    )
