"""The dwellings' pages: the list, a dwelling's form, its page with the state buttons,
works and occupancy; who may open them; bad input refused with what was typed kept."""

import re
from decimal import Decimal

import pytest

from civic_app.core.permissions import Role
from civic_app.housing.dwellings import works_of
from civic_app.housing.measures import place
from civic_app.housing.models import Dwelling, DwellingKind, DwellingState, ManagedBy

from .conftest import TODAY, audit


def dwelling_form(**kw):
    return {
        "name": "Casa Aurora",
        "address": "Via Prenestina 3, Roma",
        "kind": "temporary_flat",
        "places": "4",
        "managed_by": "partner",
        "manager_name": "Cooperativa Il Ponte",
        "state": "refurbishing",
        "notes": "Chiavi in portineria",
    } | kw


def named(db, name="Casa Aurora"):
    return db.session.scalar(db.select(Dwelling).where(Dwelling.name == name))


def page(response) -> str:
    return response.get_data(as_text=True)


def test_staff_add_a_dwelling_being_refurbished_then_open_it(housing_client, db, clock):
    response = housing_client.post_form("/housing/dwellings/new", dwelling_form())
    made = named(db)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/housing/dwellings/{made.id}")
    assert (made.kind, made.places, made.managed_by, made.manager_name) == (
        DwellingKind.TEMPORARY_FLAT, 4, ManagedBy.PARTNER, "Cooperativa Il Ponte",
    )  # fmt: skip
    assert made.state == DwellingState.REFURBISHING and made.available_from is None
    [created] = audit(db, "housing.dwelling_created")
    assert (created.target_id, created.details) == (made.id, {"state": "refurbishing"})

    shown = page(housing_client.get(f"/housing/dwellings/{made.id}"))
    assert "Casa Aurora" in shown and "Cooperativa Il Ponte" in shown
    assert "0/4 posti occupati oggi" in shown
    assert 'value="available"' in shown and 'value="refurbishing"' not in shown

    response = housing_client.post_form(
        f"/housing/dwellings/{made.id}/state", {"state": "available"}
    )
    assert response.status_code == 302
    db.session.refresh(made)
    assert made.state == DwellingState.AVAILABLE and made.available_from == TODAY
    assert [a.details for a in audit(db, "housing.dwelling_state")] == [{"state": "available"}]
    assert "Disponibile" in page(housing_client.get(response.headers["Location"]))


def test_the_list_shows_places_taken_today_and_filters_by_state(
    housing_client, db, create_dwelling, create_measure, housing_staff
):
    flat = create_dwelling(name="Casa Aurora", places=4)
    create_dwelling(name="Via Tiburtina 12", state="refurbishing")
    measure = create_measure(household_members=1)
    place(measure, flat, TODAY, TODAY, by=housing_staff)
    db.session.commit()

    shown = page(housing_client.get("/housing/dwellings"))
    assert "2/4 posti occupati oggi" in shown
    assert "Casa Aurora" in shown and "Via Tiburtina 12" in shown
    assert "il Comune" in shown

    only = page(housing_client.get("/housing/dwellings?state=refurbishing"))
    assert "Via Tiburtina 12" in only and "Casa Aurora" not in only

    odd = housing_client.get("/housing/dwellings?state=<script>&page=99999999999")
    assert odd.status_code == 200
    assert "Scegli uno stato dell&#39;elenco." in page(odd)
    assert "<script>" not in page(odd)


