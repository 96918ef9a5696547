"""Issue 12, points 1 and 4: optional sex, year of birth, citizenship and (staff only)
vulnerabilities; minors and their guardian's consent; data minimisation."""

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from civic_app.core.accounts import Consent, User
from civic_app.core.consent import give_consent
from civic_app.core.demographics import (
    PURPOSE_TEXT,
    country_choices,
    country_codes,
    country_names,
    vulnerability_label,
)
from civic_app.core.errors import DomainError
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.people.models import ErasureRequest
from civic_app.people.retention import pseudonymise_after_retention
from civic_app.plans.models import Plan, PlanStatus
from civic_app.projects.enrolments import request_to_join
from civic_app.projects.models import Enrolment, EnrolmentStatus
from civic_app.sms.models import Message
from tests.people.test_signup import prove_number, signup_form

ROOT = Path(__file__).resolve().parents[2]
PHONE = "+393471230000"
# The frozen clock is in 2026: years of birth go from 1926 to 2026; 2008 and later are
# minors (someone born in 2008 may still be 17), 2007 and before adults.
YEAR_ERROR = "Scrivi l&#39;anno di nascita con 4 cifre, tra 1926 e 2026."
MINOR_FLAG = "minore: serve il consenso del genitore o tutore"
FACTS = {"sex": "female", "birth_year": 1990, "citizenship": "NG"}


def signed_up(db, phone=PHONE):
    return db.session.scalar(db.select(User).where(User.phone == phone))


def consents_of(db, user):
    return db.session.scalars(
        db.select(Consent).where(Consent.user_id == user.id).order_by(Consent.id)
    ).all()


def audit(db, action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


# --- The questions and their lists -------------------------------------------------------


def test_country_lists_are_iso_countries_with_localised_names_in_order():
    codes = country_codes()
    assert {"NG", "IT", "UA", "BD", "XK"} <= codes
    assert not codes & {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "IC"}
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in codes)
    assert country_names("it")["DE"] == "Germania"
    assert country_names("fr")["DE"] == "Allemagne"
    assert country_names("ar")["DE"] == "ألمانيا"
    assert country_names("xx") == country_names("it")  # a language Babel lacks: Italian
    names = [name for _code, name in country_choices("it")]
    assert names.index("Egitto") < names.index("Germania") < names.index("Nigeria")


def test_the_sign_up_form_asks_the_optional_questions_and_why(client, db, municipality):
    prove_number(client, db)
    page = client.get("/signup").get_data(as_text=True)
    for name in ("sex", "birth_year", "citizenship"):
        assert f'name="{name}"' in page
    assert str(PURPOSE_TEXT).replace("'", "&#39;") in page
    assert 'aria-describedby="facts-purpose"' in page
    assert "Preferisco non dirlo" in page and '<option value="NG">Nigeria</option>' in page
    assert 'name="vulnerabilities"' not in page  # staff only


def test_country_names_follow_the_participants_language(client, db, municipality):
    client.post_form("/language", {"lang": "fr"})
    prove_number(client, db)
    page = client.get("/signup").get_data(as_text=True)
    assert '<option value="DE">Allemagne</option>' in page and "Germania" not in page


def test_sign_up_records_the_optional_facts(client, db, municipality, clock):
    prove_number(client, db)
    response = client.post_form(
        "/signup",
        signup_form(sex="female", birth_year=" 1990 ", citizenship="NG", language="it"),
    )
    assert response.status_code == 302 and response.location.endswith("/me")
    user = signed_up(db)
    assert (user.sex, user.birth_year, user.citizenship) == ("female", 1990, "NG")
    assert user.vulnerabilities == "" and not user.pending_review
    assert {c.purpose for c in consents_of(db, user)} == {"programme", "sms"}


