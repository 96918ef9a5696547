import re

import pytest

from civic_app.core.permissions import Role
from civic_app.plans.models import Plan, PlanEvent, PlanSignature, PlanStatus
from civic_app.plans.operations import content_hash
from civic_app.sms.models import Message


def plan_form(**overrides):
    data = {
        "goals": "Imparare a curare il verde.\nConoscere il quartiere.",
        "goals_translated": "Apprendre à entretenir les espaces verts.",
        "target_hours": "60",
        "start_date": "2026-03-01",
        "end_date": "2026-06-30",
        "tutor_id": "0",
        "notes": "",
    }
    return {k: v for k, v in (data | overrides).items() if v is not None}


@pytest.fixture
def amina(create_participant):
    return create_participant(preferred_language="fr", first_name="Amina")


def draft(client, login_as, staff, amina, **overrides):
    login_as(staff)
    response = client.post_form(f"/staff/participants/{amina.id}/plan/new", plan_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def participant_signs(client, db, login_as, amina):
    login_as(amina)
    client.post_form("/me/plan/code")
    message = db.session.scalar(
        db.select(Message)
        .where(Message.user_id == amina.id, Message.kind == "login_code")
        .order_by(Message.id.desc())
    )
    code = re.search(r"\d{6}", message.body).group(0)
    return client.post_form("/me/plan", {"code": code})


def test_a_plan_is_drafted_signed_by_both_and_started(
    client, login_as, staff, amina, db, clock, project, enrol
):
    enrol(project, amina, "accepted")
    login_as(staff)
    form_page = client.get(f"/staff/participants/{amina.id}/plan/new").get_data(as_text=True)
    # The projects the participant was accepted in come ticked.
    assert re.search(
        rf'value="{project.id}"[^>]*checked|checked[^>]*value="{project.id}"', form_page
    )
    draft(client, login_as, staff, amina, projects=[str(project.id)])
    plan = db.session.scalar(db.select(Plan))
    assert plan.status == PlanStatus.DRAFT and plan.version == 1
    assert [p.id for p in plan.projects] == [project.id]  # accepted projects come pre-ticked
    client.post_form(f"/staff/plans/{plan.id}/send")
    assert db.session.scalar(db.select(Message).where(Message.kind == "plan_ready"))

    page = None
    login_as(amina)
    page = client.get("/me/plan").get_data(as_text=True)
    assert "Apprendre à entretenir" in page and "Imparare a curare il verde." in page
    assert participant_signs(client, db, login_as, amina).status_code == 302
    signature = db.session.scalar(db.select(PlanSignature))
    assert (signature.signer_role, signature.method, signature.version) == (
        "participant",
        "sms_code",
        1,
    )
    assert signature.content_hash == content_hash(plan) and signature.signed_at == clock.now()
    assert db.session.get(Plan, plan.id).status == PlanStatus.DRAFT  # still waits for staff

    login_as(staff)
    client.post_form(f"/staff/plans/{plan.id}/countersign")
    assert db.session.get(Plan, plan.id).status == PlanStatus.SIGNED
    client.post_form(f"/staff/plans/{plan.id}/status", {"status": "active", "reason": "Si parte"})
    assert db.session.get(Plan, plan.id).status == PlanStatus.ACTIVE
    events = db.session.scalars(db.select(PlanEvent).order_by(PlanEvent.id)).all()
    assert [(e.to_status, e.reason) for e in events] == [
        ("draft", "created"),
        ("signed", "signed by both"),
        ("active", "Si parte"),
    ]
    history = client.get(f"/staff/plans/{plan.id}").get_data(as_text=True)
    # Reasons the system wrote are shown in the reader's language; staff's own as typed.
    assert "piano creato" in history and "firmato da entrambi" in history
    assert "signed by both" not in history and "Si parte" in history
    printed = client.get(f"/staff/plans/{plan.id}/print").get_data(as_text=True)
    assert signature.content_hash[:16] in printed and "con un codice via SMS" in printed
    assert "sms_code" not in printed  # the method's name, not its code


def test_a_wrong_code_does_not_sign(client, login_as, staff, create_participant, db):
    olena = create_participant(preferred_language="it")
    draft(client, login_as, staff, olena)
    login_as(olena)
    client.post_form("/me/plan/code")
    response = client.post_form("/me/plan", {"code": "000000"})
    assert "Codice sbagliato" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(PlanSignature)) is None


