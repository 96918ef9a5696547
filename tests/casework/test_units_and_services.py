"""Staff keep their municipality's units and directory of care services; the case team
and staff search the directory; referrals are offered the services still active."""

import re
from datetime import UTC, datetime

import pytest

from civic_app.casework.directory import service_choices, services_for_referral
from civic_app.casework.models import (
    CareService,
    Referral,
    ReferralStatus,
    ServiceKind,
    Unit,
    UnitKind,
)
from civic_app.core.permissions import Role
from tests.casework.conftest import audit


def unit_form(**kw):
    return {
        "name": "Unità mobile Stazione",
        "kind": "mobile_unit",
        "zone": "Termini",
        "opening_hours": "mar e gio 20-24",
    } | kw


def service_form(**kw):
    return {
        "name": "Ambulatorio Solidale",
        "kind": "health",
        "address": "Via Marsala 10",
        "phone": "347 123 4567",
        "opening_hours": "lun-ven 9-13",
        "languages": ["it", "ar"],
        "notes": "Senza appuntamento.",
    } | kw


# Units


def test_staff_add_edit_close_and_reopen_a_unit(staff_client, db, staff):
    response = staff_client.post_form("/staff/units/new", unit_form())
    assert response.status_code == 302
    unit = db.session.scalar(db.select(Unit))
    assert (unit.name, unit.kind, unit.zone, unit.opening_hours) == (
        "Unità mobile Stazione", UnitKind.MOBILE_UNIT, "Termini", "mar e gio 20-24",
    )  # fmt: skip
    assert unit.municipality_id == staff.municipality_id and unit.is_active
    created = audit(db, "unit.created")
    assert [(e.target_id, e.actor_id, e.details) for e in created] == [(unit.id, staff.id, {})]

    page = staff_client.get(f"/staff/units/{unit.id}/edit").get_data(as_text=True)
    assert "Termini" in page
    changed = unit_form(name="Sportello Esquilino", kind="one_stop_shop")
    staff_client.post_form(f"/staff/units/{unit.id}/edit", changed)
    db.session.refresh(unit)
    assert (unit.name, unit.kind) == ("Sportello Esquilino", UnitKind.ONE_STOP_SHOP)
    assert len(audit(db, "unit.updated")) == 1

    assert staff_client.post_form(f"/staff/units/{unit.id}/deactivate").status_code == 302
    db.session.refresh(unit)
    assert unit.is_active is False
    assert "chiusa" in staff_client.get("/staff/units").get_data(as_text=True)
    staff_client.post_form(f"/staff/units/{unit.id}/reactivate")
    db.session.refresh(unit)
    assert unit.is_active is True
    assert [e.target_id for e in audit(db, "unit.deactivated")] == [unit.id]
    assert [e.target_id for e in audit(db, "unit.reactivated")] == [unit.id]


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"kind": "spaceship"}, "kind"),
        ({"zone": "z" * 81}, "zone"),
    ],
)
def test_a_bad_unit_is_refused_and_what_was_typed_stays(staff_client, db, bad, field):
    response = staff_client.post_form("/staff/units/new", unit_form(**bad))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "error-summary" in page and f'id="{field}-error"' in page
    assert "mar e gio 20-24" in page  # what was typed is kept on the form
    assert db.session.scalar(db.select(Unit)) is None
    assert audit(db, "unit.created") == []


def test_staff_of_another_municipality_get_404_on_a_unit(
    client, db, login_as, create_user, other_municipality, unit
):
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.get(f"/staff/units/{unit.id}/edit").status_code == 404
    assert client.post_form(f"/staff/units/{unit.id}/edit", unit_form()).status_code == 404
    assert client.post_form(f"/staff/units/{unit.id}/deactivate").status_code == 404
    db.session.refresh(unit)
    assert unit.name == "Sportello Centro" and unit.is_active
    assert "Sportello Centro" not in client.get("/staff/units").get_data(as_text=True)


# Services