def test_no_optional_question_is_required(client, db, municipality):
    prove_number(client, db)
    response = client.post_form(
        "/signup", signup_form(sex="", birth_year="", citizenship="", language="it")
    )
    assert response.status_code == 302
    user = signed_up(db)
    assert (user.sex, user.birth_year, user.citizenship, user.vulnerabilities) == (
        None,
        None,
        None,
        "",
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"birth_year": "abc"}, YEAR_ERROR),
        ({"birth_year": "90"}, YEAR_ERROR),
        ({"birth_year": "19901"}, YEAR_ERROR),
        ({"birth_year": "1925"}, YEAR_ERROR),
        ({"birth_year": "2027"}, YEAR_ERROR),
        ({"birth_year": "-999"}, YEAR_ERROR),
        ({"citizenship": "XX"}, "Non è una opzione valida"),
        ({"citizenship": "EU"}, "Non è una opzione valida"),
        ({"sex": "robot"}, "Non è una opzione valida"),
    ],
)
def test_bad_facts_are_explained_on_the_form_and_save_nothing(
    client, db, municipality, clock, overrides, message
):
    prove_number(client, db)
    response = client.post_form("/signup", signup_form(language="it", **overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert signed_up(db) is None


def test_the_years_at_both_ends_are_accepted(client, db, municipality, clock):
    prove_number(client, db)
    client.post_form("/signup", signup_form(birth_year="1926", language="it"))
    assert signed_up(db).birth_year == 1926


def test_the_operation_refuses_what_the_form_would(app, db, municipality, clock):
    from civic_app.people.operations import sign_up_participant

    common = {
        "phone": None, "first_name": "A", "last_name": None, "language": "it",
        "municipality": municipality, "sectors": [], "programme_consent": True,
        "sms_consent": False, "via": "assisted", "consent_method": "paper", "now": clock.now(),
    }  # fmt: skip
    with app.test_request_context():
        for bad, field in (
            ({"birth_year": 1900}, "birth_year"),
            ({"birth_year": "1990"}, "birth_year"),
            ({"sex": "x"}, "sex"),
            ({"citizenship": "ZZ"}, "citizenship"),
            ({"vulnerabilities": ["astrology"]}, "vulnerabilities"),
        ):
            with pytest.raises(DomainError) as info:
                sign_up_participant(**common, **bad)
            assert info.value.field == field
            db.session.rollback()


def test_participants_cannot_set_vulnerabilities_at_sign_up(client, db, municipality):
    prove_number(client, db)
    client.post_form(
        "/signup", signup_form(language="it", vulnerabilities="disability", pending_review="")
    )
    user = signed_up(db)
    assert user.vulnerabilities == "" and not user.pending_review


# --- Minors ----------------------------------------------------------------------------


@pytest.mark.parametrize("ticked", ["y", None])
def test_a_minor_signs_up_without_consent_and_is_told_a_guardian_must_sign(
    client, db, municipality, clock, ticked
):
    prove_number(client, db)
    response = client.post_form(
        "/signup",
        signup_form(language="it", birth_year="2008", programme_consent=ticked),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "un genitore o tutore deve firmare il modulo di consenso" in page
    user = signed_up(db)
    assert user.birth_year == 2008 and user.pending_review
    assert consents_of(db, user) == []  # not even SMS
    assert user.sms_opt_out_at == clock.now()
    home = client.get("/me").get_data(as_text=True)
    assert "un genitore o tutore deve firmare il modulo di consenso" in home


def test_an_adult_still_needs_their_own_consent(client, db, municipality, clock):
    prove_number(client, db)
    response = client.post_form(
        "/signup", signup_form(language="it", birth_year="2007", programme_consent=None)
    )
    assert "serve il tuo consenso" in response.get_data(as_text=True)
    assert signed_up(db) is None


def test_a_minor_joins_projects_only_after_staff_record_the_guardians_consent(
    client, db, login_as, create_participant, staff, project, clock, app
):
    minor = create_participant(birth_year=2010, pending_review=True)
    adult = create_participant(birth_year=2007)
    unknown_age = create_participant()
    with pytest.raises(DomainError, match="genitore o tutore"):
        request_to_join(project, minor, clock.now())
    db.session.rollback()
    # Only minors: adults and people who did not say their age join as before.
    assert request_to_join(project, adult, clock.now()).status == EnrolmentStatus.APPLIED
    assert request_to_join(project, unknown_age, clock.now()).status == EnrolmentStatus.APPLIED
    db.session.commit()

    login_as(minor)
    page = client.post_form(f"/projects/{project.id}/join", follow_redirects=True)
    assert "genitore o tutore" in page.get_data(as_text=True)
    assert (
        db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == minor.id)) is None
    )

    login_as(staff)
    listing = client.get("/staff/participants").get_data(as_text=True)
    row = next(line for line in listing.splitlines() if minor.display_name in line)
    assert MINOR_FLAG in row
    assert listing.count(MINOR_FLAG) == 1
    profile = client.get(f"/staff/participants/{minor.id}").get_data(as_text=True)
    assert MINOR_FLAG in profile
    # The form must say the paper was signed.
    refused = client.post_form(f"/staff/participants/{minor.id}/guardian-consent", {})
    assert "Conferma che il modulo è firmato" in refused.get_data(as_text=True)
    assert consents_of(db, minor) == []
    done = client.post_form(
        f"/staff/participants/{minor.id}/guardian-consent", {"signed": "y", "sms": "y"}
    )
    assert done.status_code == 302
    consents = consents_of(db, minor)
    assert [(c.purpose, c.method, c.recorded_by_id) for c in consents] == [
        ("programme", "paper", staff.id),
        ("sms", "paper", staff.id),
    ]
    db.session.refresh(minor)
    assert not minor.pending_review and minor.sms_opt_out_at is None
    [event] = audit(db, "consent.guardian_recorded")
    assert event.target_id == minor.id and event.details == {"method": "paper", "sms": True}
    assert MINOR_FLAG not in client.get("/staff/participants").get_data(as_text=True)
    assert MINOR_FLAG not in client.get(f"/staff/participants/{minor.id}").get_data(as_text=True)

    login_as(minor)
    client.post_form(f"/projects/{project.id}/join")
    enrolment = db.session.scalar(db.select(Enrolment).where(Enrolment.participant_id == minor.id))
    assert enrolment.status in (EnrolmentStatus.APPLIED, EnrolmentStatus.WAITLISTED)


def test_a_self_given_consent_does_not_count_for_a_minor(
    db, create_participant, project, clock, app
):
    minor = create_participant(birth_year=2012)
    with app.test_request_context():
        give_consent(minor, "programme", language="it", method="web", now=clock.now())
    with pytest.raises(DomainError):
        request_to_join(project, minor, clock.now())


def test_guardian_consent_is_only_for_minors(client, db, login_as, staff, create_participant):
    adult = create_participant(birth_year=1990)
    login_as(staff)
    client.post_form(f"/staff/participants/{adult.id}/guardian-consent", {"signed": "y"})
    assert consents_of(db, adult) == []


def test_a_minor_cannot_lift_the_check_by_changing_their_year(
    client, db, login_as, create_participant, clock
):
    minor = login_as(create_participant(birth_year=2010))
    response = client.post_form(
        "/me/profile", {"language": "it", "birth_year": "1990", "sex": "", "citizenship": ""}
    )
    assert "rivolgiti al Comune" in response.get_data(as_text=True)
    db.session.refresh(minor)
    assert minor.birth_year == 2010


def test_an_assisted_sign_up_of_a_minor_sends_no_code_and_waits_for_the_guardian(
    client, db, login_as, staff
):
    login_as(staff)
    response = client.post_form(
        "/staff/participants/new",
        {
            "first_name": "Samir", "phone": "+393471239999", "language": "fr",
            "referral_source": "social_services", "programme_consent": "y",
            "sms_consent": "y", "consent_method": "sms_code", "birth_year": "2011",
        },
    )  # fmt: skip
    person = db.session.scalar(db.select(User).where(User.first_name == "Samir"))
    assert response.location.endswith(f"/staff/participants/{person.id}")
    assert consents_of(db, person) == [] and person.pending_review
    assert db.session.scalar(db.select(Message).where(Message.user_id == person.id)) is None
    assert MINOR_FLAG in client.get(response.location).get_data(as_text=True)


# --- Assisted sign-up and the staff profile ---------------------------------------------


def test_staff_record_the_facts_and_vulnerabilities_at_the_desk(client, db, login_as, staff):
    login_as(staff)
    page = client.get("/staff/participants/new").get_data(as_text=True)
    assert "Vittima di tratta" in page and 'value="single_parent"' in page
    assert str(PURPOSE_TEXT).replace("'", "&#39;") in page
    client.post_form(
        "/staff/participants/new",
        {
            "first_name": "Moussa", "language": "fr", "referral_source": "mobile_unit",
            "programme_consent": "y", "consent_method": "paper", "sex": "male",
            "birth_year": "1999", "citizenship": "ML",
            "vulnerabilities": ["disability", "trafficking_victim"],
        },
    )  # fmt: skip
    person = db.session.scalar(db.select(User).where(User.first_name == "Moussa"))
    assert (person.sex, person.birth_year, person.citizenship) == ("male", 1999, "ML")
    assert person.vulnerabilities == ",trafficking_victim,disability,"  # configured order
    [signed_up_event] = audit(db, "participant.signed_up")
    assert "1999" not in json.dumps(signed_up_event.details)


def test_an_unknown_vulnerability_code_is_refused_at_the_desk(client, db, login_as, staff):
    login_as(staff)
    response = client.post_form(
        "/staff/participants/new",
        {
            "first_name": "Moussa", "language": "fr", "referral_source": "mobile_unit",
            "programme_consent": "y", "consent_method": "paper", "vulnerabilities": "astrology",
        },
    )  # fmt: skip
    assert "Scegli una voce dell&#39;elenco." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.first_name == "Moussa")) is None


