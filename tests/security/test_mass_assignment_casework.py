"""Mass assignment in the case team's forms (issue #20): an intake, a referral and its
steps, a note, closing a case, units, the directory, the case team's accounts, merging
two records, a person's data rights.

As in test_mass_assignment.py, each form is posted as a person would fill it plus the
fields a forger would add (municipality_id of B, role, grants, recorded_by_id, status,
author_id, the id of another municipality's person, is_active ...): the form still works
and saves only what it offers; the record keeps its municipality, author and state. A
field the form does have, given a record of another municipality (a unit, a service, a
person), is refused with nothing saved.
"""

import pytest

from civic_app.casework.models import (
    CareService,
    CaseNote,
    Intake,
    IntakeStatus,
    Referral,
    ReferralChange,
    ReferralStatus,
    Sensitivity,
    Unit,
)
from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from tests.security.world import B_ALIAS, NOW, SECRET_ALIAS, SECRET_HEALTH, SECRET_NOTE, World


@pytest.fixture
def db(world_db):
    """Overrides tests/conftest.py's: a savepoint in the transaction holding the world."""
    return world_db


@pytest.fixture
def world(db, shared, clock):
    return World(db, shared[1])


def forged(world, **more) -> dict:
    """Fields no case form has, pointing at municipality B, at B's case or at somebody
    else of A."""
    return {
        "municipality_id": str(world.id("other_municipality")),
        "municipality": "milano",
        "role": Role.STAFF.value,
        "grants": ",casework,housing,",
        "profession": "psychologist",
        "recorded_by_id": str(world.id("other_caseworker")),
        "created_by_id": str(world.id("other_caseworker")),
        "author_id": str(world.id("other_caseworker")),
        "by_id": str(world.id("other_caseworker")),
        "person_id": str(world.id("in_care_b")),
        "user_id": str(world.id("in_care_b")),
        "intake_id": str(world.id("intake_b")),
        "service_id": str(world.id("service_b")),
        "id": str(world.id("intake_b")),
        "status": "closed",
        "closed_at": "2020-01-01T00:00",
        "is_active": "",
        "is_active_account": "",
        "erased_at": "2020-01-01T00:00",
    } | more


