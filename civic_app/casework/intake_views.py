"""Recording a person taken in charge, online or queued offline on a phone; staff
merging two records of the same person.

The form is plain HTML: without JavaScript it posts as it is. With it (static/js/
intake.js) it opens without signal from the service worker served at /cases/sw.js and
queues what is sent offline, with a key made on the phone so that it is recorded once.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_

from civic_app.casework import bp
from civic_app.casework.forms import (
    CONSENT_METHOD_LABELS,
    IntakeForm,
    MergeForm,
    PeopleSearchForm,
    new_client_key,
)
from civic_app.casework.intakes import (
    MATCHABLE_ROLES,
    find_matches,
    intake_by_key,
    last_seen,
    merge_people,
    record_intake,
)
from civic_app.casework.models import NEED_LABELS, ConsentMethod, Intake, Unit
from civic_app.core.accounts import User
from civic_app.core.audit import record
from civic_app.core.clock import now
from civic_app.core.consent import consent_text
from civic_app.core.demographics import (
    SEX_LABELS,
    country_name,
    vulnerability_codes,
    vulnerability_label,
)
from civic_app.core.errors import DomainError, put_on_form
from civic_app.core.i18n import current_language, format_list, ltr
from civic_app.core.labels import language_name
from civic_app.core.permissions import (
    Role,
    casework_required,
    current_municipality_id,
    get_scoped_or_404,
    roles_required,
    scoped_select,
)
from civic_app.core.phones import display_phone, normalize_phone
from civic_app.core.timeutil import to_local
from civic_app.extensions import db
from civic_app.projects.forms import SPOKEN_LANGUAGES

#: Each language a person may speak, written in itself.
SPOKEN_NAMES = dict(SPOKEN_LANGUAGES)
#: At most this many people are listed by the merge search.
SEARCH_LIMIT = 50


@bp.context_processor
def case_helpers():
    return {"case_summary_rows": case_summary_rows}


def case_summary_rows(intake: Intake, person: User) -> list[tuple[str, str]]:
    """(label, value) of what the case page shows about the person and the intake; only
    what was stated (a person may have given nothing but an alias)."""
    language = current_language()
    rows = [(_("Nome o soprannome"), person.display_name)]
    if person.phone:
        rows.append((_("Telefono"), ltr(display_phone(person.phone))))
    rows.append((_("Lingua"), language_name(person.preferred_language, language)))
    if person.sex:
        rows.append((_("Sesso"), str(SEX_LABELS.get(person.sex, person.sex))))
    if person.birth_year:
        rows.append((_("Anno di nascita"), str(person.birth_year)))
    if person.citizenship:
        rows.append((_("Cittadinanza"), country_name(person.citizenship, language)))
    codes = vulnerability_codes(person.vulnerabilities)
    if codes:
        rows.append(
            (_("Situazioni di vulnerabilità"), format_list(vulnerability_label(c) for c in codes))
        )
    needs = [str(NEED_LABELS.get(code, code)) for code in intake.need_codes]
    rows.append((_("Bisogni emersi"), format_list(needs) if needs else _("Nessuno indicato")))
    rows.append((_("Unità"), intake.unit.name if intake.unit else _("Nessuna: in strada")))
    if intake.zone:
        rows.append((_("Zona"), intake.zone))
    rows.append((_("Incontrata il"), format_date(intake.met_on, format="long")))
    rows.append((_("Consenso"), str(CONSENT_METHOD_LABELS[intake.consent_method])))
    if intake.consent_method == ConsentMethod.VERBAL:
        rows.append((_("Interprete"), intake.interpreter or _("Senza interprete")))
    if intake.recorded_by is not None:
        rows.append((_("Registrata da"), intake.recorded_by.display_name))
    return rows


def _units() -> list[Unit]:
    return list(
        db.session.scalars(scoped_select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.name))
    )


def _today():
    return to_local(now()).date()


def _intake_page(form: IntakeForm, *, fresh: bool = False, matches=()):
    matches = list(matches)
    seen = last_seen(matches)
    language = form.language.data if form.language.data in SPOKEN_NAMES else "it"
    page_languages = current_app.config["LANGUAGES"]
    # A language the pages do not have gets the page's text: the interpreter translates.
    texts = {
        code: (
            code if code in page_languages else current_language(),
            consent_text("casework", code),
        )
        for code in SPOKEN_NAMES
    }
    return render_template(
        "casework/intake_form.html",
        form=form,
        fresh=fresh,
        matches=[
            (p, country_name(p.citizenship, current_language()), seen.get(p.id)) for p in matches
        ],
        show_choice=bool(matches) or bool(form.person.errors),
        consent_language=language,
        consent_texts=texts,
        page_languages=page_languages,
        sms_text=consent_text("sms", current_language()),
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@casework_required
def new_intake():
    """The intake form. A known person (same phone, or same name, year of birth and
    citizenship) is offered before anyone is recorded twice; the typed values stay."""
    units = _units()
    if request.method == "GET":
        form = IntakeForm(units, formdata=None)
        form.met_on.data = _today()
        form.client_key.data = new_client_key()
        return _intake_page(form, fresh=True)
    municipality_id = current_municipality_id()
    # The same form sent again (a retry from the phone's queue) finds its case, whatever
    # changed since (CSRFProtect has checked the token).
    existing = intake_by_key(municipality_id, request.form.get("client_key"))
    if existing is not None:
        flash(_("Questa presa in carico era già arrivata."), "success")
        return redirect(url_for("casework.case", intake_id=existing.id))
    form = IntakeForm(units)
    if not form.validate_on_submit():
        return _intake_page(form)
    data = form.intake_data()
    matches: list[User] = []
    try:
        data["phone"] = normalize_phone(form.phone.data) if form.phone.data else None
        matches = find_matches(
            municipality_id,
            data["phone"],
            data["first_name"],
            data["birth_year"],
            data["citizenship"],
        )
        choice = form.chosen_person()
        if isinstance(choice, int) and choice not in {p.id for p in matches}:
            form.person.data = ""
            raise DomainError(
                "person", _("La persona scelta non corrisponde ai dati: scegli di nuovo.")
            )
        if matches and choice is None:
            return _intake_page(form, matches=matches)
        data["person_id"] = choice if isinstance(choice, int) else None
        intake = record_intake(municipality_id, current_user._get_current_object(), data, now())
    except DomainError as exc:
        db.session.rollback()
        put_on_form(form, exc)
        return _intake_page(form, matches=matches)
    record(
        "case.intake_recorded",
        intake,
        details={"person_id": intake.person_id, "known_person": data["person_id"] is not None},
    )
    db.session.commit()
    flash(_("Presa in carico registrata."), "success")
    return redirect(url_for("casework.case", intake_id=intake.id))


@bp.route("/cases/sw.js")
def service_worker():
    """The intake form's service worker, served from /cases/ so that it may cover it."""
    body = current_app.send_static_file("js/intake-sw.js")
    body.headers["Service-Worker-Allowed"] = "/cases/"
    body.headers["Cache-Control"] = "no-cache"
    return body


