from functools import wraps

from flask import abort, current_app, render_template

from civic_app.core.audit import record
from civic_app.core.permissions import Role, current_municipality_id, roles_required
from civic_app.extensions import db
from civic_app.sms import bp
from civic_app.sms.models import STATUS_LABELS, Message

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