def test_staff_see_and_correct_the_facts_audited_without_values(
    client, db, login_as, staff, create_participant
):
    person = create_participant(**FACTS, vulnerabilities=",single_parent,")
    login_as(staff)
    page = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    for shown in ("Donna", "1990", "Nigeria", "Famiglia monoparentale"):
        assert shown in page
    response = client.post_form(
        f"/staff/participants/{person.id}/facts",
        {
            "sex": "undisclosed", "birth_year": "1988", "citizenship": "GH",
            "vulnerabilities": ["disability"],
        },
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.sex, person.birth_year, person.citizenship) == ("undisclosed", 1988, "GH")
    assert person.vulnerabilities == ",disability,"
    [event] = audit(db, "participant.facts_changed")
    assert event.actor_id == staff.id and event.target_id == person.id
    assert event.details == {"fields": ["birth_year", "citizenship", "sex", "vulnerabilities"]}
    every_detail = json.dumps([e.details for e in db.session.scalars(db.select(AuditEvent))])
    for value in ("1988", "1990", "GH", "NG", "undisclosed", "female", "disability", "single"):
        assert value not in every_detail
    # Clearing everything is allowed too.
    client.post_form(
        f"/staff/participants/{person.id}/facts", {"sex": "", "birth_year": "", "citizenship": ""}
    )
    db.session.refresh(person)
    assert (person.sex, person.birth_year, person.citizenship, person.vulnerabilities) == (
        None,
        None,
        None,
        "",
    )


