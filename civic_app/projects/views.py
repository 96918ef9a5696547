"""Public pages: the marketplace, a project's page, joining, calendar feeds."""

from collections import OrderedDict
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.brand import current_brand
from civic_app.core.clock import now
from civic_app.core.errors import DomainError
from civic_app.core.holidays import holiday_names
from civic_app.core.i18n import current_language
from civic_app.core.models import Municipality
from civic_app.core.permissions import Role, roles_required
from civic_app.core.public_pages import public_page
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.projects import bp
from civic_app.projects.calendar import build_feed
from civic_app.projects.enrolments import request_to_join
from civic_app.projects.forms import ActionForm, MarketplaceForm
from civic_app.projects.marketplace import Filters, search
from civic_app.projects.models import (
    ENROLMENT_STATUS_LABELS,
    HOLDS_A_PLACE,
    SECTOR_LABELS,
    Enrolment,
    Project,
    ProjectSession,
    ProjectStatus,
    SessionStatus,
)
from civic_app.projects.month import (
    entries_by_day,
    month_weeks,
    own_projects,
    parse_month,
    shift_month,
    week_day_names,
)
from civic_app.projects.operations import places_taken

#: How far back a calendar feed reaches (cancelled and past sessions included).
FEED_PAST = timedelta(days=60)


#: Rendered filter forms by (language, query, municipalities): the form is the same for
#: everyone who asks the same thing, and its selects (one option per municipality of the
#: network) cost more to render than the page's cards.
_FILTERS_HTML: OrderedDict[tuple, Markup] = OrderedDict()
FILTERS_KEPT = 128


def _home_municipality() -> str | None:
    """The slug of a logged-in participant's municipality, else None."""
    if not current_user.is_authenticated or current_user.role != Role.PARTICIPANT:
        return None
    return db.session.scalar(
        db.select(Municipality.slug).where(Municipality.id == current_user.municipality_id)
    )


def _filters_html(form: MarketplaceForm, query, opened: bool, choices: tuple) -> Markup:
    key = (current_language(), tuple(sorted(query.items(multi=True))), opened, choices)
    html = _FILTERS_HTML.get(key)
    if html is None:
        args = {k: v for k, v in query.items() if k != "page" and v}
        page = render_template("projects/_filters.html", form=form, args=args, opened=opened)
        html = Markup(page)  # noqa: S704 - autoescaped
        if not form.errors:  # an invalid query is rare and shows its own errors
            _FILTERS_HTML[key] = html
            while len(_FILTERS_HTML) > FILTERS_KEPT:
                _FILTERS_HTML.popitem(last=False)
    return html


@bp.route("/projects")
@public_page
def marketplace():
    language = current_language()
    municipalities = tuple(
        sorted(
            (
                (slug, (names or {}).get(language) or name)
                for slug, name, names in db.session.execute(
                    db.select(Municipality.slug, Municipality.name, Municipality.names)
                )
            ),
            key=lambda pair: pair[1].casefold(),
        )
    )  # each named as the page's language knows it (Municipality.name_in), in its order
    query = request.args
    home = _home_municipality()
    if not query and home:  # a participant starts with their own municipality's projects
        query = MultiDict({"municipality": home})
    form = MarketplaceForm(municipalities, formdata=query)
    filters = Filters()
    if query and form.validate():
        filters = Filters(
            municipality=form.municipality.data or None,
            sector=form.sector.data or None,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
            weekday=int(form.weekday.data) if form.weekday.data else None,
            language=form.language.data or None,
            places_left=form.places_left.data,
            q=(form.q.data or "").strip(),
        )
    filters.page = request.args.get("page", 1, type=int) or 1
    page = search(filters, now())
    args = {k: v for k, v in query.items() if k != "page" and v}
    return render_template(
        "projects/marketplace.html",
        # Open on a phone after a search of one's own, not for the municipality a
        # participant starts with (the projects stay above the fold).
        filters_html=_filters_html(
            form, query, any(k != "page" and v for k, v in request.args.items()), municipalities
        ),
        page=page,
        args=args,
        municipality_name=dict(municipalities).get(filters.municipality or ""),
        sector_labels=SECTOR_LABELS,
        language=current_language(),
    )


def _public_project(project_id: int) -> Project:
    """A project anyone may see.

    :raise 404: for drafts (and unknown ids).
    """
    project = db.session.get(Project, project_id)
    if project is None or project.status == ProjectStatus.DRAFT:
        abort(404)
    return project