def test_staff_add_a_service_with_its_phone_in_e164(staff_client, db, staff):
    response = staff_client.post_form("/staff/services/new", service_form())
    assert response.status_code == 302
    service = db.session.scalar(db.select(CareService))
    assert service.phone == "+393471234567"
    assert service.languages == ",it,ar,"
    assert service.kind == ServiceKind.HEALTH and service.network_wide is False
    assert service.municipality_id == staff.municipality_id and service.retired_at is None
    [created] = audit(db, "service.created")
    assert (created.target_id, created.details) == (service.id, {})

    staff_client.post_form(
        f"/staff/services/{service.id}/edit",
        service_form(phone="", languages=["fr"], network_wide="y", kind="shelter"),
    )
    db.session.refresh(service)
    assert (service.phone, service.languages, service.network_wide) == ("", ",fr,", True)
    assert service.kind == ServiceKind.SHELTER
    assert len(audit(db, "service.updated")) == 1


def test_the_edit_page_shows_the_languages_already_chosen(staff_client, create_service):
    service = create_service(languages=",en,ar,")
    page = staff_client.get(f"/staff/services/{service.id}/edit").get_data(as_text=True)
    boxes = re.findall(r'<input[^>]*name="languages"[^>]*>', page)
    assert len(boxes) == 8
    assert sorted(re.search(r'value="(\w+)"', b).group(1) for b in boxes if "checked" in b) == [
        "ar",
        "en",
    ]


@pytest.mark.parametrize(
    "bad, field, text",
    [
        ({"phone": "123"}, "phone", "Questo numero non esiste"),
        ({"phone": "call me"}, "phone", "Scrivi un numero di telefono valido"),
        ({"name": ""}, "name", None),
        ({"kind": "civic_engagement"}, "kind", None),
        ({"languages": ["it", "xx"]}, "languages", None),
        ({"notes": "n" * 10_000}, "notes", None),
    ],
)
def test_a_bad_service_is_refused_with_a_clear_message(staff_client, db, bad, field, text):
    response = staff_client.post_form("/staff/services/new", service_form(**bad))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "error-summary" in page
    assert f'id="{field}-error"' in page
    if text:
        assert text in page
    if field != "name":
        assert 'value="Ambulatorio Solidale"' in page  # nothing typed is lost
    assert db.session.scalar(db.select(CareService)) is None


def test_staff_of_another_municipality_get_404_on_a_service(
    client, db, login_as, create_user, other_municipality, create_service
):
    service = create_service(network_wide=True)
    login_as(create_user(Role.STAFF, municipality=other_municipality))
    assert client.get(f"/staff/services/{service.id}/edit").status_code == 404
    response = client.post_form(f"/staff/services/{service.id}/edit", service_form())
    assert response.status_code == 404
    assert client.post_form(f"/staff/services/{service.id}/retire").status_code == 404
    db.session.refresh(service)
    assert service.name == "Sportello legale Diritti" and service.retired_at is None
    # Shared with the network: B reads it in the directory, without a link to edit it.
    page = client.get("/cases/services").get_data(as_text=True)
    assert "Sportello legale Diritti" in page
    assert f"/staff/services/{service.id}/edit" not in page


def test_the_network_shares_only_what_is_marked_network_wide(
    db, municipality, other_municipality, create_service
):
    own = create_service(name="Nostro sportello")
    shared = create_service(
        municipality_id=other_municipality.id, name="Numero verde nazionale", network_wide=True,
        kind=ServiceKind.OTHER,
    )  # fmt: skip
    create_service(municipality_id=other_municipality.id, name="Solo di Milano")
    create_service(
        municipality_id=other_municipality.id, name="Programma di Milano", network_wide=True,
        kind=ServiceKind.CIVIC_ENGAGEMENT,
    )  # fmt: skip
    offered = services_for_referral(municipality.id)
    assert [s.id for s in offered] == [own.id, shared.id]  # legal_aid < other
    labels = dict(service_choices(municipality.id))
    assert labels[own.id] == "Nostro sportello (Aiuto legale)"
    assert labels[shared.id] == "Numero verde nazionale (Altro) · Milano"


