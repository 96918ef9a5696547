"""Data rights for people taken in charge: the copy holds their case, a person without a
phone gets it (or their erasure) at the desk, erasure keeps the anonymous counts, and the
retention sweep erases people whose cases were closed long ago."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func

from civic_app.casework.models import (
    CaseNote,
    Intake,
    IntakeStatus,
    Referral,
    ReferralChange,
    ReferralStatus,
    Sensitivity,
)
from civic_app.core.accounts import User
from civic_app.core.models import AuditEvent
from civic_app.core.permissions import Role
from civic_app.people.retention import pseudonymise_after_retention
from civic_app.plans.models import Plan, PlanStatus

ALIAS = "Farhiyaqwx"
ZONE = "Portici di Termini qwx"
INTERPRETER = "Mediatrice Samiraqwx"
REASON = "Rinnovo del permesso qwx"
OUTCOME = "Appuntamento fissato qwx"
PLACE = "Via dei Mille 3 qwx"
STEP = "Telefonato al servizio qwx"
TEAM_NOTE = "Ha dormito in stazione qwx"
HEALTH_NOTE = "Segni di ansia forte qwx"
TEXTS = (ALIAS, ZONE, INTERPRETER, REASON, OUTCOME, PLACE, STEP, TEAM_NOTE, HEALTH_NOTE)


@pytest.fixture
def full_case(db, create_case, create_service, psychologist, caseworker, clock):
    """A person in care without a phone, with an open case: a referral with a step, a team
    note and a health note (by the psychologist)."""

    def make(person=None, **kw) -> Intake:
        intake = create_case(person, zone=ZONE, interpreter=INTERPRETER, **kw)
        service = create_service()
        referral = Referral(
            municipality_id=intake.municipality_id, intake_id=intake.id,
            service_id=service.id, reason=REASON, appointment_place=PLACE,
            appointment_at=clock.now() + timedelta(days=2), status=ReferralStatus.ACCEPTED,
            outcome=OUTCOME, status_changed_at=clock.now(), created_by_id=caseworker.id,
        )  # fmt: skip
        db.session.add(referral)
        db.session.flush()
        db.session.add(ReferralChange(referral_id=referral.id, status=ReferralStatus.ACCEPTED,
                                      at=clock.now(), by_id=caseworker.id, note=STEP))  # fmt: skip
        for author, body, level in ((caseworker, TEAM_NOTE, Sensitivity.TEAM),
                                    (psychologist, HEALTH_NOTE, Sensitivity.HEALTH)):  # fmt: skip
            db.session.add(
                CaseNote(
                    municipality_id=intake.municipality_id, intake_id=intake.id,
                    author_id=author.id, author_profession=author.profession,
                    sensitivity=level, body=body, written_at=clock.now(),
                )
            )  # fmt: skip
        db.session.commit()
        return intake

    return make


def audit(db, action):
    return db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


# -- the copy ----------------------------------------------------------------------------


def test_the_case_team_hands_a_person_without_a_phone_the_copy_of_their_case(
    client, login_as, caseworker, psychologist, full_case, db
):
    intake = full_case(first_name=ALIAS)
    person_id = intake.person_id
    login_as(caseworker)
    page = client.get(f"/staff/people/{person_id}/data").get_data(as_text=True)
    assert ALIAS in page
    assert "La copia non comprende 1 nota sanitaria che non puoi leggere" in page

    refused = client.post_form(f"/staff/people/{person_id}/data/export", {"export_format": "json"})
    assert refused.status_code == 200 and "Scegli il motivo." in refused.get_data(as_text=True)
    assert not audit(db, "data.exported")

    response = client.post_form(
        f"/staff/people/{person_id}/data/export",
        {"export_reason": "in_person", "export_format": "json"},
    )
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="civic_app-person-{person_id}.json"'
    )
    data = json.loads(response.data)
    assert data["profile"]["first_name"] == ALIAS and data["profile"]["phone"] is None
    (case,) = data["intakes"]
    assert (case["zone"], case["interpreter"], case["status"]) == (ZONE, INTERPRETER, "open")
    assert set(case["needs"]) == {"legal", "housing"}
    (referral,) = data["referrals"]
    assert (referral["service_kind"], referral["status"], referral["reason"]) == (
        "legal_aid", "accepted", REASON,
    )  # fmt: skip
    assert referral["steps"] == [{"status": "accepted", "at": referral["status_changed_at"],
                                  "note": STEP}]  # fmt: skip
    # A plain caseworker's copy: the team note, and the health note only counted.
    assert [n["body"] for n in data["case_notes"]] == [TEAM_NOTE]
    assert data["case_notes_left_out"] == {"count": 1}
    assert HEALTH_NOTE not in response.get_data(as_text=True)
    (exported,) = audit(db, "data.exported")
    assert exported.details == {"format": "json", "reason": "in_person", "via": "staff"}
    assert [r.details for r in audit(db, "case_note.read")] == [
        {"intake_id": intake.id, "via": "export"}
    ]

    # The psychologist makes the full copy, as CSV.
    login_as(psychologist)
    response = client.post_form(
        f"/staff/people/{person_id}/data/export",
        {"export_reason": "letter", "export_format": "csv"},
    )
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    bodies = [row[3] for row in rows if row[0] == "case_notes" and row[2] == "body"]
    assert bodies == [TEAM_NOTE, HEALTH_NOTE]
    assert "case_notes_left_out" not in {row[0] for row in rows}
    for event in db.session.scalars(db.select(AuditEvent)):
        assert not any(text in json.dumps(event.details) for text in TEXTS)


def test_a_participant_s_own_copy_holds_their_case_and_every_note(
    client, login_as, create_participant, full_case
):
    amina = create_participant(first_name=ALIAS)
    intake = full_case(amina)
    login_as(amina)
    data = json.loads(client.get("/me/data.json").data)
    assert [i["case"] for i in data["intakes"]] == [intake.id]
    assert [r["outcome"] for r in data["referrals"]] == [OUTCOME]
    # Right of access: health notes too; the author's profession, never their name.
    assert [(n["sensitivity"], n["body"]) for n in data["case_notes"]] == [
        ("team", TEAM_NOTE), ("health", HEALTH_NOTE),
    ]  # fmt: skip
    assert [n["author_profession"] for n in data["case_notes"]] == ["caseworker", "psychologist"]
    assert "case_notes_left_out" not in data


def test_who_may_use_the_desk_route(
    client, login_as, create_user, create_participant, other_municipality, full_case, db
):
    in_care = db.session.get(User, full_case(first_name=ALIAS).person_id)
    participant = create_participant(phone=None, first_name="Senzacaso")
    case_staff = create_user(Role.STAFF, grants=",casework,")
    plain_staff = create_user(Role.STAFF)
    caseworker = create_user(Role.CASEWORKER, profession="caseworker")
    expected = [
        (case_staff, in_care, 200),
        (caseworker, in_care, 200),
        (plain_staff, in_care, 403),  # the copy holds the case: the case team only
        (plain_staff, participant, 200),
        (caseworker, participant, 403),  # no case: staff's, as the participant pages
        (create_user(Role.TUTOR), in_care, 403),
        (create_user(Role.COORDINATOR), in_care, 403),
        (create_participant(), in_care, 403),
        (create_user(Role.CASEWORKER, municipality=other_municipality), in_care, 404),
        (create_user(Role.STAFF, municipality=other_municipality), participant, 404),
        (caseworker, caseworker, 404),  # not a person the route is for
    ]
    for user, person, code in expected:
        login_as(user)
        assert client.get(f"/staff/people/{person.id}/data").status_code == code, (user, person)
        if code != 200:
            for action in ("export", "erase"):
                data = {"export_reason": "other", "erase_reason": "other", "confirm": "y"}
                response = client.post_form(f"/staff/people/{person.id}/data/{action}", data)
                assert response.status_code == code
                assert ALIAS not in response.get_data(as_text=True)
    assert db.session.get(User, in_care.id).erased_at is None
    assert not audit(db, "data.exported")
    with client.session_transaction() as session:
        session.clear()
    response = client.get(f"/staff/people/{in_care.id}/data")
    assert response.status_code == 302 and "/login" in response.location


# -- erasure -----------------------------------------------------------------------------


def counts(db) -> dict:
    """What the reports count: cases, needs, referrals by status, notes by level."""
    return {
        "intakes": db.session.scalar(db.select(func.count(Intake.id))),
        "needs": sorted(db.session.scalars(db.select(Intake.needs))),
        "referrals": dict(
            db.session.execute(
                db.select(Referral.status, func.count(Referral.id)).group_by(Referral.status)
            ).all()
        ),
        "steps": db.session.scalar(db.select(func.count(ReferralChange.id))),
        "notes": dict(
            db.session.execute(
                db.select(CaseNote.sensitivity, func.count(CaseNote.id)).group_by(
                    CaseNote.sensitivity
                )
            ).all()
        ),
    }


def case_texts(db) -> str:
    """Every free text of every case row, in one string."""
    values = []
    for intake in db.session.scalars(db.select(Intake)):
        values += [intake.zone, intake.interpreter or ""]
    for r in db.session.scalars(db.select(Referral)):
        values += [r.reason, r.outcome, r.appointment_place]
    values += list(db.session.scalars(db.select(ReferralChange.note)))
    values += list(db.session.scalars(db.select(CaseNote.body)))
    values += [u.display_name for u in db.session.scalars(db.select(User))]
    return " | ".join(values)


def test_erasing_a_person_in_care_at_the_desk_keeps_the_counts_and_removes_the_texts(
    client, login_as, caseworker, full_case, create_case, db, clock
):
    intake = full_case(first_name=ALIAS)
    other = create_case(first_name="Altrapersona", zone="Ostiense")  # untouched
    before = counts(db)
    assert all(text in case_texts(db) for text in TEXTS)
    login_as(caseworker)
    url = f"/staff/people/{intake.person_id}/data/erase"
    page = client.post_form(url, {"erase_reason": "letter"}).get_data(as_text=True)
    assert "Conferma prima di cancellare." in page
    assert db.session.get(User, intake.person_id).erased_at is None

    response = client.post_form(url, {"erase_reason": "letter", "confirm": "y"})
    assert response.status_code == 302
    assert counts(db) == before
    remaining = case_texts(db)
    assert not [text for text in TEXTS if text in remaining]
    assert "Altrapersona" in remaining and "Ostiense" in remaining
    person = db.session.get(User, intake.person_id)
    assert person.erased_at == clock.now() and person.first_name == f"#{person.id}"
    erased_case = db.session.get(Intake, intake.id)
    assert (erased_case.status, erased_case.closed_reason) == (IntakeStatus.CLOSED, "erased")
    assert db.session.get(Intake, other.id).status == IntakeStatus.OPEN
    (erased,) = audit(db, "data.erased")
    assert erased.details == {"reason": "letter", "via": "staff"}
    assert erased.target_id == person.id
    # The case is gone from the case pages, and from the desk route.
    assert client.get(f"/cases/{intake.id}").status_code == 404
    assert client.get(f"/staff/people/{person.id}/data").status_code == 404


def test_erasing_a_participant_through_the_requests_page_blanks_their_case_too(
    client, login_as, create_participant, staff, full_case, db
):
    amina = create_participant(first_name=ALIAS)
    full_case(amina)
    before = counts(db)
    login_as(amina)
    client.post_form("/me/data/erase")
    login_as(staff)
    from civic_app.people.models import ErasureRequest

    request = db.session.scalar(db.select(ErasureRequest))
    assert client.post_form(f"/staff/erasures/{request.id}/process").status_code == 302
    assert counts(db) == before
    assert not [text for text in TEXTS if text in case_texts(db)]


# -- retention ---------------------------------------------------------------------------

NOW = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)


def test_retention_erases_people_whose_cases_closed_long_ago_and_only_them(
    app, db, full_case, create_case, create_participant, clock
):
    def closed(days_ago: int, **kw) -> Intake:
        intake = full_case(**kw) if kw.pop("full", False) else create_case(**kw)
        intake.status = IntakeStatus.CLOSED
        intake.closed_at = NOW - timedelta(days=days_ago)
        intake.closed_reason = "needs_met"
        db.session.commit()
        return intake

    old = closed(400, first_name=ALIAS, full=True)
    recent = closed(100, first_name="Chiusodapoco")
    open_case = create_case(first_name="Ancoraaperto", met_on=date(2020, 1, 1))
    # Two cases: one closed long ago, one still open.
    twice = closed(400, first_name="Duecasi")
    create_case(db.session.get(User, twice.person_id))
    # A participant whose case closed long ago but whose plan is still open.
    yusuf = create_participant(first_name="Conpiano")
    closed(400, person=yusuf)
    db.session.add(
        Plan(municipality_id=yusuf.municipality_id, participant_id=yusuf.id, goals="g",
             target_hours=Decimal(10), start_date=date(2026, 1, 1), end_date=date(2026, 9, 1),
             status=PlanStatus.ACTIVE)
    )  # fmt: skip
    db.session.commit()
    before = counts(db)

    assert pseudonymise_after_retention(NOW, 24, case_days=365) == 1
    db.session.commit()
    assert db.session.get(User, old.person_id).erased_at == NOW
    for kept in (recent, open_case, twice):
        assert db.session.get(User, kept.person_id).erased_at is None
    assert db.session.get(User, yusuf.id).erased_at is None
    assert counts(db) == before
    remaining = case_texts(db)
    assert not [text for text in TEXTS if text in remaining]
    assert "Chiusodapoco" in remaining and "Conpiano" in remaining
    (erased,) = audit(db, "data.erased")
    assert (erased.target_id, erased.details) == (old.person_id, {"reason": "case_retention"})

    # A second run finds nothing more to do and changes nothing.
    snapshot = (case_texts(db), counts(db))
    assert pseudonymise_after_retention(NOW, 24, case_days=365) == 0
    db.session.commit()
    assert (case_texts(db), counts(db)) == snapshot
    assert len(audit(db, "data.erased")) == 1


def test_the_sweep_reads_the_casework_period_from_the_configuration(
    app, db, create_case, monkeypatch
):
    intake = create_case(first_name=ALIAS)
    intake.status, intake.closed_at = IntakeStatus.CLOSED, NOW - timedelta(days=40)
    db.session.commit()
    assert app.config["CASEWORK_RETENTION_DAYS"] > 40
    assert pseudonymise_after_retention(NOW, 24) == 0
    monkeypatch.setitem(app.config, "CASEWORK_RETENTION_DAYS", 30)
    assert pseudonymise_after_retention(NOW, 24) == 1
    assert db.session.get(User, intake.person_id).erased_at == NOW


def test_an_old_plan_does_not_erase_someone_whose_case_is_still_open(
    db, create_participant, create_case
):
    """The participants' rule (last plan ended long ago) now also waits for their case."""
    amina = create_participant(first_name=ALIAS)
    db.session.add(
        Plan(municipality_id=amina.municipality_id, participant_id=amina.id, goals="g",
             target_hours=Decimal(10), start_date=date(2020, 1, 1), end_date=date(2020, 6, 1),
             status=PlanStatus.COMPLETED)
    )  # fmt: skip
    create_case(amina)
    assert pseudonymise_after_retention(NOW, 24, case_days=365) == 0
    assert db.session.get(User, amina.id).erased_at is None
