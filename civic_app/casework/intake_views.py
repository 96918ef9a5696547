"""Recording a person taken in charge, online or queued offline on a phone."""

from flask import render_template

from civic_app.casework import bp
from civic_app.core.permissions import casework_required


@bp.route("/cases/new")
@casework_required
def new_intake():
    return render_template("casework/home.html", worklist={})