def test_the_directory_shows_the_networks_services_read_only(
    client, login_as, caseworker, other_municipality, create_service
):
    create_service(name="Nostro sportello")
    b_shared = create_service(
        municipality_id=other_municipality.id, name="Numero verde nazionale", network_wide=True
    )
    create_service(municipality_id=other_municipality.id, name="Solo di Milano")
    login_as(caseworker)
    page = client.get("/cases/services").get_data(as_text=True)
    assert "Nostro sportello" in page and "Numero verde nazionale" in page
    assert "della rete: Milano" in page
    assert "Solo di Milano" not in page
    assert "/staff/services/" not in page  # caseworkers edit nothing
    assert client.get(f"/staff/services/{b_shared.id}/edit").status_code == 403


def test_retiring_keeps_the_row_and_its_referrals_but_offers_it_no_more(
    staff_client, db, municipality, create_service, create_case, clock
):
    service = create_service()
    case = create_case()
    referral = Referral(
        municipality_id=municipality.id, intake_id=case.id, service_id=service.id,
        status=ReferralStatus.SENT, status_changed_at=datetime(2026, 3, 1, tzinfo=UTC),
    )  # fmt: skip
    db.session.add(referral)
    db.session.commit()
    assert service in services_for_referral(municipality.id)

    assert staff_client.post_form(f"/staff/services/{service.id}/retire").status_code == 302
    db.session.refresh(service)
    assert service.retired_at == clock.now()
    assert db.session.get(Referral, referral.id).service_id == service.id
    assert service not in services_for_referral(municipality.id)
    assert service.id not in dict(service_choices(municipality.id))
    assert "Sportello legale Diritti" not in staff_client.get("/cases/services").get_data(
        as_text=True
    )
    listed = staff_client.get("/staff/services").get_data(as_text=True)
    assert "Sportello legale Diritti" in listed and "ritirato" in listed
    [retired] = audit(db, "service.retired")
    assert retired.target_id == service.id

    staff_client.post_form(f"/staff/services/{service.id}/restore")
    db.session.refresh(service)
    assert service.retired_at is None and service in services_for_referral(municipality.id)
    assert len(audit(db, "service.restored")) == 1


def test_the_civic_engagement_programme_keeps_its_kind_and_is_not_retired(
    staff_client, db, create_service
):
    programme = create_service(name="Programma", kind=ServiceKind.CIVIC_ENGAGEMENT)
    response = staff_client.post_form(
        f"/staff/services/{programme.id}/edit",
        service_form(name="Impegno civico", kind="health", network_wide="y"),
    )
    assert response.status_code == 302
    db.session.refresh(programme)
    assert programme.name == "Impegno civico"
    assert programme.kind == ServiceKind.CIVIC_ENGAGEMENT and programme.network_wide is False
    response = staff_client.post_form(
        f"/staff/services/{programme.id}/retire", follow_redirects=True
    )
    assert "non si può ritirare" in response.get_data(as_text=True)
    db.session.refresh(programme)
    assert programme.retired_at is None


def test_the_directory_is_searched_by_kind_language_and_name(
    client, login_as, caseworker, create_service
):
    create_service(name="Avvocati di strada", kind=ServiceKind.LEGAL_AID, languages=",it,ar,")
    create_service(name="Sportello legale Diritti", kind=ServiceKind.LEGAL_AID, languages=",it,")
    create_service(name="Mensa 100% aperta", kind=ServiceKind.FOOD_BANK, languages=",ar,")
    create_service(name="Casa_Amica", kind=ServiceKind.SHELTER, languages=",fr,")
    create_service(name="CasaXAmica", kind=ServiceKind.SHELTER, languages=",fr,")
    login_as(caseworker)

    def found(query: str) -> set[str]:
        page = client.get(f"/cases/services{query}").get_data(as_text=True)
        names = ("Avvocati di strada", "Sportello legale Diritti", "Mensa 100% aperta",
                 "Casa_Amica", "CasaXAmica")  # fmt: skip
        return {name for name in names if name in page}

    assert found("?kind=legal_aid&language=ar") == {"Avvocati di strada"}
    assert found("?kind=legal_aid") == {"Avvocati di strada", "Sportello legale Diritti"}
    assert found("?language=ar") == {"Avvocati di strada", "Mensa 100% aperta"}
    assert found("?q=LEGALE") == {"Sportello legale Diritti"}
    assert found("?q=%25") == {"Mensa 100% aperta"}  # `%` is a letter, not a wildcard
    assert found("?q=casa_") == {"Casa_Amica"}  # and so is `_`
    assert len(found("")) == 5
    # A filter that is not one is said so, never a 500.
    response = client.get("/cases/services?kind=spaceship")
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)