def _search(needle: str) -> list[User]:
    needle = needle.strip().lower()
    query = (
        scoped_select(User)
        .where(
            User.role.in_(MATCHABLE_ROLES),
            User.erased_at.is_(None),
            or_(
                func.lower(User.first_name).contains(needle, autoescape=True),
                func.lower(User.last_name).contains(needle, autoescape=True),
            ),
        )
        .order_by(User.first_name, User.id)
        .limit(SEARCH_LIMIT)
    )
    return list(db.session.scalars(query))


def _merge_page(search: PeopleSearchForm, merge: MergeForm | None, people: list[User]):
    counts = {}
    if people:
        rows = db.session.execute(
            db.select(Intake.person_id, func.count(Intake.id))
            .where(Intake.person_id.in_([p.id for p in people]))
            .group_by(Intake.person_id)
        )
        counts = {person_id: n for person_id, n in rows}
    seen = last_seen(people)
    language = current_language()
    rows = [
        (p, country_name(p.citizenship, language), counts.get(p.id, 0), seen.get(p.id))
        for p in people
    ]
    return render_template(
        "casework/merge.html", search=search, merge=merge, rows=rows, searched=merge is not None
    )


def _merge_form(people: list[User], q: str, formdata=None) -> MergeForm:
    form = MergeForm(formdata=formdata) if formdata is not None else MergeForm(formdata=None)
    form.q.data = q
    choices = [(p.id, p.display_name) for p in people]
    form.keep.choices = choices
    form.merge.choices = choices
    return form


@bp.route("/staff/cases/merge", methods=["GET", "POST"])
@roles_required(Role.STAFF)
def merge_records():
    """Staff merge two records of the same person, found by name (searched by POST, so
    that a name never sits in a URL)."""
    if request.method == "GET":
        return _merge_page(PeopleSearchForm(formdata=None), None, [])
    if "submit" not in request.form:  # the search
        search = PeopleSearchForm()
        if not search.validate():
            return _merge_page(search, None, [])
        people = _search(search.q.data)
        return _merge_page(search, _merge_form(people, search.q.data), people)
    q = (request.form.get("q") or "")[:80]
    search = PeopleSearchForm(formdata=None, q=q)
    people = _search(q) if len(q.strip()) >= 2 else []
    form = _merge_form(people, q, request.form)
    if not form.validate():
        return _merge_page(search, form, people)
    keep = get_scoped_or_404(User, form.keep.data)
    merged = get_scoped_or_404(User, form.merge.data)
    try:
        merge_people(keep, merged, current_user._get_current_object(), now())
    except DomainError as exc:
        db.session.rollback()
        put_on_form(form, exc)
        return _merge_page(search, form, people)
    db.session.commit()
    flash(_("Schede unite: resta una sola persona con tutte le sue prese in carico."), "success")
    return redirect(url_for("casework.merge_records"))
