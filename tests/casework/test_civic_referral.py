"""Referral to civic engagement (issue 20, point 6): a referral like the others, to the
municipality's programme; accepted, it makes the same person a participant who logs in
by SMS code and joins a project, nothing typed again; the funnel is traceable."""

import re
from datetime import date

import pytest

from civic_app.casework.civic import PROGRAMME_NAME, person_funnel, programme_service
from civic_app.casework.models import (
    CareService,
    Referral,
    ReferralStatus,
    ServiceKind,
    UnitKind,
)
from civic_app.casework.referrals import advance, refer
from civic_app.core.accounts import Consent, User
from civic_app.core.consent import give_consent
from civic_app.core.permissions import Role
from civic_app.projects.models import Enrolment, EnrolmentStatus
from civic_app.sms.models import Message
from civic_app.sms.templates import TEMPLATES, sms_brand

PHONE = "+393478889900"


@pytest.fixture
def person_case(db, create_case, unit, clock):
    """Amina, met at the one-stop shop, with her facts as the intake recorded them."""
    case = create_case(phone=PHONE, preferred_language="ar", last_name="Diallo", unit_id=unit.id)
    person = case.person
    person.sex, person.birth_year, person.citizenship = "female", 1994, "SN"
    person.vulnerabilities = ",single_parent,"
    give_consent(person, "sms", language="ar", method="verbal", now=clock.now())
    db.session.commit()
    return case


def facts(person: User) -> tuple:
    return (
        person.id, person.first_name, person.last_name, person.phone, person.preferred_language,
        person.sex, person.birth_year, person.citizenship, person.vulnerabilities,
        person.municipality_id,
    )  # fmt: skip


def test_the_programme_is_in_the_directory_once(db, municipality):
    first = programme_service(municipality.id)
    assert (first.name, first.kind, first.municipality_id) == (
        PROGRAMME_NAME, ServiceKind.CIVIC_ENGAGEMENT, municipality.id,
    )  # fmt: skip
    assert programme_service(municipality.id).id == first.id
    count = db.session.scalar(
        db.select(db.func.count(CareService.id)).where(
            CareService.kind == ServiceKind.CIVIC_ENGAGEMENT
        )
    )
    assert count == 1


def test_an_accepted_referral_makes_the_same_person_a_participant_who_joins_a_project(
    client, db, login_as, caseworker, person_case, create_project, deliver, gateway, clock
):
    person = person_case.person
    before = facts(person)
    project = create_project(title="Orti di quartiere")
    login_as(caseworker)
    page = client.get(f"/cases/{person_case.id}").get_data(as_text=True)
    assert PROGRAMME_NAME in page and "programma di impegno civico" in page

    programme = programme_service(person_case.municipality_id)
    data = {"service_id": str(programme.id), "reason": "Vuole fare volontariato",
            "programme_consent": "y"}  # fmt: skip
    assert client.post_form(f"/cases/{person_case.id}/referrals", data).status_code == 302
    referral_id = db.session.scalars(db.select(Referral.id)).one()
    assert db.session.get(User, person.id).role == Role.IN_CARE  # proposed: not yet

    # Before the programme accepts, the phone logs in nobody.
    client.post_form("/login/phone", {"phone": PHONE})
    assert db.session.scalars(db.select(Message).where(Message.kind == "login_code")).all() == []

    login_as(caseworker)
    client.post_form(f"/cases/referrals/{referral_id}/status", {"status": "sent"})
    response = client.post_form(f"/cases/referrals/{referral_id}/status", {"status": "accepted"})
    assert response.status_code == 302
    person = db.session.get(User, person.id)
    assert person.role == Role.PARTICIPANT
    assert (person.signed_up_via, person.referral_source, person.pending_review) == (
        "assisted", "one_stop_shop", True,
    )  # fmt: skip
    assert facts(person) == before  # nothing typed again
    (consent,) = db.session.scalars(
        db.select(Consent).where(Consent.user_id == person.id, Consent.purpose == "programme")
    ).all()
    assert (consent.method, consent.recorded_by_id, consent.language) == (
        "verbal",
        caseworker.id,
        "ar",
    )

    # The welcome, in Arabic, once.
    assert deliver() == 1
    ((to, body, _sid),) = gateway.sent
    assert to == PHONE and body.startswith(
        TEMPLATES["referral_civic_welcome"]["ar"].replace("{brand}", sms_brand()).split("{")[0]
    )
    assert deliver() == 0

    # She logs in with her phone and asks to join the project.
    with client.session_transaction() as session:
        session.clear()
    client.post_form("/login/phone", {"phone": PHONE})
    code_message = db.session.scalars(
        db.select(Message).where(Message.kind == "login_code", Message.phone == PHONE)
    ).one()
    code = re.search(r"\b(\d{6})\b", code_message.body).group(1)
    assert client.post_form("/login/code", {"code": code}).status_code == 302
    assert client.post_form(f"/projects/{project.id}/join").status_code == 302
    enrolment = db.session.scalars(db.select(Enrolment)).one()
    assert (enrolment.participant_id, enrolment.status) == (person.id, EnrolmentStatus.APPLIED)
    assert facts(db.session.get(User, person.id)) == before