def count(db, model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def untouched(person: User) -> tuple:
    return (person.role, person.municipality_id, person.first_name, person.phone,
            person.grants, person.erased_at, person.is_active_account)  # fmt: skip


@pytest.fixture
def caseworker_client(client, login_as, world):
    login_as(world.caseworker)
    return client


@pytest.fixture
def staff_client(client, login_as, world):
    login_as(world.staff)
    return client


# Intakes ------------------------------------------------------------------------------------


def intake_form(**overrides) -> dict:
    return {
        "first_name": "Aliasnuovo", "met_on": "2026-03-03", "consent_method": "verbal",
        "language": "ar", "needs": ["legal"], "person": "new", "client_key": "k" * 32,
    } | overrides  # fmt: skip


def test_an_intake_is_recorded_in_the_caseworkers_municipality_by_them(
    caseworker_client, world, db
):
    b_person, me = world.in_care_b, world.caseworker
    before_b, before_me = untouched(b_person), (me.role, me.profession, me.grants)
    data = intake_form(unit=str(world.id("unit"))) | forged(world)
    response = caseworker_client.post_form("/cases/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    intake = db.session.scalar(db.select(Intake).where(Intake.client_key == "k" * 32))
    assert (intake.municipality_id, intake.recorded_by_id, intake.unit_id) == (
        world.id("municipality"), me.id, world.id("unit"),
    )  # fmt: skip
    assert (intake.status, intake.closed_at) == (IntakeStatus.OPEN, None)
    person = intake.person
    assert person.id not in (b_person.id, world.id("in_care"), world.id("participant"))
    assert (person.role, person.municipality_id, person.first_name) == (
        Role.IN_CARE, world.id("municipality"), "Aliasnuovo",
    )  # fmt: skip
    assert person.grants in (None, "") and person.profession is None
    assert person.email is None and person.password_hash is None and person.erased_at is None
    assert untouched(b_person) == before_b and (me.role, me.profession, me.grants) == before_me
    assert count(db, Intake, Intake.person_id == b_person.id) == 1  # B's own case only


@pytest.mark.parametrize(
    "field",
    ["unit", "person", "person_of_a", "phone"],
    ids=["unit of B", "person of B", "a person who is no match", "phone of B's participant"],
)
def test_an_intake_cannot_name_a_record_of_another_municipality(
    caseworker_client, world, db, field
):
    values = {
        "unit": {"unit": str(world.id("unit_b"))},
        "person": {"person": str(world.id("in_care_b")), "first_name": B_ALIAS},
        "person_of_a": {"person": str(world.id("in_care"))},
        "phone": {"phone": world.participant_b.phone},
    }[field]
    before = count(db, Intake)
    b_person = world.in_care_b
    before_b = untouched(b_person)
    response = caseworker_client.post_form("/cases/new", intake_form() | values)
    assert response.status_code == 200  # the form again, with the refusal on it
    body = response.get_data(as_text=True)
    # B's person is never offered as a match (their alias, typed, may be in its field).
    assert B_ALIAS not in body.replace(f'value="{B_ALIAS}"', "")
    assert count(db, Intake) == before
    assert untouched(b_person) == before_b


def test_the_key_of_an_intake_of_a_finds_nothing_for_a_caseworker_of_b(client, login_as, world, db):
    """A phone's key sent again finds the case it made, in its own municipality only."""
    intake = world.intake
    intake.client_key = "a" * 32
    db.session.commit()
    before = count(db, Intake)
    login_as(world.other_caseworker)
    response = client.post_form("/cases/new", intake_form(client_key="a" * 32))
    assert f"/cases/{intake.id}" not in (response.location or "")
    assert SECRET_ALIAS not in response.get_data(as_text=True)
    assert count(db, Intake) == before
    assert (intake.municipality_id, intake.person_id) == (
        world.id("municipality"), world.id("in_care"),
    )  # fmt: skip


# Referrals ----------------------------------------------------------------------------------


def test_a_referral_is_from_the_case_in_the_url_by_the_caseworker(caseworker_client, world, db):
    intake = world.intake
    data = forged(world, outcome="Forged", status_changed_at="2020-01-01T00:00") | {
        "service_id": str(world.id("service")), "reason": "Documenti",  # the form's own
    }  # fmt: skip
    response = caseworker_client.post_form(f"/cases/{intake.id}/referrals", data)
    assert response.status_code == 302
    referral = db.session.scalar(db.select(Referral).where(Referral.reason == "Documenti"))
    assert (referral.intake_id, referral.service_id, referral.municipality_id) == (
        intake.id, world.id("service"), world.id("municipality"),
    )  # fmt: skip
    assert (referral.status, referral.outcome, referral.created_by_id) == (
        ReferralStatus.PROPOSED, "", world.id("caseworker"),
    )  # fmt: skip
    assert referral.status_changed_at == NOW
    steps = db.session.scalars(
        db.select(ReferralChange).where(ReferralChange.referral_id == referral.id)
    ).all()
    assert {step.by_id for step in steps} == {world.id("caseworker")}
    assert count(db, Referral, Referral.intake_id == world.id("intake_b")) == 0


def test_a_referral_to_a_service_of_another_municipality_is_refused(caseworker_client, world, db):
    before = count(db, Referral)
    data = {"service_id": str(world.id("service_b")), "reason": "Altrove"}
    response = caseworker_client.post_form(f"/cases/{world.id('intake')}/referrals", data)
    assert response.status_code == 200
    assert count(db, Referral) == before


def test_a_step_changes_only_the_status_of_the_referral_in_the_url(caseworker_client, world, db):
    referral = world.referral
    extra = forged(world, appointment_at="2027-01-01T10:00", outcome="Forged",
                   reason="Forged")  # fmt: skip
    extra.pop("status")
    response = caseworker_client.post_form(
        f"/cases/referrals/{referral.id}/status", {"status": "sent", "note": ""} | extra
    )
    assert response.status_code == 302
    assert referral.status == ReferralStatus.SENT
    assert (referral.intake_id, referral.service_id, referral.municipality_id) == (
        world.id("intake"), world.id("service"), world.id("municipality"),
    )  # fmt: skip
    assert (referral.reason, referral.outcome, referral.appointment_at) == (
        "Permesso di soggiorno", "", None,
    )  # fmt: skip
    last = db.session.scalar(
        db.select(ReferralChange)
        .where(ReferralChange.referral_id == referral.id)
        .order_by(ReferralChange.id.desc())
    )
    assert (last.status, last.by_id, last.at) == (ReferralStatus.SENT, world.id("caseworker"), NOW)


def test_an_appointment_changes_only_the_appointment(caseworker_client, world, db):
    referral = world.referral
    data = {"appointment_day": "2026-03-10", "appointment_time": "10:30",
            "appointment_place": "Via dei Diritti 1"} | forged(world, reason="Forged")  # fmt: skip
    response = caseworker_client.post_form(f"/cases/referrals/{referral.id}/appointment", data)
    assert response.status_code == 302
    assert referral.appointment_place == "Via dei Diritti 1"
    assert referral.appointment_at is not None
    assert (referral.status, referral.reason, referral.intake_id, referral.service_id) == (
        ReferralStatus.PROPOSED, "Permesso di soggiorno", world.id("intake"), world.id("service"),
    )  # fmt: skip


# Notes and closing --------------------------------------------------------------------------


def test_a_note_is_the_caseworkers_on_the_case_in_the_url(caseworker_client, world, db):
    intake = world.intake
    data = {"note_body": "Nota del giorno", "note_sensitivity": "team"} | forged(
        world, author_profession="psychologist", written_at="2020-01-01T00:00",
        sensitivity="health", body="Forged",
    )  # fmt: skip
    response = caseworker_client.post_form(f"/cases/{intake.id}/notes", data)
    assert response.status_code == 302
    note = db.session.scalar(db.select(CaseNote).where(CaseNote.body == "Nota del giorno"))
    assert (note.intake_id, note.municipality_id, note.author_id) == (
        intake.id, world.id("municipality"), world.id("caseworker"),
    )  # fmt: skip
    assert (note.author_profession, note.sensitivity, note.written_at) == (
        "caseworker", Sensitivity.TEAM, NOW,
    )  # fmt: skip
    assert count(db, CaseNote, CaseNote.intake_id == world.id("intake_b")) == 0
    assert count(db, CaseNote, CaseNote.body == "Forged") == 0


def test_closing_keeps_the_reason_of_the_form(caseworker_client, world, db):
    intake = world.intake
    extra = forged(world, closed_reason="erased", status="open", reason="erased")
    response = caseworker_client.post_form(
        f"/cases/{intake.id}/close", {"close_reason": "needs_met"} | extra
    )
    assert response.status_code == 302
    assert (intake.status, intake.closed_reason, intake.closed_at) == (
        IntakeStatus.CLOSED, "needs_met", NOW,
    )  # fmt: skip
    assert (intake.person_id, intake.municipality_id) == (
        world.id("in_care"), world.id("municipality"),
    )  # fmt: skip
    assert world.intake_b.status == IntakeStatus.OPEN


def test_a_reason_the_form_does_not_offer_is_refused(caseworker_client, world, db):
    intake = world.intake
    response = caseworker_client.post_form(f"/cases/{intake.id}/close", {"close_reason": "erased"})
    assert response.status_code == 200
    assert intake.status == IntakeStatus.OPEN and intake.closed_reason is None


# Units and the directory --------------------------------------------------------------------


@pytest.mark.parametrize("existing", [False, True], ids=["new", "edit"])
def test_units_stay_in_the_staff_members_municipality(staff_client, world, db, existing):
    url = f"/staff/units/{world.id('unit')}/edit" if existing else "/staff/units/new"
    data = {"name": "Sportello nuovo", "kind": "one_stop_shop", "zone": "Centro",
            "opening_hours": "lun 9-13"} | forged(world, id=str(world.id("unit_b")))  # fmt: skip
    assert staff_client.post_form(url, data).status_code == 302
    unit = db.session.scalar(db.select(Unit).where(Unit.name == "Sportello nuovo"))
    assert (unit.municipality_id, unit.is_active) == (world.id("municipality"), True)
    assert (unit.id == world.id("unit")) == existing
    assert world.unit_b.name == "Sportello Centrale"


@pytest.mark.parametrize("existing", [False, True], ids=["new", "edit"])
def test_services_stay_in_the_staff_members_municipality(staff_client, world, db, existing):
    url = f"/staff/services/{world.id('service')}/edit" if existing else "/staff/services/new"
    data = {"name": "Ambulatorio", "kind": "health", "address": "Via 2", "languages": ["it"]}
    extra = forged(world, id=str(world.id("service_b")), retired_at="2020-01-01T00:00")
    assert staff_client.post_form(url, data | extra).status_code == 302
    service = db.session.scalar(db.select(CareService).where(CareService.name == "Ambulatorio"))
    assert (service.municipality_id, service.retired_at) == (world.id("municipality"), None)
    assert (service.id == world.id("service")) == existing
    assert service.network_wide is False
    assert world.service_b.name == "Sportello legale Milano"


def test_staff_cannot_make_a_service_the_programme(staff_client, world, db):
    data = {"name": "Programma finto", "kind": "civic_engagement", "address": "Via 3"}
    assert staff_client.post_form("/staff/services/new", data).status_code == 200
    assert count(db, CareService, CareService.name == "Programma finto") == 0


# The case team's accounts -------------------------------------------------------------------


def test_a_new_case_team_account_is_a_caseworker_of_the_staff_members_municipality(
    staff_client, world, db
):
    data = {"first_name": "Nuova", "last_name": "Operatrice", "email": "nuova.op@example.org",
            "profession": "social_worker", "password": "una password lunga 2026"}  # fmt: skip
    extra = forged(world, totp_secret="JBSWY3DPEHPK3PXP", preferred_language="ar")
    extra.pop("profession")
    assert staff_client.post_form("/staff/case-team/new", data | extra).status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nuova.op@example.org"))
    assert (user.role, user.municipality_id, user.profession) == (
        Role.CASEWORKER, world.id("municipality"), "social_worker",
    )  # fmt: skip
    assert user.grants in (None, "") and user.totp_secret is None
    assert user.is_active_account and user.erased_at is None


def test_editing_a_caseworker_changes_only_the_profession(staff_client, world, db):
    member = world.caseworker
    before = (member.role, member.municipality_id, member.email, member.first_name, member.grants)
    extra = forged(world, email="altro@example.org", first_name="Altro")
    extra.pop("profession")
    response = staff_client.post_form(
        f"/staff/case-team/{member.id}/edit", {"profession": "legal_adviser"} | extra
    )
    assert response.status_code == 302
    assert member.profession == "legal_adviser"
    assert (member.role, member.municipality_id, member.email, member.first_name,
            member.grants) == before  # fmt: skip
    assert member.is_active_account


def test_a_grant_is_only_the_casework_grant_for_the_colleague_in_the_url(
    client, login_as, world, db
):
    colleague = world.staff
    login_as(world.case_staff)
    extra = forged(world, grants=",housing,")
    response = client.post_form(f"/staff/case-team/{colleague.id}/grant", extra)
    assert response.status_code == 302
    assert colleague.grants == ",casework," and colleague.role == Role.STAFF
    assert world.other_staff.grants in (None, "")
    assert world.case_staff.grants == ",casework,"


# Merging two records, and a person's data rights -------------------------------------------


def test_merging_reaches_no_person_of_another_municipality(staff_client, world, db):
    ours, theirs = world.in_care, world.in_care_b
    before = untouched(ours), untouched(theirs)
    data = {"q": "a", "keep": str(ours.id), "merge": str(theirs.id), "confirm": "y",
            "submit": "Unisci"} | forged(world)  # fmt: skip
    response = staff_client.post_form("/staff/cases/merge", data)
    assert response.status_code in (200, 404)
    assert (untouched(ours), untouched(theirs)) == before
    assert count(db, Intake, Intake.person_id == theirs.id) == 1
    assert B_ALIAS not in response.get_data(as_text=True)


def test_a_data_export_is_of_the_person_in_the_url(caseworker_client, world, db):
    person = world.in_care
    data = {"export_format": "json", "export_reason": "in_person"} | forged(world)
    response = caseworker_client.post_form(f"/staff/people/{person.id}/data/export", data)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_data(as_text=True)
    assert SECRET_ALIAS in body and SECRET_NOTE in body  # their case, the note theirs to read
    assert SECRET_HEALTH not in body  # the psychologist's: not the caseworker's to read
    assert B_ALIAS not in body and world.participant.first_name not in body
