"""The case team's pages: the worklist and one case."""

from flask import render_template
from flask_login import current_user

from civic_app.casework import bp
from civic_app.casework.access import load_case_or_404
from civic_app.casework.caselist import recent_cases, search_cases
from civic_app.casework.forms import CaseSearchForm
from civic_app.casework.models import NEED_LABELS, REFERRAL_STATUS_LABELS
from civic_app.casework.notes import note_form_for, notes_for
from civic_app.casework.panels import panels_for
from civic_app.casework.referrals import referral_form_for, referrals_of
from civic_app.casework.worklist import worklist
from civic_app.core.clock import now
from civic_app.core.permissions import casework_required, current_municipality_id
from civic_app.extensions import db


@bp.route("/cases")
@casework_required
def home():
    municipality_id = current_municipality_id()
    return render_template(
        "casework/home.html",
        worklist=worklist(municipality_id, now()),
        form=CaseSearchForm(formdata=None),
        cases=recent_cases(municipality_id),
        searched=False,
    )


@bp.route("/cases/search", methods=["POST"])
@casework_required
def search():
    """A search by name or phone, sent by POST so that no name is ever in a URL."""
    municipality_id = current_municipality_id()
    form = CaseSearchForm()
    searched = form.validate_on_submit()
    cases = search_cases(municipality_id, form.q.data) if searched else []
    return render_template(
        "casework/home.html",
        worklist=worklist(municipality_id, now()),
        form=form,
        cases=cases if searched else recent_cases(municipality_id),
        searched=searched,
    ), (200 if searched else 400)


@bp.route("/cases/<int:intake_id>")
@casework_required
def case(intake_id: int):
    intake = load_case_or_404(intake_id)
    notes = notes_for(current_user, intake)
    page = render_template(
        "casework/case.html",
        intake=intake,
        person=intake.person,
        need_labels=NEED_LABELS,
        referrals=referrals_of(intake),
        referral_form=referral_form_for(intake),
        status_labels=REFERRAL_STATUS_LABELS,
        notes=notes,
        note_form=note_form_for(current_user, intake),
        panels=panels_for(intake, current_user),
    )
    # The read is audited (load_case_or_404, notes_for) whether or not anything changed.
    db.session.commit()
    return page
