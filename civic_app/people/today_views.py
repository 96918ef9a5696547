"""The staff member's first page: what needs them today, in their municipality."""

from flask import render_template

from civic_app.attendance.at_risk import REASONS
from civic_app.core.clock import now
from civic_app.core.permissions import Role, current_municipality_id, roles_required
from civic_app.core.timeutil import to_local
from civic_app.people import bp
from civic_app.people.today import staff_today


@bp.route("/staff/today", endpoint="staff_today")
@roles_required(Role.STAFF)
def staff_today_page():
    """Each item links to the page where staff act on it; `/` sends staff here."""
    moment = now()
    return render_template(
        "people/staff_today.html",
        today=staff_today(current_municipality_id(), moment),
        reasons=REASONS,
        this_year=str(to_local(moment).year),
    )