@bp.route("/projects/<int:project_id>")
@public_page
def detail(project_id: int):
    project = _public_project(project_id)
    moment = now()
    sessions = db.session.scalars(
        db.select(ProjectSession)
        .options(selectinload(ProjectSession.venue))
        .where(ProjectSession.project_id == project.id, ProjectSession.ends_at >= moment)
        .order_by(ProjectSession.starts_at)
        .limit(10)
    ).all()
    left = max(project.capacity - places_taken([project.id]).get(project.id, 0), 0)
    enrolment = None
    participant = current_user.is_authenticated and current_user.role == Role.PARTICIPANT
    if participant:
        enrolment = db.session.scalar(
            db.select(Enrolment).where(
                Enrolment.project_id == project.id, Enrolment.participant_id == current_user.id
            )
        )
    return render_template(
        "projects/detail.html",
        project=project,
        sessions=sessions,
        places_left=left,
        enrolment=enrolment,
        enrolment_labels=ENROLMENT_STATUS_LABELS,
        sector_labels=SECTOR_LABELS,
        language=current_language(),
        # Only a participant's page gets the form (its CSRF token): the anonymous page
        # is shared (core/public_pages.py).
        join_form=ActionForm() if participant else None,
        SessionStatus=SessionStatus,
    )


@bp.route("/projects/<int:project_id>/join", methods=["POST"])
@roles_required(Role.PARTICIPANT)
def join(project_id: int):
    project = _public_project(project_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        enrolment = request_to_join(project, current_user, now())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("projects.detail", project_id=project.id))
    record("enrolment.requested", enrolment, details={"status": str(enrolment.status)})
    db.session.commit()
    if enrolment.status in HOLDS_A_PLACE:
        flash(_("Richiesta inviata. Il Comune ti risponderà con un SMS."), "success")
    else:
        flash(_("Il progetto è pieno: sei in lista d'attesa. Ti avvisiamo se si libera un posto."))
    return redirect(url_for("projects.detail", project_id=project.id))


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-cache, private",
        },
    )


@bp.route("/projects/<int:project_id>/calendar.ics")
def project_calendar(project_id: int):
    project = _public_project(project_id)
    moment = now()
    sessions = db.session.scalars(
        db.select(ProjectSession)
        .where(
            ProjectSession.project_id == project.id, ProjectSession.ends_at >= moment - FEED_PAST
        )
        .order_by(ProjectSession.starts_at)
    ).all()
    language = current_language()
    body = build_feed(project.text(language)[0], sessions, moment, language)
    return _ics(body, f"project-{project.id}.ics")


@bp.route("/calendar/<token>.ics")
def personal_calendar(token: str):
    """A participant's or tutor's own sessions, behind the secret token of their feed URL.

    :raise 404: for an unknown or revoked token.
    """
    user = (
        db.session.scalar(
            db.select(User).where(User.calendar_token == token, User.is_active_account.is_(True))
        )
        if 20 <= len(token) <= 40
        else None
    )
    if user is None or user.role not in (Role.PARTICIPANT, Role.TUTOR):
        abort(404)
    moment = now()
    query = db.select(ProjectSession).where(ProjectSession.ends_at >= moment - FEED_PAST)
    project_ids, tentative = own_projects(user)
    sessions = db.session.scalars(
        query.where(ProjectSession.project_id.in_(project_ids)).order_by(ProjectSession.starts_at)
    ).all()
    language = user.preferred_language
    body = build_feed(current_brand().name, sessions, moment, language, tentative=tentative)
    return _ics(body, "civic_app.ics")


@bp.route("/me/calendar", methods=["GET", "POST"])
@roles_required(Role.PARTICIPANT, Role.TUTOR)
def my_calendar():
    """One's own month (a grid, or a list: ?view=list) of ?month=2026-12, and the address
    of one's calendar feed; a new address revokes the old one."""
    import secrets

    form = ActionForm()
    user = current_user._get_current_object()
    if form.validate_on_submit() or user.calendar_token is None:
        user.calendar_token = secrets.token_urlsafe(24)
        record("calendar.token_issued", user)
        db.session.commit()
        if request.method == "POST":
            flash(_("Nuovo indirizzo creato: quello vecchio non funziona più."), "success")
            return redirect(url_for("projects.my_calendar"))
    feed_url = url_for("projects.personal_calendar", token=user.calendar_token, _external=True)
    today = to_local(now()).date()
    first, refused = parse_month(request.args.get("month"), today)
    view = "list" if request.args.get("view") == "list" else "month"
    weeks = month_weeks(first)
    language = current_language()
    last = weeks[-1][-1]
    return render_template(
        "projects/my_calendar.html",
        feed_url=feed_url,
        form=form,
        view=view,
        first=first,
        refused=refused,
        today=today,
        weeks=weeks,
        previous=shift_month(first, -1),
        following=shift_month(first, 1),
        days=entries_by_day(user, weeks[0][0], last, language),
        holidays=holiday_names(user.municipality, weeks[0][0], last, language),
        day_names=week_day_names(get_locale()),
    )