def test_bad_staff_input_is_explained_and_changes_nothing(
    client, db, login_as, staff, create_participant
):
    person = create_participant(**FACTS)
    login_as(staff)
    for data, message in (
        ({"birth_year": "18"}, YEAR_ERROR),
        ({"vulnerabilities": "astrology"}, "Scegli una voce dell&#39;elenco."),
        ({"citizenship": "QO"}, "Non è una opzione valida"),
    ):
        response = client.post_form(f"/staff/participants/{person.id}/facts", data)
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.refresh(person)
    assert (person.sex, person.birth_year, person.citizenship) == ("female", 1990, "NG")
    assert audit(db, "participant.facts_changed") == []


def test_the_staff_forms_are_scoped_and_staff_only(
    client, db, login_as, create_user, create_participant, other_municipality
):
    person = create_participant(**FACTS)
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.post_form(f"/staff/participants/{person.id}/facts", {}).status_code == 404
    assert (
        client.post_form(f"/staff/participants/{person.id}/guardian-consent", {}).status_code == 404
    )
    login_as(create_user(Role.TUTOR))
    assert client.post_form(f"/staff/participants/{person.id}/facts", {}).status_code == 403
    login_as(person)
    assert client.post_form(f"/staff/participants/{person.id}/facts", {}).status_code == 403