def test_the_edit_form_shows_an_occupied_dwelling_as_open(
    housing_client, db, create_dwelling, create_measure, housing_staff
):
    flat = create_dwelling(places=1)
    place(create_measure(), flat, TODAY, TODAY, by=housing_staff)
    db.session.commit()
    assert flat.state == DwellingState.OCCUPIED
    form = page(housing_client.get(f"/housing/dwellings/{flat.id}/edit"))
    assert re.search(
        r'<option selected value="available">|<option value="available" selected', form
    )

    response = housing_client.post_form(
        f"/housing/dwellings/{flat.id}/edit",
        dwelling_form(
            name="Stanza Aurora", places="2", state="available", managed_by="municipality"
        ),
    )
    assert response.status_code == 302
    db.session.refresh(flat)
    assert (flat.name, flat.places, flat.state) == ("Stanza Aurora", 2, DwellingState.AVAILABLE)
    assert flat.manager_name == ""  # the municipality's own: no partner kept


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"places": "-3"}, "Scrivi i posti: da 1 a 200."),
        ({"places": "99999999999999999999"}, "Scrivi i posti: da 1 a 200."),
        ({"places": "tre"}, "Non è una valore intero valido"),
        ({"kind": "castle"}, "Scegli il tipo di alloggio."),
        ({"state": "occupied-ish"}, "Scegli lo stato dell&#39;alloggio."),
        ({"managed_by": "nobody"}, "Scegli chi gestisce l&#39;alloggio."),
        ({"manager_name": ""}, "Scrivi il nome dell&#39;ente che lo gestisce."),
        ({"name": ""}, "Scrivi un nome per riconoscerlo."),
        ({"name": "x" * 121}, "Il valore non può essere più lungo di 120 caratteri."),
    ],
)
def test_a_bad_dwelling_is_refused_with_what_was_typed_kept(housing_client, db, change, message):
    response = housing_client.post_form("/housing/dwellings/new", dwelling_form(**change))
    assert response.status_code == 200
    shown = page(response)
    assert message in shown
    assert 'class="error-summary"' in shown
    assert "Via Prenestina 3, Roma" in shown and "Chiavi in portineria" in shown
    for name, typed in change.items():
        if name in ("name", "places", "manager_name") and typed:  # text boxes, as typed
            assert f'value="{typed[:120]}"' in shown
    assert db.session.scalar(db.select(db.func.count(Dwelling.id))) == 0


def test_a_dwelling_people_live_in_is_not_closed(
    housing_client, db, create_dwelling, create_measure, housing_staff
):
    flat = create_dwelling()
    place(create_measure(), flat, TODAY, TODAY, by=housing_staff)
    db.session.commit()
    response = housing_client.post_form(f"/housing/dwellings/{flat.id}/state", {"state": "closed"})
    assert response.status_code == 200
    assert "chiudi prima i loro inserimenti" in page(response)
    db.session.refresh(flat)
    assert flat.state == DwellingState.AVAILABLE and flat.closed_on is None

    hand_made = housing_client.post_form(f"/housing/dwellings/{flat.id}/state", {"state": "x"})
    assert hand_made.status_code == 200
    assert "Scegli lo stato dell&#39;alloggio." in page(hand_made)


def test_works_are_kept_to_the_cent(housing_client, db, create_dwelling):
    flat = create_dwelling(state="refurbishing")
    response = housing_client.post_form(
        f"/housing/dwellings/{flat.id}/works",
        {"description": "Tinteggiatura", "starts_on": "2026-02-01", "ends_on": "2026-02-20",
         "cost": "1.200,50"},
    )  # fmt: skip
    assert response.status_code == 302
    [work] = works_of(flat)
    assert (work.description, work.cost) == ("Tinteggiatura", Decimal("1200.50"))
    assert [a.target_id for a in audit(db, "housing.work_added")] == [work.id]
    shown = page(housing_client.get(f"/housing/dwellings/{flat.id}"))
    assert "Tinteggiatura" in shown
    assert "1.200,50\xa0€" in shown


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cost": "-5"}, "L&#39;importo non può essere negativo."),
        ({"cost": "1e30"}, "Scrivi l&#39;importo in euro, per esempio 350,00."),
        ({"cost": "9" * 5000}, "Scrivi l&#39;importo in euro, per esempio 350,00."),
        ({"cost": "999999999"}, "L&#39;importo è troppo grande"),
        ({"cost": "12,345"}, "Scrivi l&#39;importo in euro, al massimo con due decimali."),
        ({"ends_on": "2026-01-01"}, "La fine non può essere prima dell&#39;inizio."),
        ({"starts_on": ""}, "Scrivi la data di inizio."),
        ({"starts_on": "9999-01-01"}, "Scegli una data tra il 2000 e il 2100."),
        ({"description": ""}, "Scrivi che lavori sono."),
    ],
)
def test_bad_works_are_refused_with_what_was_typed_kept(
    housing_client, db, create_dwelling, change, message
):
    flat = create_dwelling(state="refurbishing")
    sent = {"description": "Caldaia nuova", "starts_on": "2026-02-01", "ends_on": "",
            "cost": "800"} | change  # fmt: skip
    response = housing_client.post_form(f"/housing/dwellings/{flat.id}/works", sent)
    assert response.status_code == 200
    shown = page(response)
    assert message in shown
    if change.get("description") != "":
        assert 'value="Caldaia nuova"' in shown
    assert works_of(flat) == []


