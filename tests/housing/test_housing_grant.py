"""Staff give the housing grant to a colleague or a caseworker on the case team's page,
never to themselves; every change is audited."""

import pytest

from civic_app.core.permissions import Role

from .conftest import audit


def page(response) -> str:
    return response.get_data(as_text=True)


def test_staff_give_a_colleague_the_housing_and_take_it_back(
    client, db, login_as, staff, create_user
):
    colleague = create_user(Role.STAFF, grants=",casework,")
    login_as(colleague)
    assert client.get("/housing/dwellings").status_code == 403

    login_as(staff)
    team = page(client.get("/staff/case-team"))
    assert f'action="/staff/case-team/{colleague.id}/housing/grant"' in team
    assert f'action="/staff/case-team/{staff.id}/housing/grant"' not in team  # not oneself
    response = client.post_form(f"/staff/case-team/{colleague.id}/housing/grant")
    assert response.status_code == 302
    db.session.refresh(colleague)
    assert colleague.grants == ",casework,housing,"
    [granted] = audit(db, "case_team.housing_grant_added")
    assert (granted.target_id, granted.actor_id) == (colleague.id, staff.id)
    assert "Ora gestisce gli alloggi" in page(client.get("/staff/case-team"))

    login_as(colleague)
    assert client.get("/housing/dwellings").status_code == 200

    login_as(staff)
    client.post_form(f"/staff/case-team/{colleague.id}/housing/revoke")
    db.session.refresh(colleague)
    assert colleague.grants == ",casework,"
    assert len(audit(db, "case_team.housing_grant_removed")) == 1
    login_as(colleague)
    assert client.get("/housing/dwellings").status_code == 403


def test_staff_give_a_caseworker_the_housing(client, db, login_as, staff, caseworker, create_case):
    intake = create_case()
    login_as(caseworker)
    assert client.get(f"/cases/{intake.id}/housing").status_code == 403

    login_as(staff)
    team = page(client.get("/staff/case-team"))
    assert f'action="/staff/case-team/{caseworker.id}/housing/grant"' in team
    assert client.post_form(f"/staff/case-team/{caseworker.id}/housing/grant").status_code == 302
    db.session.refresh(caseworker)
    assert caseworker.has_grant("housing")
    assert f'action="/staff/case-team/{caseworker.id}/housing/revoke"' in page(
        client.get("/staff/case-team")
    )

    login_as(caseworker)
    assert client.get(f"/cases/{intake.id}/housing").status_code == 200
    assert f'href="/cases/{intake.id}/housing"' in page(client.get(f"/cases/{intake.id}"))


def test_nobody_gives_themselves_the_housing(staff_client, db, staff):
    response = staff_client.post_form(
        f"/staff/case-team/{staff.id}/housing/grant", follow_redirects=True
    )
    assert "L&#39;accesso agli alloggi te lo deve dare un collega." in page(response)
    db.session.refresh(staff)
    assert not staff.has_grant("housing")
    assert audit(db, "case_team.housing_grant_added") == []


def test_a_grant_given_twice_is_audited_once(staff_client, db, caseworker):
    for _ in range(2):
        staff_client.post_form(f"/staff/case-team/{caseworker.id}/housing/grant")
    db.session.refresh(caseworker)
    assert caseworker.grants == ",housing,"
    assert len(audit(db, "case_team.housing_grant_added")) == 1


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.TUTOR, Role.IN_CARE])
def test_only_staff_and_caseworkers_receive_it(staff_client, db, create_user, role):
    other = create_user(role, email=f"{role.value}-x@example.org")
    response = staff_client.post_form(f"/staff/case-team/{other.id}/housing/grant")
    assert response.status_code == 404
    db.session.refresh(other)
    assert not other.has_grant("housing")


def test_another_municipalitys_account_is_not_found(
    staff_client, db, create_user, other_municipality
):
    theirs = create_user(Role.CASEWORKER, municipality=other_municipality, profession="caseworker")
    assert staff_client.post_form(f"/staff/case-team/{theirs.id}/housing/grant").status_code == 404
    assert staff_client.post_form(f"/staff/case-team/{theirs.id}/housing/revoke").status_code == 404
    db.session.refresh(theirs)
    assert not theirs.has_grant("housing")


@pytest.mark.parametrize("action", ["grant", "revoke"])
@pytest.mark.parametrize(
    "who",
    [
        {"role": Role.CASEWORKER, "profession": "caseworker", "grants": ",housing,"},
        {"role": Role.PARTICIPANT},
        {"role": Role.TUTOR},
        {"role": Role.COORDINATOR},
    ],
)
def test_only_staff_give_or_take_it(client, db, login_as, create_user, caseworker, action, who):
    login_as(create_user(**who))
    response = client.post_form(f"/staff/case-team/{caseworker.id}/housing/{action}")
    assert response.status_code == 403
    db.session.refresh(caseworker)
    assert not caseworker.has_grant("housing")


def test_a_button_without_its_token_changes_nothing(staff_client, db, caseworker):
    response = staff_client.post(f"/staff/case-team/{caseworker.id}/housing/grant")
    assert response.status_code == 400
    db.session.refresh(caseworker)
    assert not caseworker.has_grant("housing")