def test_configured_categories_without_a_label_show_their_code(
    client, db, login_as, staff, create_participant, app, monkeypatch
):
    monkeypatch.setitem(app.config, "VULNERABILITY_CATEGORIES", ("disability", "homeless"))
    person = create_participant()
    login_as(staff)
    page = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    assert 'value="homeless"' in page and "Persona con disabilità" in page
    assert 'value="single_parent"' not in page
    client.post_form(f"/staff/participants/{person.id}/facts", {"vulnerabilities": "homeless"})
    db.session.refresh(person)
    assert person.vulnerabilities == ",homeless,"
    assert vulnerability_label("homeless") == "homeless"


def test_the_categories_come_from_the_environment_as_a_comma_list():
    def categories(**env):
        environment = {k: v for k, v in os.environ.items() if k != "VULNERABILITY_CATEGORIES"}
        result = subprocess.run(
            [sys.executable, "-c", "import config; print(config.Config.VULNERABILITY_CATEGORIES)"],
            cwd=ROOT, env=environment | env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    assert categories() == (
        "('trafficking_victim', 'unaccompanied_minor_adult', 'disability', 'single_parent')"
    )
    assert categories(VULNERABILITY_CATEGORIES=" disability , homeless ,") == (
        "('disability', 'homeless')"
    )


# --- The participant's own profile -------------------------------------------------------


def test_a_participant_sees_and_changes_their_facts_and_language(
    client, db, login_as, create_participant
):
    person = login_as(create_participant(**FACTS, vulnerabilities=",trafficking_victim,"))
    assert 'href="/me/profile"' in client.get("/me").get_data(as_text=True)
    page = client.get("/me/profile").get_data(as_text=True)
    assert 'value="1990"' in page and '<option selected value="NG">' in page
    assert '<option selected value="female">' in page
    assert str(PURPOSE_TEXT).replace("'", "&#39;") in page
    assert "tratta" not in page and "vulnerab" not in page.lower()  # staff only
    response = client.post_form(
        "/me/profile",
        {
            "language": "fr", "sex": "other", "birth_year": "1991", "citizenship": "SN",
            "vulnerabilities": "", "pending_review": "y", "role": "staff",
        },
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.preferred_language, person.sex, person.birth_year, person.citizenship) == (
        "fr",
        "other",
        1991,
        "SN",
    )
    # Mass-assigned fields are ignored: the staff's record stays.
    assert person.vulnerabilities == ",trafficking_victim,"
    assert person.role == Role.PARTICIPANT and not person.pending_review
    [event] = audit(db, "participant.profile_changed")
    assert event.details == {"fields": ["birth_year", "citizenship", "language", "sex"]}
    assert 'lang="fr"' in client.get("/me/profile").get_data(as_text=True)
    assert "Sénégal" in client.get("/me/profile").get_data(as_text=True)


def test_a_participant_may_clear_their_facts_and_bad_input_is_explained(
    client, db, login_as, create_participant
):
    person = login_as(create_participant(**FACTS))
    bad = client.post_form("/me/profile", {"language": "it", "birth_year": "nel 90"})
    assert YEAR_ERROR in bad.get_data(as_text=True)
    db.session.refresh(person)
    assert person.birth_year == 1990
    client.post_form(
        "/me/profile", {"language": "it", "sex": "", "birth_year": "", "citizenship": ""}
    )
    db.session.refresh(person)
    assert (person.sex, person.birth_year, person.citizenship) == (None, None, None)


def test_only_participants_have_a_profile_page(client, login_as, staff):
    login_as(staff)
    assert client.get("/me/profile").status_code == 403


# --- Not shown to tutors -----------------------------------------------------------------


def without_tokens(page: str) -> str:
    """The page without its random tokens (a hex key could hold "1990" by chance)."""
    page = re.sub(r'<meta name="csrf-token" content="[^"]*">', "", page)
    return re.sub(r'<input[^>]*type="hidden"[^>]*>', "", page)


def test_tutors_never_see_the_facts(
    client, db, login_as, create_user, create_participant, project, enrol, add_session, clock
):
    tutor = create_user(Role.TUTOR)
    project.tutors = [tutor]
    db.session.commit()
    session = add_session(project, clock.now())
    person = create_participant(
        sex="female", birth_year=1957, citizenship="NG", vulnerabilities=",trafficking_victim,"
    )
    enrol(project, person, EnrolmentStatus.ACCEPTED)
    login_as(tutor)
    for url in (f"/tutor/sessions/{session.id}", "/tutor"):
        response = client.get(url)
        assert response.status_code == 200
        page = without_tokens(response.get_data(as_text=True))
        if "sessions" in url:
            assert person.display_name in page  # the roster does list the person
        for value in ("1957", "Nigeria", "Donna", "female", "trafficking", "Vittima di tratta"):
            assert value not in page, (url, value)
        for label in ("Sesso", "Anno di nascita", "Cittadinanza", "vulnerabilit"):
            assert label not in page, (url, label)
    # Nor can a tutor open the staff profile.
    assert client.get(f"/staff/participants/{person.id}").status_code == 403


# --- Export, erasure, retention ----------------------------------------------------------


def test_the_export_holds_the_participants_facts_and_vulnerabilities(
    client, db, login_as, create_participant
):
    person = create_participant(**FACTS, vulnerabilities=",disability,single_parent,")
    login_as(person)
    profile = json.loads(client.get("/me/data.json").data)["profile"]
    assert (profile["sex"], profile["birth_year"], profile["citizenship"]) == (
        "female",
        1990,
        "NG",
    )
    assert profile["vulnerabilities"] == ["Persona con disabilità", "Famiglia monoparentale"]
    csv_text = client.get("/me/data.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert ["profile", "1", "birth_year", "1990"] in rows and "Persona con disabilità" in csv_text


def test_erasure_clears_the_facts(client, db, login_as, staff, create_participant):
    person = create_participant(**FACTS, vulnerabilities=",disability,")
    login_as(person)
    client.post_form("/me/data/erase")
    login_as(staff)
    erasure = db.session.scalar(db.select(ErasureRequest))
    client.post_form(f"/staff/erasures/{erasure.id}/process")
    db.session.refresh(person)
    assert person.erased_at is not None
    assert (person.sex, person.birth_year, person.citizenship, person.vulnerabilities) == (
        None,
        None,
        None,
        "",
    )


def test_retention_clears_the_facts(db, create_participant):
    now = datetime(2028, 6, 1, 3, 0, tzinfo=UTC)
    person = create_participant(**FACTS, vulnerabilities=",disability,")
    db.session.add(
        Plan(
            participant_id=person.id, municipality_id=person.municipality_id, goals="x",
            target_hours=Decimal("10"), start_date=date(2026, 1, 1), end_date=date(2026, 3, 1),
            status=PlanStatus.COMPLETED,
        )
    )  # fmt: skip
    db.session.commit()
    assert pseudonymise_after_retention(now, 24) == 1
    db.session.commit()
    person = db.session.get(User, person.id)
    assert person.erased_at == now
    assert (person.sex, person.birth_year, person.citizenship, person.vulnerabilities) == (
        None,
        None,
        None,
        "",
    )


def test_minor_is_judged_by_the_year_in_rome(db, create_participant, project):
    # 31 December 23:30 UTC is already 1 January 2027 in Rome: someone born in 2008 is
    # then 19 there, no longer a minor (in UTC's 2026 they would still be 18).
    born_2008 = create_participant(birth_year=2008)
    new_year_in_rome = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    with pytest.raises(DomainError):
        request_to_join(project, born_2008, new_year_in_rome - timedelta(hours=1))
    db.session.rollback()
    assert request_to_join(project, born_2008, new_year_in_rome).status == EnrolmentStatus.APPLIED