def test_the_dwelling_page_says_who_lived_there_from_when_to_when(
    housing_client, db, create_dwelling, create_measure, create_case, housing_staff
):
    flat = create_dwelling()
    intake = create_case(first_name="Amina")
    measure = create_measure(intake, household_members=2)
    place(measure, flat, TODAY, TODAY, by=housing_staff)
    db.session.commit()
    shown = page(housing_client.get(f"/housing/dwellings/{flat.id}"))
    assert f'href="/cases/{intake.id}/housing"' in shown
    assert "Amina" in shown and "ci vive ancora" in shown
    assert "3/3 posti occupati oggi" in shown


DWELLING_ROUTES = [
    ("GET", "/housing/dwellings"),
    ("GET", "/housing/dwellings/new"),
    ("POST", "/housing/dwellings/new"),
    ("GET", "/housing/dwellings/{id}"),
    ("GET", "/housing/dwellings/{id}/edit"),
    ("POST", "/housing/dwellings/{id}/edit"),
    ("POST", "/housing/dwellings/{id}/state"),
    ("POST", "/housing/dwellings/{id}/works"),
]


def call(client, method, url):
    return client.get(url) if method == "GET" else client.post_form(url, {"state": "closed"})


@pytest.mark.parametrize(("method", "url"), DWELLING_ROUTES)
@pytest.mark.parametrize(
    "who",
    [
        {"role": Role.CASEWORKER, "profession": "caseworker"},
        {"role": Role.CASEWORKER, "profession": "caseworker", "grants": ",casework,"},
        {"role": Role.STAFF},
        {"role": Role.STAFF, "grants": ",casework,"},
        {"role": Role.PARTICIPANT},
        {"role": Role.TUTOR},
    ],
)
def test_only_those_with_the_housing_grant_open_the_dwellings(
    client, db, login_as, create_user, create_dwelling, method, url, who
):
    flat = create_dwelling()
    login_as(create_user(**who))
    assert call(client, method, url.format(id=flat.id)).status_code == 403
    db.session.refresh(flat)
    assert flat.state == DwellingState.AVAILABLE


@pytest.mark.parametrize(("method", "url"), DWELLING_ROUTES)
def test_nobody_logged_in_is_sent_to_log_in(client, create_dwelling, method, url):
    flat = create_dwelling()
    response = call(client, method, url.format(id=flat.id))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "url"), [r for r in DWELLING_ROUTES if "{id}" in r[1]])
def test_another_municipalitys_dwelling_is_not_found(
    client, db, login_as, create_user, create_dwelling, other_municipality, method, url
):
    theirs = create_dwelling(municipality_id=other_municipality.id, name="Casa di Milano")
    login_as(create_user(Role.STAFF, grants=",housing,"))
    assert call(client, method, url.format(id=theirs.id)).status_code == 404
    db.session.refresh(theirs)
    assert theirs.state == DwellingState.AVAILABLE
    assert "Casa di Milano" not in page(client.get("/housing/dwellings"))


def test_the_menu_shows_the_dwellings_to_those_who_manage_housing(
    client, login_as, housing_caseworker, caseworker
):
    login_as(housing_caseworker)
    assert 'href="/housing/dwellings"' in page(client.get("/cases"))
    login_as(caseworker)
    assert 'href="/housing/dwellings"' not in page(client.get("/cases"))
