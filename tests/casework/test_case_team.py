"""Staff keep the case team's accounts and the casework grant, and see the casework's
counts (never a name or a note)."""

import re
from datetime import UTC, date, datetime

import pytest
from werkzeug.security import check_password_hash

from civic_app.casework.models import (
    CaseNote,
    IntakeStatus,
    Referral,
    ReferralStatus,
    Sensitivity,
    UnitKind,
)
from civic_app.core.accounts import User
from civic_app.core.permissions import Role
from tests.casework.conftest import audit
from tests.conftest import PASSWORD

NEW_PASSWORD = "una password lunga e segreta"


def account_form(**kw):
    return {
        "first_name": "Giulia",
        "last_name": "Ferri",
        "email": "Giulia.Ferri@Comune.example.org",
        "profession": "social_worker",
        "password": NEW_PASSWORD,
    } | kw


def caseworker_named(db, email="giulia.ferri@comune.example.org"):
    return db.session.scalar(db.select(User).where(User.email == email))


def test_staff_create_a_caseworker_who_then_logs_in_and_works_cases(
    client, staff_client, db, staff
):
    response = staff_client.post_form("/staff/case-team/new", account_form())
    assert response.status_code == 302
    member = caseworker_named(db)
    assert member.role == Role.CASEWORKER and member.municipality_id == staff.municipality_id
    assert (member.first_name, member.last_name, member.profession) == (
        "Giulia", "Ferri", "social_worker",
    )  # fmt: skip
    assert check_password_hash(member.password_hash, NEW_PASSWORD)
    assert NEW_PASSWORD not in member.password_hash
    [created] = audit(db, "case_team.created")
    assert (created.target_id, created.actor_id, created.details) == (member.id, staff.id, {})
    assert "Giulia Ferri" in staff_client.get("/staff/case-team").get_data(as_text=True)

    client.post_form("/logout")
    response = client.post_form(
        "/login", {"email": "giulia.ferri@comune.example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    home = client.get(response.headers["Location"])
    assert home.status_code == 302 and home.headers["Location"].endswith("/cases")
    assert client.get("/cases").status_code == 200
    assert client.get("/cases/services").status_code == 200
    assert client.get("/staff/case-team").status_code == 403


@pytest.mark.parametrize(
    "bad, field, text",
    [
        ({"first_name": "  "}, "first_name", None),
        ({"last_name": ""}, "last_name", None),
        ({"email": "not-an-email"}, "email", None),
        ({"password": "short"}, "password", None),
        ({"profession": "surgeon"}, "profession", None),
        ({"email": "STAFF1@example.org"}, "email", "Esiste già un account con questa email"),
    ],
)
def test_a_bad_account_is_refused_and_what_was_typed_stays(
    staff_client, db, staff, bad, field, text
):
    assert staff.email == "staff1@example.org"
    response = staff_client.post_form("/staff/case-team/new", account_form(**bad))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "error-summary" in page and f'id="{field}-error"' in page
    if text:
        assert text in page
    if field != "last_name":
        assert 'value="Ferri"' in page
    assert db.session.scalar(db.select(User).where(User.role == Role.CASEWORKER)) is None
    assert audit(db, "case_team.created") == []


def test_staff_change_a_profession_and_deactivate_and_reactivate_an_account(
    client, staff_client, db, login_as, staff, caseworker
):
    url = f"/staff/case-team/{caseworker.id}"
    assert "Operatore" in staff_client.get(f"{url}/edit").get_data(as_text=True)
    assert staff_client.post_form(f"{url}/edit", {"profession": "psychologist"}).status_code == 302
    db.session.refresh(caseworker)
    assert caseworker.profession == "psychologist"
    assert [e.target_id for e in audit(db, "case_team.profession_changed")] == [caseworker.id]
    response = staff_client.post_form(f"{url}/edit", {"profession": "wizard"})
    assert response.status_code == 200 and 'id="profession-error"' in response.get_data(
        as_text=True
    )
    db.session.refresh(caseworker)
    assert caseworker.profession == "psychologist"

    token = caseworker.session_token
    assert staff_client.post_form(f"{url}/deactivate").status_code == 302
    db.session.refresh(caseworker)
    assert caseworker.is_active_account is False and caseworker.session_token != token
    assert [e.target_id for e in audit(db, "case_team.deactivated")] == [caseworker.id]
    client.post_form("/logout")
    refused = client.post_form("/login", {"email": caseworker.email, "password": PASSWORD})
    assert refused.status_code == 200 and "Email o password sbagliate" in refused.get_data(
        as_text=True
    )

    login_as(staff)
    client.post_form(f"{url}/reactivate")
    db.session.refresh(caseworker)
    assert caseworker.is_active_account is True
    assert [e.target_id for e in audit(db, "case_team.reactivated")] == [caseworker.id]


def test_only_caseworkers_of_the_municipality_are_managed_here(
    client, db, login_as, create_user, other_municipality, caseworker, staff
):
    tutor = create_user(Role.TUTOR)
    login_as(staff)
    for account in (tutor, staff):
        assert client.get(f"/staff/case-team/{account.id}/edit").status_code == 404
        assert client.post_form(f"/staff/case-team/{account.id}/deactivate").status_code == 404
    assert client.post_form(f"/staff/case-team/{caseworker.id}/grant").status_code == 404
    db.session.refresh(tutor)
    assert tutor.is_active_account

    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.get(f"/staff/case-team/{caseworker.id}/edit").status_code == 404
    assert client.post_form(f"/staff/case-team/{caseworker.id}/deactivate").status_code == 404
    assert client.post_form(f"/staff/case-team/{staff.id}/grant").status_code == 404
    db.session.refresh(caseworker)
    db.session.refresh(staff)
    assert caseworker.is_active_account and not staff.has_grant("casework")
    assert caseworker.email not in client.get("/staff/case-team").get_data(as_text=True)


def test_the_casework_grant_lets_a_staff_colleague_read_cases(
    client, db, login_as, staff, create_user, create_case
):
    colleague = create_user(Role.STAFF, grants=",housing,")
    case = create_case()
    login_as(colleague)
    assert client.get(f"/cases/{case.id}").status_code == 403

    login_as(staff)
    assert client.post_form(f"/staff/case-team/{colleague.id}/grant").status_code == 302
    db.session.refresh(colleague)
    assert colleague.has_grant("casework") and colleague.has_grant("housing")
    [granted] = audit(db, "case_team.grant_added")
    assert (granted.target_id, granted.actor_id, granted.details) == (colleague.id, staff.id, {})

    login_as(colleague)
    assert client.get(f"/cases/{case.id}").status_code == 200

    login_as(staff)
    client.post_form(f"/staff/case-team/{colleague.id}/revoke")
    db.session.refresh(colleague)
    assert colleague.grants == ",housing,"
    assert len(audit(db, "case_team.grant_removed")) == 1
    login_as(colleague)
    assert client.get(f"/cases/{case.id}").status_code == 403


def test_staff_do_not_grant_themselves_the_cases(staff_client, db, staff):
    response = staff_client.post_form(f"/staff/case-team/{staff.id}/grant", follow_redirects=True)
    assert "te lo deve dare un collega" in response.get_data(as_text=True)
    db.session.refresh(staff)
    assert not staff.has_grant("casework")
    assert audit(db, "case_team.grant_added") == []


TEAM_ROUTES = [
    ("GET", "/staff/case-team"),
    ("GET", "/staff/case-team/new"),
    ("POST", "/staff/case-team/new"),
    ("GET", "/staff/case-team/{member}/edit"),
    ("POST", "/staff/case-team/{member}/edit"),
    ("POST", "/staff/case-team/{member}/deactivate"),
    ("POST", "/staff/case-team/{member}/reactivate"),
    ("POST", "/staff/case-team/{colleague}/grant"),
    ("POST", "/staff/case-team/{colleague}/revoke"),
    ("GET", "/staff/casework"),
]


@pytest.mark.parametrize(
    "role, extra",
    [
        (Role.TUTOR, {}),
        (Role.PARTICIPANT, {}),
        (Role.COORDINATOR, {}),
        (Role.CASEWORKER, {"profession": "psychologist"}),
    ],
)
def test_only_staff_manage_the_team_and_see_the_counts(
    client, db, login_as, create_user, caseworker, role, extra
):
    colleague = create_user(Role.STAFF)
    login_as(create_user(role, **extra))
    for method, path in TEAM_ROUTES:
        url = path.format(member=caseworker.id, colleague=colleague.id)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post_form(url, account_form(profession="psychologist"))
        assert response.status_code == 403, (role, method, path)
    db.session.refresh(caseworker)
    db.session.refresh(colleague)
    assert caseworker.is_active_account and caseworker.profession == "caseworker"
    assert not colleague.has_grant("casework")
    assert caseworker_named(db) is None


def test_staff_see_counts_and_never_names_or_notes(
    staff_client, db, municipality, other_municipality, create_unit, create_case,
    create_service, caseworker, clock,
):  # fmt: skip
    desk = create_unit(name="Sportello Esquilino")
    van = create_unit(name="Unità mobile Notte", kind=UnitKind.MOBILE_UNIT)
    create_unit(name="Sportello chiuso", is_active=False)
    open_case = create_case(first_name="Zainab", unit_id=desk.id)
    create_case(first_name="Yusuf", unit_id=desk.id, status=IntakeStatus.CLOSED,
                met_on=date(2026, 2, 10), last_seen_on=date(2026, 2, 10))  # fmt: skip
    create_case(first_name="Xavier", unit_id=van.id)
    create_case(first_name="Walid")  # met on the street, no unit
    create_case(first_name="Milanese", municipality_id=other_municipality.id)
    service = create_service()
    for status in (ReferralStatus.SENT, ReferralStatus.SENT, ReferralStatus.CLOSED):
        db.session.add(
            Referral(
                municipality_id=municipality.id,
                intake_id=open_case.id,
                service_id=service.id,
                status=status,
                status_changed_at=datetime(2026, 3, 1, tzinfo=UTC),
            )  # fmt: skip
        )
    db.session.add(
        CaseNote(
            municipality_id=municipality.id,
            intake_id=open_case.id,
            author_id=caseworker.id,
            author_profession="caseworker",
            sensitivity=Sensitivity.TEAM,
            body="Dorme alla stazione",
            written_at=clock.now(),
        )  # fmt: skip
    )
    db.session.commit()

    response = staff_client.get("/staff/casework")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<dd id="kf-open">3</dd>' in page
    assert '<dd id="kf-closed">1</dd>' in page
    assert '<dd id="kf-month">3</dd>' in page  # Yusuf was met in February
    assert '<td id="referrals-sent">2</td>' in page
    assert '<td id="referrals-closed">1</td>' in page
    assert '<td id="referrals-refused">0</td>' in page
    rows = {
        re.sub(r"<[^>]+>|\s+", " ", m.group(1)).split("(")[0].strip(): (m.group(2), m.group(3))
        for m in re.finditer(
            r'<th scope="row">(.*?)</th>\s*<td>(\d+)</td>\s*<td>(\d+)</td>', page, re.S
        )
    }
    assert rows["Sportello Esquilino"] == ("1", "1")
    assert rows["Unità mobile Notte"] == ("1", "0")
    assert rows["Sportello chiuso"] == ("0", "0")
    assert [v for k, v in rows.items() if k.startswith("Fuori da un")] == [("1", "0")]
    assert len(rows) == 4
    for secret in ("Zainab", "Yusuf", "Xavier", "Walid", "Milanese", "Dorme alla stazione",
                   "Documenti", "Casa"):  # fmt: skip
        assert secret not in page, secret