def test_without_the_consent_box_the_consent_stays_missing_for_staff_to_record(
    db, caseworker, create_case, create_unit, clock
):
    van = create_unit(name="Unità mobile Termini", kind=UnitKind.MOBILE_UNIT)
    case = create_case(unit_id=van.id)  # no phone
    programme = programme_service(case.municipality_id)
    referral = refer(case, programme, caseworker, "Volontariato", None, "", clock.now())
    advance(referral, ReferralStatus.ACCEPTED, caseworker, "", clock.now())
    db.session.commit()
    person = db.session.get(User, case.person_id)
    assert (person.role, person.referral_source, person.pending_review) == (
        Role.PARTICIPANT, "mobile_unit", True,
    )  # fmt: skip
    assert db.session.scalars(db.select(Consent).where(Consent.user_id == person.id)).all() == []
    assert db.session.scalars(db.select(Message)).all() == []  # no phone, no welcome


def test_the_consent_box_of_another_service_records_nothing(
    db, caseworker, person_case, create_service, clock
):
    legal = create_service()
    referral = refer(person_case, legal, caseworker, "Documenti", None, "", clock.now(),
                     programme_consent=True)  # fmt: skip
    advance(referral, ReferralStatus.ACCEPTED, caseworker, "", clock.now(), programme_consent=True)
    person = db.session.get(User, person_case.person_id)
    assert person.role == Role.IN_CARE
    purposes = db.session.scalars(db.select(Consent.purpose).where(Consent.user_id == person.id))
    assert list(purposes) == ["sms"]


def test_a_refused_referral_to_the_programme_changes_nobody(db, caseworker, person_case, clock):
    programme = programme_service(person_case.municipality_id)
    referral = refer(person_case, programme, caseworker, "Volontariato", None, "", clock.now())
    advance(referral, ReferralStatus.REFUSED, caseworker, "Non ora", clock.now())
    assert db.session.get(User, person_case.person_id).role == Role.IN_CARE


def test_the_funnel_of_a_person_is_traceable(
    db, caseworker, person_case, create_service, create_case, clock
):
    legal = create_service()
    first = refer(person_case, legal, caseworker, "Documenti", None, "", clock.now())
    advance(first, ReferralStatus.SENT, caseworker, "", clock.now())
    clock.advance(days=2)
    programme = programme_service(person_case.municipality_id)
    second = refer(person_case, programme, caseworker, "Volontariato", None, "", clock.now())
    advance(second, ReferralStatus.ACCEPTED, caseworker, "", clock.now())
    create_case(first_name="Altra")  # somebody else's case stays out
    funnel = person_funnel(db.session.get(User, person_case.person_id))
    assert funnel["person_id"] == person_case.person_id and funnel["role"] == "participant"
    (intake,) = funnel["intakes"]
    assert (intake["intake_id"], intake["met_on"]) == (person_case.id, date(2026, 3, 4))
    assert [(r["referral_id"], r["service_kind"], r["status"]) for r in intake["referrals"]] == [
        (first.id, "legal_aid", "sent"), (second.id, "civic_engagement", "accepted"),
    ]  # fmt: skip
    assert [s["status"] for s in intake["referrals"][1]["steps"]] == ["proposed", "accepted"]