def test_a_retired_service_still_shows_on_the_referral_made_to_it(
    db, municipality, create_service, create_case
):
    """The row stays: a referral keeps its service, and the service says it is retired."""
    service = create_service(retired_at=datetime(2026, 3, 1, tzinfo=UTC))
    case = create_case()
    referral = Referral(
        municipality_id=municipality.id, intake_id=case.id, service_id=service.id,
        status_changed_at=datetime(2026, 2, 1, tzinfo=UTC),
    )  # fmt: skip
    db.session.add(referral)
    db.session.commit()
    assert db.session.get(Referral, referral.id).service.retired_at is not None


# Who may


STAFF_ROUTES = [
    ("GET", "/staff/units"),
    ("GET", "/staff/units/new"),
    ("POST", "/staff/units/new"),
    ("GET", "/staff/units/{unit}/edit"),
    ("POST", "/staff/units/{unit}/edit"),
    ("POST", "/staff/units/{unit}/deactivate"),
    ("POST", "/staff/units/{unit}/reactivate"),
    ("GET", "/staff/services"),
    ("GET", "/staff/services/new"),
    ("POST", "/staff/services/new"),
    ("GET", "/staff/services/{service}/edit"),
    ("POST", "/staff/services/{service}/edit"),
    ("POST", "/staff/services/{service}/retire"),
    ("POST", "/staff/services/{service}/restore"),
]


def _call(client, method, path, unit, service):
    url = path.format(unit=unit.id, service=service.id)
    if method == "GET":
        return client.get(url)
    return client.post_form(url, unit_form() | service_form())


@pytest.mark.parametrize("role", [Role.TUTOR, Role.PARTICIPANT, Role.COORDINATOR])
def test_tutors_participants_and_coordinators_are_refused_everywhere(
    client, db, login_as, create_user, unit, create_service, role
):
    service = create_service()
    login_as(create_user(role))
    for method, path in [*STAFF_ROUTES, ("GET", "/cases/services")]:
        response = _call(client, method, path, unit, service)
        assert response.status_code == 403, (role, method, path)
    assert db.session.scalar(db.select(db.func.count(Unit.id))) == 1
    assert db.session.scalar(db.select(db.func.count(CareService.id))) == 1
    db.session.refresh(unit)
    assert unit.is_active and unit.name == "Sportello Centro"


@pytest.mark.parametrize("case_team", ["caseworker", "psychologist"])
def test_caseworkers_read_the_directory_but_manage_nothing(
    client, db, login_as, request, unit, create_service, case_team
):
    service = create_service()
    login_as(request.getfixturevalue(case_team))
    for method, path in STAFF_ROUTES:
        assert _call(client, method, path, unit, service).status_code == 403, (method, path)
    assert client.get("/cases/services").status_code == 200
    db.session.refresh(service)
    assert service.retired_at is None


def test_staff_with_or_without_the_casework_grant_read_the_directory(
    client, login_as, staff, create_user, create_service
):
    create_service()
    login_as(staff)
    assert "Sportello legale Diritti" in client.get("/cases/services").get_data(as_text=True)
    login_as(create_user(Role.STAFF, grants=",casework,"))
    assert client.get("/cases/services").status_code == 200


def test_nobody_logged_in_is_sent_to_log_in(client, unit):
    for url in ("/staff/units", "/staff/services", "/cases/services"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
