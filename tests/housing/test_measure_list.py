"""The list of a municipality's housing measures: who is in which measure, filtered by
status and kind, never another municipality's, only for the housing team."""

from civic_app.core.permissions import Role
from civic_app.housing.measures import advance, propose_measure

from ._records import TODAY, person_in_care, placement_measure


def test_the_list_shows_this_municipality_s_measures_by_status_and_kind(
    db, client, login_as, create_user, municipality, other_municipality
):
    team = create_user(Role.STAFF, grants=",housing,")
    here = person_in_care(municipality.id, "Amina")
    rent = propose_measure(
        here,
        {"kind": "rent_support", "starts_on": TODAY, "monthly_amount": "350", "months": 6},
        by=team,
        municipality_id=municipality.id,
    )
    advance(rent, "active", TODAY, by=team)
    placement_measure(person_in_care(municipality.id, "Bilal"), team)
    placement_measure(person_in_care(other_municipality.id, "Stranger"), team)
    db.session.commit()
    login_as(team)
    page = client.get("/housing/measures").get_data(as_text=True)
    assert "Amina" in page and "Bilal" in page and "Stranger" not in page
    assert "2100,00" in page.replace("\xa0", "").replace(".", "")
    active = client.get("/housing/measures?status=active").get_data(as_text=True)
    assert "Amina" in active and "Bilal" not in active
    placements = client.get("/housing/measures?kind=placement").get_data(as_text=True)
    assert "Bilal" in placements and "Amina" not in placements


def test_an_unknown_filter_is_a_message_and_the_whole_list(
    db, client, login_as, create_user, municipality
):
    team = create_user(Role.STAFF, grants=",housing,")
    placement_measure(person_in_care(municipality.id, "Amina"), team)
    db.session.commit()
    login_as(team)
    response = client.get("/housing/measures?status=teleported&kind=castle")
    assert response.status_code == 200
    assert "Amina" in response.get_data(as_text=True)
    assert "Scegli un valore" in response.get_data(as_text=True)
    assert client.get("/housing/measures?kind=%00").status_code == 400


def test_only_the_housing_team_opens_it(db, client, login_as, create_user, staff):
    login_as(staff)
    assert client.get("/housing/measures").status_code == 403
    login_as(create_user(Role.CASEWORKER, profession="caseworker"))
    assert client.get("/housing/measures").status_code == 403