def test_changing_a_signed_plan_makes_a_new_version_to_sign_again(
    client, login_as, staff, amina, db
):
    draft(client, login_as, staff, amina)
    plan = db.session.scalar(db.select(Plan))
    participant_signs(client, db, login_as, amina)
    login_as(staff)
    client.post_form(f"/staff/plans/{plan.id}/countersign")
    assert db.session.get(Plan, plan.id).status == PlanStatus.SIGNED
    client.post_form(f"/staff/plans/{plan.id}/edit", plan_form(target_hours="80"))
    plan = db.session.get(Plan, plan.id)
    assert plan.status == PlanStatus.DRAFT and plan.version == 2
    assert str(plan.target_hours) == "80.00"
    # The signatures of version 1 stay on record.
    signatures = db.session.scalars(db.select(PlanSignature)).all()
    assert {(s.version, s.signer_role) for s in signatures} == {(1, "participant"), (1, "staff")}
    page = client.get(f"/staff/plans/{plan.id}").get_data(as_text=True)
    assert page.count("non ancora") == 2


def test_status_changes_need_a_reason_and_a_possible_step(client, login_as, staff, amina, db):
    draft(client, login_as, staff, amina)
    plan = db.session.scalar(db.select(Plan))
    login_as(staff)
    # A draft cannot start before it is signed.
    client.post_form(f"/staff/plans/{plan.id}/status", {"status": "active", "reason": "Via"})
    assert db.session.get(Plan, plan.id).status == PlanStatus.DRAFT
    no_reason = client.post_form(
        f"/staff/plans/{plan.id}/status",
        {"status": "withdrawn", "reason": ""},
        follow_redirects=True,
    )
    assert "Scrivi il motivo" in no_reason.get_data(as_text=True)
    assert db.session.get(Plan, plan.id).status == PlanStatus.DRAFT
    client.post_form(
        f"/staff/plans/{plan.id}/status", {"status": "withdrawn", "reason": "Trasferito"}
    )
    assert db.session.get(Plan, plan.id).status == PlanStatus.WITHDRAWN


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": "2026-01-01"}, "La data di fine viene prima"),
        ({"target_hours": "0"}, "tra 1 e 2000"),
        ({"target_hours": "99999"}, "tra 1 e 2000"),
        ({"target_hours": "tante"}, "Non è un valore decimale valido"),
        ({"goals": ""}, "Questo campo è obbligatorio"),
    ],
)
def test_bad_plan_input_is_explained(client, login_as, staff, amina, db, overrides, message):
    login_as(staff)
    response = client.post_form(f"/staff/participants/{amina.id}/plan/new", plan_form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Plan)) is None


def test_one_open_plan_per_participant(client, login_as, staff, amina, db):
    draft(client, login_as, staff, amina)
    response = client.post_form(f"/staff/participants/{amina.id}/plan/new", plan_form())
    assert "ha già un piano aperto" in response.get_data(as_text=True)


def test_plans_are_private(
    client, login_as, staff, amina, db, create_participant, create_user, other_municipality
):
    draft(client, login_as, staff, amina)
    plan = db.session.scalar(db.select(Plan))
    login_as(create_participant())
    page = client.get("/me/plan")
    assert page.status_code == 200  # their own "no plan yet" page, nothing of Amina's
    assert "Non hai ancora un piano" in page.get_data(as_text=True)
    assert plan.goals not in page.get_data(as_text=True)
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    for url in (
        f"/staff/plans/{plan.id}",
        f"/staff/plans/{plan.id}/edit",
        f"/staff/plans/{plan.id}/print",
    ):
        assert client.get(url).status_code == 404
    assert client.post_form(f"/staff/plans/{plan.id}/countersign").status_code == 404
    assert client.get(f"/staff/participants/{amina.id}/plan/new").status_code == 404
    login_as(create_user(Role.TUTOR))
    assert client.get(f"/staff/plans/{plan.id}").status_code == 403


def test_the_participant_reads_the_plan_in_arabic(client, login_as, staff, create_participant, db):
    fatima = create_participant(preferred_language="ar")
    draft(client, login_as, staff, fatima, goals_translated="تعلم العناية بالحدائق")
    login_as(fatima)
    page = client.get("/me/plan").get_data(as_text=True)
    assert 'dir="rtl"' in page and "تعلم العناية بالحدائق" in page
